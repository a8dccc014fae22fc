"""Password change and reset, hashing and truncation (SECURITY rows 15, 16, 37)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
import pytest
import time_machine
from apiflask import APIFlask
from flask.testing import FlaskClient

from tests.factories import DEFAULT_PASSWORD, AuthActions, UserRef, database_of
from tests.smtp import SMTPServer
from users_service.domain.models import User

NEW_PASSWORD = "a brand new passphrase"
RESET_ANSWER = "If that email is registered, a reset link has been sent."


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


@pytest.fixture
def mail_app(make_app: Any, smtp: SMTPServer) -> APIFlask:
    app: APIFlask = make_app(SMTP_URL=smtp.url, PUBLIC_URL="https://app.example", MAIL_FROM="accounts@app.example")
    return app


def reset_token_from(message: Any) -> str:
    body = message.get_payload(decode=True).decode()
    match = re.search(r"https://app\.example/reset-password\?token=([A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


def test_password_change_needs_the_current_password(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    response = client.put(
        "/auth/password",
        headers=auth.headers(user),
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert response.json["errors"] == {"current_password": ["Current password is incorrect."]}


def test_password_change_applies_the_password_rules(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    for new in ("short", "password1234", f"x {user.username} y"):
        response = client.put(
            "/auth/password",
            headers=auth.headers(user),
            json={"current_password": DEFAULT_PASSWORD, "new_password": new},
        )
        assert response.status_code == 400
        assert "new_password" in response.json["errors"]


# SECURITY row 37: credential-change-ends-sessions
def test_password_change_ends_other_sessions_and_keeps_this_one(
    app: APIFlask, auth: AuthActions, user: UserRef
) -> None:
    s1, s2 = app.test_client(), app.test_client()
    token1 = AuthActions(app, s1).token(user)
    token2 = AuthActions(app, s2).token(user)
    response = s1.put(
        "/auth/password",
        headers=bearer(token1),
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.json["message"] == "Password changed."
    assert s2.get("/auth/status", headers=bearer(token2)).status_code == 401
    assert s2.post("/auth/refresh").status_code == 401
    # S1 continues with the tokens from the response.
    assert s1.get("/auth/status", headers=bearer(response.json["auth_token"])).status_code == 200
    assert s1.post("/auth/refresh").status_code == 200
    assert auth.login(user.email, NEW_PASSWORD).status_code == 200
    assert auth.login(user.email, DEFAULT_PASSWORD).status_code == 401


def test_reset_request_answers_202_the_same_way_for_any_email(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user(email="known@example.com")
    known = client.post("/auth/password-reset", json={"email": "Known@Example.com"})
    unknown = client.post("/auth/password-reset", json={"email": "unknown@example.com"})
    for response in (known, unknown):
        assert response.status_code == 202
        assert response.json == {"status": "success", "message": RESET_ANSWER}
    messages = smtp.wait_for(1)
    time.sleep(0.2)
    assert len(messages) == 1
    assert messages[0]["To"] == user.email
    assert messages[0]["From"] == "accounts@app.example"


def test_reset_link_sets_a_new_password_once_and_ends_sessions(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user()
    old_token = auth.token(user)
    client.post("/auth/password-reset", json={"email": user.email})
    token = reset_token_from(smtp.wait_for(1)[0])
    confirm = client.post("/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert confirm.status_code == 200
    assert client.get("/auth/status", headers=bearer(old_token)).status_code == 401
    assert client.post("/auth/refresh").status_code == 401
    assert auth.login(user.email, NEW_PASSWORD).status_code == 200
    again = client.post("/auth/password-reset/confirm", json={"token": token, "password": "yet another passphrase"})
    assert again.status_code == 400
    assert again.json["message"] == "Invalid or expired reset token."


def test_reset_link_expires_after_one_hour(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    user = AuthActions(mail_app, client).create_user()
    client.post("/auth/password-reset", json={"email": user.email})
    token = reset_token_from(smtp.wait_for(1)[0])
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1, seconds=1)):
        response = client.post("/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert response.status_code == 400


def test_reset_confirm_applies_the_password_rules(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    user = AuthActions(mail_app, client).create_user(username="person.name")
    client.post("/auth/password-reset", json={"email": user.email})
    token = reset_token_from(smtp.wait_for(1)[0])
    weak = client.post("/auth/password-reset/confirm", json={"token": token, "password": "my person.name pw"})
    assert weak.status_code == 400
    assert "password" in weak.json["errors"]
    # The token was not consumed by the refused attempt.
    ok = client.post("/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert ok.status_code == 200


def test_reset_for_an_inactive_account_sends_nothing(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    user = AuthActions(mail_app, client).create_user(active=False)
    assert client.post("/auth/password-reset", json={"email": user.email}).status_code == 202
    time.sleep(0.3)
    assert smtp.messages == []


def test_unknown_reset_token_is_400(client: FlaskClient) -> None:
    response = client.post("/auth/password-reset/confirm", json={"token": "nope", "password": NEW_PASSWORD})
    assert response.status_code == 400


def test_development_without_smtp_logs_the_link(make_app: Any, capsys: pytest.CaptureFixture[str]) -> None:
    app = make_app(APP_ENV="development", SECRET_KEY="d" * 40)
    client = app.test_client()
    user = AuthActions(app, client).create_user()
    client.post("/auth/password-reset", json={"email": user.email})
    assert "/reset-password?token=" in capsys.readouterr().out


def test_testing_without_smtp_never_logs_the_link(
    auth: AuthActions, user: UserRef, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    client.post("/auth/password-reset", json={"email": user.email})
    assert "reset-password?token=" not in capsys.readouterr().out


def _store_bcrypt_hash(app: APIFlask, user: UserRef, password: str) -> None:
    with database_of(app).unit_of_work() as session:
        row = session.get(User, user.id)
        assert row is not None
        row.password_hash = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=4)).decode()


def _stored_hash(app: APIFlask, user: UserRef) -> str:
    with database_of(app).unit_of_work() as session:
        row = session.get(User, user.id)
        assert row is not None
        return row.password_hash


# SECURITY row 16: hash-format-and-upgrade
def test_new_hashes_are_argon2id_and_legacy_bcrypt_is_upgraded_on_login(
    app: APIFlask, auth: AuthActions, user: UserRef
) -> None:
    assert _stored_hash(app, user).startswith("$argon2id$")
    _store_bcrypt_hash(app, user, DEFAULT_PASSWORD)
    assert auth.login(user.email).status_code == 200
    assert _stored_hash(app, user).startswith("$argon2id$")


def test_production_parameters_meet_owasp() -> None:
    from argon2 import extract_parameters

    from users_service.domain.passwords import hash_password
    from users_service.runtime.settings import load_settings

    settings = load_settings(APP_ENV="production", SECRET_KEY="p" * 40, DATABASE_URL="sqlite://")
    parameters = extract_parameters(hash_password(settings, "some password here"))
    assert parameters.memory_cost >= 19_456 and parameters.time_cost >= 2 and parameters.type.name == "ID"


# SECURITY row 15: no-truncation
def test_long_passwords_are_never_truncated(app: APIFlask, auth: AuthActions) -> None:
    password = "Zq9-" * 20  # 80 bytes
    user = auth.create_user(password=password)
    assert auth.login(user.email, password).status_code == 200
    assert auth.login(user.email, password.encode()[:72].decode()).status_code == 401
    assert auth.login(user.email, password.swapcase()).status_code == 401


def test_legacy_bcrypt_user_sending_more_than_72_bytes_gets_401_not_500(app: APIFlask, auth: AuthActions) -> None:
    password = "b" * 100
    user = auth.create_user(password="placeholder passphrase")
    _store_bcrypt_hash(app, user, password)
    response = auth.login(user.email, password)
    assert response.status_code == 401
    assert response.json["message"] == "Invalid email or password."
    # The 72-byte prefix that bcrypt would have compared is not accepted either way.
    _store_bcrypt_hash(app, user, "c" * 72)
    assert auth.login(user.email, "c" * 72 + "extra").status_code == 401
    assert auth.login(user.email, "c" * 72).status_code == 200
