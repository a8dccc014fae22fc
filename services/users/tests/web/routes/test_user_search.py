"""GET /users search, sort and filters; DELETE /users/{id}/sessions (the admin console)."""

from __future__ import annotations

import json

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import AuthActions, UserRef, database_of
from users_service.domain.models import AuditEvent, OutboxEvent
from users_service.web.routes.users import ADMIN_ONLY_MESSAGE


@pytest.fixture
def people(auth: AuthActions) -> dict[str, UserRef]:
    return {
        "alice": auth.create_user(username="Alice.Smith", email="alice@example.com"),
        "bob": auth.create_user(username="bob.jones", email="robert.smith@example.org", active=False),
        "carol": auth.create_user(username="carol_100%", email="carol@example.net", admin=True),
    }


def names(client: FlaskClient, query: str, headers: dict[str, str] | None = None) -> list[str]:
    response = client.get(f"/users?{query}", headers=headers)
    assert response.status_code == 200, response.json
    return [user["username"] for user in response.json["data"]["users"]]


def test_q_matches_usernames_case_insensitively_for_anyone(client: FlaskClient, people: dict[str, UserRef]) -> None:
    assert names(client, "q=ALICE") == ["Alice.Smith"]
    # An anonymous caller's q never reaches the emails: "smith" is also in bob's address.
    assert names(client, "q=smith") == ["Alice.Smith"]


def test_q_matches_emails_too_for_admins(
    auth: AuthActions, client: FlaskClient, people: dict[str, UserRef], admin: UserRef
) -> None:
    assert names(client, "q=smith", auth.headers(admin)) == ["Alice.Smith", "bob.jones"]


def test_a_non_admin_caller_searches_usernames_only(
    auth: AuthActions, client: FlaskClient, people: dict[str, UserRef]
) -> None:
    assert names(client, "q=smith", auth.headers(people["alice"])) == ["Alice.Smith"]


def test_q_wildcards_are_matched_literally(client: FlaskClient, people: dict[str, UserRef]) -> None:
    assert names(client, "q=%25") == ["carol_100%"]
    assert names(client, "q=_") == ["carol_100%"]
    assert names(client, "q=o_1") == []


def test_quotes_and_backslashes_in_q_are_matched_literally(auth: AuthActions, client: FlaskClient) -> None:
    auth.create_user(username="o'brien")
    auth.create_user(username="back\\slash")
    assert names(client, "q=o'b") == ["o'brien"]
    assert names(client, "q=%27%3B%20drop%20table%20users%3B--") == []
    assert names(client, "q=k%5Cs") == ["back\\slash"]
    assert names(client, "q=%5C") == ["back\\slash"]


def test_the_total_counts_the_matches(client: FlaskClient, people: dict[str, UserRef]) -> None:
    data = client.get("/users?q=o").json["data"]
    assert data["total"] == 2


@pytest.mark.parametrize(("page", "shown"), [(1, 2), (2, 2), (3, 1), (4, 0), (9, 0)])
def test_the_total_is_the_same_on_every_page(auth: AuthActions, client: FlaskClient, page: int, shown: int) -> None:
    for i in range(5):
        auth.create_user(username=f"paged.user{i}")
    data = client.get(f"/users?q=paged&per_page=2&page={page}").json["data"]
    assert len(data["users"]) == shown
    assert data["total"] == 5


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("username", ["Alice.Smith", "bob.jones", "carol_100%", "zed.admin"]),
        ("-username", ["zed.admin", "carol_100%", "bob.jones", "Alice.Smith"]),
        ("email", ["zed.admin", "Alice.Smith", "carol_100%", "bob.jones"]),
        ("-email", ["bob.jones", "carol_100%", "Alice.Smith", "zed.admin"]),
        ("id", ["Alice.Smith", "bob.jones", "carol_100%", "zed.admin"]),
        ("-id", ["zed.admin", "carol_100%", "bob.jones", "Alice.Smith"]),
        ("created_date", ["Alice.Smith", "bob.jones", "carol_100%", "zed.admin"]),
        ("-created_date", ["zed.admin", "carol_100%", "bob.jones", "Alice.Smith"]),
    ],
)
def test_admins_sort_by_a_column(
    auth: AuthActions, client: FlaskClient, people: dict[str, UserRef], sort: str, expected: list[str]
) -> None:
    admin = auth.create_user(username="zed.admin", email="admin@example.com", admin=True)
    # Names whose order is the same in a binary and a linguistic collation (SQLite, PostgreSQL).
    assert names(client, f"sort={sort}", auth.headers(admin)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("active=true", ["Alice.Smith", "carol_100%", "zed.admin"]),
        ("active=false", ["bob.jones"]),
        ("admin=true", ["carol_100%", "zed.admin"]),
        ("admin=false", ["Alice.Smith", "bob.jones"]),
        ("admin=false&active=true&q=a", ["Alice.Smith"]),
    ],
)
def test_admins_filter_by_active_and_admin(
    auth: AuthActions, client: FlaskClient, people: dict[str, UserRef], query: str, expected: list[str]
) -> None:
    admin = auth.create_user(username="zed.admin", email="admin@example.com", admin=True)
    assert names(client, query, auth.headers(admin)) == expected


@pytest.mark.parametrize(
    ("query", "expected"), [("verified=false", ["dora"]), ("verified=true&active=false", ["bob.jones"])]
)
def test_admins_filter_by_verified_email(
    auth: AuthActions, client: FlaskClient, people: dict[str, UserRef], query: str, expected: list[str]
) -> None:
    auth.create_user(username="dora", email="dora@example.com", email_verified=False)
    admin = auth.create_user(username="zed.admin", email="admin@example.com", admin=True)
    assert names(client, query, auth.headers(admin)) == expected


@pytest.mark.parametrize("query", ["sort=username", "active=true", "admin=false", "verified=true", "q=a&sort=-id"])
def test_sort_and_filters_are_refused_to_non_admins(
    auth: AuthActions, client: FlaskClient, people: dict[str, UserRef], query: str
) -> None:
    for headers in (None, auth.headers(people["alice"])):
        response = client.get(f"/users?{query}", headers=headers)
        assert response.status_code == 403
        assert response.json["message"] == ADMIN_ONLY_MESSAGE


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("sort=password_hash", "sort", "Must be one of: id, -id, username, -username"),
        ("sort=", "sort", "Must be one of"),
        ("active=yes", "active", "Not a valid boolean."),
        ("admin=1", "admin", "Not a valid boolean."),
        ("verified=maybe", "verified", "Not a valid boolean."),
        ("q=", "q", "Length must be between 1 and 128."),
        ("q=" + "x" * 129, "q", "Length must be between 1 and 128."),
        ("q=a%01b", "q", "Must not contain control characters."),
        ("sort=username&after=3", "after", "Paging with `after` works only in id order; use `page`."),
    ],
)
def test_bad_search_parameters_are_a_400_with_a_message(
    auth: AuthActions, client: FlaskClient, admin: UserRef, query: str, field: str, message: str
) -> None:
    response = client.get(f"/users?{query}", headers=auth.headers(admin))
    assert response.status_code == 400
    assert any(text.startswith(message) for text in response.json["errors"][field]), response.json


def test_keyset_paging_works_with_a_search(auth: AuthActions, client: FlaskClient) -> None:
    matching = [auth.create_user(username=f"match.user{i}").id for i in range(5)]
    auth.create_user(username="someone.else")
    seen: list[int] = []
    after: int | None = 0
    while after is not None:
        data = client.get(f"/users?q=match&per_page=2&after={after}").json["data"]
        seen += [user["id"] for user in data["users"]]
        after = data["next_after"]
    assert seen == matching


def test_pages_of_a_sorted_list_have_no_next_after(auth: AuthActions, client: FlaskClient, admin: UserRef) -> None:
    for i in range(3):
        auth.create_user(username=f"sorted.user{i}")
    data = client.get("/users?sort=-username&per_page=2", headers=auth.headers(admin)).json["data"]
    assert len(data["users"]) == 2
    assert data["next_after"] is None
    second = client.get("/users?sort=-username&per_page=2&page=2", headers=auth.headers(admin)).json["data"]
    assert {u["id"] for u in data["users"]}.isdisjoint(u["id"] for u in second["users"])


# ---- DELETE /users/{id}/sessions -----------------------------------------------------------


def log_in(app: APIFlask, user: UserRef) -> tuple[FlaskClient, str]:
    browser = app.test_client()
    response = browser.post("/auth/login", json={"email": user.email, "password": user.password})
    assert response.status_code == 200, response.json
    return browser, str(response.json["auth_token"])


def test_an_admin_ends_all_sessions_of_a_user(
    app: APIFlask, auth: AuthActions, client: FlaskClient, user: UserRef, admin: UserRef
) -> None:
    sessions = [log_in(app, user) for _ in range(2)]
    admin_headers = auth.headers(admin)

    response = client.delete(f"/users/{user.id}/sessions", headers=admin_headers)

    assert response.status_code == 200
    assert response.json["message"] == f"Ended 2 sessions of {user.username}."
    for browser, token in sessions:
        assert client.get("/auth/status", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        assert browser.post("/auth/refresh").status_code == 401
    # The admin's own session is untouched.
    assert client.get("/auth/status", headers=admin_headers).status_code == 200
    with database_of(app).unit_of_work() as session:
        revoked = session.scalars(select(OutboxEvent).where(OutboxEvent.type == "session.revoked")).all()
        assert sorted(json.loads(row.data)["reason"] for row in revoked) == ["ended", "ended"]
        assert {row.user_id for row in revoked} == {user.id}
        audited = session.scalars(select(AuditEvent).where(AuditEvent.event == "sessions_ended_by_admin")).all()
        assert [(row.user_id, row.target_user_id) for row in audited] == [(admin.id, user.id)]
        assert json.loads(audited[0].details)["count"] == 2


def test_ending_the_sessions_of_a_user_without_any_says_so(
    auth: AuthActions, client: FlaskClient, user: UserRef, admin: UserRef
) -> None:
    response = client.delete(f"/users/{user.id}/sessions", headers=auth.headers(admin))
    assert response.status_code == 200
    assert response.json["message"] == f"Ended 0 sessions of {user.username}."


def test_ending_a_users_sessions_is_for_admins_only(
    app: APIFlask, auth: AuthActions, client: FlaskClient, user: UserRef, admin: UserRef
) -> None:
    _browser, token = log_in(app, admin)
    assert client.delete(f"/users/{admin.id}/sessions").status_code == 401
    refused = client.delete(f"/users/{admin.id}/sessions", headers=auth.headers(user))
    assert refused.status_code == 403
    assert client.get("/auth/status", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_ending_the_sessions_of_an_unknown_user_is_a_404(
    auth: AuthActions, client: FlaskClient, admin: UserRef
) -> None:
    response = client.delete("/users/999999/sessions", headers=auth.headers(admin))
    assert response.status_code == 404
    assert response.json["message"] == "User does not exist"


def test_deactivating_and_activating_a_user_is_audited(
    app: APIFlask, auth: AuthActions, client: FlaskClient, user: UserRef, admin: UserRef
) -> None:
    headers = auth.headers(admin)
    assert client.patch(f"/users/{user.id}", headers=headers, json={"active": False}).status_code == 200
    assert client.patch(f"/users/{user.id}", headers=headers, json={"active": True}).status_code == 200
    assert client.patch(f"/users/{user.id}", headers=headers, json={"username": "renamed.user"}).status_code == 200
    with database_of(app).unit_of_work() as session:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.event.in_(["user_deactivated", "user_activated"]))
            .order_by(AuditEvent.id)
        ).all()
        assert [(row.event, row.user_id, row.target_user_id) for row in rows] == [
            ("user_deactivated", admin.id, user.id),
            ("user_activated", admin.id, user.id),
        ]
