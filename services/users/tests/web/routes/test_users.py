"""Users resource: visibility, admin functions, self-service (SECURITY rows 7-9, 39-44)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from sqlalchemy import insert
from werkzeug.test import TestResponse

from tests.factories import AuthActions, UserRef, active_admins, database_of, statuses_at_once
from tests.smtp import SMTPServer, link_token
from users_service.domain.models import User, utcnow

PUBLIC_FIELDS = {"id", "username", "active", "created_date"}
PRIVATE_FIELDS = PUBLIC_FIELDS | {"email", "admin", "two_factor_enabled", "email_verified"}


def count_users(app: APIFlask) -> int:
    with database_of(app).unit_of_work() as session:
        return session.query(User).count()


def test_list_users_is_paginated(auth: AuthActions, client: FlaskClient) -> None:
    for _ in range(3):
        auth.create_user()
    response = client.get("/users?page=2&per_page=2")
    assert response.status_code == 200
    data = response.json["data"]
    assert (data["page"], data["per_page"], data["total"], len(data["users"])) == (2, 2, 3, 1)


def test_list_users_by_key_pages_through_everyone_once(auth: AuthActions, client: FlaskClient) -> None:
    created = [auth.create_user().id for _ in range(5)]
    seen: list[int] = []
    after: int | None = 0
    pages = 0
    while after is not None:
        data = client.get(f"/users?per_page=2&after={after}").json["data"]
        seen += [u["id"] for u in data["users"]]
        after = data["next_after"]
        pages += 1
    assert seen == sorted(created)
    assert pages == 3  # 2 + 2 + 1: the short page is the last


def test_next_after_is_the_last_id_of_a_full_page(auth: AuthActions, client: FlaskClient) -> None:
    ids = [auth.create_user().id for _ in range(3)]
    assert client.get("/users?per_page=2").json["data"]["next_after"] == ids[1]
    assert client.get("/users?per_page=2&page=2").json["data"]["next_after"] is None


@pytest.mark.parametrize("after", ["-1", "x", str(2**31)])
def test_bad_after_is_a_400(client: FlaskClient, after: str) -> None:
    response = client.get(f"/users?after={after}")
    assert response.status_code == 400
    assert "after" in response.json["errors"]


def test_total_is_reused_for_a_second_and_reset_by_writes_here(
    make_app: Callable[..., APIFlask],
) -> None:
    from users_service.domain.users import total_users

    app = make_app(USER_COUNT_MAX_AGE=60)
    client = app.test_client()
    auth = AuthActions(app, client)
    total_users.forget()
    auth.create_user()
    assert client.get("/users").json["data"]["total"] == 1
    # A row written behind the service's back (another instance) shows only once the count is old.
    with database_of(app).unit_of_work() as session:
        session.execute(
            insert(User).values(
                username="elsewhere",
                email="elsewhere@example.com",
                password_hash="x",
                active=True,
                admin=False,
                created_date=utcnow(),
                token_version=0,
            )
        )
    assert client.get("/users").json["data"]["total"] == 1
    assert len(client.get("/users").json["data"]["users"]) == 2  # the page itself is always fresh
    # A user created through this process counts at once.
    auth.create_user()
    assert client.get("/users").json["data"]["total"] == 3


# SECURITY row 42: field-exposure
def test_anonymous_and_other_users_see_only_public_fields(
    auth: AuthActions, user: UserRef, client: FlaskClient
) -> None:
    other = auth.create_user()
    for headers in ({}, auth.headers(other), {"Authorization": "Bearer invalid"}):
        listed = client.get("/users", headers=headers).json["data"]["users"]
        mine = next(u for u in listed if u["id"] == user.id)
        assert set(mine) == PUBLIC_FIELDS
        one = client.get(f"/users/{user.id}", headers=headers).json["data"]
        assert set(one) == PUBLIC_FIELDS
    assert "password" not in client.get("/users").get_data(as_text=True)


def test_admins_and_the_user_themself_see_private_fields(
    auth: AuthActions, user: UserRef, admin: UserRef, client: FlaskClient
) -> None:
    for viewer in (user, admin):
        one = client.get(f"/users/{user.id}", headers=auth.headers(viewer)).json["data"]
        assert set(one) == PRIVATE_FIELDS
        assert one["email"] == user.email


def test_get_missing_user_is_404(client: FlaskClient) -> None:
    response = client.get("/users/999")
    assert response.status_code == 404
    assert response.json["message"] == "User does not exist"


# SECURITY row 8: bad-path-ids
@pytest.mark.parametrize(
    "path", ["/users/abc", "/users/-1", "/users/0", "/users/99999999999999999999", "/users/2147483648", "/users/1.5"]
)
def test_bad_path_ids_are_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json["status"] == "fail"


def test_bad_path_ids_on_writes_are_404(auth: AuthActions, admin: UserRef, client: FlaskClient) -> None:
    headers = auth.headers(admin)
    assert client.delete("/users/99999999999999999999", headers=headers).status_code == 404
    assert client.patch("/users/2147483648", json={"username": "renamed.user"}, headers=headers).status_code == 404


# SECURITY row 9: pagination-abuse
@pytest.mark.parametrize(
    "query, expected",
    [
        ("per_page=100000", 200),
        ("per_page=0", 400),
        ("page=-1", 400),
        ("page=abc", 400),
        ("page=0", 400),
        ("page=99999999999999999999", 400),
        ("per_page=99999999999999999999", 200),
        ("page=1000000&per_page=100", 200),
    ],
)
def test_pagination_abuse_is_clamped_or_400(client: FlaskClient, query: str, expected: int) -> None:
    response = client.get(f"/users?{query}")
    assert response.status_code == expected
    if expected == 200:
        assert response.json["data"]["per_page"] <= 100


# SECURITY row 10: query parameter pollution -> the first value wins
def test_repeated_query_parameters_use_the_first_value(auth: AuthActions, client: FlaskClient) -> None:
    auth.create_user()
    assert client.get("/users?page=1&page=2").json["data"]["page"] == 1


# SECURITY row 7: injection-and-encoding
INJECTIONS = ["' OR 1=1--", '";DROP TABLE users;--', "</script><img src=x onerror=alert(1)>"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_strings_are_inert(
    auth: AuthActions, user: UserRef, client: FlaskClient, app: APIFlask, payload: str
) -> None:
    before = count_users(app)
    for body in ({"email": payload, "password": payload}, {"email": user.email, "password": payload}):
        response = client.post("/auth/login", json=body)
        assert response.status_code in (400, 401)
        assert "sql" not in response.get_data(as_text=True).lower()
    register = client.post("/auth/register", json={"username": payload, "email": payload, "password": payload})
    assert register.status_code == 400
    assert client.get(f"/users?page={payload}").status_code == 400
    assert count_users(app) == before


def test_markup_in_username_is_returned_as_a_json_string(client: FlaskClient) -> None:
    username = "</script><img src=x onerror=alert(1)>"
    response = client.post(
        "/auth/register",
        json={"username": username, "email": "x@example.com", "password": "correct horse battery staple"},
    )
    assert response.status_code == 201
    listed = client.get("/users")
    assert listed.content_type == "application/json"
    assert listed.json["data"]["users"][0]["username"] == username


def test_admin_creates_a_user(auth: AuthActions, admin: UserRef, client: FlaskClient) -> None:
    response = client.post(
        "/users",
        headers=auth.headers(admin),
        json={"username": "new.person", "email": "New@Example.com", "password": "correct horse battery staple"},
    )
    assert response.status_code == 201
    assert response.json["message"] == "new@example.com was added!"
    assert response.json["data"]["email"] == "new@example.com"
    assert "password" not in response.json["data"]


def test_admin_create_duplicate_email_is_409(
    auth: AuthActions, admin: UserRef, user: UserRef, client: FlaskClient
) -> None:
    response = client.post(
        "/users",
        headers=auth.headers(admin),
        json={"username": "someone.else", "email": user.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 409
    assert response.json["message"] == "Sorry. That email already exists."


def test_admin_create_duplicate_username_is_409(
    auth: AuthActions, admin: UserRef, user: UserRef, client: FlaskClient
) -> None:
    response = client.post(
        "/users",
        headers=auth.headers(admin),
        json={"username": user.username, "email": "fresh@example.com", "password": "correct horse battery staple"},
    )
    assert response.status_code == 409
    assert response.json["message"] == "Sorry. That username already exists."


# SECURITY row 39: admin-functions
def test_admin_functions_need_an_admin(
    auth: AuthActions, user: UserRef, admin: UserRef, client: FlaskClient, app: APIFlask
) -> None:
    body = {"username": "new.person", "email": "n@example.com", "password": "correct horse battery staple"}
    assert client.post("/users", json=body).status_code == 401
    assert client.delete(f"/users/{admin.id}").status_code == 401
    assert client.patch(f"/users/{user.id}", json={"admin": True}).status_code == 401
    headers = auth.headers(user)
    assert client.post("/users", json=body, headers=headers).status_code == 403
    forbidden = client.delete(f"/users/{admin.id}", headers=headers)
    assert forbidden.status_code == 403
    assert forbidden.json["message"] == "You do not have permission to do that."
    assert client.patch(f"/users/{user.id}", json={"admin": True}, headers=headers).status_code == 403
    override = client.post(f"/users/{admin.id}", headers={**headers, "X-HTTP-Method-Override": "DELETE"})
    assert override.status_code == 405
    assert count_users(app) == 2


# SECURITY row 40: idor-writes
def test_a_user_cannot_edit_or_delete_another_user(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    other = auth.create_user()
    headers = auth.headers(user)
    assert client.patch(f"/users/{other.id}", json={"username": "hijacked.name"}, headers=headers).status_code == 403
    assert client.put(f"/users/{other.id}", json={"email": "hijack@example.com"}, headers=headers).status_code == 403
    assert client.delete(f"/users/{other.id}", headers=headers).status_code == 403
    unchanged = auth.db_user(other.id)
    assert unchanged is not None and unchanged.username == other.username and unchanged.email == other.email


def test_a_user_updates_their_own_username_at_once_and_email_once_confirmed(
    make_app: Callable[..., APIFlask], smtp: SMTPServer
) -> None:
    app = make_app(SMTP_URL=smtp.url, PUBLIC_URL="https://app.example")
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user(email="user@example.com")
    headers = auth.headers(user)
    response = client.patch(
        f"/users/{user.id}",
        json={"username": "renamed.user", "email": "Renamed@Example.com", "current_password": user.password},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json["message"] == (
        "Check renamed@example.com: your new email address takes effect once you open the link we mailed it."
    )
    assert response.json["data"]["username"] == "renamed.user"
    assert response.json["data"]["email"] == "user@example.com"
    link = next(m for m in smtp.wait_for(2) if m["To"] == "renamed@example.com")
    confirmed = client.post("/auth/verify-email", json={"token": link_token(link)})
    assert confirmed.status_code == 200
    assert confirmed.json["message"] == "Your email address was changed."
    data = client.get("/auth/status", headers=headers).json["data"]
    assert (data["email"], data["email_verified"]) == ("renamed@example.com", True)


def test_update_to_a_taken_email_is_409(auth: AuthActions, user: UserRef, client: FlaskClient) -> None:
    other = auth.create_user()
    response = client.put(
        f"/users/{user.id}", json={"email": other.email, "current_password": user.password}, headers=auth.headers(user)
    )
    assert response.status_code == 409


# SECURITY row 65: email-change-needs-password
def test_changing_ones_own_email_needs_the_password_and_tells_the_old_address(
    make_app: Callable[..., APIFlask], smtp: SMTPServer
) -> None:
    app = make_app(SMTP_URL=smtp.url, PUBLIC_URL="https://app.example")
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user(email="owner@example.com")
    headers = auth.headers(user)
    for body in ({"email": "thief@example.com"}, {"email": "thief@example.com", "current_password": "a guess"}):
        refused = client.patch(f"/users/{user.id}", json=body, headers=headers)
        assert refused.status_code == 400
        assert refused.json["errors"] == {"current_password": ["Enter your current password to change your email."]}
    assert auth.db_user(user.id).email == "owner@example.com"  # type: ignore[union-attr]
    assert app.extensions["background_work"].wait() and smtp.messages == []

    changed = client.patch(
        f"/users/{user.id}", json={"email": "new@example.com", "current_password": user.password}, headers=headers
    )
    assert changed.status_code == 200
    mails = {message["To"]: message for message in smtp.wait_for(2)}
    assert set(mails) == {"owner@example.com", "new@example.com"}
    notice = mails["owner@example.com"].get_payload()[0].get_payload(decode=True).decode()
    assert "new@example.com" in notice and "verify-email" not in notice
    # Pending: nothing changed until the new address opens its link.
    assert auth.db_user(user.id).email == "owner@example.com"  # type: ignore[union-attr]
    assert client.post("/auth/verify-email", json={"token": link_token(mails["new@example.com"])}).status_code == 200
    assert auth.db_user(user.id).email == "new@example.com"  # type: ignore[union-attr]
    # The same email again is no change: no password needed, no notice.
    same = client.patch(f"/users/{user.id}", json={"email": "new@example.com", "username": "still.me"}, headers=headers)
    assert same.status_code == 200
    assert same.json["message"] == "User updated."


def test_an_admin_changes_someones_email_at_once_unverified_and_the_owner_is_told(
    make_app: Callable[..., APIFlask], smtp: SMTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(SMTP_URL=smtp.url, PUBLIC_URL="https://app.example")
    client = app.test_client()
    auth = AuthActions(app, client)
    admin = auth.create_user(admin=True)
    user = auth.create_user(email="owner@example.com")
    response = client.patch(f"/users/{user.id}", json={"email": "moved@example.com"}, headers=auth.headers(admin))
    assert response.status_code == 200
    assert response.json["message"] == "User updated."
    assert (response.json["data"]["email"], response.json["data"]["email_verified"]) == ("moved@example.com", False)
    mails = {message["To"]: message for message in smtp.wait_for(2)}
    assert "An administrator changed" in mails["owner@example.com"].get_payload()[0].get_payload(decode=True).decode()
    verified = client.post("/auth/verify-email", json={"token": link_token(mails["moved@example.com"])})
    assert verified.json["message"] == "Your email address is verified."
    assert auth.db_user(user.id).email_verified  # type: ignore[union-attr]
    audited = [line for line in capsys.readouterr().out.splitlines() if '"event": "email_changed"' in line]
    assert len(audited) == 1 and f'"actor_id": {admin.id}' in audited[0] and '"by_admin": true' in audited[0]


# SECURITY row 66: no-email-oracle
def test_email_changes_per_account_are_limited(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(RATE_LIMIT_EMAIL_CHANGE="3 per hour")
    client = app.test_client()
    auth = AuthActions(app, client)
    user = auth.create_user()
    taken = auth.create_user()
    headers = auth.headers(user)
    # Each attempt says whether an address is taken: they count whether they succeed or not.
    probes = [
        client.patch(
            f"/users/{user.id}",
            json={"email": email, "current_password": user.password},
            headers={**headers, "X-Forwarded-For": f"198.51.100.{i}"},
        )
        for i, email in enumerate((taken.email, "free1@example.com", "free2@example.com", "free3@example.com"))
    ]
    assert [probe.status_code for probe in probes] == [409, 200, 200, 429]
    assert int(probes[-1].headers["Retry-After"]) >= 1
    assert probes[-1].json["message"] == "Too many email changes. Please try again later."
    # Changing the username is not an email change.
    assert client.patch(f"/users/{user.id}", json={"username": "other.name"}, headers=headers).status_code == 200


# SECURITY row 41: mass-assignment
def test_self_update_cannot_grant_admin_or_change_protected_fields(
    auth: AuthActions, user: UserRef, client: FlaskClient
) -> None:
    headers = auth.headers(user)
    assert client.patch(f"/users/{user.id}", json={"admin": True}, headers=headers).status_code == 403
    assert client.patch(f"/users/{user.id}", json={"active": False}, headers=headers).status_code == 403
    ignored = client.patch(
        f"/users/{user.id}",
        json={
            "username": "renamed.user",
            "id": 999,
            "created_date": "2000-01-01T00:00:00Z",
            "password_hash": "x",
            "token_version": 5,
        },
        headers=headers,
    )
    assert ignored.status_code == 200
    stored = auth.db_user(user.id)
    assert stored is not None and stored.id == user.id and stored.username == "renamed.user"
    assert not stored.admin and stored.active and stored.token_version == 0 and stored.password_hash != "x"
    assert stored.created_date.year > 2000


def test_admin_can_promote_and_deactivate(
    auth: AuthActions, user: UserRef, admin: UserRef, client: FlaskClient
) -> None:
    headers = auth.headers(admin)
    response = client.patch(f"/users/{user.id}", json={"admin": True, "active": False}, headers=headers)
    assert response.status_code == 200
    assert response.json["data"]["admin"] is True and response.json["data"]["active"] is False


def test_admin_deletes_a_user(
    auth: AuthActions, user: UserRef, admin: UserRef, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = auth.token(user)
    with caplog.at_level("INFO", logger="users_service.audit"):
        response = client.delete(f"/users/{user.id}", headers=auth.headers(admin))
    assert response.status_code == 200
    # An admin's deletion is an audited security event.
    assert [r.user_id for r in caplog.records if getattr(r, "event", None) == "user_deleted"] == [user.id]
    assert client.get(f"/users/{user.id}").status_code == 404
    # A deleted user's live token stops working.
    assert client.get("/auth/status", headers={"Authorization": f"Bearer {token}"}).status_code == 401


# SECURITY row 43: stale-admin-token
def test_a_demoted_admins_token_no_longer_grants_admin_rights(
    auth: AuthActions, admin: UserRef, client: FlaskClient
) -> None:
    second = auth.create_user(admin=True)
    stale = auth.headers(second)
    assert client.patch(f"/users/{second.id}", json={"admin": False}, headers=auth.headers(admin)).status_code == 200
    body = {"username": "new.person", "email": "n@example.com", "password": "correct horse battery staple"}
    assert client.post("/users", json=body, headers=stale).status_code == 403


# SECURITY row 44: last-admin-race
def test_the_last_admin_cannot_be_deleted_demoted_or_deactivated(
    auth: AuthActions, admin: UserRef, client: FlaskClient
) -> None:
    headers = auth.headers(admin)
    for method, body in (("DELETE", None), ("PATCH", {"admin": False}), ("PATCH", {"active": False})):
        response = client.open(f"/users/{admin.id}", method=method, json=body, headers=headers)
        assert response.status_code == 409
        assert response.json["message"] == "The last active admin cannot be removed or demoted."
    stored = auth.db_user(admin.id)
    assert stored is not None and stored.admin and stored.active


# SECURITY row 44: last-admin-race, decided by PostgreSQL's row locks
def test_two_admins_demoting_each_other_leave_one_admin(
    postgres_app: APIFlask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from users_service.domain import users

    auth = AuthActions(postgres_app, postgres_app.test_client())
    first, second = auth.create_user(admin=True), auth.create_user(admin=True)
    headers = {first.id: auth.headers(first), second.id: auth.headers(second)}
    # Both requests have read their target and counted two admins before either locks.
    both_inside = threading.Barrier(2, timeout=10)
    lock_active_admins = users.lock_active_admins

    def lock_once_both_are_inside(session: Any) -> None:
        both_inside.wait()
        lock_active_admins(session)

    monkeypatch.setattr(users, "lock_active_admins", lock_once_both_are_inside)

    def demote(actor: UserRef, target: UserRef) -> TestResponse:
        return postgres_app.test_client().patch(f"/users/{target.id}", json={"admin": False}, headers=headers[actor.id])

    assert statuses_at_once([lambda: demote(first, second), lambda: demote(second, first)]) == [200, 409]
    assert active_admins(postgres_app) == 1


# SECURITY row 37 (deactivation part)
def test_deactivation_ends_the_users_sessions(
    auth: AuthActions, user: UserRef, admin: UserRef, client: FlaskClient
) -> None:
    token = auth.token(user)
    cookie = client.get_cookie("refresh_token", path="/auth")
    assert cookie is not None
    client.patch(f"/users/{user.id}", json={"active": False}, headers=auth.headers(admin))
    assert client.get("/auth/status", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    client.set_cookie("refresh_token", cookie.value, path="/auth")
    assert client.post("/auth/refresh").status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"username": "short"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"admin": "maybe"}, "admin"),
        ({"username": " padded.name "}, "username"),
        ({"username": "line\nbreak"}, "username"),
    ],
)
def test_update_validation_table(
    auth: AuthActions, admin: UserRef, user: UserRef, client: FlaskClient, body: dict[str, Any], field: str
) -> None:
    response = client.patch(f"/users/{user.id}", json=body, headers=auth.headers(admin))
    assert response.status_code == 400
    assert field in response.json["errors"]
