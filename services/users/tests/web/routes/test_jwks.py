"""Ed25519 access tokens, their key set (GET /auth/jwks.json) and key rotation (SECURITY row 80)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from apiflask import APIFlask
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, load_pem_private_key

from tests.factories import AuthActions, UserRef
from users_service.runtime.keys import SigningKey, generate_pem, thumbprint
from users_service.runtime.settings import ConfigError, load_settings

INVALID = "Invalid token. Please log in again."
KEY_A, KEY_B = generate_pem(), generate_pem()
EC_KEY = (
    ec.generate_private_key(ec.SECP256R1()).private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def status_of(app: APIFlask, token: str) -> tuple[int, str]:
    response = app.test_client().get("/auth/status", headers=bearer(token))
    return response.status_code, response.json.get("message", "")


def key_of(pem: str) -> SigningKey:
    key = load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return SigningKey.of(key)


def test_tokens_are_eddsa_with_the_kid_of_the_signing_key(auth: AuthActions, user: UserRef, app: APIFlask) -> None:
    token = auth.token(user)
    header = jwt.get_unverified_header(token)
    current = app.extensions["settings"].signing_keys.current
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": current.kid}
    claims = jwt.decode(token, current.public_key, algorithms=["EdDSA"], audience="users-api", issuer="users-service")
    assert claims["sub"] == str(user.id)


def test_the_admin_claim_is_the_accounts_flag_at_issue(auth: AuthActions) -> None:
    admin = auth.create_user(admin=True)
    member = auth.create_user()
    assert jwt.decode(auth.token(admin), options={"verify_signature": False})["admin"] is True
    assert jwt.decode(auth.token(member), options={"verify_signature": False})["admin"] is False


def test_jwks_publishes_the_public_keys_current_first(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(JWT_PRIVATE_KEYS=KEY_B + KEY_A)
    response = app.test_client().get("/auth/jwks.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "Pragma" not in response.headers  # nothing tells a cache the opposite
    assert response.mimetype == "application/json"
    keys = response.json["keys"]
    assert [key["kid"] for key in keys] == [key_of(KEY_B).kid, key_of(KEY_A).kid]
    for jwk, pem in zip(keys, (KEY_B, KEY_A), strict=True):
        assert jwk == {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": key_of(pem).x,
            "kid": jwk["kid"],
            "alg": "EdDSA",
            "use": "sig",
        }
        # The kid is the RFC 7638 thumbprint of the public key.
        assert jwk["kid"] == thumbprint(jwk["x"])


def test_jwks_never_shows_a_private_part(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(JWT_PRIVATE_KEYS=KEY_B + KEY_A)
    body = app.test_client().get("/auth/jwks.json").get_data(as_text=True)
    for pem in (KEY_A, KEY_B):
        private = key_of(pem).private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        assert base64.urlsafe_b64encode(private).rstrip(b"=").decode() not in body
        assert base64.b64encode(private).decode().rstrip("=") not in body
        assert pem.splitlines()[1] not in body
    assert all(set(jwk) == {"kty", "crv", "x", "kid", "alg", "use"} for jwk in json.loads(body)["keys"])
    assert "PRIVATE" not in body


def test_a_token_of_the_previous_key_verifies_while_the_key_is_in_the_set(
    make_app: Callable[..., APIFlask],
) -> None:
    before = make_app(JWT_PRIVATE_KEYS=KEY_A)
    auth = AuthActions(before, before.test_client())
    old_token = auth.token(auth.create_user())
    assert status_of(before, old_token)[0] == 200

    # Rotation: the new key in front signs, the old one still verifies.
    rotated = make_app(JWT_PRIVATE_KEYS=KEY_B + "\n" + KEY_A)
    assert status_of(rotated, old_token)[0] == 200
    new_token = AuthActions(rotated, rotated.test_client()).token(auth.create_user())
    assert jwt.get_unverified_header(new_token)["kid"] == key_of(KEY_B).kid

    # The old key removed: its tokens fail, the new key's still work.
    after = make_app(JWT_PRIVATE_KEYS=KEY_B)
    assert status_of(after, old_token) == (401, INVALID)
    assert status_of(after, new_token)[0] == 200


# SECURITY row 80: cross-service-token-trust
def test_a_token_with_an_unknown_kid_is_401(auth: AuthActions, user: UserRef, app: APIFlask) -> None:
    claims = jwt.decode(auth.token(user), options={"verify_signature": False})
    stranger = Ed25519PrivateKey.generate()
    unknown = jwt.encode(claims, stranger, algorithm="EdDSA", headers={"kid": SigningKey.of(stranger).kid})
    no_kid = jwt.encode(claims, app.extensions["settings"].signing_keys.current.private_key, algorithm="EdDSA")
    assert status_of(app, unknown) == (401, INVALID)
    # A kid is required: even our own key's signature is not tried without one.
    assert status_of(app, no_kid) == (401, INVALID)


class _KeyServer:
    """An attacker's key server: counts every request it gets."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.hits: list[str] = []
        body = json.dumps(jwks).encode()
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def attacker() -> Iterator[tuple[Ed25519PrivateKey, _KeyServer]]:
    key = Ed25519PrivateKey.generate()
    server = _KeyServer({"keys": [SigningKey.of(key).public_jwk()]})
    yield key, server
    server.close()


# SECURITY row 80: cross-service-token-trust
@pytest.mark.parametrize("header", ["jku", "x5u"])
def test_key_urls_in_the_header_are_refused_and_never_fetched(
    auth: AuthActions, user: UserRef, app: APIFlask, attacker: tuple[Ed25519PrivateKey, _KeyServer], header: str
) -> None:
    attacker_key, server = attacker
    claims = jwt.decode(auth.token(user), options={"verify_signature": False}) | {"admin": True}
    own = app.extensions["settings"].signing_keys.current
    url = f"{server.url}/jwks.json"
    # Signed with the attacker's key, which only the URL would vouch for.
    forged = jwt.encode(
        claims, attacker_key, algorithm="EdDSA", headers={"kid": SigningKey.of(attacker_key).kid, header: url}
    )
    # Signed with our real key: valid in every other way, refused for the header alone.
    with_url = jwt.encode(claims, own.private_key, algorithm="EdDSA", headers={"kid": own.kid, header: url})
    assert status_of(app, forged) == (401, INVALID)
    assert status_of(app, with_url) == (401, INVALID)
    assert server.hits == []


def test_production_refuses_to_start_without_jwt_private_keys() -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(APP_ENV="production", SECRET_KEY="s" * 40, REDIS_URL="redis://x", DATABASE_URL="sqlite://")
    message = str(refused.value)
    assert "JWT_PRIVATE_KEYS is required when APP_ENV is production" in message
    assert message.count(". ") == 0 and message.endswith(".")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("not a key", "holds no PEM block"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "PEM block 1 is not an unencrypted"),
        (KEY_A + EC_KEY, "PEM block 2 is not an Ed25519 key"),
    ],
)
def test_keys_that_are_not_ed25519_private_keys_are_refused(value: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        load_settings(APP_ENV="testing", DATABASE_URL="sqlite://", JWT_PRIVATE_KEYS=value)


def test_escaped_line_breaks_and_repeated_keys_are_accepted() -> None:
    escaped = (KEY_A + KEY_A).replace("\n", "\\n")
    keys = load_settings(APP_ENV="testing", DATABASE_URL="sqlite://", JWT_PRIVATE_KEYS=escaped).signing_keys
    assert [key.kid for key in keys.keys] == [key_of(KEY_A).kid]


def test_the_development_key_is_derived_from_secret_key() -> None:
    def kid(secret: str) -> str:
        settings = load_settings(APP_ENV="development", DATABASE_URL="sqlite://", SECRET_KEY=secret)
        return settings.signing_keys.current.kid

    # Every worker and replica with the same secret agrees; another secret, another key.
    assert kid("a" * 40) == kid("a" * 40)
    assert kid("a" * 40) != kid("b" * 40)


def test_generate_key_prints_a_new_pem_without_any_settings(service_root: Any) -> None:
    env = {"APP_ENV": "production", "PATH": "/usr/bin:/bin", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    outputs = []
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "manage.py", "generate-key"],
            cwd=service_root,
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert isinstance(load_pem_private_key(result.stdout.encode(), password=None), Ed25519PrivateKey)
        outputs.append(result.stdout)
    assert outputs[0] != outputs[1]


def test_a_production_process_without_keys_exits_with_one_sentence(service_root: Any, tmp_path: Any) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "APP_ENV": "production",
        "SECRET_KEY": "s" * 40,
        "REDIS_URL": "redis://127.0.0.1:6379/13",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "routes"],
        cwd=service_root,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Invalid configuration: JWT_PRIVATE_KEYS is required when APP_ENV is production: set it to the service's "
        "Ed25519 private keys in PEM form (python manage.py generate-key prints a new one)."
    ]
