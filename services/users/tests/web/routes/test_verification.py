"""Verified emails: registration's link, resending it, email changes that wait for the new
address, and REQUIRE_VERIFIED_EMAIL (issue 18, item 3; SECURITY rows 64-66, 68)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from apiflask import APIFlask
from flask.testing import FlaskClient

from tests.factories import PRODUCTION, AuthActions, UserRef
from tests.smtp import SMTPServer, link_token
from users_service.runtime.settings import load_settings

PASSWORD = "correct horse battery staple"
INVALID_LINK = "Invalid or expired verification link. Please ask for a new one."
VERIFY_FIRST = "Please verify your email address first. We have sent you a link."


@pytest.fixture
def mail_app(make_app: Callable[..., APIFlask], smtp: SMTPServer) -> APIFlask:
    return make_app(SMTP_URL=smtp.url, PUBLIC_URL="https://app.example")


def register(client: FlaskClient, email: str = "new@example.com") -> Any:
    return client.post("/auth/register", json={"username": "new.person", "email": email, "password": PASSWORD})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def mails_to(smtp: SMTPServer, address: str, count: int = 1) -> list[Any]:
    """The mails to ``address`` once there are ``count`` of them (delivery happens off the request)."""
    deadline = time.monotonic() + 10
    while True:
        found = [message for message in smtp.messages if message["To"] == address]
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not {count} mails to {address}: {[m['To'] for m in smtp.messages]}")
        time.sleep(0.02)


def test_registration_mails_a_link_that_verifies_the_address_once(
    mail_app: APIFlask, smtp: SMTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    client = mail_app.test_client()
    registered = register(client)
    assert registered.status_code == 201
    token = registered.json["auth_token"]
    status = client.get("/auth/status", headers=bearer(token)).json["data"]
    assert status["email_verified"] is False
    mail = mails_to(smtp, "new@example.com")[0]
    assert mail["Subject"] == "Verify your email address"
    assert "https://app.example/verify-email#token=" in mail.get_payload(decode=True).decode()

    verified = client.post("/auth/verify-email", json={"token": link_token(mail)})
    assert verified.status_code == 200
    assert verified.json == {"status": "success", "message": "Your email address is verified."}
    assert client.get("/auth/status", headers=bearer(token)).json["data"]["email_verified"] is True
    again = client.post("/auth/verify-email", json={"token": link_token(mail)})
    assert again.status_code == 400
    assert again.json["message"] == INVALID_LINK
    out = capsys.readouterr().out
    assert '"event": "email_verification_sent"' in out and '"event": "email_verified"' in out


def test_a_link_expires_after_24_hours(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    register(client)
    token = link_token(mails_to(smtp, "new@example.com")[0])
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=24, seconds=1)):
        late = client.post("/auth/verify-email", json={"token": token})
    assert late.status_code == 400
    assert late.json["message"] == INVALID_LINK
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=23, minutes=59)):
        assert client.post("/auth/verify-email", json={"token": token}).status_code == 200


@pytest.mark.parametrize("body", [{"token": "not-a-token"}, {"token": "x" * 512}])
def test_an_unknown_token_is_400(client: FlaskClient, body: dict[str, str]) -> None:
    response = client.post("/auth/verify-email", json=body)
    assert response.status_code == 400
    assert response.json["message"] == INVALID_LINK


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": "x" * 513}, {"token": 5}])
def test_a_malformed_body_is_400_with_the_field(client: FlaskClient, body: dict[str, Any]) -> None:
    response = client.post("/auth/verify-email", json=body)
    assert response.status_code == 400
    assert "token" in response.json["errors"]


def test_the_link_of_a_deactivated_account_is_400(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    admin = auth.create_user(admin=True)
    token = register(client).json["auth_token"]
    user_id = client.get("/auth/status", headers=bearer(token)).json["data"]["id"]
    link = link_token(mails_to(smtp, "new@example.com")[0])
    client.patch(f"/users/{user_id}", json={"active": False}, headers=auth.headers(admin))
    refused = client.post("/auth/verify-email", json={"token": link})
    assert refused.status_code == 400 and refused.json["message"] == INVALID_LINK


def test_resend_mails_a_new_link_and_the_old_one_stops_working(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    token = register(client).json["auth_token"]
    first = link_token(mails_to(smtp, "new@example.com")[0])
    assert client.post("/auth/verify-email/resend").status_code == 401
    resent = client.post("/auth/verify-email/resend", headers=bearer(token))
    assert resent.status_code == 200
    assert resent.json["message"] == "A new verification link is on its way."
    second = link_token(mails_to(smtp, "new@example.com", 2)[1])
    assert second != first
    assert client.post("/auth/verify-email", json={"token": first}).status_code == 400
    assert client.post("/auth/verify-email", json={"token": second}).status_code == 200
    done = client.post("/auth/verify-email/resend", headers=bearer(token))
    assert done.status_code == 409
    assert done.json["message"] == "Your email address is already verified."


def test_resends_per_account_are_limited(make_app: Callable[..., APIFlask], smtp: SMTPServer) -> None:
    app = make_app(SMTP_URL=smtp.url, RATE_LIMIT_VERIFICATION_MAIL="2 per hour")
    client = app.test_client()
    headers = bearer(register(client).json["auth_token"])
    answers = [
        client.post("/auth/verify-email/resend", headers={**headers, "X-Forwarded-For": f"198.51.100.{i}"})
        for i in range(3)
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[-1].json["message"] == "Too many verification emails. Please try again later."
    assert int(answers[-1].headers["Retry-After"]) >= 1
    # Registration's mail and the two resends; not the refused one.
    assert len(mails_to(smtp, "new@example.com", 3)) == 3
    assert app.extensions["background_work"].wait() and len(smtp.messages) == 3


def test_an_account_created_by_an_admin_starts_unverified_with_a_link(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    admin = auth.create_user(admin=True)
    body = {"username": "made.by.admin", "email": "made@example.com", "password": PASSWORD}
    created = client.post("/users", json=body, headers=auth.headers(admin))
    assert created.status_code == 201
    assert created.json["data"]["email_verified"] is False
    made = link_token(mails_to(smtp, "made@example.com")[0])
    assert client.post("/auth/verify-email", json={"token": made}).status_code == 200


def test_others_never_see_email_verified(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    other = auth.create_user()
    seen = client.get(f"/users/{user.id}", headers=auth.headers(other)).json["data"]
    assert "email_verified" not in seen and "email" not in seen
    assert "email_verified" not in client.get(f"/users/{user.id}").json["data"]


# ---- REQUIRE_VERIFIED_EMAIL ------------------------------------------------------------


def test_require_verified_email_defaults_by_environment() -> None:
    assert load_settings(APP_ENV="testing").REQUIRE_VERIFIED_EMAIL is False
    assert load_settings(APP_ENV="development", SECRET_KEY="d" * 40).REQUIRE_VERIFIED_EMAIL is False
    production = {**PRODUCTION, "DATABASE_URL": "sqlite://"}
    assert load_settings(**production).REQUIRE_VERIFIED_EMAIL is True
    assert load_settings(**{**production, "APP_ENV": "staging"}).REQUIRE_VERIFIED_EMAIL is True
    assert load_settings(**production, REQUIRE_VERIFIED_EMAIL=False).REQUIRE_VERIFIED_EMAIL is False
    assert load_settings(APP_ENV="testing", REQUIRE_VERIFIED_EMAIL=True).REQUIRE_VERIFIED_EMAIL is True
    # An empty value (the .env.example line) is unset: the environment decides.
    assert load_settings(**production, REQUIRE_VERIFIED_EMAIL="").REQUIRE_VERIFIED_EMAIL is True
    assert load_settings(APP_ENV="testing", REQUIRE_VERIFIED_EMAIL="").REQUIRE_VERIFIED_EMAIL is False


def test_when_required_an_unverified_login_is_403_without_tokens_and_a_wrong_password_401(
    make_app: Callable[..., APIFlask], smtp: SMTPServer
) -> None:
    app = make_app(SMTP_URL=smtp.url, REQUIRE_VERIFIED_EMAIL=True)
    client = app.test_client()
    registered = register(client)
    assert registered.status_code == 201
    assert "auth_token" not in registered.json and "Set-Cookie" not in registered.headers
    assert registered.json["message"] == (
        "Successfully registered. Please open the link we mailed you to verify your address, then log in."
    )
    first = link_token(mails_to(smtp, "new@example.com")[0])

    wrong = client.post("/auth/login", json={"email": "new@example.com", "password": "not the password"})
    assert wrong.status_code == 401
    assert wrong.json["message"] == "Invalid email or password."
    refused = client.post("/auth/login", json={"email": "new@example.com", "password": PASSWORD})
    assert refused.status_code == 403
    assert refused.json["message"] == VERIFY_FIRST
    assert "auth_token" not in refused.json and "Set-Cookie" not in refused.headers
    # The refusal mailed a fresh link (an expired one has no other way to be replaced).
    fresh = link_token(mails_to(smtp, "new@example.com", 2)[1])
    assert client.post("/auth/verify-email", json={"token": first}).status_code == 400
    assert client.post("/auth/verify-email", json={"token": fresh}).status_code == 200
    assert client.post("/auth/login", json={"email": "new@example.com", "password": PASSWORD}).status_code == 200


def test_when_not_required_an_unverified_account_logs_in(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(REQUIRE_VERIFIED_EMAIL=False)
    auth = AuthActions(app, app.test_client())
    user = auth.create_user(email_verified=False)
    assert auth.login(user.email).status_code == 200


def test_when_required_a_verified_account_logs_in(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(REQUIRE_VERIFIED_EMAIL=True)
    auth = AuthActions(app, app.test_client())
    assert auth.login(auth.create_user(email_verified=True).email).status_code == 200
    assert auth.login(auth.create_user(email_verified=False).email).status_code == 403


# ---- email changes ---------------------------------------------------------------------


def change_email(client: FlaskClient, auth: AuthActions, user: UserRef, email: str) -> Any:
    return client.patch(
        f"/users/{user.id}", json={"email": email, "current_password": user.password}, headers=auth.headers(user)
    )


def test_an_email_change_waits_for_the_new_address(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user(email="old@example.com")
    pending = change_email(client, auth, user, "fresh@example.com")
    assert pending.status_code == 200 and pending.json["data"]["email"] == "old@example.com"
    # Until confirmed, the old address still logs in and the new one does not.
    assert auth.login("old@example.com").status_code == 200
    assert auth.login("fresh@example.com").status_code == 401
    mail = mails_to(smtp, "fresh@example.com")[0]
    assert mail["Subject"] == "Confirm your new email address"
    confirmed = client.post("/auth/verify-email", json={"token": link_token(mail)})
    assert confirmed.json == {"status": "success", "message": "Your email address was changed."}
    assert auth.login("fresh@example.com").status_code == 200
    assert client.post("/auth/verify-email", json={"token": link_token(mail)}).status_code == 400


def test_a_newer_email_change_supersedes_the_older_one(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user(email="old@example.com")
    change_email(client, auth, user, "first@example.com")
    first = link_token(mails_to(smtp, "first@example.com")[0])
    change_email(client, auth, user, "second@example.com")
    second = link_token(mails_to(smtp, "second@example.com")[0])
    assert client.post("/auth/verify-email", json={"token": first}).status_code == 400
    assert client.post("/auth/verify-email", json={"token": second}).status_code == 200
    assert auth.db_user(user.id).email == "second@example.com"  # type: ignore[union-attr]


def test_the_new_address_is_checked_again_at_confirmation(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user(email="old@example.com")
    change_email(client, auth, user, "wanted@example.com")
    token = link_token(mails_to(smtp, "wanted@example.com")[0])
    auth.create_user(email="wanted@example.com")
    taken = client.post("/auth/verify-email", json={"token": token})
    assert taken.status_code == 409
    assert taken.json["message"] == "Sorry. That email already exists."
    assert auth.db_user(user.id).email == "old@example.com"  # type: ignore[union-attr]


# SECURITY row 68 in spirit: a credential change ends what was pending on the old one.
def test_a_password_change_cancels_a_pending_email_change(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user(email="old@example.com")
    change_email(client, auth, user, "thief@example.com")
    token = link_token(mails_to(smtp, "thief@example.com")[0])
    changed = client.put(
        "/auth/password",
        json={"current_password": user.password, "new_password": "a brand new passphrase"},
        headers=auth.headers(user),
    )
    assert changed.status_code == 200
    assert client.post("/auth/verify-email", json={"token": token}).status_code == 400
    assert auth.db_user(user.id).email == "old@example.com"  # type: ignore[union-attr]


def test_a_confirmed_email_change_ends_reset_links_to_the_old_address(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user(email="old@example.com")
    client.post("/auth/password-reset", json={"email": "old@example.com"})
    assert mail_app.extensions["background_work"].wait(timeout=10)
    reset = next(m for m in mails_to(smtp, "old@example.com") if m["Subject"] == "Reset your password")
    reset_token = reset.get_payload(decode=True).decode().split("#token=")[1].split()[0]
    change_email(client, auth, user, "fresh@example.com")
    client.post("/auth/verify-email", json={"token": link_token(mails_to(smtp, "fresh@example.com")[0])})
    answer = client.post(
        "/auth/password-reset/confirm", json={"token": reset_token, "password": "a brand new passphrase"}
    )
    assert answer.status_code == 400


# SECURITY row 64 in spirit: links are for the inbox only.
def test_link_tokens_never_reach_the_logs(
    mail_app: APIFlask, smtp: SMTPServer, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    register(client)
    verify = link_token(mails_to(smtp, "new@example.com")[0])
    client.post("/auth/verify-email", json={"token": verify})
    user = auth.create_user(email="mover@example.com")
    change_email(client, auth, user, "moved@example.com")
    change = link_token(mails_to(smtp, "moved@example.com")[0])
    client.post("/auth/verify-email", json={"token": change})
    client.post("/auth/verify-email", json={"token": change})  # refused: logged as a 400
    logged = capsys.readouterr()
    everything = logged.out + logged.err + caplog.text
    assert '"event": "email_changed"' in logged.out
    for token in (verify, change):
        assert token not in everything
