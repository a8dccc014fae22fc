"""The tokens a process remembers once verified: what a remembered token still has to pass."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from jwt import PyJWK
from service_kit.tokens import VerifiedTokens

from items_service.domain import tokens as tokens_module
from tests.keys import JwksServer, SigningKey

EXPIRED = "Signature expired. Please log in again."
INVALID = "Invalid token. Please log in again."


def _get(client: FlaskClient, token: str) -> Any:
    return client.get("/items", headers={"Authorization": f"Bearer {token}"})


def _full_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tokens that go through the full check (signature and claims), in order."""
    checked: list[str] = []
    verify = tokens_module._verify

    def counting(keys: Any, token: str, issuer: str, audience: str) -> Any:
        checked.append(token)
        return verify(keys, token, issuer, audience)

    monkeypatch.setattr(tokens_module, "_verify", counting)
    return checked


def _verified_tokens(app: APIFlask) -> VerifiedTokens[PyJWK]:
    return app.extensions["verified_tokens"]  # type: ignore[no-any-return]


def test_a_token_is_checked_in_full_once_then_remembered(
    client: FlaskClient, signing_key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = _full_checks(monkeypatch)
    token, other = signing_key.token(3), signing_key.token(4)
    for _ in range(3):
        assert _get(client, token).status_code == 200
    assert _get(client, other).status_code == 200
    assert checked == [token, other]


def test_a_refused_token_is_not_remembered(
    client: FlaskClient, signing_key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = _full_checks(monkeypatch)
    # Validly signed, but with a header that is refused before anything is remembered.
    token = signing_key.token(3, headers={"jku": "http://127.0.0.1:1/evil.json"})
    for _ in range(2):
        response = _get(client, token)
        assert response.status_code == 401
        assert response.json["message"] == INVALID
    assert checked == [token, token]


def test_a_remembered_token_that_expires_is_refused_with_the_expired_message(
    client: FlaskClient, signing_key: SigningKey
) -> None:
    # exp two seconds ahead: verified (and remembered) now, expired after the pause.
    token = signing_key.token(3, issued_at=time.time(), ttl=2)
    assert _get(client, token).status_code == 200
    time.sleep(max(0.0, _exp(token) - time.time()) + 0.05)
    response = _get(client, token)
    assert response.status_code == 401
    assert response.json["message"] == EXPIRED


def _exp(token: str) -> float:
    return float(jwt.decode(token, options={"verify_signature": False})["exp"])


def test_a_remembered_token_of_a_key_removed_from_the_set_is_refused(
    make_app: Callable[..., APIFlask], jwks: JwksServer, signing_key: SigningKey
) -> None:
    client = make_app(JWKS_REFRESH_INTERVAL=0).test_client()
    token = signing_key.token(3)
    assert _get(client, token).status_code == 200
    # The users service drops the key; a token of its new key makes items refetch the set.
    new_key = SigningKey()
    jwks.keys = [new_key]
    assert _get(client, new_key.token(3)).status_code == 200
    response = _get(client, token)
    assert response.status_code == 401
    assert response.json["message"] == INVALID


def test_a_remembered_token_is_checked_in_full_again_once_its_key_was_refetched(
    make_app: Callable[..., APIFlask], jwks: JwksServer, signing_key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A remembered token holds the very key that verified it: once the set is read again, the
    # token is checked in full against the key the set now names, never trusted on its kid alone.
    app = make_app(JWKS_REFRESH_INTERVAL=0)
    client = app.test_client()
    token = signing_key.token(3)
    assert _get(client, token).status_code == 200
    checked = _full_checks(monkeypatch)
    stranger = SigningKey()
    jwks.keys = [stranger]
    assert _get(client, stranger.token(3)).status_code == 200
    jwks.keys = [signing_key, stranger]
    assert _get(client, SigningKey().token(3)).status_code == 401  # an unknown kid: the set is read again
    assert _get(client, token).status_code == 200
    assert checked[-1] == token


def test_the_number_of_remembered_tokens_is_bounded(app: APIFlask, signing_key: SigningKey) -> None:
    verified = _verified_tokens(app)
    verified.max_entries = 3
    client = app.test_client()
    tokens = [signing_key.token(user_id) for user_id in range(1, 8)]
    for token in tokens:
        assert _get(client, token).status_code == 200
    assert list(verified.entries) == tokens[-3:]
