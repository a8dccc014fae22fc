"""Security notices by mail: a plain-text and an HTML part, user values escaped, no secrets."""

from __future__ import annotations

import time
from email.message import Message
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient

from tests.factories import DEFAULT_PASSWORD, AuthActions, UserRef
from tests.smtp import SMTPServer
from tests.web.routes.test_two_factor import code_at, enrol, mfa_token, verify
from users_service.domain.notices import render

NEW_PASSWORD = "a brand new passphrase"
MARKUP = "<b>bob&\"co'</b>"


@pytest.fixture
def mail_app(make_app: Any, smtp: SMTPServer) -> APIFlask:
    app: APIFlask = make_app(SMTP_URL=smtp.url, RATE_LIMIT_AUTH="1000 per minute")
    return app


def parts(message: Message) -> tuple[str, str]:
    """The text and the HTML part of a notice, which must be exactly these two alternatives."""
    assert message.get_content_type() == "multipart/alternative"
    payload = message.get_payload()
    assert isinstance(payload, list)
    assert [part.get_content_type() for part in payload] == ["text/plain", "text/html"]
    text, html = (part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8") for part in payload)
    return text, html


def notices(app: APIFlask, smtp: SMTPServer, count: int, subject: str) -> list[Message]:
    """The mails with ``subject``, once the background work ended and ``count`` of them arrived
    (or ten seconds passed)."""
    assert app.extensions["background_work"].wait()
    deadline = time.monotonic() + 10
    while True:
        found = [message for message in smtp.messages if message["Subject"] == subject]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_html_part_escapes_every_value() -> None:
    text, html = render(username=MARKUP, paragraphs=["Device: <img src=x onerror=alert(1)>\nAddress: 1"])
    assert MARKUP in text and "<img src=x" in text
    assert "&lt;b&gt;bob&amp;&quot;co&#x27;&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;<br>Address: 1" in html
    assert "<b>" not in html and "<img" not in html


def test_a_password_change_is_told_with_both_parts(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user(username=MARKUP, email="owner@example.com")
    response = client.put(
        "/auth/password",
        headers=auth.headers(user),
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200
    [notice] = notices(mail_app, smtp, 1, "Your password was changed")
    assert notice["To"] == "owner@example.com"
    text, html = parts(notice)
    assert f"Hello {MARKUP}," in text and "changed from a signed-in session" in text
    assert "Hello &lt;b&gt;bob&amp;&quot;co&#x27;&lt;/b&gt;," in html and "<b>bob" not in html
    for secret in (DEFAULT_PASSWORD, NEW_PASSWORD, response.json["auth_token"]):
        assert secret not in text and secret not in html


def test_a_wrong_current_password_sends_nothing(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user()
    response = client.put(
        "/auth/password", headers=auth.headers(user), json={"current_password": "a guess", "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert mail_app.extensions["background_work"].wait()
    assert smtp.messages == []


def test_a_password_reset_is_told(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    user = AuthActions(mail_app, client).create_user()
    assert client.post("/auth/password-reset", json={"email": user.email}).status_code == 202
    [reset] = notices(mail_app, smtp, 1, "Reset your password")
    token = reset.get_payload(decode=True).decode().split("#token=")[1].split()[0]
    confirmed = client.post("/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert confirmed.status_code == 200
    [notice] = notices(mail_app, smtp, 1, "Your password was changed")
    text, html = parts(notice)
    assert "with a password-reset link" in text and "with a password-reset link" in html
    assert token not in text and token not in html and NEW_PASSWORD not in text


def test_an_email_change_notice_has_an_html_part(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user(username=MARKUP, email="old@example.com")
    changed = client.patch(
        f"/users/{user.id}",
        json={"email": "new@example.com", "current_password": DEFAULT_PASSWORD},
        headers=auth.headers(user),
    )
    assert changed.status_code == 200
    [notice] = notices(mail_app, smtp, 1, "A change of your email address was requested")
    assert notice["To"] == "old@example.com"
    text, html = parts(notice)
    assert "from old@example.com to new@example.com" in text and "to new@example.com" in html
    assert "&lt;b&gt;bob" in html and "<b>bob" not in html
    assert DEFAULT_PASSWORD not in text + html


def test_two_factor_on_off_and_an_admin_reset_are_told(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user(email="owner@example.com")
    admin = auth.create_user(admin=True)
    secret, codes = enrol(client, auth.headers(user))
    [on] = notices(mail_app, smtp, 1, "Two-factor login was turned on")
    on_text, on_html = parts(on)
    assert "was turned on" in on_text and "was turned on" in on_html
    for value in (secret, *codes):
        assert value not in on_text and value not in on_html
    login = verify(client, mfa_token(auth, user), recovery_code=codes[0])
    headers = bearer(login.json["auth_token"])
    off = client.delete("/auth/2fa", headers=headers, json={"password": DEFAULT_PASSWORD, "code": codes[1]})
    assert off.status_code == 200
    [turned_off] = notices(mail_app, smtp, 1, "Two-factor login was turned off")
    assert turned_off["To"] == "owner@example.com"
    assert codes[1] not in "".join(parts(turned_off))
    enrol(client, headers)
    reset = client.delete(f"/users/{user.id}/2fa", headers=auth.headers(admin))
    assert reset.status_code == 200
    [by_admin] = notices(mail_app, smtp, 1, "Two-factor login was reset")
    assert "An administrator turned two-factor login off" in parts(by_admin)[0]
    # A reset of an account without two-factor login changes nothing and tells nothing.
    assert client.delete(f"/users/{user.id}/2fa", headers=auth.headers(admin)).status_code == 200
    assert len(notices(mail_app, smtp, 1, "Two-factor login was reset")) == 1


def test_a_sign_in_from_a_new_device_is_told_once(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    body = {"username": "device.owner", "email": "owner@example.com", "password": DEFAULT_PASSWORD}
    registered = client.post("/auth/register", json=body, headers={"User-Agent": "Laptop Browser/1.0"})
    assert registered.status_code == 201
    login = {"email": "owner@example.com", "password": DEFAULT_PASSWORD}
    # The registering device is known: no notice.
    assert client.post("/auth/login", json=login, headers={"User-Agent": "Laptop Browser/1.0"}).status_code == 200
    assert notices(mail_app, smtp, 0, "A new sign-in to your account") == []
    agent = "Phone <script>alert(1)</script> Browser/2.0"
    headers = {"User-Agent": agent, "X-Forwarded-For": "203.0.113.9"}
    signed_in = client.post("/auth/login", json=login, headers=headers)
    assert signed_in.status_code == 200
    [notice] = notices(mail_app, smtp, 1, "A new sign-in to your account")
    assert notice["To"] == "owner@example.com"
    text, html = parts(notice)
    assert f"Device: {agent}" in text and "Address: " in text
    assert "Phone &lt;script&gt;alert(1)&lt;/script&gt; Browser/2.0" in html and "<script>" not in html
    for secret in (DEFAULT_PASSWORD, signed_in.json["auth_token"], registered.json["auth_token"]):
        assert secret not in text and secret not in html
    # The same device again is known now.
    assert client.post("/auth/login", json=login, headers=headers).status_code == 200
    assert len(notices(mail_app, smtp, 1, "A new sign-in to your account")) == 1


def test_a_first_sign_in_without_known_devices_is_not_told(mail_app: APIFlask, smtp: SMTPServer) -> None:
    """Accounts from before devices were remembered: their first device is only remembered."""
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user()
    assert auth.login(user.email, headers={"User-Agent": "First/1.0"}).status_code == 200
    assert mail_app.extensions["background_work"].wait() and smtp.messages == []
    assert auth.login(user.email, headers={"User-Agent": "Second/1.0"}).status_code == 200
    assert len(notices(mail_app, smtp, 1, "A new sign-in to your account")) == 1


def test_a_two_factor_login_from_a_new_device_is_told_when_it_completes(mail_app: APIFlask, smtp: SMTPServer) -> None:
    client = mail_app.test_client()
    auth = AuthActions(mail_app, client)
    user = auth.create_user()
    # The test client's own agent becomes the account's first device.
    secret, _codes = enrol(client, auth.headers(user))
    notices(mail_app, smtp, 1, "Two-factor login was turned on")
    new = {"User-Agent": "Unknown/9.9"}
    token = mfa_token(auth, user, headers=new)
    # The password alone is no sign-in yet.
    assert mail_app.extensions["background_work"].wait()
    assert notices(mail_app, smtp, 0, "A new sign-in to your account") == []
    done = client.post("/auth/2fa/verify", json={"mfa_token": token, "code": code_at(secret, 1)}, headers=new)
    assert done.status_code == 200
    [notice] = notices(mail_app, smtp, 1, "A new sign-in to your account")
    assert "Unknown/9.9" in parts(notice)[0]
    assert code_at(secret, 1) not in "".join(parts(notice))


def test_notices_need_no_smtp_in_testing(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    """Without SMTP_URL, outside development, a notice is not sent and nothing fails."""
    response = client.put(
        "/auth/password",
        headers=auth.headers(user),
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200
