"""The event feed GET /internal/events: the outbox in position order, behind its own token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient

from tests.factories import AuthActions, database_of
from users_service.domain import events

FEED_TOKEN = "feed-token-0123456789abcdef0123456789"
FEED = "/internal/events"


@pytest.fixture
def feed_app(make_app: Callable[..., APIFlask]) -> APIFlask:
    return make_app(EVENTS_FEED_TOKEN=FEED_TOKEN)


@pytest.fixture
def feed(feed_app: APIFlask) -> FlaskClient:
    return feed_app.test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add_events(app: APIFlask, count: int) -> None:
    for user_id in range(1, count + 1):
        with database_of(app).unit_of_work() as session:
            events.record(session, type=events.USER_DELETED, user_id=user_id, traceparent=None)


def test_the_feed_answers_events_in_position_order(feed_app: APIFlask, feed: FlaskClient) -> None:
    auth = AuthActions(feed_app, feed)
    admin, user = auth.create_user(admin=True), auth.create_user()
    headers = auth.headers(admin)
    assert feed.delete(f"/users/{user.id}", headers=headers).status_code == 200
    add_events(feed_app, 2)
    response = feed.get(FEED, headers=bearer(FEED_TOKEN))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["status"] == "success"
    found = body["data"]["events"]
    assert [(e["type"], e["user_id"]) for e in found] == [
        ("user.deleted", user.id),
        ("user.deleted", 1),
        ("user.deleted", 2),
    ]
    positions = [e["position"] for e in found]
    assert positions == sorted(positions) and len(set(positions)) == 3
    assert body["data"]["next"] == positions[-1]
    assert set(found[0]) == {"id", "type", "user_id", "occurred_at", "data", "traceparent", "position"}
    assert found[0]["data"] == {} and found[0]["traceparent"] is None


def test_after_and_limit_page_through_the_feed(feed_app: APIFlask, feed: FlaskClient) -> None:
    add_events(feed_app, 5)
    first = feed.get(f"{FEED}?limit=2", headers=bearer(FEED_TOKEN)).json["data"]
    assert [e["user_id"] for e in first["events"]] == [1, 2]
    second = feed.get(f"{FEED}?after={first['next']}&limit=2", headers=bearer(FEED_TOKEN)).json["data"]
    assert [e["user_id"] for e in second["events"]] == [3, 4]
    rest = feed.get(f"{FEED}?after={second['next']}", headers=bearer(FEED_TOKEN)).json["data"]
    assert [e["user_id"] for e in rest["events"]] == [5]
    # Nothing new: the same cursor back.
    empty = feed.get(f"{FEED}?after={rest['next']}", headers=bearer(FEED_TOKEN)).json["data"]
    assert empty == {"events": [], "next": rest["next"]}


def test_the_default_limit_is_100(feed_app: APIFlask, feed: FlaskClient) -> None:
    add_events(feed_app, 101)
    assert len(feed.get(FEED, headers=bearer(FEED_TOKEN)).json["data"]["events"]) == 100
    assert len(feed.get(f"{FEED}?limit=500", headers=bearer(FEED_TOKEN)).json["data"]["events"]) == 101


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=501", "limit=-1", "limit=abc", "after=-1", "after=abc", "after=1e3", f"after={2**63}"],
)
def test_bad_bounds_are_400_invalid_payload(feed: FlaskClient, query: str) -> None:
    response = feed.get(f"{FEED}?{query}", headers=bearer(FEED_TOKEN))
    assert response.status_code == 400
    assert response.json["status"] == "fail"
    assert response.json["message"] == "Invalid payload."
    assert response.json["errors"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("wrong-token-0123456789abcdef0123456789"),
        bearer(FEED_TOKEN[:-1]),
        bearer(FEED_TOKEN + "x"),
        {"Authorization": f"Basic {FEED_TOKEN}"},
        {"Authorization": FEED_TOKEN},
    ],
)
def test_a_wrong_or_missing_token_is_401(feed: FlaskClient, headers: dict[str, str]) -> None:
    response = feed.get(FEED, headers=headers)
    assert response.status_code == 401
    assert response.json["message"] == "Provide a valid auth token."


def test_a_users_access_token_is_not_the_feed_token(feed_app: APIFlask, feed: FlaskClient) -> None:
    auth = AuthActions(feed_app, feed)
    assert feed.get(FEED, headers=auth.headers(auth.create_user(admin=True))).status_code == 401


@pytest.mark.parametrize("headers", [{}, bearer(FEED_TOKEN), bearer("")])
def test_without_a_feed_token_configured_the_feed_is_404(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.get(FEED, headers=headers)
    assert response.status_code == 404
    assert response.json["status"] == "fail"
    assert response.json == client.get("/internal/nothing-here").json | {"request_id": response.json["request_id"]}


def test_a_short_feed_token_is_refused_at_start(make_app: Callable[..., Any]) -> None:
    from users_service.runtime.settings import ConfigError

    with pytest.raises(ConfigError, match="EVENTS_FEED_TOKEN must be a random value of at least 32"):
        make_app(EVENTS_FEED_TOKEN="short")


def test_the_feed_is_not_in_the_public_api_document() -> None:
    from users_service.web.spec import export_spec

    assert not [path for path in export_spec()["paths"] if path.startswith("/internal")]
