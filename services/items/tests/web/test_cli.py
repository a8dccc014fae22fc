"""Operator commands run as the container runs them: ``python manage.py <command>``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from apiflask import APIFlask
from sqlalchemy import func, select

from items_service.domain.models import Item
from tests.conftest import database_of
from tests.events import FEED_TOKEN, REDIS_URL, FeedServer, event, redis_stream, xadd

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def _env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "ITEMS_", "REDIS_", "USERS_", "EVENTS_", "PROMETHEUS_"))
    }
    env.update(APP_ENV="testing", ITEMS_DATABASE_URL=database_url, LOG_LEVEL="INFO", **extra)
    return env


def _manage(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=SERVICE_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _items_of(app: APIFlask, owner_id: int) -> int:
    with database_of(app).autocommit() as connection:
        return int(
            connection.execute(select(func.count()).select_from(Item).where(Item.owner_id == owner_id)).scalar_one()
        )


def _add_item(app: APIFlask, owner_id: int) -> None:
    from items_service.domain.models import utcnow

    with database_of(app).unit_of_work() as session:
        session.add(Item(owner_id=owner_id, title="t", description="", created_date=utcnow(), updated_date=utcnow()))


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


def _consume_until(
    app: APIFlask, env: dict[str, str], done: Callable[[], bool], stop: signal.Signals
) -> tuple[int, list[dict[str, object]]]:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "consume"],
        cwd=SERVICE_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not done() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert done(), "the consumer did not apply the event in time"
        process.send_signal(stop)
        output, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    lines = []
    for raw in output.splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue
    return process.returncode, lines


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_consume_from_the_feed_applies_events_and_stops_cleanly_on_a_signal(
    app: APIFlask, database_url: str, feed: FeedServer, stop: signal.Signals
) -> None:
    _add_item(app, 31)
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    feed.publish(event("user.deleted", 31, trace_id=trace_id))
    env = _env(database_url, USERS_EVENTS_URL=feed.url, EVENTS_FEED_TOKEN=FEED_TOKEN, EVENTS_POLL_INTERVAL="0.05")
    code, lines = _consume_until(app, env, lambda: _items_of(app, 31) == 0, stop)
    assert code == 0
    applied = [line for line in lines if line.get("event") == "event_applied"]
    assert applied and applied[0]["trace_id"] == trace_id and applied[0]["event_type"] == "user.deleted"
    assert lines[-1]["event"] == "consumer_stopped"


def test_consume_from_redis_when_redis_url_is_set(app: APIFlask, database_url: str) -> None:
    _add_item(app, 32)
    with redis_stream() as (client, stream):
        xadd(client, stream, event("user.deleted", 32))
        env = _env(database_url, REDIS_URL=REDIS_URL, EVENTS_STREAM=stream)
        code, lines = _consume_until(app, env, lambda: _items_of(app, 32) == 0, signal.SIGTERM)
    assert code == 0
    assert any(line.get("source") == f"redis:{stream}" for line in lines)


def test_consume_without_a_source_stops_with_one_sentence(database_url: str) -> None:
    result = _manage("consume", env=_env(database_url))
    assert result.returncode == 1
    assert "Set REDIS_URL (the Redis stream) or EVENTS_FEED_TOKEN (the users feed)" in result.stderr


def test_migrate_and_wait_db(empty_database_factory: Callable[[], str]) -> None:
    env = _env(empty_database_factory())
    assert _manage("wait-db", "--timeout", "5", env=env).returncode == 0
    migrated = _manage("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert _manage("db", "current", env=env).stdout.strip().startswith("0002")


def test_wait_db_gives_up_with_one_sentence() -> None:
    result = _manage("wait-db", "--timeout", "1", env=_env("postgresql://postgres@127.0.0.1:1/items"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Cannot reach the database at postgresql://postgres@127.0.0.1:1/items (connection refused): "
        "check ITEMS_DATABASE_URL or start PostgreSQL."
    )


def test_invalid_settings_stop_a_command_with_one_sentence() -> None:
    result = _manage("migrate", env=_env("sqlite://", JWKS_REFRESH_INTERVAL="soon"))
    assert result.returncode == 1
    assert result.stderr.startswith("Invalid configuration: JWKS_REFRESH_INTERVAL")
