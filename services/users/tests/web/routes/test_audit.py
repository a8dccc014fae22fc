"""The persisted audit log: every audit() event is stored, refused requests' too, and
GET /auth/audit lists them for admins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from apiflask import APIFlask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import AuthActions, UserRef, database_of
from users_service.domain.audit import audit
from users_service.domain.models import AuditEvent

AUDIT = "/auth/audit"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def stored(app: APIFlask) -> list[AuditEvent]:
    with database_of(app).unit_of_work() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def events_named(app: APIFlask, name: str) -> list[AuditEvent]:
    return [row for row in stored(app) if row.event == name]


def test_a_login_is_stored_with_its_request_id_and_address(
    auth: AuthActions, app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    response = auth.login(user.email, headers={"X-Request-ID": "req-login-1", "X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200
    (row,) = events_named(app, "login_succeeded")
    assert (row.user_id, row.target_user_id, row.address, row.request_id) == (
        user.id,
        None,
        "203.0.113.9",
        "req-login-1",
    )
    assert row.details == "{}"
    assert row.created_at is not None


def test_a_failed_login_is_stored_although_nothing_else_is(
    auth: AuthActions, app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    assert auth.login(user.email, "not the password").status_code == 401
    (row,) = events_named(app, "login_failed")
    assert row.user_id == user.id
    assert '"reason":"bad_credentials"' in row.details


def test_a_refused_request_whose_transaction_rolled_back_is_stored(
    auth: AuthActions, app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    token = auth.token(user)
    # A wrong current password: the unit of work rolls back, the event stands.
    response = client.put(
        "/auth/password",
        headers=bearer(token),
        json={"current_password": "wrong password", "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 400
    assert [row.user_id for row in events_named(app, "password_change_failed")] == [user.id]
    # A 403 inside a transactional route: the caller is its actor.
    assert client.delete(f"/users/{user.id}", headers=bearer(token)).status_code == 403
    (denied,) = events_named(app, "access_denied")
    assert denied.user_id == user.id


def test_throttled_requests_are_stored(make_app: Any, auth: AuthActions) -> None:
    app = make_app(RATE_LIMIT_AUTH="1 per minute")
    client = app.test_client()
    for _ in range(2):
        client.post("/auth/login", json={"email": "nobody@example.com", "password": "x"})
    assert [row.event for row in stored(app)].count("rate_limited") == 1


def test_an_event_joins_the_unit_of_work_of_the_change(
    auth: AuthActions, app: APIFlask, admin: UserRef, user: UserRef, client: FlaskClient
) -> None:
    response = client.delete(f"/users/{user.id}", headers=auth.headers(admin))
    assert response.status_code == 200
    (row,) = events_named(app, "user_deleted")
    # The admin acted; the deleted account was the target.
    assert (row.user_id, row.target_user_id) == (admin.id, user.id)


def test_a_reused_refresh_token_is_stored_with_the_ending_it_caused(
    auth: AuthActions, app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    auth.login(user.email)
    cookie = client.get_cookie("refresh_token", path="/auth")
    assert cookie is not None
    old = cookie.value
    assert client.post("/auth/refresh").status_code == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=30)):
        client.set_cookie("refresh_token", old, path="/auth")
        assert client.post("/auth/refresh").status_code == 401
    (row,) = events_named(app, "authn_token_reuse")
    assert row.user_id == user.id


def test_a_password_reset_request_in_the_background_is_stored(
    app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    response = client.post("/auth/password-reset", json={"email": user.email}, headers={"X-Request-ID": "reset-1"})
    assert response.status_code == 202
    assert app.extensions["background_work"].wait()
    (row,) = events_named(app, "password_reset_requested")
    assert (row.user_id, row.request_id, row.address) == (user.id, "reset-1", "127.0.0.1")


def test_no_secret_token_or_code_lands_in_an_audit_row(
    auth: AuthActions, app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    password = user.password
    login = auth.login(user.email)
    token = login.json["auth_token"]
    cookie = client.get_cookie("refresh_token", path="/auth")
    assert cookie is not None
    auth.login(user.email, "Secret-Guess-123")
    client.get("/auth/logout", headers=bearer(token))
    # A future caller passing a code or a token by mistake: left out by name.
    with app.test_request_context("/"):
        app.preprocess_request()
        audit("mfa_failed", user_id=user.id, code="123456", recovery_code="abcd-efgh", mfa_token="t0k3n", reason="ok")
        app.do_teardown_request()

    rows = stored(app)
    assert {"login_succeeded", "login_failed", "logout", "mfa_failed"} <= {row.event for row in rows}
    text = " ".join(f"{row.event} {row.details} {row.address} {row.request_id}" for row in rows)
    for secret in (password, "Secret-Guess-123", token, cookie.value, "123456", "abcd-efgh", "t0k3n"):
        assert secret not in text
    (mfa,) = events_named(app, "mfa_failed")
    assert mfa.details == '{"reason":"ok"}'


# ---- GET /auth/audit -----------------------------------------------------------------------


def test_the_audit_log_needs_a_token(client: FlaskClient) -> None:
    response = client.get(AUDIT)
    assert response.status_code == 401
    assert response.json["message"] == "Provide a valid auth token."


@pytest.mark.parametrize("query", ["", "?user_id=1&event=login_failed", "?user_id=0"])
def test_the_audit_log_is_for_admins_only(auth: AuthActions, user: UserRef, client: FlaskClient, query: str) -> None:
    # Whatever the parameters: a non-admin is not told their rules.
    response = client.get(AUDIT + query, headers=auth.headers(user))
    assert response.status_code == 403
    assert response.json["message"] == "You do not have permission to do that."


def test_the_audit_log_lists_newest_first_paginated_like_users(
    auth: AuthActions, app: APIFlask, admin: UserRef, user: UserRef, client: FlaskClient
) -> None:
    for _ in range(3):
        auth.login(user.email, "wrong password")
    headers = auth.headers(admin)

    response = client.get(f"{AUDIT}?per_page=2", headers=headers)

    assert response.status_code == 200
    data = response.json["data"]
    assert (data["page"], data["per_page"], data["total"]) == (1, 2, 4)
    assert [row["event"] for row in data["events"]] == ["login_succeeded", "login_failed"]
    first = data["events"][0]
    assert set(first) == {"id", "created_at", "event", "user_id", "target_user_id", "address", "request_id", "details"}
    assert first["user_id"] == admin.id
    second_page = client.get(f"{AUDIT}?per_page=2&page=2", headers=headers).json["data"]
    assert [row["event"] for row in second_page["events"]] == ["login_failed", "login_failed"]
    ids = [row["id"] for row in data["events"] + second_page["events"]]
    assert ids == sorted(ids, reverse=True)
    assert client.get(f"{AUDIT}?per_page=1000", headers=headers).json["data"]["per_page"] == 100


def test_the_audit_log_filters_by_user_and_event(
    auth: AuthActions, app: APIFlask, admin: UserRef, user: UserRef, client: FlaskClient
) -> None:
    auth.login(user.email, "wrong password")
    auth.login(user.email)
    headers = auth.headers(admin)
    client.delete(f"/users/{user.id}", headers=headers)

    by_user = client.get(f"{AUDIT}?user_id={user.id}", headers=headers).json["data"]
    assert [row["event"] for row in by_user["events"]] == ["user_deleted", "login_succeeded", "login_failed"]
    assert by_user["total"] == 3
    by_event = client.get(f"{AUDIT}?event=login_succeeded", headers=headers).json["data"]
    assert {row["user_id"] for row in by_event["events"]} == {user.id, admin.id}
    both = client.get(f"{AUDIT}?event=login_failed&user_id={user.id}", headers=headers).json["data"]
    assert both["total"] == 1
    assert client.get(f"{AUDIT}?event=nothing_like_it", headers=headers).json["data"]["events"] == []


@pytest.mark.parametrize(
    "query, field",
    [
        ("user_id=0", "user_id"),
        ("user_id=abc", "user_id"),
        ("user_id=99999999999999999999", "user_id"),
        ("event=Not%20An%20Event", "event"),
        ("event=" + "x" * 65, "event"),
        ("event=", "event"),
        ("page=0", "page"),
        ("per_page=0", "per_page"),
        ("page=abc", "page"),
    ],
)
def test_bad_audit_queries_are_400_with_a_message(
    auth: AuthActions, admin: UserRef, client: FlaskClient, query: str, field: str
) -> None:
    response = client.get(f"{AUDIT}?{query}", headers=auth.headers(admin))
    assert response.status_code == 400
    assert response.json["status"] == "fail"
    assert response.json["message"] == "Invalid payload."
    assert response.json["errors"][field]


def test_an_audit_log_that_cannot_be_written_changes_no_answer(
    auth: AuthActions, app: APIFlask, user: UserRef, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy.exc import OperationalError

    from users_service.web import audit_trail

    def unavailable(*args: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database unavailable"))

    monkeypatch.setattr(audit_trail.audit, "store", unavailable)
    assert auth.login(user.email, "not the password").status_code == 401
    assert [record.msg for record in caplog.records if record.levelname == "WARNING"] == ["audit events not stored"]
    monkeypatch.undo()
    assert stored(app) == []
