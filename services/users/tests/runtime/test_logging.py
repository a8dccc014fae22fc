"""Structured auth-event logs without secrets (SECURITY rows 17, 47)."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient

from tests.factories import DEFAULT_PASSWORD, AuthActions, database_of
from users_service.domain.audit import audit
from users_service.domain.models import User


def records(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


# SECURITY row 47: auth-event-logging
def test_each_auth_event_is_one_json_record(make_app: Any, capsys: pytest.CaptureFixture[str]) -> None:
    app = make_app(RATE_LIMIT_AUTH="1000 per minute", LOGIN_FAILURES_BEFORE_LOCK=2)
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user()
    other = auth.create_user()
    capsys.readouterr()
    token = auth.token(user)
    auth.login(other.email, "wrong password!!")
    auth.login(other.email, "wrong password!!")
    auth.login(other.email, "wrong password!!")  # throttled
    client.delete(f"/users/{other.id}", headers={"Authorization": f"Bearer {token}"})  # 403
    client.get("/auth/logout", headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-logout-1"})
    events = records(capsys)
    by_event = {r["event"]: r for r in events if "event" in r}
    for name in ("login_succeeded", "login_failed", "login_throttled", "access_denied", "logout"):
        assert name in by_event, name
        record = by_event[name]
        assert datetime.fromisoformat(record["ts"]).utcoffset().total_seconds() == 0  # type: ignore[union-attr]
        assert record["request_id"]
        assert record["ip"] == "127.0.0.1"
    assert by_event["logout"]["request_id"] == "req-logout-1"
    assert by_event["login_succeeded"]["user_id"] == user.id
    assert sum(1 for r in events if r.get("event") == "logout") == 1


def test_injected_text_stays_inside_a_field(
    app: APIFlask, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = 'mallory\r\n{"event":"x","level":"CRITICAL"}'
    response = client.post(
        "/auth/register", json={"username": hostile, "email": "m@example.com", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400
    capsys.readouterr()
    with app.test_request_context("/auth/login"):
        audit("login_failed", detail=hostile)
    events = records(capsys)
    assert len(events) == 1
    assert events[0]["event"] == "login_failed" and events[0]["detail"] == hostile


def test_secret_fields_are_redacted_from_records(app: APIFlask, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    with app.test_request_context("/"):
        audit("login_failed", password="hunter2 secret", token="abc")
        import logging

        logging.getLogger("users_service.test").warning("x", extra={"password": "hunter2 secret"})
    out = capsys.readouterr().out
    assert "hunter2" not in out


# SECURITY row 17: no-secrets-in-output
def test_no_password_hash_jwt_or_refresh_value_in_responses_or_logs(
    app: APIFlask, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    password, new_password = "my first long passphrase", "my second long passphrase"
    seen: list[str] = []
    register = client.post(
        "/auth/register", json={"username": "secret.keeper", "email": "s@example.com", "password": password}
    )
    token = register.json["auth_token"]
    login = client.post("/auth/login", json={"email": "s@example.com", "password": password})
    refresh_value = login.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    change = client.put(
        "/auth/password",
        headers={"Authorization": f"Bearer {login.json['auth_token']}"},
        json={"current_password": password, "new_password": new_password},
    )
    assert change.status_code == 200
    for response in (register, login, change):
        seen.append(response.get_data(as_text=True))
    with database_of(app).unit_of_work() as session:
        stored_hash = session.query(User).one().password_hash
    logs = capsys.readouterr().out
    for secret in (password, new_password, stored_hash, refresh_value):
        assert secret not in logs
        assert all(secret not in body for body in seen)
    assert token not in logs
    assert "$argon2" not in logs and "$argon2" not in "".join(seen)


@pytest.mark.parametrize("field", ["code", "recovery_code", "recovery_codes", "mfa_token", "otpauth_uri", "secret"])
def test_two_factor_secrets_are_redacted_from_records(
    app: APIFlask, capsys: pytest.CaptureFixture[str], field: str
) -> None:
    capsys.readouterr()
    with app.test_request_context("/"):
        logging.getLogger("users_service.test").warning("x", extra={field: "JBSWY3DPEHPK3PXP 123456"})
    out = capsys.readouterr().out
    assert "JBSWY3DPEHPK3PXP" not in out and "123456" not in out
    assert "[redacted]" in out
