"""Password change and reset, hashing and truncation (SECURITY rows 15, 16, 37)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import bcrypt
import pytest
import time_machine
from apiflask import APIFlask
from flask.testing import FlaskClient

from tests.factories import DEFAULT_PASSWORD, PRODUCTION, AuthActions, UserRef, database_of
from tests.smtp import SMTPServer
from users_service.domain.models import User

NEW_PASSWORD = "a brand new passphrase"
RESET_ANSWER = "If that email is registered, a reset link has been sent."


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def mail_app(make_app: Any, smtp: SMTPServer) -> APIFlask:
    app: APIFlask = make_app(SMTP_URL=smtp.url, PUBLIC_URL="https://app.example", MAIL_FROM="accounts@app.example")
    return app


def reset_token_from(message: Any) -> str:
    body = message.get_payload(decode=True).decode()
    match = re.search(r"https://app\.example/reset-password#token=([A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


def handed_off_work_done(app: APIFlask) -> None:
    """Wait until the work requests handed off after their answers (reset mails) has ended."""
    assert app.extensions["background_work"].wait(timeout=10)


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
    handed_off_work_done(mail_app)
    messages = smtp.messages
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
    handed_off_work_done(mail_app)
    assert smtp.messages == []


def test_unknown_reset_token_is_400(client: FlaskClient) -> None:
    response = client.post("/auth/password-reset/confirm", json={"token": "nope", "password": NEW_PASSWORD})
    assert response.status_code == 400


def test_development_without_smtp_logs_the_link(make_app: Any, capsys: pytest.CaptureFixture[str]) -> None:
    app = make_app(APP_ENV="development", SECRET_KEY="d" * 40)
    client = app.test_client()
    user = AuthActions(app, client).create_user()
    client.post("/auth/password-reset", json={"email": user.email})
    handed_off_work_done(app)
    assert "/reset-password#token=" in capsys.readouterr().out


def test_testing_without_smtp_never_logs_the_link(
    auth: AuthActions, user: UserRef, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    client.post("/auth/password-reset", json={"email": user.email})
    handed_off_work_done(client.application)
    assert "reset-password" not in capsys.readouterr().out


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

    settings = load_settings(**PRODUCTION, DATABASE_URL="sqlite://")
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


# SECURITY row 63: reset-timing
@pytest.mark.slow
def test_reset_requests_take_as_long_for_known_and_unknown_emails(make_app: Any, smtp: SMTPServer) -> None:
    mail_app = make_app(
        SMTP_URL=smtp.url,
        PUBLIC_URL="https://app.example",
        RATE_LIMIT_AUTH="1000 per minute",
        # Production's hash cost, which a dummy hash for unknown addresses would show as.
        ARGON2_MEMORY_COST=19_456,
        ARGON2_TIME_COST=2,
    )
    client = mail_app.test_client()
    known = AuthActions(mail_app, client).create_user()
    samples: dict[str, list[float]] = {"known": [], "unknown": []}
    turns = [("known", known.email), ("unknown", "nobody@example.com")]
    for i in range(40):
        # Taking turns, so that whatever the previous request left running weighs on both alike.
        for kind, email in turns if i % 2 else reversed(turns):
            start = time.perf_counter()
            assert client.post("/auth/password-reset", json={"email": email}).status_code == 202
            samples[kind].append(time.perf_counter() - start)
            # The next request does not wait behind this one's work, nor its mail's delivery.
            handed_off_work_done(mail_app)
            smtp.wait_for(len(samples["known"]))
    # Each pair ran back to back, under the same load: the median of their ratios.
    ratios = sorted(k / u for k, u in zip(samples["known"], samples["unknown"], strict=True))
    median = ratios[len(ratios) // 2]
    assert 0.8 < median < 1.25, (median, samples)
    assert len(smtp.messages) == 40  # the known address did get its mails


# SECURITY row 64: reset-token-not-logged
def test_the_reset_token_never_reaches_a_log_line(
    mail_app: APIFlask, smtp: SMTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    client = mail_app.test_client()
    user = AuthActions(mail_app, client).create_user()
    client.post("/auth/password-reset", json={"email": user.email})
    token = reset_token_from(smtp.wait_for(1)[0])
    # The link's token is after "#": a browser opening it never sends it to a server.
    link = re.search(r"https://\S+", smtp.messages[0].get_payload(decode=True).decode())
    assert link and urlsplit(link.group(0)).query == "" and token in urlsplit(link.group(0)).fragment
    assert (
        client.post("/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}).status_code == 200
    )
    assert token not in capsys.readouterr().out


# SECURITY row 68: reset-token-dies-on-change
@pytest.mark.parametrize("change", ["password change", "email change", "deactivation"])
def test_a_reset_link_dies_when_the_account_changes(mail_app: APIFlask, smtp: SMTPServer, change: str) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user()
    admin = auth.create_user(admin=True)
    client.post("/auth/password-reset", json={"email": user.email})
    token = reset_token_from(smtp.wait_for(1)[0])
    if change == "password change":
        response = client.put(
            "/auth/password",
            headers=auth.headers(user),
            json={"current_password": DEFAULT_PASSWORD, "new_password": "a third long passphrase"},
        )
    elif change == "email change":
        response = client.patch(
            f"/users/{user.id}",
            headers=auth.headers(user),
            json={"email": "moved@example.com", "current_password": DEFAULT_PASSWORD},
        )
    else:
        response = client.patch(f"/users/{user.id}", headers=auth.headers(admin), json={"active": False})
        # Even once the account is active again, the old link stays dead.
        client.patch(f"/users/{user.id}", headers=auth.headers(admin), json={"active": True})
    assert response.status_code == 200, response.json
    confirm = client.post("/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert confirm.status_code == 400
    assert confirm.json["message"] == "Invalid or expired reset token."


# SECURITY row 71: password-change-throttled
def test_wrong_current_passwords_lock_the_account_like_failed_logins(
    make_app: Any,
) -> None:
    app = make_app(RATE_LIMIT_AUTH="1000 per minute")
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user()
    token = auth.token(user)
    statuses = [
        client.put(
            "/auth/password",
            headers={**bearer(token), "X-Forwarded-For": f"198.51.100.{i}"},
            json={"current_password": f"guess number {i}", "new_password": NEW_PASSWORD},
        ).status_code
        for i in range(110)
    ]
    assert statuses[:100] == [400] * 100
    assert set(statuses[100:]) == {429}
    # The account's password is not guessable through a login meanwhile either.
    assert auth.login(user.email, headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 429
