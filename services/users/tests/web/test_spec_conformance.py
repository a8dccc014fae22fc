"""Real answers against the OpenAPI document: every operation, its success and its usual failures.

The routes write their bodies with one serializer (web/responses.py) and document them with
``@bp.output``; this walks a user's whole life through the API and checks each answer's
status is documented for its operation and its body matches the documented schema.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pyotp
import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.test import TestResponse

from tests.factories import DEFAULT_PASSWORD, AuthActions, database_of
from users_service.domain.models import EmailToken, PasswordResetToken, utcnow
from users_service.domain.tokens import sha256
from users_service.web.spec import export_spec

SPEC = export_spec()
OPERATIONS = {(method.upper(), path) for path, item in SPEC["paths"].items() for method in item}
NEW_PASSWORD = "another long passphrase"


def _template_of(path: str) -> str:
    for template in SPEC["paths"]:
        if re.fullmatch(re.sub(r"\{[^}]+\}", r"[^/]+", template), path):
            return template
    raise AssertionError(f"{path} is not in the spec")


class CheckedClient:
    """A test client that checks every answer against the spec and records what it covered."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.succeeded: set[tuple[str, str]] = set()

    def call(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        response = self.client.open(path, method=method, **kwargs)
        template = _template_of(path.split("?")[0])
        documented = SPEC["paths"][template][method.lower()]["responses"]
        status = str(response.status_code)
        assert status in documented, f"{method} {template} answered {status}, documented {sorted(documented)}"
        pointer = "/".join(
            part.replace("~", "~0").replace("/", "~1")
            for part in (
                "paths",
                template,
                method.lower(),
                "responses",
                status,
                "content",
                "application/json",
                "schema",
            )
        )
        validator = Draft202012Validator({**SPEC, "$ref": f"#/{pointer}"})
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(response.json)]
        assert errors == [], f"{method} {template} {status}: {errors}"
        if response.status_code < 300:
            self.succeeded.add((method, template))
        return response


@pytest.fixture
def app(make_app: Callable[..., APIFlask]) -> APIFlask:
    # One test calls every auth operation from one address: more than the per-address limit
    # allows in a minute (the limit itself is tested in test_client_address.py).
    return make_app(RATE_LIMIT_AUTH="1000 per minute")


@pytest.fixture
def api(client: FlaskClient) -> Iterator[CheckedClient]:
    checked = CheckedClient(client)
    yield checked


def _bearer(response: TestResponse) -> dict[str, str]:
    return {"Authorization": f"Bearer {response.json['auth_token']}"}


def test_every_operation_answers_as_documented(app: APIFlask, auth: AuthActions, api: CheckedClient) -> None:
    admin = auth.create_user(username="admin.person", email="admin@example.com", admin=True)
    admin_headers = auth.headers(admin)

    api.call("GET", "/users/ping")
    api.call("GET", "/health/live")
    api.call("GET", "/health/ready")
    api.call("GET", "/auth/jwks.json")

    registered = api.call(
        "POST",
        "/auth/register",
        json={"username": "new.person", "email": "new@example.com", "password": DEFAULT_PASSWORD},
    )
    assert registered.status_code == 201
    api.call("POST", "/auth/register", json={"username": "x", "email": "bad", "password": "short"})
    api.call(
        "POST",
        "/auth/register",
        json={"username": "new.person", "email": "new@example.com", "password": DEFAULT_PASSWORD},
    )
    api.call("POST", "/auth/register", data="a=b", content_type="application/x-www-form-urlencoded")
    user_id = api.call("GET", "/auth/status", headers=_bearer(registered)).json["data"]["id"]
    api.call("GET", "/auth/status")

    logged_in = api.call("POST", "/auth/login", json={"email": "new@example.com", "password": DEFAULT_PASSWORD})
    assert logged_in.status_code == 200
    api.call("POST", "/auth/login", json={"email": "new@example.com", "password": "not the password"})
    refreshed = api.call("POST", "/auth/refresh")
    assert refreshed.status_code == 200
    api.call("POST", "/auth/refresh", headers={"Origin": "https://evil.example"})
    headers = _bearer(refreshed)

    api.call("GET", "/users")
    api.call("GET", "/users?per_page=1&after=0", headers=admin_headers)
    api.call("GET", "/users?page=0")
    api.call("GET", f"/users/{user_id}", headers=headers)
    api.call("GET", "/users/424242")

    created = api.call(
        "POST",
        "/users",
        headers=admin_headers,
        json={"username": "made.by.admin", "email": "made@example.com", "password": DEFAULT_PASSWORD},
    )
    assert created.status_code == 201
    api.call(
        "POST", "/users", headers=headers, json={"username": "x" * 8, "email": "x@example.com", "password": "y" * 12}
    )
    api.call("PUT", f"/users/{user_id}", headers=headers, json={"username": "renamed.person"})
    api.call("PATCH", f"/users/{user_id}", headers=headers, json={"email": "elsewhere@example.com"})
    api.call("POST", "/auth/verify-email/resend", headers=headers)
    api.call("POST", "/auth/verify-email/resend")
    change_email = {"email": "renamed@example.com", "current_password": DEFAULT_PASSWORD}
    api.call("PATCH", f"/users/{user_id}", headers=headers, json=change_email)
    # The change waits for the link mailed to the new address (mail is off here: a known token).
    with database_of(app).unit_of_work() as session:
        expires = utcnow().replace(year=utcnow().year + 1)
        session.add(
            EmailToken(
                token_hash=sha256("known-email-token"), user_id=user_id, email="renamed@example.com", expires_at=expires
            )
        )
    api.call("POST", "/auth/verify-email", json={"token": "known-email-token"})
    api.call("POST", "/auth/verify-email", json={"token": "known-email-token"})
    api.call("POST", "/auth/verify-email/resend", headers=headers)
    api.call("PATCH", f"/users/{admin.id}", headers=headers, json={"username": "not.mine.to.change"})
    api.call("PATCH", f"/users/{admin.id}", headers=admin_headers, json={"admin": False})

    changed = api.call(
        "PUT",
        "/auth/password",
        headers=headers,
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200
    api.call("PUT", "/auth/password", headers=_bearer(changed), json={"current_password": "wrong", "new_password": "x"})

    api.call("POST", "/auth/password-reset", json={"email": "renamed@example.com"})
    with database_of(app).unit_of_work() as session:
        expires = utcnow().replace(year=utcnow().year + 1)
        session.add(PasswordResetToken(token_hash=sha256("known-reset-token"), user_id=user_id, expires_at=expires))
    api.call("POST", "/auth/password-reset/confirm", json={"token": "known-reset-token", "password": DEFAULT_PASSWORD})
    api.call("POST", "/auth/password-reset/confirm", json={"token": "known-reset-token", "password": DEFAULT_PASSWORD})

    session_one = api.call("POST", "/auth/login", json={"email": "renamed@example.com", "password": DEFAULT_PASSWORD})
    api.call("GET", "/auth/logout", headers=_bearer(session_one))
    api.call("GET", "/auth/logout", headers=_bearer(session_one))
    session_two = api.call("POST", "/auth/login", json={"email": "renamed@example.com", "password": DEFAULT_PASSWORD})
    api.call("POST", "/auth/logout", headers=_bearer(session_two))

    # Two-factor login: on, a login in two steps, off, and an admin's reset.
    session_three = _bearer(
        api.call("POST", "/auth/login", json={"email": "renamed@example.com", "password": DEFAULT_PASSWORD})
    )
    secret = api.call("POST", "/auth/2fa/setup", headers=session_three).json["data"]["secret"]
    totp = pyotp.TOTP(secret)
    api.call("POST", "/auth/2fa/confirm", headers=session_three, json={"code": "not a code"})
    codes = api.call("POST", "/auth/2fa/confirm", headers=session_three, json={"code": totp.now()})
    api.call("POST", "/auth/2fa/setup", headers=session_three)
    challenge = api.call("POST", "/auth/login", json={"email": "renamed@example.com", "password": DEFAULT_PASSWORD})
    mfa_token = challenge.json["data"]["mfa_token"]
    api.call("POST", "/auth/2fa/verify", json={"mfa_token": mfa_token, "code": "000000", "recovery_code": "x"})
    api.call("POST", "/auth/2fa/verify", json={"mfa_token": "unknown", "code": "000000"})
    verified = api.call(
        "POST",
        "/auth/2fa/verify",
        json={"mfa_token": mfa_token, "recovery_code": codes.json["data"]["recovery_codes"][0]},
    )
    assert verified.status_code == 200
    off = {"password": DEFAULT_PASSWORD, "code": totp.at(time.time() + 30)}
    api.call("DELETE", "/auth/2fa", headers=_bearer(verified), json={**off, "password": "not it"})
    assert api.call("DELETE", "/auth/2fa", headers=_bearer(verified), json=off).status_code == 200
    api.call("DELETE", "/auth/2fa", headers=_bearer(verified), json=off)
    api.call("DELETE", f"/users/{user_id}/2fa", headers=_bearer(verified))
    api.call("DELETE", f"/users/{user_id}/2fa", headers=admin_headers)
    session_five = api.call("POST", "/auth/login", json={"email": "renamed@example.com", "password": DEFAULT_PASSWORD})
    session_six = api.call("POST", "/auth/login", json={"email": "renamed@example.com", "password": DEFAULT_PASSWORD})
    listed = api.call("GET", "/auth/sessions", headers=_bearer(session_five)).json["data"]["sessions"]
    api.call("GET", "/auth/sessions")
    other = next(row["id"] for row in listed if not row["current"])
    api.call("DELETE", f"/auth/sessions/{other}", headers=_bearer(session_five))
    api.call("DELETE", f"/auth/sessions/{other}", headers=_bearer(session_five))
    api.call("DELETE", "/auth/sessions", headers=_bearer(session_five))
    api.call("DELETE", "/auth/sessions", headers=_bearer(session_six))
    api.call("GET", "/auth/audit?user_id=1&event=login_failed", headers=admin_headers)
    api.call("GET", "/auth/audit?user_id=0", headers=admin_headers)
    api.call("GET", "/auth/audit", headers=_bearer(session_five))

    # The admin console: a search, a refused filter, a bad sort, and ending a user's sessions.
    api.call("GET", "/users?q=renamed&sort=-username&active=true&admin=false", headers=admin_headers)
    api.call("GET", "/users?sort=username")
    api.call("GET", "/users?sort=password_hash", headers=admin_headers)
    api.call("DELETE", f"/users/{user_id}/sessions", headers=_bearer(session_six))
    api.call("DELETE", f"/users/{user_id}/sessions", headers=admin_headers)
    api.call("DELETE", "/users/424242/sessions", headers=admin_headers)
    # Deleting one's own account (a new one: the account above has used up its password guesses):
    # refusals, then the deletion; its tokens then fail.
    session_five = api.call(
        "POST",
        "/auth/register",
        json={"username": "leaving", "email": "leaving@example.com", "password": DEFAULT_PASSWORD},
    )
    api.call("DELETE", "/auth/account", headers=_bearer(session_five), json={})
    api.call("DELETE", "/auth/account", headers=_bearer(session_five), json={"password": "not it"})
    gone = api.call("DELETE", "/auth/account", headers=_bearer(session_five), json={"password": DEFAULT_PASSWORD})
    assert gone.status_code == 200, gone.json
    api.call("DELETE", "/auth/account", headers=_bearer(session_five), json={"password": DEFAULT_PASSWORD})

    api.call("DELETE", f"/users/{created.json['data']['id']}", headers=admin_headers)
    api.call("DELETE", f"/users/{admin.id}", headers=admin_headers)
    api.call("DELETE", "/users/424242", headers=admin_headers)

    assert api.succeeded == OPERATIONS, f"never answered with success: {sorted(OPERATIONS - api.succeeded)}"
