"""Access tokens checked offline against the users service's key set (SECURITY row 80)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from flask.testing import FlaskClient

from tests.keys import SigningKey

INVALID = "Invalid token. Please log in again."
EXPIRED = "Signature expired. Please log in again."


def _get(client: FlaskClient, token: str) -> Any:
    return client.get("/items", headers={"Authorization": f"Bearer {token}"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forged(header: dict[str, Any], claims: dict[str, Any], secret: bytes) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _claims(signing_key: SigningKey, **changes: Any) -> dict[str, Any]:
    return {**jwt.decode(signing_key.token(3), options={"verify_signature": False}), **changes}


def test_a_token_signed_by_the_users_key_is_accepted(client: FlaskClient, signing_key: SigningKey) -> None:
    assert _get(client, signing_key.token(3)).status_code == 200


# SECURITY row 80
@pytest.mark.parametrize(
    "header",
    [
        {"jku": "http://127.0.0.1:1/evil.json"},
        {"x5u": "http://127.0.0.1:1/evil.pem"},
        {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}},
        {"x5c": ["MIIB"]},
        {"crit": ["exp"]},
    ],
)
def test_header_that_names_or_carries_a_key_is_refused(
    client: FlaskClient, signing_key: SigningKey, header: dict[str, Any]
) -> None:
    # Validly signed by the right key: only the header field makes it unacceptable.
    response = _get(client, signing_key.token(3, headers=header))
    assert response.status_code == 401
    assert response.json["message"] == INVALID


def test_alg_confusion_hs256_with_the_public_key_as_secret_is_refused(
    client: FlaskClient, signing_key: SigningKey
) -> None:
    public = base64.urlsafe_b64decode(signing_key.x + "==")
    for secret in (public, signing_key.x.encode(), json.dumps(signing_key.jwk()).encode()):
        token = _forged({"alg": "HS256", "typ": "JWT", "kid": signing_key.kid}, _claims(signing_key), secret)
        assert _get(client, token).status_code == 401


def test_alg_none_is_refused(client: FlaskClient, signing_key: SigningKey) -> None:
    token = jwt.encode(_claims(signing_key), None, algorithm="none", headers={"kid": signing_key.kid})
    assert _get(client, token).status_code == 401


def test_a_key_not_in_the_set_is_refused_even_under_a_known_kid(client: FlaskClient, signing_key: SigningKey) -> None:
    stranger = SigningKey()
    token = jwt.encode(_claims(signing_key), stranger.private, algorithm="EdDSA", headers={"kid": signing_key.kid})
    response = _get(client, token)
    assert response.status_code == 401
    assert response.json["message"] == INVALID


def test_unknown_kid_is_refused(client: FlaskClient) -> None:
    assert _get(client, SigningKey().token(3)).status_code == 401


def test_token_without_kid_is_refused(client: FlaskClient, signing_key: SigningKey) -> None:
    token = jwt.encode(_claims(signing_key), signing_key.private, algorithm="EdDSA")
    assert _get(client, token).status_code == 401


def test_expired_token_is_refused_with_its_message(client: FlaskClient, signing_key: SigningKey) -> None:
    response = _get(client, signing_key.token(3, issued_at=time.time() - 3600, ttl=60))
    assert response.status_code == 401
    assert response.json["message"] == EXPIRED


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-api"},
        {"iss": "someone-else"},
        {"typ": "refresh"},
        {"sub": "not-a-number"},
        {"sub": "0"},
        {"sub": str(2**40)},
        {"iat": "yesterday"},
        {"nbf": int(time.time()) + 3600},
    ],
)
def test_wrong_claims_are_refused(client: FlaskClient, signing_key: SigningKey, claims: dict[str, Any]) -> None:
    response = _get(client, signing_key.token(3, **claims))
    assert response.status_code == 401
    assert response.json["message"] == INVALID


@pytest.mark.parametrize("missing", ["exp", "iat", "nbf", "sub", "jti", "iss", "aud", "typ"])
def test_every_required_claim_must_be_there(client: FlaskClient, signing_key: SigningKey, missing: str) -> None:
    claims = _claims(signing_key)
    del claims[missing]
    token = jwt.encode(claims, signing_key.private, algorithm="EdDSA", headers={"kid": signing_key.kid})
    assert _get(client, token).status_code == 401


@pytest.mark.parametrize("value", ["not.a.token", "a.b", "", "x" * 50])
def test_garbage_is_refused(client: FlaskClient, value: str) -> None:
    response = client.get("/items", headers={"Authorization": f"Bearer {value}"})
    assert response.status_code == 401


@pytest.mark.parametrize("header", ["Token abc", "Bearer", "bearer"])
def test_malformed_authorization_header_asks_for_a_token(client: FlaskClient, header: str) -> None:
    response = client.get("/items", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["message"] == "Provide a valid auth token."


def test_the_admin_claim_must_be_true_itself(
    client: FlaskClient, signing_key: SigningKey, bearer: Callable[..., dict[str, str]]
) -> None:
    assert client.get("/items?owner_id=4", headers=bearer(3, admin="yes")).status_code == 403
    assert client.get("/items?owner_id=4", headers=bearer(3, admin=True)).status_code == 200


def test_token_in_the_query_string_is_not_read(client: FlaskClient, signing_key: SigningKey) -> None:
    assert client.get(f"/items?token={signing_key.token(3)}").status_code == 401
