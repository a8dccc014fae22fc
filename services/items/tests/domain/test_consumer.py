"""``manage.py consume``: the users service's events applied, at least once and idempotently,
from a real Redis stream and from an HTTP feed served by a thread."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apiflask import APIFlask
from sqlalchemy import func, select

from items_service.domain import consumer as consumer_module
from items_service.domain.consumer import Consumer, FeedSource, RedisSource, SourceUnavailable
from items_service.domain.models import EventCursor, Item, ProcessedEvent, TokenRefusal
from tests.conftest import after_the_refusals_bound, database_of
from tests.events import FEED_TOKEN, REDIS_URL, FeedServer, event, redis_stream, xadd
from tests.keys import SigningKey

USER, OTHER = 21, 22


@dataclass
class Users:
    """The users service's events, published on one source, and consumers of them."""

    kind: str
    publish: Callable[..., None]
    source: Callable[[], Any]


@pytest.fixture(params=["redis", "feed"])
def users(request: pytest.FixtureRequest) -> Iterator[Users]:
    if request.param == "redis":
        with redis_stream() as (client, stream):
            yield Users(
                "redis",
                lambda *events: xadd(client, stream, *events),
                lambda: RedisSource(REDIS_URL, stream, block_ms=50),
            )
        return
    feed = FeedServer()
    try:
        yield Users("feed", feed.publish, lambda: FeedSource(feed.url, FEED_TOKEN, 0.01))
    finally:
        feed.close()


def _drain(app: APIFlask, users: Users, source: Any = None) -> Consumer:
    """Read until the source has nothing more (as the consumer's loop would)."""
    consumer = Consumer(database_of(app), source or users.source())
    while consumer.step():
        pass
    # Refusals reach the app's workers within a bound, not at once: wait for it.
    after_the_refusals_bound(app)
    return consumer


def _add_items(app: APIFlask, owner_id: int, count: int) -> None:
    with database_of(app).unit_of_work() as session:
        now = datetime.now(UTC)
        for n in range(count):
            session.add(Item(owner_id=owner_id, title=f"item {n}", description="", created_date=now, updated_date=now))


def _count(app: APIFlask, model: Any, *where: Any) -> int:
    with database_of(app).autocommit() as connection:
        return int(connection.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def _status(app: APIFlask, token: str) -> int:
    return app.test_client().get("/items", headers={"Authorization": f"Bearer {token}"}).status_code


def test_deletion_removes_the_users_items_only(app: APIFlask, users: Users) -> None:
    _add_items(app, USER, 3)
    _add_items(app, OTHER, 2)
    users.publish(event("user.deleted", USER))
    _drain(app, users)
    assert _count(app, Item, Item.owner_id == USER) == 0
    assert _count(app, Item, Item.owner_id == OTHER) == 2


def test_deletion_refuses_the_users_tokens(app: APIFlask, users: Users, signing_key: SigningKey) -> None:
    token = signing_key.token(USER)
    assert _status(app, token) == 200
    users.publish(event("user.deleted", USER))
    _drain(app, users)
    assert _status(app, token) == 401
    assert _status(app, signing_key.token(OTHER)) == 200


def test_a_duplicate_event_is_applied_once(app: APIFlask, users: Users) -> None:
    deleted = event("user.deleted", USER, occurred_at=datetime.now(UTC) - timedelta(minutes=5))
    users.publish(deleted)
    _drain(app, users)
    # Items added after the deletion (an id reused, say) must survive a redelivery of it.
    _add_items(app, USER, 2)
    users.publish(deleted)
    _drain(app, users)
    assert _count(app, Item, Item.owner_id == USER) == 2
    assert _count(app, ProcessedEvent, ProcessedEvent.event_id == deleted["id"]) == 1


def test_deactivation_refuses_older_tokens_and_accepts_later_ones(
    app: APIFlask, users: Users, signing_key: SigningKey
) -> None:
    occurred = datetime.now(UTC).replace(microsecond=500_000) - timedelta(seconds=30)
    before = signing_key.token(USER, issued_at=occurred.timestamp() - 10)
    same_second = signing_key.token(USER, issued_at=occurred.timestamp())
    after = signing_key.token(USER, issued_at=occurred.timestamp() + 5)
    assert _status(app, before) == 200
    users.publish(event("user.deactivated", USER, occurred_at=occurred))
    _drain(app, users)
    assert _status(app, before) == 401
    # users' iat is whole seconds: the event's own second is not refused (contract: iat < floor).
    assert _status(app, same_second) == 200
    assert _status(app, after) == 200
    assert _status(app, signing_key.token(OTHER, issued_at=occurred.timestamp() - 10)) == 200


@pytest.mark.parametrize("kind", ["user.updated", "user.password_changed"])
def test_role_and_password_changes_refuse_older_tokens(
    app: APIFlask, users: Users, signing_key: SigningKey, kind: str
) -> None:
    occurred = datetime.now(UTC) - timedelta(seconds=30)
    before = signing_key.token(USER, admin=True, issued_at=occurred.timestamp() - 10)
    users.publish(event(kind, USER, occurred_at=occurred, data={"admin": False, "active": True}))
    _drain(app, users)
    assert _status(app, before) == 401


def test_an_older_event_arriving_late_does_not_loosen_a_refusal(
    app: APIFlask, users: Users, signing_key: SigningKey
) -> None:
    now = datetime.now(UTC)
    token = signing_key.token(USER, issued_at=now.timestamp() - 20)
    users.publish(event("user.deactivated", USER, occurred_at=now - timedelta(seconds=10)))
    users.publish(event("user.password_changed", USER, occurred_at=now - timedelta(seconds=60)))
    _drain(app, users)
    assert _status(app, token) == 401


def test_session_revoked_refuses_by_sid_and_by_jti(app: APIFlask, users: Users, signing_key: SigningKey) -> None:
    in_session = signing_key.token(USER, sid="session-1")
    other_session = signing_key.token(USER, sid="session-2")
    by_jti = signing_key.token(USER, jti="jti-1")
    users.publish(event("session.revoked", USER, data={"session_id": "session-1", "jti": None, "reason": "logout"}))
    users.publish(event("session.revoked", USER, data={"session_id": None, "jti": "jti-1", "reason": "reuse"}))
    _drain(app, users)
    assert _status(app, in_session) == 401
    assert _status(app, by_jti) == 401
    assert _status(app, other_session) == 200
    assert _status(app, signing_key.token(USER)) == 200


def test_a_restart_resumes_from_the_cursor(app: APIFlask, users: Users) -> None:
    first = event("user.deleted", USER)
    users.publish(first, event("user.deleted", OTHER))
    _drain(app, users)
    with database_of(app).autocommit() as connection:
        cursor = connection.execute(select(EventCursor.position)).scalar_one()
    # A new process, the same database: it starts after what was applied.
    restarted = Consumer(database_of(app), users.source())
    _add_items(app, USER, 1)
    assert restarted.step() == 0
    assert _count(app, Item, Item.owner_id == USER) == 1
    users.publish(event("user.deleted", USER))
    assert restarted.step() == 1
    assert _count(app, Item, Item.owner_id == USER) == 0
    with database_of(app).autocommit() as connection:
        assert connection.execute(select(EventCursor.position)).scalar_one() != cursor


def test_unknown_types_are_recorded_and_skipped(
    app: APIFlask, users: Users, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_items(app, USER, 1)
    unknown = event("user.renamed", USER)
    users.publish(unknown, event("user.deleted", OTHER))
    _drain(app, users)
    assert _count(app, ProcessedEvent, ProcessedEvent.event_id == unknown["id"]) == 1
    assert _count(app, Item, Item.owner_id == USER) == 1
    assert any(line.get("event") == "event_unknown_type" for line in _log_lines(capsys))


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        json.dumps([1, 2]),
        json.dumps({**event("user.deleted", USER), "id": "no spaces allowed"}),
        json.dumps({**event("user.deleted", USER), "type": 5}),
        json.dumps({**event("user.deleted", USER), "user_id": "12"}),
        json.dumps({**event("user.deleted", USER), "user_id": True}),
        json.dumps({**event("user.deleted", USER), "occurred_at": "yesterday"}),
        json.dumps({**event("user.deleted", USER), "occurred_at": "2026-11-30T20:00:00"}),
        json.dumps({**event("user.deleted", USER), "data": [1]}),
    ],
)
def test_malformed_events_are_logged_and_skipped_without_stopping(
    app: APIFlask, users: Users, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_items(app, USER, 1)
    users.publish(json.loads(bad) if users.kind == "feed" and bad.startswith(("{", "[")) else bad)
    users.publish(event("user.deleted", USER))
    _drain(app, users)
    assert _count(app, Item, Item.owner_id == USER) == 0
    assert any(line.get("event") == "event_malformed" for line in _log_lines(capsys))


def test_applied_events_are_logged_with_their_trace_id(
    app: APIFlask, users: Users, capsys: pytest.CaptureFixture[str]
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    applied = event("user.deleted", USER, trace_id=trace_id)
    users.publish(applied, event("user.deleted", OTHER))
    _drain(app, users)
    lines = [line for line in _log_lines(capsys) if line.get("event") == "event_applied"]
    assert {
        "event_id": applied["id"],
        "event_type": "user.deleted",
        "trace_id": trace_id,
    }.items() <= lines[0].items()
    assert lines[1]["trace_id"] is None


def test_the_loop_backs_off_while_the_source_is_down_and_stops_when_told(
    app: APIFlask, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(consumer_module, "FIRST_BACKOFF", 0.01)
    feed = FeedServer()
    feed.failing = True
    _add_items(app, USER, 1)
    consumer = Consumer(database_of(app), FeedSource(feed.url, FEED_TOKEN, 0.01))
    thread = threading.Thread(target=consumer.run)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while consumer.backoff < 0.04 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert consumer.backoff >= 0.04, "the pause grows while the source fails"
        feed.publish(event("user.deleted", USER))
        feed.failing = False
        while _count(app, Item, Item.owner_id == USER) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _count(app, Item, Item.owner_id == USER) == 0
    finally:
        consumer.stop.set()
        thread.join(timeout=10)
        feed.close()
    assert not thread.is_alive()
    events = [line.get("event") for line in _log_lines(capsys)]
    assert "consumer_backoff" in events and events[-1] == "consumer_stopped"


@pytest.mark.parametrize("token", ["wrong", ""])
def test_a_refused_feed_token_is_the_source_being_unavailable(app: APIFlask, token: str) -> None:
    feed = FeedServer()
    try:
        with pytest.raises(SourceUnavailable, match="401"):
            Consumer(database_of(app), FeedSource(feed.url, token, 0.01)).step()
    finally:
        feed.close()


def test_redis_down_is_the_source_being_unavailable(app: APIFlask) -> None:
    with pytest.raises(SourceUnavailable):
        Consumer(database_of(app), RedisSource("redis://127.0.0.1:1/0", "users.events")).step()


def test_expired_refusals_and_old_event_ids_are_forgotten(app: APIFlask, users: Users, signing_key: SigningKey) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=10)
    users.publish(event("user.deactivated", USER, occurred_at=long_ago))
    users.publish(event("session.revoked", USER, occurred_at=long_ago, data={"session_id": "s", "jti": "j"}))
    consumer = _drain(app, users)
    with database_of(app).unit_of_work() as session:
        for processed in session.scalars(select(ProcessedEvent)):
            processed.applied_at = long_ago
    consumer.housekept_at = float("-inf")
    consumer.step()
    from items_service.domain.models import RevokedToken

    assert _count(app, TokenRefusal) == 0
    assert _count(app, RevokedToken) == 0
    assert _count(app, ProcessedEvent) == 0


def _log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    lines = []
    for raw in capsys.readouterr().out.splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue
    return lines


def test_a_batch_is_applied_in_one_unit_of_work_and_retried_whole_after_a_database_error(
    app: APIFlask, users: Users, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from items_service.domain import events as events_module

    _add_items(app, USER, 2)
    _add_items(app, OTHER, 2)
    batch = [event("user.deleted", USER), event("user.deleted", OTHER)]
    users.publish(*batch)
    delete_items_of = events_module.delete_items_of

    def failing_on_other(*, session: Any, owner_ids: Any) -> int:
        if OTHER in owner_ids:
            raise OperationalError("DELETE FROM items", {}, Exception("connection lost"))
        return delete_items_of(session=session, owner_ids=owner_ids)

    monkeypatch.setattr(events_module, "delete_items_of", failing_on_other)
    consumer = Consumer(database_of(app), users.source())
    with pytest.raises(OperationalError):
        consumer.step()
    # Nothing of the batch took effect, not even what was written for the event before the
    # failing statement, and the cursor did not move: the next read starts from the same place.
    assert _count(app, Item, Item.owner_id == USER) == 2
    assert _count(app, TokenRefusal) == 0
    assert _count(app, ProcessedEvent) == 0
    assert _count(app, EventCursor) == 0
    monkeypatch.setattr(events_module, "delete_items_of", delete_items_of)
    assert consumer.step() == 2
    assert _count(app, Item, Item.owner_id.in_([USER, OTHER])) == 0
    assert _count(app, ProcessedEvent, ProcessedEvent.event_id.in_([e["id"] for e in batch])) == 2


def test_a_whole_batch_delivered_again_is_applied_once(app: APIFlask, users: Users) -> None:
    batch = [event("user.deleted", USER), event("user.deactivated", OTHER), event("user.deleted", OTHER)]
    users.publish(*batch)
    _drain(app, users)
    _add_items(app, USER, 2)
    _add_items(app, OTHER, 1)
    # The whole batch again (a source read again from an older cursor), and one event twice
    # within one batch.
    users.publish(*batch, batch[0])
    _drain(app, users)
    assert _count(app, Item, Item.owner_id == USER) == 2
    assert _count(app, Item, Item.owner_id == OTHER) == 1
    assert _count(app, ProcessedEvent) == 3


def test_the_same_event_twice_in_one_batch_is_applied_once(app: APIFlask, users: Users) -> None:
    twice = event("user.deleted", USER)
    users.publish(twice, twice)
    consumer = Consumer(database_of(app), users.source())
    assert consumer.step() == 2
    assert _count(app, ProcessedEvent, ProcessedEvent.event_id == twice["id"]) == 1


def test_a_malformed_entry_inside_a_batch_is_skipped_and_the_rest_applied(
    app: APIFlask, users: Users, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_items(app, USER, 1)
    _add_items(app, OTHER, 1)
    bad = {**event("user.deleted", USER), "user_id": "twenty-one"}
    malformed = bad if users.kind == "feed" else json.dumps(bad)
    users.publish(event("user.deleted", USER), malformed, event("user.deleted", OTHER))
    consumer = Consumer(database_of(app), users.source())
    assert consumer.step() == 3  # one read, one batch
    assert _count(app, Item, Item.owner_id.in_([USER, OTHER])) == 0
    assert _count(app, ProcessedEvent) == 2
    assert [line["position"] for line in _log_lines(capsys) if line.get("event") == "event_malformed"]
    # The cursor is past all three: nothing is read again.
    assert consumer.step() == 0
