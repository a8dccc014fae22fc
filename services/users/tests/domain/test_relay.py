"""The relay (``manage.py relay``): the outbox into a Redis stream, in order, nothing lost.

Against the real Redis (REDIS_TEST_URL, default redis://127.0.0.1:6379/13); each test uses
a stream of its own and removes it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pytest
from apiflask import APIFlask
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import func, select

from tests.factories import database_of
from tests.smtp import free_port
from users_service.domain import events
from users_service.domain.models import OutboxEvent
from users_service.domain.relay import Relay

REDIS_URL = os.environ.get("REDIS_TEST_URL") or "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_client() -> Iterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def stream(redis_client: Redis) -> Iterator[str]:
    name = f"test.users.events.{uuid.uuid4().hex}"
    yield name
    redis_client.delete(name)


def add_events(app: APIFlask, count: int, first_user: int = 1) -> list[int]:
    """``count`` events, each its own transaction; their user ids."""
    user_ids = list(range(first_user, first_user + count))
    for user_id in user_ids:
        with database_of(app).unit_of_work() as session:
            events.record(session, type=events.USER_DELETED, user_id=user_id)
    return user_ids


def published(redis_client: Redis, stream: str) -> list[dict[str, Any]]:
    return [json.loads(fields[b"event"]) for _id, fields in redis_client.xrange(stream)]


def unpublished(app: APIFlask) -> int:
    with database_of(app).autocommit() as connection:
        count = select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
        return int(connection.execute(count).scalar_one())


def outbox_ids(app: APIFlask) -> list[str]:
    with database_of(app).autocommit() as connection:
        return list(connection.scalars(select(OutboxEvent.event_id).order_by(OutboxEvent.position)))


def first_seen(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_events_are_published_in_position_order_and_marked(app: APIFlask, redis_client: Redis, stream: str) -> None:
    add_events(app, 7)
    relay = Relay(database_of(app), redis_client, stream=stream, batch_size=3)
    assert [relay.publish_batch() for _ in range(4)] == [3, 3, 1, 0]
    sent = published(redis_client, stream)
    assert [event["id"] for event in sent] == outbox_ids(app)
    assert [event["user_id"] for event in sent] == list(range(1, 8))
    with database_of(app).autocommit() as connection:
        expected = events.events_after(connection=connection, after=0, limit=10)
    # The same JSON as the feed's, without the feed's position.
    assert sent == [{k: v for k, v in event.items() if k != "position"} for event in expected]
    assert unpublished(app) == 0


def test_the_stream_is_trimmed_to_about_maxlen(app: APIFlask, redis_client: Redis, stream: str) -> None:
    add_events(app, 300)
    relay = Relay(database_of(app), redis_client, stream=stream, batch_size=300, maxlen=10)
    assert relay.publish_batch() == 300
    # Approximate trimming keeps whole nodes of the stream (100 entries each by default).
    assert redis_client.xlen(stream) < 300


class CrashAfterSending(Relay):
    """A relay that dies after Redis accepted its batch, before the batch is marked."""

    def send(self, rows: Sequence[Any]) -> None:
        super().send(rows)
        raise KeyboardInterrupt


def test_a_relay_that_dies_mid_batch_loses_nothing(app: APIFlask, redis_client: Redis, stream: str) -> None:
    add_events(app, 10)
    database = database_of(app)
    Relay(database, redis_client, stream=stream, batch_size=4).publish_batch()
    with pytest.raises(KeyboardInterrupt):
        CrashAfterSending(database, redis_client, stream=stream, batch_size=4).publish_batch()
    assert unpublished(app) == 6  # the crashed batch was sent, never marked
    restarted = Relay(database, redis_client, stream=stream, batch_size=4)
    while restarted.publish_batch():
        pass
    ids = [event["id"] for event in published(redis_client, stream)]
    # Every event, in order of first delivery; the crashed batch twice (consumers dedupe).
    assert first_seen(ids) == outbox_ids(app)
    assert len(ids) == 14
    assert unpublished(app) == 0


def test_with_redis_down_rows_stay_unpublished_and_go_out_later(
    app: APIFlask, redis_client: Redis, stream: str
) -> None:
    add_events(app, 3)
    down = Redis(port=free_port(), socket_connect_timeout=1, socket_timeout=1, retry=Retry(NoBackoff(), 0))
    from redis.exceptions import ConnectionError as RedisConnectionError

    with pytest.raises(RedisConnectionError):
        Relay(database_of(app), down, stream=stream).publish_batch()
    assert unpublished(app) == 3
    assert redis_client.exists(stream) == 0
    assert Relay(database_of(app), redis_client, stream=stream).publish_batch() == 3
    assert first_seen([event["id"] for event in published(redis_client, stream)]) == outbox_ids(app)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Starts a private redis-server on a port of its own (again after it was stopped)."""
    port = free_port()
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )
        started.append(process)
        client = Redis(port=port)
        wait_for(lambda: _answers(client))
        client.close()
        return process

    start.port = port  # type: ignore[attr-defined]
    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def _answers(client: Redis) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


def test_the_running_relay_backs_off_while_redis_is_down_and_delivers_when_it_returns(
    app: APIFlask, redis_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    port = redis_server.port
    # As manage.py relay makes it: no retries inside the client, the relay backs off itself.
    client = Redis(port=port, socket_connect_timeout=1, socket_timeout=1, retry=Retry(NoBackoff(), 0))
    relay = Relay(database_of(app), client, stream="users.events", poll_interval=0.05, max_backoff=0.5)
    stop = threading.Event()
    runner = threading.Thread(target=relay.run, args=(stop,))
    add_events(app, 5)
    runner.start()
    try:
        wait_for(lambda: sum(r.getMessage() == "relay cannot publish; retrying" for r in caplog.records) >= 3)
        assert unpublished(app) == 5
        retries = [r.retry_in for r in caplog.records if r.getMessage() == "relay cannot publish; retrying"]
        assert retries[:3] == [0.5, 0.5, 0.5]  # capped by max_backoff
        redis_server()
        wait_for(lambda: unpublished(app) == 0)
        assert first_seen([event["id"] for event in published(client, "users.events")]) == outbox_ids(app)
    finally:
        stop.set()
        runner.join(timeout=10)
        client.close()
    assert not runner.is_alive()


def _relay_process(app: APIFlask, service_root: Path, stream: str, log: IO[bytes]) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "ADMIN_"))}
    env.update(
        APP_ENV="testing",
        DATABASE_URL=app.extensions["settings"].DATABASE_URL,
        REDIS_URL=REDIS_URL,
        EVENTS_STREAM=stream,
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "relay", "--batch-size", "5", "--poll-interval", "0.05"],
        cwd=service_root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_manage_py_relay_stops_on_sigterm_and_a_restart_delivers_the_rest(
    app: APIFlask, redis_client: Redis, stream: str, service_root: Path, tmp_path: Path
) -> None:
    log_path = tmp_path / "relay.log"
    add_events(app, 12)
    log = log_path.open("ab")
    relay = _relay_process(app, service_root, stream, log)
    try:
        wait_for(lambda: unpublished(app) == 0)
        relay.send_signal(signal.SIGTERM)
        assert relay.wait(timeout=20) == 0
        add_events(app, 8, first_user=100)  # while no relay runs
        assert unpublished(app) == 8
        relay = _relay_process(app, service_root, stream, log)
        wait_for(lambda: unpublished(app) == 0)
        relay.send_signal(signal.SIGINT)
        assert relay.wait(timeout=20) == 0
    finally:
        if relay.poll() is None:
            relay.kill()
            relay.wait()
        log.close()
    assert first_seen([event["id"] for event in published(redis_client, stream)]) == outbox_ids(app)
    text = log_path.read_text()
    assert text.count('"relay_stopped"') == 2, text


def test_manage_py_relay_needs_redis_url(app: APIFlask, service_root: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(APP_ENV="testing", DATABASE_URL=app.extensions["settings"].DATABASE_URL)
    result = subprocess.run(
        [sys.executable, "manage.py", "relay"], cwd=service_root, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "REDIS_URL is not set" in result.stderr
