"""The refusals each process holds in memory: read again within the bound, not per request."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from apiflask import APIFlask

from items_service.domain.consumer import Consumer, FeedSource
from items_service.domain.refusals import Refusals
from tests.conftest import database_of
from tests.events import FEED_TOKEN, FeedServer, event
from tests.keys import SigningKey

USER = 31


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


def _refusals(app: APIFlask) -> Refusals:
    return app.extensions["refusals"]  # type: ignore[no-any-return]


def _status(app: APIFlask, token: str) -> int:
    return app.test_client().get("/items", headers={"Authorization": f"Bearer {token}"}).status_code


def _apply(app: APIFlask, feed: FeedServer, *events: dict[str, object]) -> None:
    feed.publish(*events)
    consumer = Consumer(database_of(app), FeedSource(feed.url, FEED_TOKEN, 0.01))
    while consumer.step():
        pass


@pytest.mark.parametrize(
    ("kind", "data", "claims"),
    [
        ("user.deactivated", {}, {}),
        ("user.deleted", {}, {}),
        ("session.revoked", {"session_id": "s-1", "jti": None}, {"sid": "s-1"}),
        ("session.revoked", {"session_id": None, "jti": "j-1"}, {"jti": "j-1"}),
    ],
)
def test_a_refusal_applies_to_a_remembered_token_once_the_bound_has_passed(
    make_app: Callable[..., APIFlask],
    feed: FeedServer,
    signing_key: SigningKey,
    kind: str,
    data: dict[str, object],
    claims: dict[str, object],
) -> None:
    bound = 0.3
    app = make_app(REFUSALS_REFRESH_INTERVAL=bound)
    token = signing_key.token(USER, issued_at=time.time() - 10, **claims)
    # Verified, remembered, and the refusals read: all before the event.
    assert _status(app, token) == 200
    _apply(app, feed, event(kind, USER, data=data))
    time.sleep(bound)
    assert _status(app, token) == 401
    # Refused from then on.
    assert _status(app, token) == 401


def test_refusals_written_after_the_first_read_are_read_too(
    make_app: Callable[..., APIFlask], feed: FeedServer, signing_key: SigningKey
) -> None:
    bound = 0.2
    app = make_app(REFUSALS_REFRESH_INTERVAL=bound)
    first, second = signing_key.token(USER, sid="s-1"), signing_key.token(USER + 1, sid="s-2")
    _apply(app, feed, event("session.revoked", USER, data={"session_id": "s-1"}))
    time.sleep(bound)
    assert _status(app, first) == 401
    assert _status(app, second) == 200
    _apply(app, feed, event("session.revoked", USER + 1, data={"session_id": "s-2"}))
    time.sleep(bound)
    assert _status(app, second) == 401
    assert _status(app, first) == 401
    assert _refusals(app).sequence == 2


def test_refusals_are_read_at_most_once_per_interval(
    make_app: Callable[..., APIFlask], signing_key: SigningKey
) -> None:
    app = make_app(REFUSALS_REFRESH_INTERVAL=5)
    token = signing_key.token(USER)
    for _ in range(20):
        assert _status(app, token) == 200
    assert _refusals(app).reads == 1


def test_a_refusal_older_than_any_valid_token_is_not_held(
    make_app: Callable[..., APIFlask], feed: FeedServer, signing_key: SigningKey
) -> None:
    app = make_app(REFUSALS_REFRESH_INTERVAL=0)
    _apply(app, feed, event("user.deactivated", USER, occurred_at=datetime.now(UTC) - timedelta(days=3)))
    assert _status(app, signing_key.token(USER)) == 200
    assert _refusals(app).not_before == {}


def test_a_sequence_that_went_back_makes_the_process_read_every_refusal_again(
    make_app: Callable[..., APIFlask], feed: FeedServer, signing_key: SigningKey
) -> None:
    app = make_app(REFUSALS_REFRESH_INTERVAL=0)
    refusals = _refusals(app)
    _apply(app, feed, event("session.revoked", USER, data={"session_id": "s-1"}))
    # As if this process had read further than the sequence row now says (the row recreated).
    refusals.sequence = 99
    refusals.revoked.clear()
    assert _status(app, signing_key.token(USER, sid="s-1")) == 401
    assert refusals.sequence == 1


def test_refusals_past_their_expiry_are_dropped_from_memory(
    make_app: Callable[..., APIFlask], signing_key: SigningKey
) -> None:
    app = make_app(REFUSALS_REFRESH_INTERVAL=0)
    refusals = _refusals(app)
    refusals.refresh()
    refusals.not_before[USER] = (time.time(), time.time() - 1)
    refusals.revoked[("sid", "gone")] = time.time() - 1
    refusals.revoked[("sid", "kept")] = time.time() + 60
    refusals.pruned_at = float("-inf")
    refusals.refresh()
    assert refusals.not_before == {}
    assert list(refusals.revoked) == [("sid", "kept")]
