"""The transactional outbox: each change writes exactly its events, in its own transaction."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import time_machine
from apiflask import APIFlask
from flask.testing import FlaskClient

from tests.factories import DEFAULT_PASSWORD, AuthActions, UserRef, database_of
from users_service.domain import events, users
from users_service.domain.models import PasswordResetToken, User, utcnow
from users_service.domain.tokens import sha256

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
NEW_PASSWORD = "a brand new passphrase"


def outbox(app: APIFlask) -> list[dict[str, Any]]:
    with database_of(app).autocommit() as connection:
        return events.events_after(connection=connection, after=0, limit=500)


def kinds(app: APIFlask) -> list[tuple[str, int, dict[str, Any]]]:
    return [(event["type"], event["user_id"], event["data"]) for event in outbox(app)]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sessions_of(app: APIFlask, *tokens: str) -> list[str]:
    return [jwt.decode(token, options={"verify_signature": False})["sid"] for token in tokens]


@pytest.fixture
def admin_headers(auth: AuthActions, admin: UserRef) -> dict[str, str]:
    return auth.headers(admin)


def test_an_admin_deleting_a_user_writes_user_deleted(
    app: APIFlask, client: FlaskClient, user: UserRef, admin_headers: dict[str, str]
) -> None:
    response = client.delete(f"/users/{user.id}", headers=admin_headers | {"traceparent": TRACEPARENT})
    assert response.status_code == 200
    [event] = outbox(app)
    assert (event["type"], event["user_id"], event["data"], event["traceparent"]) == (
        "user.deleted",
        user.id,
        {},
        TRACEPARENT,
    )
    assert len(event["id"]) == 32 and int(event["id"], 16) >= 0
    occurred = datetime.fromisoformat(event["occurred_at"])
    assert occurred.utcoffset() == timedelta(0)
    assert abs(occurred - utcnow()) < timedelta(seconds=30)
    assert event["occurred_at"].endswith("+00:00") and len(event["occurred_at"].split(".")[1]) == len("123456+00:00")


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        TRACEPARENT.upper(),
        "ff" + TRACEPARENT[2:],
        "00-" + "0" * 32 + TRACEPARENT[35:],
        TRACEPARENT + "-",
    ],
)
def test_a_missing_or_malformed_traceparent_is_not_carried(
    app: APIFlask, client: FlaskClient, user: UserRef, admin_headers: dict[str, str], header: str
) -> None:
    assert client.delete(f"/users/{user.id}", headers=admin_headers | {"traceparent": header}).status_code == 200
    assert [event["traceparent"] for event in outbox(app)] == [None]


def test_deactivation_writes_each_ended_session_then_user_deactivated(
    app: APIFlask, client: FlaskClient, auth: AuthActions, user: UserRef, admin_headers: dict[str, str]
) -> None:
    first, second = auth.token(user), auth.token(user)
    response = client.patch(f"/users/{user.id}", headers=admin_headers, json={"active": False})
    assert response.status_code == 200
    revoked = [
        ("session.revoked", user.id, {"session_id": sid, "jti": None, "reason": "admin"})
        for sid in sorted(sessions_of(app, first, second))
    ]
    assert kinds(app) == [*revoked, ("user.deactivated", user.id, {})]


def test_reactivation_and_admin_changes_write_user_updated(
    app: APIFlask, client: FlaskClient, auth: AuthActions, admin_headers: dict[str, str]
) -> None:
    inactive = auth.create_user(active=False)
    assert client.patch(f"/users/{inactive.id}", headers=admin_headers, json={"active": True}).status_code == 200
    assert client.patch(f"/users/{inactive.id}", headers=admin_headers, json={"admin": True}).status_code == 200
    assert client.patch(f"/users/{inactive.id}", headers=admin_headers, json={"admin": False}).status_code == 200
    assert kinds(app) == [
        ("user.updated", inactive.id, {"admin": False, "active": True}),
        ("user.updated", inactive.id, {"admin": True, "active": True}),
        ("user.updated", inactive.id, {"admin": False, "active": True}),
    ]


def test_changes_no_other_service_cares_about_write_nothing(
    app: APIFlask, client: FlaskClient, auth: AuthActions, user: UserRef, admin_headers: dict[str, str]
) -> None:
    headers = auth.headers(user)
    assert client.patch(f"/users/{user.id}", headers=headers, json={"username": "renamed.user"}).status_code == 200
    unchanged = {"admin": False, "active": True}
    assert client.patch(f"/users/{user.id}", headers=admin_headers, json=unchanged).status_code == 200
    assert client.post("/auth/refresh").status_code == 200
    assert outbox(app) == []


def test_logout_writes_session_revoked_with_the_session_and_the_token(
    app: APIFlask, client: FlaskClient, auth: AuthActions, user: UserRef
) -> None:
    token = auth.token(user)
    claims = jwt.decode(token, options={"verify_signature": False})
    response = client.post("/auth/logout", headers=bearer(token) | {"traceparent": TRACEPARENT})
    assert response.status_code == 200
    assert kinds(app) == [
        ("session.revoked", user.id, {"session_id": claims["sid"], "jti": claims["jti"], "reason": "logout"})
    ]
    assert outbox(app)[0]["traceparent"] == TRACEPARENT


def test_logout_with_another_sessions_cookie_ends_and_tells_both(
    app: APIFlask, client: FlaskClient, auth: AuthActions, user: UserRef
) -> None:
    cookie_token = auth.token(user)  # the client's cookie now belongs to this session
    other = AuthActions(app, app.test_client()).token(user)
    claims = jwt.decode(other, options={"verify_signature": False})
    assert client.get("/auth/logout", headers=bearer(other)).status_code == 200
    assert kinds(app) == [
        ("session.revoked", user.id, {"session_id": claims["sid"], "jti": claims["jti"], "reason": "logout"}),
        (
            "session.revoked",
            user.id,
            {"session_id": sessions_of(app, cookie_token)[0], "jti": None, "reason": "logout"},
        ),
    ]


def test_refresh_token_reuse_writes_session_revoked(
    app: APIFlask, client: FlaskClient, auth: AuthActions, user: UserRef
) -> None:
    token = auth.token(user)
    stolen = client.get_cookie("refresh_token", path="/auth")
    assert stolen is not None
    assert client.post("/auth/refresh").status_code == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=30)):
        client.set_cookie("refresh_token", stolen.value, path="/auth")
        assert client.post("/auth/refresh", headers={"traceparent": TRACEPARENT}).status_code == 401
    [sid] = sessions_of(app, token)
    assert kinds(app) == [("session.revoked", user.id, {"session_id": sid, "jti": None, "reason": "reuse"})]
    assert outbox(app)[0]["traceparent"] == TRACEPARENT


def test_password_change_ends_every_session_and_writes_password_changed(
    app: APIFlask, client: FlaskClient, auth: AuthActions, user: UserRef
) -> None:
    other = AuthActions(app, app.test_client()).token(user)
    token = auth.token(user)
    response = client.put(
        "/auth/password",
        headers=bearer(token),
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200
    revoked = [
        ("session.revoked", user.id, {"session_id": sid, "jti": None, "reason": "password"})
        for sid in sorted(sessions_of(app, other, token))
    ]
    assert kinds(app) == [*revoked, ("user.password_changed", user.id, {})]
    # Consumers refuse tokens issued before the change (whole seconds): never the new one.
    occurred = datetime.fromisoformat(outbox(app)[-1]["occurred_at"])
    new_token = jwt.decode(response.json["auth_token"], options={"verify_signature": False})
    assert new_token["iat"] >= int(occurred.timestamp())


def test_a_wrong_current_password_writes_nothing(
    app: APIFlask, client: FlaskClient, auth: AuthActions, user: UserRef
) -> None:
    body = {"current_password": "not my password", "new_password": NEW_PASSWORD}
    assert client.put("/auth/password", headers=auth.headers(user), json=body).status_code == 400
    assert outbox(app) == []


def test_a_password_reset_writes_session_revoked_and_password_changed(
    app: APIFlask, client: FlaskClient, auth: AuthActions, user: UserRef
) -> None:
    [sid] = sessions_of(app, auth.token(user))
    with database_of(app).unit_of_work() as session:
        expires = utcnow() + timedelta(hours=1)
        session.add(PasswordResetToken(token_hash=sha256("reset-token"), user_id=user.id, expires_at=expires))
    response = client.post("/auth/password-reset/confirm", json={"token": "reset-token", "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert kinds(app) == [
        ("session.revoked", user.id, {"session_id": sid, "jti": None, "reason": "reset"}),
        ("user.password_changed", user.id, {}),
    ]


def test_a_change_that_rolls_back_writes_no_event(app: APIFlask, user: UserRef) -> None:
    database = database_of(app)
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        users.delete_user(session=session, user=session.get(User, user.id))  # type: ignore[arg-type]
        assert len(outbox_in(session)) == 1  # written, inside the transaction
        raise RuntimeError("the request fails after the change")
    assert outbox(app) == []
    with database.unit_of_work() as session:
        assert session.get(User, user.id) is not None


def test_the_last_admin_refused_writes_no_event(
    app: APIFlask, client: FlaskClient, admin: UserRef, admin_headers: dict[str, str]
) -> None:
    assert client.patch(f"/users/{admin.id}", headers=admin_headers, json={"active": False}).status_code == 409
    assert client.delete(f"/users/{admin.id}", headers=admin_headers).status_code == 409
    assert outbox(app) == []


def outbox_in(session: Any) -> list[dict[str, Any]]:
    return events.events_after(connection=session.connection(), after=0, limit=500)


def test_writers_of_events_commit_in_position_order(postgres_app: APIFlask) -> None:
    """PostgreSQL: a second writer waits for the first one's commit, so a feed reader that
    keeps the last position it saw never skips an event committed late."""
    database = database_of(postgres_app)
    recorded, finished = threading.Event(), threading.Event()

    def second_writer() -> None:
        recorded.wait(timeout=10)
        with database.unit_of_work() as session:
            events.record(session, type="user.deleted", user_id=2)
        finished.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    with database.unit_of_work() as session:
        events.record(session, type="user.deleted", user_id=1)
        recorded.set()
        time.sleep(0.5)
        assert not finished.is_set(), "the second writer committed while the first was still open"
    thread.join(timeout=10)
    assert finished.is_set()
    assert [event["user_id"] for event in outbox(postgres_app)] == [1, 2]


def test_create_admin_over_an_existing_account_writes_its_events(app: APIFlask, auth: AuthActions) -> None:
    member = auth.create_user()
    [sid] = sessions_of(app, auth.token(member))
    settings = app.extensions["settings"]

    def create_admin(password: str) -> None:
        with database_of(app).unit_of_work() as session:
            users.upsert_admin(
                session=session, settings=settings, username="promoted.admin", email=member.email, password=password
            )

    create_admin(NEW_PASSWORD)
    assert kinds(app) == [
        ("session.revoked", member.id, {"session_id": sid, "jti": None, "reason": "admin"}),
        ("user.password_changed", member.id, {}),
        ("user.updated", member.id, {"admin": True, "active": True}),
    ]
    create_admin(DEFAULT_PASSWORD)  # already an active admin: the new password alone
    assert kinds(app)[3:] == [("user.password_changed", member.id, {})]
