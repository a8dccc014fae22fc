"""The caller's sessions: GET /auth/sessions, DELETE /auth/sessions[/{id}] (SECURITY row 67)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import time_machine
from apiflask import APIFlask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import AuthActions, UserRef, database_of
from users_service.domain.models import OutboxEvent, RefreshToken

SESSIONS = "/auth/sessions"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def log_in(app: APIFlask, user: UserRef, **headers: str) -> tuple[FlaskClient, str]:
    """A browser of its own (its own refresh cookie) logged in as ``user``: one session."""
    browser = app.test_client()
    response = browser.post("/auth/login", json={"email": user.email, "password": user.password}, headers=headers)
    assert response.status_code == 200, response.json
    return browser, str(response.json["auth_token"])


def sessions_of(client: FlaskClient, token: str) -> list[dict[str, object]]:
    response = client.get(SESSIONS, headers=bearer(token))
    assert response.status_code == 200, response.json
    return list(response.json["data"]["sessions"])


def test_sessions_list_the_callers_sessions_with_the_current_one_marked(
    app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    _laptop, laptop = log_in(app, user, **{"User-Agent": BROWSER, "X-Forwarded-For": "198.51.100.7"})
    _phone, phone = log_in(app, user, **{"User-Agent": "Phone browser"})

    listed = sessions_of(client, laptop)

    assert len(listed) == 2
    assert {row["user_agent"] for row in listed} == {BROWSER, "Phone browser"}
    (current,) = [row for row in listed if row["current"]]
    assert current["user_agent"] == BROWSER
    # The gateway's hop is believed (no TRUSTED_PROXIES: its last entry is the client).
    assert current["address"] == "198.51.100.7"
    assert set(current) == {"id", "created", "last_used", "user_agent", "address", "current"}
    assert [row["current"] for row in sessions_of(client, phone)].count(True) == 1


def test_sessions_are_only_the_callers_own(
    auth: AuthActions, app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    other = auth.create_user()
    log_in(app, other)
    _browser, token = log_in(app, user)
    assert len(sessions_of(client, token)) == 1


def test_a_refresh_updates_last_used_and_keeps_created(app: APIFlask, user: UserRef, client: FlaskClient) -> None:
    browser, token = log_in(app, user, **{"User-Agent": "Old browser"})
    (before,) = sessions_of(client, token)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=5)):
        refreshed = browser.post("/auth/refresh", headers={"User-Agent": "New browser"})
        assert refreshed.status_code == 200
        (after,) = sessions_of(client, refreshed.json["auth_token"])
    assert after["id"] == before["id"]
    assert after["created"] == before["created"]
    assert str(after["last_used"]) > str(before["last_used"])
    assert after["user_agent"] == "New browser"
    assert after["current"] is True


def test_a_long_user_agent_is_truncated(app: APIFlask, user: UserRef, client: FlaskClient) -> None:
    _browser, token = log_in(app, user, **{"User-Agent": "x" * 1000})
    (row,) = sessions_of(client, token)
    assert row["user_agent"] == "x" * 256


def test_ended_and_logged_out_sessions_are_not_listed(app: APIFlask, user: UserRef, client: FlaskClient) -> None:
    _gone, gone = log_in(app, user)
    assert client.get("/auth/logout", headers=bearer(gone)).status_code == 200
    _browser, token = log_in(app, user)
    assert [row["current"] for row in sessions_of(client, token)] == [True]


def test_sessions_need_a_token(client: FlaskClient) -> None:
    for method in ("GET", "DELETE"):
        response = client.open(SESSIONS, method=method)
        assert response.status_code == 401
        assert response.json["message"] == "Provide a valid auth token."
    response = client.delete(f"{SESSIONS}/abc")
    assert response.status_code == 401
    assert response.json["message"] == "Provide a valid auth token."


# SECURITY row 67: session-end-kills-access-tokens (ending a session from another one)
def test_ending_a_session_refuses_its_access_tokens_at_once(app: APIFlask, user: UserRef, client: FlaskClient) -> None:
    stolen_browser, stolen = log_in(app, user)
    # A refresh gives the ended session a second access token: both must die.
    second = stolen_browser.post("/auth/refresh").json["auth_token"]
    _mine, mine = log_in(app, user)
    assert client.get("/auth/status", headers=bearer(stolen)).status_code == 200
    other = next(row["id"] for row in sessions_of(client, mine) if not row["current"])

    response = client.delete(f"{SESSIONS}/{other}", headers=bearer(mine))

    assert response.status_code == 200
    assert response.json == {"status": "success", "message": "Session ended."}
    for token in (stolen, second):
        refused = client.get("/auth/status", headers=bearer(token))
        assert refused.status_code == 401
        assert refused.json["message"] == "Invalid token. Please log in again."
    # Its refresh cookie is dead too, and the caller's own session lives on.
    assert stolen_browser.post("/auth/refresh").status_code == 401
    assert client.get("/auth/status", headers=bearer(mine)).status_code == 200


def test_ending_a_session_tells_other_services(app: APIFlask, user: UserRef, client: FlaskClient) -> None:
    log_in(app, user)
    _mine, mine = log_in(app, user)
    other = next(row["id"] for row in sessions_of(client, mine) if not row["current"])
    assert client.delete(f"{SESSIONS}/{other}", headers=bearer(mine)).status_code == 200
    with database_of(app).unit_of_work() as session:
        rows = session.scalars(select(OutboxEvent).where(OutboxEvent.type == "session.revoked")).all()
        published = [(row.user_id, json.loads(row.data)) for row in rows]
    assert published == [(user.id, {"session_id": other, "jti": None, "reason": "ended"})]


def test_ending_ones_current_session_logs_it_out(app: APIFlask, user: UserRef, client: FlaskClient) -> None:
    _browser, token = log_in(app, user)
    (current,) = sessions_of(client, token)
    assert client.delete(f"{SESSIONS}/{current['id']}", headers=bearer(token)).status_code == 200
    assert client.get("/auth/status", headers=bearer(token)).status_code == 401


def test_ending_another_accounts_session_is_404_and_changes_nothing(
    auth: AuthActions, app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    victim = auth.create_user()
    _victim_browser, victim_token = log_in(app, victim)
    (victims,) = sessions_of(client, victim_token)
    _browser, token = log_in(app, user)

    response = client.delete(f"{SESSIONS}/{victims['id']}", headers=bearer(token))

    assert response.status_code == 404
    assert (response.json["status"], response.json["message"]) == ("fail", "Session does not exist.")
    assert client.get("/auth/status", headers=bearer(victim_token)).status_code == 200


def test_ending_an_unknown_or_ended_session_is_404(app: APIFlask, user: UserRef, client: FlaskClient) -> None:
    _gone, gone = log_in(app, user)
    (ended,) = sessions_of(client, gone)
    client.get("/auth/logout", headers=bearer(gone))
    _browser, token = log_in(app, user)
    for session_id in ("unknown", ended["id"], "x" * 65, "%00"):
        response = client.delete(f"{SESSIONS}/{session_id}", headers=bearer(token))
        assert response.status_code == 404, session_id
        assert response.json["message"] == "Session does not exist."


# SECURITY row 67: "end all other sessions" kills every other session's access tokens at once
def test_ending_all_other_sessions_keeps_only_the_current_one(
    app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    others = [log_in(app, user)[1] for _ in range(2)]
    _mine, mine = log_in(app, user)

    response = client.delete(SESSIONS, headers=bearer(mine))

    assert response.status_code == 200
    assert response.json == {"status": "success", "message": "Ended 2 other sessions."}
    for token in others:
        assert client.get("/auth/status", headers=bearer(token)).status_code == 401
    assert [row["current"] for row in sessions_of(client, mine)] == [True]
    assert client.delete(SESSIONS, headers=bearer(mine)).json["message"] == "Ended 0 other sessions."


def test_sessions_started_before_the_session_columns_still_list(
    app: APIFlask, user: UserRef, client: FlaskClient
) -> None:
    _browser, token = log_in(app, user)
    with database_of(app).unit_of_work() as session:
        row = session.scalars(select(RefreshToken)).one()
        row.session_started_at = None
        row.user_agent = None
        row.address = None
    (listed,) = sessions_of(client, token)
    assert listed["created"] == listed["last_used"]
    assert listed["user_agent"] is None
