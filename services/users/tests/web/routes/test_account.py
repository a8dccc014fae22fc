"""Deleting one's own account: DELETE /auth/account."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.domain.test_events import TRACEPARENT, kinds, outbox
from tests.factories import DEFAULT_PASSWORD, AuthActions, UserRef, active_admins, database_of, statuses_at_once
from tests.web.routes.test_two_factor import code_at, enrol, login_after_mfa, login_headers, wrong_code
from users_service.domain import users
from users_service.domain.errors import NotAllowed
from users_service.domain.models import KnownDevice, RecoveryCode, RefreshToken, TotpSecret, User


def delete_account(client: FlaskClient, headers: dict[str, str], **body: Any) -> Any:
    return client.delete("/auth/account", headers=headers, json=body)


def count(app: APIFlask, model: Any) -> int:
    with database_of(app).unit_of_work() as session:
        return int(session.query(model).count())


def test_a_user_deletes_their_account_and_every_session_ends(
    app: APIFlask, auth: AuthActions, user: UserRef, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    other_session = auth.token(user)
    login = auth.login(user.email)
    headers = {"Authorization": f"Bearer {login.json['auth_token']}"}
    with caplog.at_level("INFO", logger="users_service.audit"):
        response = delete_account(client, headers | {"traceparent": TRACEPARENT}, password=DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert response.json == {"status": "success", "message": "Your account was deleted."}
    # The refresh cookie is cleared, and no token of any session works any more.
    cleared = response.headers.get_all("Set-Cookie")
    assert any(c.startswith("refresh_token=;") and "Path=/auth" in c for c in cleared), cleared
    assert client.post("/auth/refresh").status_code == 401
    for token in (login.json["auth_token"], other_session):
        assert client.get("/auth/status", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.get(f"/users/{user.id}").status_code == 404
    assert auth.login(user.email).status_code == 401
    assert count(app, RefreshToken) == 0 and count(app, KnownDevice) == 0
    assert [r.user_id for r in caplog.records if getattr(r, "event", None) == "account_deleted"] == [user.id]
    # The other services delete the account's data on this event.
    [event] = [e for e in outbox(app) if e["type"] == "user.deleted"]
    assert (event["user_id"], event["traceparent"]) == (user.id, TRACEPARENT)


def test_the_user_deleted_event_is_written_in_the_same_transaction(
    app: APIFlask, auth: AuthActions, user: UserRef, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change and its event stand or fall together: a failure after the event's row was
    written takes the deletion back with it, and the deletion never stands without its event."""
    headers = auth.headers(user)
    real_audit = users.audit

    def failing_audit(event: str, **fields: Any) -> None:
        real_audit(event, **fields)
        if event == "account_deleted":  # called after the event's row was written
            raise NotAllowed("Refused after the event was written.")

    monkeypatch.setattr(users, "audit", failing_audit)
    refused = delete_account(client, headers, password=DEFAULT_PASSWORD)
    assert refused.status_code == 403
    assert auth.db_user(user.id) is not None
    assert [kind for kind in kinds(app) if kind[0] == "user.deleted"] == []
    monkeypatch.setattr(users, "audit", real_audit)
    assert delete_account(client, headers, password=DEFAULT_PASSWORD).status_code == 200
    assert auth.db_user(user.id) is None
    assert [(kind, user_id) for kind, user_id, _data in kinds(app)] == [("user.deleted", user.id)]


def test_a_wrong_password_is_refused_like_other_password_checks(
    app: APIFlask, auth: AuthActions, user: UserRef, client: FlaskClient
) -> None:
    response = delete_account(client, auth.headers(user), password="not the password")
    assert response.status_code == 400
    assert response.json["message"] == "Invalid payload."
    assert response.json["errors"] == {"password": ["Password is incorrect."]}
    assert auth.db_user(user.id) is not None
    assert outbox(app) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "password"),
        ({"password": ""}, "password"),
        ({"password": 12345678901}, "password"),
        ({"password": "x" * 1025}, "password"),
        ({"password": DEFAULT_PASSWORD, "code": 123456}, "code"),
    ],
)
def test_a_missing_or_malformed_field_is_400(
    auth: AuthActions, user: UserRef, client: FlaskClient, body: dict[str, Any], field: str
) -> None:
    response = client.delete("/auth/account", headers=auth.headers(user), json=body)
    assert response.status_code == 400
    assert response.json["status"] == "fail" and response.json["message"] == "Invalid payload."
    assert field in response.json["errors"]
    assert auth.db_user(user.id) is not None


def test_deleting_needs_an_access_token(client: FlaskClient) -> None:
    response = client.delete("/auth/account", json={"password": DEFAULT_PASSWORD})
    assert response.status_code == 401
    assert response.json["message"] == "Provide a valid auth token."


def test_the_last_active_admin_cannot_delete_itself(app: APIFlask, auth: AuthActions, admin: UserRef) -> None:
    client = app.test_client()
    response = delete_account(client, auth.headers(admin), password=DEFAULT_PASSWORD)
    assert response.status_code == 409
    assert response.json["message"] == "The last active admin cannot be removed or demoted."
    assert auth.db_user(admin.id) is not None
    assert outbox(app) == []
    # With another active admin, it can.
    auth.create_user(admin=True)
    assert delete_account(client, auth.headers(admin), password=DEFAULT_PASSWORD).status_code == 200
    assert auth.db_user(admin.id) is None


def test_with_two_factor_on_a_code_is_needed(
    app: APIFlask, auth: AuthActions, user: UserRef, client: FlaskClient
) -> None:
    secret, codes = enrol(client, auth.headers(user))
    headers = login_after_mfa(auth, user, client, secret, 1)
    missing = delete_account(client, headers, password=DEFAULT_PASSWORD)
    assert missing.status_code == 400
    assert missing.json["errors"] == {"code": ["Enter a code of your authenticator app, or a recovery code."]}
    wrong = delete_account(client, headers, password=DEFAULT_PASSWORD, code=wrong_code(secret))
    assert wrong.status_code == 400
    assert wrong.json["errors"] == {"code": ["Invalid code."]}
    # The login's code is spent already.
    spent = delete_account(client, headers, password=DEFAULT_PASSWORD, code=code_at(secret, 1))
    assert spent.status_code == 400
    wrong_password = delete_account(client, headers, password="not the password", code=codes[0])
    assert wrong_password.json["errors"] == {"password": ["Password is incorrect."]}
    assert auth.db_user(user.id) is not None
    done = delete_account(client, headers, password=DEFAULT_PASSWORD, code=codes[0])
    assert done.status_code == 200
    assert count(app, User) == 0 and count(app, TotpSecret) == 0 and count(app, RecoveryCode) == 0


def test_with_two_factor_on_a_totp_code_works(app: APIFlask, auth: AuthActions, user: UserRef) -> None:
    client = app.test_client()
    secret, codes = enrol(client, auth.headers(user))
    headers = login_headers(auth, user, client, (secret, codes))
    done = delete_account(client, headers, password=DEFAULT_PASSWORD, code=code_at(secret, 1))
    assert done.status_code == 200
    assert auth.db_user(user.id) is None


# SECURITY row 71: password-change-throttled (the same per-account lock)
def test_wrong_passwords_lock_the_account_like_failed_logins(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_AUTH="1000 per minute")
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user()
    headers = auth.headers(user)
    statuses = [
        delete_account(client, headers | {"X-Forwarded-For": f"198.51.100.{i}"}, password=f"guess {i}").status_code
        for i in range(110)
    ]
    assert statuses[:100] == [400] * 100
    assert set(statuses[100:]) == {429}
    locked = delete_account(client, headers, password=DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert auth.db_user(user.id) is not None
    # The password is not guessable through a login meanwhile either.
    assert auth.login(user.email, headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 429


def test_wrong_codes_count_against_the_account_too(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_AUTH="1000 per minute")
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user()
    secret, codes = enrol(client, auth.headers(user))
    headers = login_headers(auth, user, client, (secret, codes))
    statuses = [
        delete_account(client, headers, password=DEFAULT_PASSWORD, code=wrong_code(secret)).status_code
        for _ in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    assert delete_account(client, headers, password=DEFAULT_PASSWORD, code=codes[0]).status_code == 429
    assert auth.db_user(user.id) is not None


def test_no_password_or_code_is_logged(
    auth: AuthActions, user: UserRef, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    secret, codes = enrol(client, auth.headers(user))
    headers = login_headers(auth, user, client, (secret, codes))
    capsys.readouterr()
    delete_account(client, headers, password="a wrong guess 123", code=codes[1])
    delete_account(client, headers, password=DEFAULT_PASSWORD, code="999999")
    assert delete_account(client, headers, password=DEFAULT_PASSWORD, code=codes[2]).status_code == 200
    logged = capsys.readouterr()
    assert '"event": "account_delete_failed"' in logged.out and '"event": "account_deleted"' in logged.out
    for secret_value in ("a wrong guess 123", DEFAULT_PASSWORD, codes[1], codes[2], "999999", secret):
        assert secret_value not in logged.out + logged.err


# SECURITY row 44: last-admin-race, decided by PostgreSQL's row locks
def test_the_last_two_admins_deleting_themselves_at_once_leave_one(
    postgres_app: APIFlask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each request locks the admins before its own row: taking its own row first, each would
    hold one the other waits for (a deadlock, and an error instead of the 409)."""
    from users_service.domain import auth as accounts

    auth = AuthActions(postgres_app, postgres_app.test_client())
    first, second = auth.create_user(admin=True), auth.create_user(admin=True)
    headers = {first.id: auth.headers(first), second.id: auth.headers(second)}
    assert postgres_app.extensions["background_work"].wait()  # the logins' device checks
    # Each request waits at the password check for the other to get there too (or for two
    # seconds, when the other is rightly held back by a lock).
    both_checking = threading.Barrier(2)
    verify_password = accounts.verify_password

    def verify_when_both_are_inside(*args: Any) -> bool:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checking.wait(timeout=2)
        return verify_password(*args)

    monkeypatch.setattr(accounts, "verify_password", verify_when_both_are_inside)

    def delete_self(actor: UserRef) -> TestResponse:
        return postgres_app.test_client().delete(
            "/auth/account", json={"password": DEFAULT_PASSWORD}, headers=headers[actor.id]
        )

    assert statuses_at_once([lambda: delete_self(first), lambda: delete_self(second)]) == [200, 409]
    assert active_admins(postgres_app) == 1


def test_the_deletion_and_refused_attempts_stay_in_the_audit_log(
    auth: AuthActions, user: UserRef, admin: UserRef, client: FlaskClient
) -> None:
    headers = auth.headers(user)
    assert delete_account(client, headers, password="not the password").status_code == 400
    assert delete_account(client, headers, password=DEFAULT_PASSWORD).status_code == 200
    audit = client.get("/auth/audit?per_page=100", headers=auth.headers(admin)).json["data"]["events"]
    kept = [(row["event"], row["user_id"]) for row in audit if row["event"].startswith("account_")]
    # The log outlives the account it tells of.
    assert kept == [("account_deleted", user.id), ("account_delete_failed", user.id)]
