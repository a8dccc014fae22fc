"""Registration, login, tokens and sessions (SECURITY rows 1-6, 10, 12-14, 18, 25-37)."""

from __future__ import annotations

import base64
import hmac
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import time_machine
from apiflask import APIFlask
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from flask.testing import FlaskClient

from tests.factories import DEFAULT_PASSWORD, PRODUCTION, AuthActions, UserRef, database_of
from users_service.domain.tokens import ALGORITHM
from users_service.runtime.keys import SigningKey

REGISTER = "/auth/register"


def register(
    client: FlaskClient,
    username: str = "alice.smith",
    email: str = "alice@example.com",
    password: str = DEFAULT_PASSWORD,
    **extra: Any,
) -> Any:
    return client.post(REGISTER, json={"username": username, "email": email, "password": password, **extra})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refresh_cookie(client: FlaskClient, name: str = "refresh_token") -> str | None:
    cookie = client.get_cookie(name, path="/auth")
    return cookie.value if cookie else None


def test_register_creates_an_account_and_logs_in(client: FlaskClient) -> None:
    response = register(client)
    assert response.status_code == 201
    assert response.json["message"] == "Successfully registered."
    assert response.json["auth_token"]
    status = client.get("/auth/status", headers=bearer(response.json["auth_token"]))
    assert status.json["data"]["email"] == "alice@example.com"


def test_register_duplicate_is_409(client: FlaskClient) -> None:
    register(client)
    response = register(client, username="alice.other")
    assert response.status_code == 409
    assert response.json == {
        "status": "fail",
        "message": "Sorry. That user already exists.",
        "request_id": response.headers["X-Request-ID"],
    }


# SECURITY row 1: malformed-json
def test_malformed_json_is_400_invalid_payload(client: FlaskClient) -> None:
    response = client.post("/auth/login", data='{"email":', content_type="application/json")
    assert response.status_code == 400
    assert response.json["message"] == "Invalid payload."
    assert "Traceback" not in response.get_data(as_text=True)


# SECURITY row 2: wrong-content-type
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_non_json_bodies_are_415(client: FlaskClient, content_type: str) -> None:
    response = client.post("/auth/login", data='{"email": "a@b.io", "password": "x"}', content_type=content_type)
    assert response.status_code == 415
    assert response.json["status"] == "fail"


# SECURITY row 3: missing-and-wrong-types
@pytest.mark.parametrize(
    "body, fields",
    [
        ({"email": "a@b.io"}, {"password"}),
        ({"email": 123, "password": "x"}, {"email"}),
        ({"email": "a@b.io", "password": ["x"]}, {"password"}),
        ({"email": None, "password": None}, {"email", "password"}),
        ({}, {"email", "password"}),
    ],
)
def test_missing_and_wrong_types_are_400_with_field_errors(
    client: FlaskClient, body: dict[str, Any], fields: set[str]
) -> None:
    response = client.post("/auth/login", json=body)
    assert response.status_code == 400
    assert response.json["message"] == "Invalid payload."
    assert set(response.json["errors"]) == fields


@pytest.mark.parametrize("body", [[], "text", 42, None])
def test_non_object_json_is_400(client: FlaskClient, body: Any) -> None:
    response = client.post(REGISTER, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400


# SECURITY row 4: oversize-body (direct to the server: tests/test_schemathesis.py)
def test_oversize_body_is_413_json(client: FlaskClient) -> None:
    body = json.dumps({"username": "x" * (2 * 1024 * 1024)})
    response = client.post(REGISTER, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json["status"] == "fail"


# SECURITY row 5: field-length-bounds
@pytest.mark.parametrize(
    "username, email, expected",
    [
        ("u" * 5, "a@example.com", 400),
        ("u" * 6, "a@example.com", 201),
        ("u" * 128, "a@example.com", 201),
        ("u" * 129, "a@example.com", 400),
        ("u" * 6, "a" * 244 + "@example.com", 400),
    ],
)
def test_field_length_bounds(client: FlaskClient, username: str, email: str, expected: int) -> None:
    assert len("a" * 244 + "@example.com") == 256
    assert register(client, username=username, email=email).status_code == expected


# SECURITY row 6: nul-and-control-chars
@pytest.mark.parametrize("field", ["username", "email", "password"])
def test_nul_characters_are_400(client: FlaskClient, field: str) -> None:
    values = {"username": "alice.smith", "email": "alice@example.com", "password": DEFAULT_PASSWORD}
    values[field] = values[field][:3] + "\u0000" + values[field][3:]
    response = register(client, **values)
    assert response.status_code == 400
    assert field in response.json["errors"]


# SECURITY row 10: pollution-and-normalisation (emails are trimmed and lower-cased)
def test_email_case_and_spaces_do_not_create_a_second_account(client: FlaskClient, app: APIFlask) -> None:
    assert register(client, email="Alice@x.io").status_code == 201
    assert register(client, username="alice.again", email=" alice@x.io").status_code == 409
    from users_service.domain.models import User

    with database_of(app).unit_of_work() as session:
        assert session.query(User).count() == 1


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("  Alice.Smith@Example.IO ", "alice.smith@example.io"),
        # Only ASCII letters change case and only spaces are trimmed: the length never
        # changes, and no other letter is folded onto an ASCII one (the Kelvin sign is not k).
        ("\u212aelvin@\u00c9COLE.fr", "\u212aelvin@\u00c9cole.fr"),
        ("\tbob@x.io", "\tbob@x.io"),
    ],
)
def test_email_normalisation_is_ascii_only_and_length_preserving(given: str, stored: str) -> None:
    from users_service.domain.users import normalise_email

    assert normalise_email(given) == stored
    assert len(normalise_email(given)) == len(given.strip(" "))


def test_duplicate_json_keys_take_the_last_value(client: FlaskClient) -> None:
    # Documented choice (Python's json module): the last duplicate key wins.
    body = (
        '{"username": "first.name", "username": "second.name", "email": "d@example.com", '
        f'"password": "{DEFAULT_PASSWORD}"}}'
    )
    response = client.post(REGISTER, data=body, content_type="application/json")
    assert response.status_code == 201
    status = client.get("/auth/status", headers=bearer(response.json["auth_token"]))
    assert status.json["data"]["username"] == "second.name"


# SECURITY row 12: password-length (64 four-byte emoji = 256 bytes)
@pytest.mark.parametrize(
    "password, expected",
    [
        ("q8#Lz!vR2m@", 201),
        ("q8#Lz!vR2m", 400),
        ("Zq9" * 42 + "xy", 201),
        ("Zq9" * 43, 400),
        ("\U0001f600\U0001f431\U0001f680\U0001f33b" * 16, 201),
    ],
)
def test_password_length_bounds(client: FlaskClient, password: str, expected: int) -> None:
    response = register(client, password=password)
    assert response.status_code == expected, response.json
    if expected == 201:
        login = client.post("/auth/login", json={"email": "alice@example.com", "password": password})
        assert login.status_code == 200


# SECURITY row 13: no-composition-rules
def test_passphrase_without_digits_or_symbols_is_accepted(client: FlaskClient) -> None:
    assert register(client, password="correct horse battery staple").status_code == 201


# SECURITY row 14: common-password
@pytest.mark.parametrize(
    "password", ["password1234", "123456789012", "my alice.smith pass", "           ", "aaaaaaaaaaaa", "abcdefghijkl"]
)
def test_common_or_personal_passwords_are_400_with_a_message(client: FlaskClient, password: str) -> None:
    response = register(client, password=password)
    assert response.status_code == 400
    assert response.json["errors"]["password"]


def test_mass_assignment_on_register_is_ignored(client: FlaskClient, app: APIFlask) -> None:
    # SECURITY row 41
    response = register(client, admin=True, active=False, id=999, created_date="2000-01-01T00:00:00Z")
    assert response.status_code == 201
    data = client.get("/auth/status", headers=bearer(response.json["auth_token"])).json["data"]
    assert data["admin"] is False and data["active"] is True and data["id"] != 999
    assert not data["created_date"].startswith("2000")


def test_login_succeeds_with_a_refresh_cookie(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    response = auth.login(user.email)
    assert response.status_code == 200
    assert response.json["message"] == "Successfully logged in."
    assert response.json["expires_in"] == 900
    assert refresh_cookie(client)


def test_login_email_is_case_insensitive(auth: AuthActions, user: UserRef) -> None:
    assert auth.login("  USER@Example.com ").status_code == 200


# SECURITY row 18: login-enumeration (same status and body; dummy hash for unknown emails)
def test_login_fails_identically_for_unknown_email_wrong_password_and_inactive_user(auth: AuthActions) -> None:
    auth.create_user(email="active@example.com")
    auth.create_user(email="inactive@example.com", active=False)
    bodies = []
    for email, password in (
        ("nobody@example.com", DEFAULT_PASSWORD),
        ("active@example.com", "wrong password!"),
        ("inactive@example.com", DEFAULT_PASSWORD),
    ):
        response = auth.login(email, password)
        assert response.status_code == 401
        body = dict(response.json)
        body.pop("request_id")
        bodies.append(body)
    assert bodies == [{"status": "fail", "message": "Invalid email or password."}] * 3


def test_login_fails_for_inactive_user(auth: AuthActions) -> None:
    inactive = auth.create_user(active=False)
    assert auth.login(inactive.email).status_code == 401


def test_unknown_email_costs_a_hash_computation(auth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    from users_service.domain import auth as auth_service

    calls: list[str] = []
    monkeypatch.setattr(auth_service, "burn_dummy_hash", lambda settings, password: calls.append("dummy"))
    auth.login("nobody@example.com", "whatever password")
    assert calls == ["dummy"]


def test_no_transaction_is_open_during_the_hash(
    app: APIFlask, auth: AuthActions, user: UserRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A login runs in autocommit mode: its reads take no snapshot and hold no lock while the
    # password is hashed.
    from service_kit.web.database import current_connection

    from users_service.domain import auth as auth_service

    in_transaction: list[bool] = []
    real_verify = auth_service.verify_password

    def verify(settings: Any, stored: str, password: str) -> bool:
        driver = current_connection().connection.driver_connection
        if hasattr(driver, "info"):  # psycopg
            in_transaction.append(driver.info.transaction_status != driver.info.transaction_status.IDLE)
        else:  # sqlite3
            in_transaction.append(driver.in_transaction)
        return real_verify(settings, stored, password)

    monkeypatch.setattr(auth_service, "verify_password", verify)
    assert auth.login(user.email).status_code == 200
    assert in_transaction == [False]


@pytest.mark.parametrize("rehash", [False, True], ids=["current hash", "hash to upgrade"])
def test_an_account_deleted_during_the_hash_gets_401(
    app: APIFlask, auth: AuthActions, user: UserRef, monkeypatch: pytest.MonkeyPatch, rehash: bool
) -> None:
    from sqlalchemy import delete, func, select

    from users_service.domain import auth as auth_service
    from users_service.domain.models import RefreshToken, User

    database = database_of(app)
    real_verify = auth_service.verify_password

    def verify_then_delete(settings: Any, stored: str, password: str) -> bool:
        with database.engine.begin() as other:  # another request, say an admin's, deletes the account
            other.execute(delete(User).where(User.email == user.email))
        return real_verify(settings, stored, password)

    monkeypatch.setattr(auth_service, "verify_password", verify_then_delete)
    monkeypatch.setattr(auth_service, "needs_rehash", lambda settings, stored: rehash)
    response = auth.login(user.email)
    assert response.status_code == 401
    assert response.json["message"] == "Invalid email or password."
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(RefreshToken)) == 0


# SECURITY row 18: 30 timed samples each for unknown email, wrong password, deactivated user
@pytest.mark.slow
def test_login_timing_is_similar_for_unknown_known_and_inactive_accounts(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_ENABLED=False, ARGON2_MEMORY_COST=8192, ARGON2_TIME_COST=2)
    auth = AuthActions(app, app.test_client())
    known = auth.create_user()
    inactive = auth.create_user(active=False)
    cases = {
        "unknown": ("nobody@example.com", "not the password"),
        "wrong": (known.email, "not the password"),
        "inactive": (inactive.email, inactive.password),
    }
    samples: dict[str, list[float]] = {kind: [] for kind in cases}
    order = list(cases)
    for round_number in range(30):
        # Back to back, in a rotating order, so that the machine's load weighs on all three alike.
        for kind in order[round_number % 3 :] + order[: round_number % 3]:
            email, password = cases[kind]
            start = time.perf_counter()
            assert auth.login(email, password).status_code == 401
            samples[kind].append(time.perf_counter() - start)
    # Each kind against "wrong password", round by round: the median of those ratios. Without
    # the dummy hash "unknown" is about six times faster, and any branch that skips or adds a
    # fifth of a hash's work fails too.
    for kind in ("unknown", "inactive"):
        ratios = sorted(a / b for a, b in zip(samples[kind], samples["wrong"], strict=True))
        assert 0.8 < ratios[len(ratios) // 2] < 1.25, (kind, ratios)


# SECURITY row 25: missing-or-malformed-auth
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Token abc"},
    ],
)
def test_missing_or_non_bearer_auth_is_401_provide_a_valid_token(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.get("/auth/status", headers=headers)
    assert response.status_code == 401
    assert response.json["message"] == "Provide a valid auth token."


# SECURITY row 76: garbage-token-message (the original's answer)
@pytest.mark.parametrize("token", ["not.a.token", "x.y", "not-a-token", "a.b.c.d"])
def test_a_garbage_bearer_token_is_401_invalid_token(client: FlaskClient, token: str) -> None:
    response = client.get("/auth/status", headers=bearer(token))
    assert response.status_code == 401
    assert response.json["message"] == "Invalid token. Please log in again."


def test_token_in_the_url_is_ignored(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    token = auth.token(user)
    assert client.get(f"/auth/status?token={token}").status_code == 401
    assert client.get(f"/auth/status?access_token={token}").status_code == 401


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(auth: AuthActions, user: UserRef) -> dict[str, Any]:
    return jwt.decode(auth.token(user), options={"verify_signature": False})


def _signing_key(app: APIFlask) -> SigningKey:
    # The key the service signs with, as an attacker who stole it would use it.
    return app.extensions["settings"].signing_keys.current  # type: ignore[no-any-return]


def _sign(app: APIFlask, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
    key = _signing_key(app)
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, **(headers or {})})


# SECURITY row 26: alg-allowlist
def test_unsigned_and_foreign_algorithm_tokens_are_401(
    auth: AuthActions, user: UserRef, client: FlaskClient, app: APIFlask
) -> None:
    claims = _claims(auth, user)
    forged = [
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        f"{_b64({'alg': 'HS512', 'typ': 'JWT'})}.{_b64(claims)}.c2ln",
        f"{_b64({'alg': 'RS256', 'typ': 'JWT'})}.{_b64(claims)}.c2ln",
        f"{_b64({'alg': 'ES256', 'typ': 'JWT'})}.{_b64(claims)}.c2ln",
        jwt.encode(claims, "another key that is long enough to be HS256!!", algorithm="HS256"),
    ]
    for token in forged:
        assert client.get("/auth/status", headers=bearer(token)).status_code == 401, token


# SECURITY row 77: foreign-algorithm-with-real-key
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("algorithm", ["HS256", "HS384", "HS512"])
@pytest.mark.parametrize("material", ["public key", "public key PEM", "private key"])
def test_the_real_key_under_another_algorithm_is_401(
    auth: AuthActions, user: UserRef, client: FlaskClient, app: APIFlask, algorithm: str, material: str
) -> None:
    # Key confusion: an HMAC token keyed with the service's own key material (the public key
    # anyone can read from the JWKS). The signature is valid for that secret: only the
    # algorithm pin can refuse this token.
    key = _signing_key(app)
    secret = {
        "public key": key.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw),
        "public key PEM": key.public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
        "private key": key.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
    }[material]
    header = _b64({"alg": algorithm, "typ": "JWT", "kid": key.kid})
    signing_input = f"{header}.{_b64(_claims(auth, user))}"
    digest = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}[algorithm]
    signature = base64.urlsafe_b64encode(hmac.new(secret, signing_input.encode(), digest).digest())
    token = f"{signing_input}.{signature.rstrip(b'=').decode()}"
    response = client.get("/auth/status", headers=bearer(token))
    assert response.status_code == 401
    assert response.json["message"] == "Invalid token. Please log in again."


# SECURITY row 77: foreign-algorithm-with-real-key (EdDSA with another key)
def test_a_token_signed_with_another_ed25519_key_under_our_kid_is_401(
    auth: AuthActions, user: UserRef, client: FlaskClient, app: APIFlask
) -> None:
    token = jwt.encode(
        _claims(auth, user), Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": _signing_key(app).kid}
    )
    response = client.get("/auth/status", headers=bearer(token))
    assert response.status_code == 401
    assert response.json["message"] == "Invalid token. Please log in again."


# SECURITY row 27: signature-and-key-source
def test_tampered_claims_and_key_source_headers_are_401(
    auth: AuthActions, user: UserRef, client: FlaskClient, app: APIFlask
) -> None:
    token = auth.token(user)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    for change in ({"sub": "2"}, {"admin": True}):
        tampered = f"{header}.{_b64({**claims, **change})}.{signature}"
        assert client.get("/auth/status", headers=bearer(tampered)).status_code == 401
    for extra in (
        {"jku": "http://127.0.0.1:9/keys"},
        {"x5u": "http://127.0.0.1:9/x"},
        {"jwk": {"kty": "oct", "k": "AAAA"}},
        {"x5c": ["MIIB"]},
        {"crit": ["exp"]},
        {"kid": "../../dev/null"},
    ):
        token = _sign(app, claims, headers=extra)
        assert client.get("/auth/status", headers=bearer(token)).status_code == 401, extra


# SECURITY row 28: exp-and-nbf
def test_expired_token_is_401_signature_expired(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    token = auth.token(user)
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=901)):
        response = client.get("/auth/status", headers=bearer(token))
    assert response.status_code == 401
    assert response.json["message"] == "Signature expired. Please log in again."


def test_token_exp_one_second_ago_and_nbf_in_the_future_are_401(
    auth: AuthActions, user: UserRef, client: FlaskClient, app: APIFlask
) -> None:
    claims = _claims(auth, user)
    now = int(time.time())
    expired = _sign(app, {**claims, "exp": now - 1})
    assert (
        client.get("/auth/status", headers=bearer(expired)).json["message"] == "Signature expired. Please log in again."
    )
    early = _sign(app, {**claims, "nbf": now + 60})
    assert client.get("/auth/status", headers=bearer(early)).status_code == 401


# SECURITY row 29: wrong-iss-aud-type
@pytest.mark.parametrize(
    "change",
    [{"iss": "someone-else"}, {"aud": "other-api"}, {"typ": "refresh"}, {"typ": None}, {"sub": "abc"}, {"ver": "x"}],
)
def test_foreign_issuer_audience_or_type_is_401(
    auth: AuthActions, user: UserRef, client: FlaskClient, app: APIFlask, change: dict[str, Any]
) -> None:
    claims = {k: v for k, v in {**_claims(auth, user), **change}.items() if v is not None}
    assert client.get("/auth/status", headers=bearer(_sign(app, claims))).status_code == 401


# SECURITY row 30: ttl-and-fresh-tokens
def test_access_token_lifetime_and_unique_ids(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    first = auth.login(user.email)
    first_cookie = refresh_cookie(client)
    second = auth.login(user.email)
    claims = [jwt.decode(r.json["auth_token"], options={"verify_signature": False}) for r in (first, second)]
    assert all(c["exp"] - c["iat"] == 900 for c in claims)
    assert claims[0]["jti"] != claims[1]["jti"]
    assert first_cookie != refresh_cookie(client)


def test_access_token_ttl_follows_settings(make_app: Any) -> None:
    app = make_app(ACCESS_TOKEN_TTL=120)
    auth = AuthActions(app, app.test_client())
    token = auth.token(auth.create_user())
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 120


# SECURITY row 31: logout-revokes
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_logout_revokes_the_access_token_and_the_refresh_cookie(
    auth: AuthActions, user: UserRef, client: FlaskClient, method: str
) -> None:
    token = auth.token(user)
    cookie = refresh_cookie(client)
    response = client.open("/auth/logout", method=method, headers=bearer(token))
    assert response.status_code == 200
    assert response.json["message"] == "Successfully logged out."
    assert client.get("/auth/status", headers=bearer(token)).status_code == 401
    assert cookie is not None
    client.set_cookie("refresh_token", cookie, path="/auth")
    assert client.post("/auth/refresh").status_code == 401


def test_logout_without_token_is_401(client: FlaskClient) -> None:
    assert client.get("/auth/logout").status_code == 401


# SECURITY row 67: session-end-kills-access-tokens
def test_logging_out_ends_every_access_token_of_the_session_at_once(
    auth: AuthActions, user: UserRef, client: FlaskClient
) -> None:
    first = auth.token(user)
    # A refresh gives the same session a second access token.
    second = client.post("/auth/refresh").json["auth_token"]
    other_session = AuthActions(auth.app, auth.app.test_client()).token(user)
    assert client.post("/auth/logout", headers=bearer(second)).status_code == 200
    assert client.get("/auth/status", headers=bearer(first)).status_code == 401
    # Another session of the same account lives on.
    assert client.get("/auth/status", headers=bearer(other_session)).status_code == 200


# SECURITY row 67: reuse detection ends the session's access tokens too
def test_refresh_token_reuse_ends_the_sessions_access_tokens(
    auth: AuthActions, user: UserRef, client: FlaskClient
) -> None:
    auth.login(user.email)
    stolen = refresh_cookie(client)
    access = client.post("/auth/refresh").json["auth_token"]
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=30)):
        client.set_cookie("refresh_token", stolen or "", path="/auth")
        assert client.post("/auth/refresh").status_code == 401
        assert client.get("/auth/status", headers=bearer(access)).status_code == 401


# SECURITY row 74: refresh-vs-credential-change (and a logout of the same session, row 67)
@pytest.mark.parametrize("change", ["password change", "deactivation", "logout"])
@pytest.mark.parametrize("first", ["change", "refresh"])
def test_a_refresh_racing_a_credential_change_mints_nothing_that_survives(
    postgres_app: APIFlask, monkeypatch: pytest.MonkeyPatch, change: str, first: str
) -> None:
    from users_service.domain import tokens

    client = postgres_app.test_client()
    auth = AuthActions(postgres_app, client)
    user = auth.create_user()
    admin = auth.create_user(admin=True)
    admin_headers, token = auth.headers(admin), auth.token(user)
    paused, go_on = threading.Event(), threading.Event()
    lock_user = tokens.lock_user

    def pause_around_the_lock(**kwargs: Any) -> Any:
        if first == "change":  # the refresh has read its token, not yet revoked
            paused.set()
            go_on.wait(timeout=10)
            return lock_user(**kwargs)
        locked = lock_user(**kwargs)  # the refresh holds the account when the change comes
        paused.set()
        go_on.wait(timeout=10)
        return locked

    monkeypatch.setattr(tokens, "lock_user", pause_around_the_lock)

    def make_the_change() -> Any:
        other = postgres_app.test_client()
        if change == "password change":
            body = {"current_password": DEFAULT_PASSWORD, "new_password": "a changed long passphrase"}
            return other.put("/auth/password", headers=bearer(token), json=body)
        if change == "logout":
            return other.post("/auth/logout", headers=bearer(token))
        return other.patch(f"/users/{user.id}", headers=admin_headers, json={"active": False})

    refreshed: list[Any] = []
    changed: list[Any] = []
    refresher = threading.Thread(target=lambda: refreshed.append(client.post("/auth/refresh")))
    changer = threading.Thread(target=lambda: changed.append(make_the_change()))
    refresher.start()
    assert paused.wait(timeout=10)
    changer.start()
    if first == "change":
        changer.join(timeout=30)
    else:
        _wait_until_a_transaction_waits_for_a_lock(postgres_app)
    go_on.set()
    refresher.join(timeout=30)
    changer.join(timeout=30)
    assert changed[0].status_code == 200
    if change == "deactivation":
        reactivated = postgres_app.test_client().patch(
            f"/users/{user.id}", headers=admin_headers, json={"active": True}
        )
        assert reactivated.status_code == 200
    # Either the refresh was refused, or nothing it minted works after the change.
    if refreshed[0].status_code == 200:
        assert client.get("/auth/status", headers=bearer(refreshed[0].json["auth_token"])).status_code == 401
    assert client.post("/auth/refresh").status_code == 401


def _wait_until_a_transaction_waits_for_a_lock(app: APIFlask) -> None:
    from sqlalchemy import text

    deadline = time.monotonic() + 10
    with database_of(app).engine.connect() as connection:
        while time.monotonic() < deadline:
            waiting = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar_one()
            if waiting:
                return
            connection.rollback()
            time.sleep(0.02)
    raise AssertionError("the change never waited for the refresh's lock")


# SECURITY row 32: refresh-rotation
def test_refresh_rotates_the_cookie(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    auth.login(user.email)
    old = refresh_cookie(client)
    response = client.post("/auth/refresh")
    assert response.status_code == 200
    new = refresh_cookie(client)
    assert new and new != old
    assert client.get("/auth/status", headers=bearer(response.json["auth_token"])).status_code == 200
    assert old and old not in response.get_data(as_text=True)


def test_refresh_without_cookie_is_401(client: FlaskClient) -> None:
    response = client.post("/auth/refresh")
    assert response.status_code == 401
    assert response.json["message"] == "Provide a valid refresh token."


def test_refresh_with_unknown_cookie_is_401(client: FlaskClient) -> None:
    client.set_cookie("refresh_token", "made-up-value", path="/auth")
    assert client.post("/auth/refresh").status_code == 401


# SECURITY row 33: refresh-reuse-kills-family
def test_reusing_a_rotated_refresh_token_revokes_the_session(
    auth: AuthActions, user: UserRef, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    auth.login(user.email)
    old = refresh_cookie(client)
    assert client.post("/auth/refresh").status_code == 200
    newest = refresh_cookie(client)
    assert old and newest
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=30)):
        client.set_cookie("refresh_token", old, path="/auth")
        with caplog.at_level("INFO", logger="users_service.audit"):
            assert client.post("/auth/refresh").status_code == 401
        client.set_cookie("refresh_token", newest, path="/auth")
        assert client.post("/auth/refresh").status_code == 401
    assert any(getattr(r, "event", None) == "authn_token_reuse" for r in caplog.records)


# SECURITY row 34: refresh-race (parallel refreshes get the same successor)
def test_parallel_refreshes_receive_the_same_successor(
    auth: AuthActions, user: UserRef, app: APIFlask, client: FlaskClient
) -> None:
    auth.login(user.email)
    cookie = refresh_cookie(client)
    assert cookie
    results: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def refresh() -> None:
        local = app.test_client()
        local.set_cookie("refresh_token", cookie, path="/auth")
        response = local.post("/auth/refresh")
        with lock:
            results.append((response.status_code, refresh_cookie(local)))

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ok = [c for status, c in results if status == 200]
    assert ok, results
    assert len(set(ok)) == 1
    # The one successor is live: the session continues from it.
    client.set_cookie("refresh_token", ok[0], path="/auth")
    assert client.post("/auth/refresh").status_code == 200


def test_a_retried_refresh_within_the_grace_window_gets_the_same_successor(
    auth: AuthActions, user: UserRef, client: FlaskClient
) -> None:
    auth.login(user.email)
    cookie = refresh_cookie(client)
    assert cookie
    client.post("/auth/refresh")
    first = refresh_cookie(client)
    client.set_cookie("refresh_token", cookie, path="/auth")
    assert client.post("/auth/refresh").status_code == 200
    assert refresh_cookie(client) == first


# SECURITY row 35: refresh-absolute-expiry
def test_refresh_stops_after_the_absolute_lifetime(make_app: Any) -> None:
    app = make_app(REFRESH_TOKEN_TTL=3600, REFRESH_IDLE_TTL=3000)
    client = app.test_client()
    auth = AuthActions(app, client)
    auth.login(auth.create_user().email)
    start = datetime.now(UTC)
    for minutes in (20, 40):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.post("/auth/refresh").status_code == 200
    with time_machine.travel(start + timedelta(minutes=61)):
        response = client.post("/auth/refresh")
    assert response.status_code == 401


def test_refresh_stops_after_the_idle_timeout(make_app: Any) -> None:
    app = make_app(REFRESH_IDLE_TTL=600)
    client = app.test_client()
    auth = AuthActions(app, client)
    auth.login(auth.create_user().email)
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=601)):
        assert client.post("/auth/refresh").status_code == 401


# SECURITY row 36: refresh-cookie-and-csrf
def test_refresh_cookie_attributes_in_development(auth: AuthActions, user: UserRef) -> None:
    header = auth.login(user.email).headers["Set-Cookie"]
    assert header.startswith("refresh_token=")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/auth"):
        assert attribute in header
    assert "Secure" not in header


def test_refresh_cookie_is_secure_with_prefix_in_production(make_app: Any) -> None:
    app = make_app(**PRODUCTION)
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user()
    response = client.post(
        "/auth/login", json={"email": user.email, "password": user.password}, base_url="https://localhost"
    )
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Secure-refresh_token=")
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/auth"):
        assert attribute in header
    cookie_value = header.split(";")[0].split("=", 1)[1]
    assert cookie_value not in response.get_data(as_text=True)
    refreshed = client.post("/auth/refresh", base_url="https://localhost")
    assert refreshed.status_code == 200


def test_cross_site_refresh_is_refused(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    auth.login(user.email)
    plain = client.post(
        "/auth/refresh", data="x", content_type="text/plain", headers={"Origin": "https://evil.example"}
    )
    assert plain.status_code == 415
    foreign = client.post("/auth/refresh", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert "auth_token" not in foreign.get_data(as_text=True)
    assert "Set-Cookie" not in foreign.headers
    same_site = client.post("/auth/refresh", headers={"Origin": "http://localhost"})
    assert same_site.status_code == 200


def test_status_returns_the_callers_account(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    response = client.get("/auth/status", headers=auth.headers(user))
    data = response.json["data"]
    assert data["email"] == user.email and data["username"] == user.username
    assert set(data) == {
        "id",
        "username",
        "email",
        "admin",
        "active",
        "created_date",
        "two_factor_enabled",
        "email_verified",
    }
    datetime.fromisoformat(data["created_date"])
