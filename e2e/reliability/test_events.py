"""The items service against real failures of what it depends on (issue 17, items 3 and 4):

- users down: items keeps serving the holders of valid tokens, even across its own restart,
  and a token refused before stays refused;
- consumer down: a deletion made meanwhile is applied once the consumer is back, once;
- broker down: deletions made while Redis is gone are delivered after it returns;
- relay killed in the middle of a batch: every event reaches the consumer, none is applied
  twice, though the stream may hold one twice.

Every process is a real one started the way `make up` starts it (the servers, `python -m
users_service.relay`, `python -m items_service.consumer`), each on its own so that a scenario
can stop or kill -9 it at a chosen moment; the users service's database is the suite's
private PostgreSQL, the items service's another database of it, and Redis a private
redis-server of this module.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import redis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from e2e.reliability.conftest import STACK_ENV
from e2e.reliability.infra import (
    BIN,
    ROOT,
    USERS_DIR,
    Instance,
    PrivatePostgres,
    PrivateRedis,
    TcpProxy,
    answers,
    free_port,
    instance_env,
    login,
    new_account,
    port_is_free,
    processes_with_marker,
    register,
    upgrade_schema,
    wait_for,
)

ITEMS_DIR = ROOT / "services" / "items"
if not (ITEMS_DIR / "items_service").is_dir():
    pytest.skip("the items service is not in this tree", allow_module_level=True)

ITEMS_TEMPLATE = "items_template"
# The items service's REFUSALS_REFRESH_INTERVAL (its default): the bound within which its
# workers refuse the tokens of a refusal the consumer committed.
REFUSALS_BOUND = 0.5
FEED_TOKEN = uuid.uuid4().hex
# The bound for a deletion made while the consumer was down.
CONSUMER_CATCHES_UP_WITHIN = 10.0


# ---- processes --------------------------------------------------------------------------


@dataclass
class Process:
    """One process of the stack (a server or a manage.py command), started and stopped at will."""

    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    log: Path
    ready: Callable[[], bool] | None = None
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT
        )
        if self.ready is not None:

            def up() -> bool:
                assert self.process is not None and self.ready is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
                return self.ready()

            wait_for(up, 60, f"{self.name} ready")
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def children(self) -> list[int]:
        assert self.process is not None
        with contextlib.suppress(OSError):
            path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in path.read_text().split()]
        return []

    def kill(self) -> None:
        """kill -9, with its workers: a crash, nothing finished or cleaned up."""
        assert self.process is not None
        for pid in [self.process.pid, *self.children()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=45)

    def tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""


def items_database(postgres: PrivatePostgres) -> str:
    """A new, migrated items database (a copy of the module's migrated template)."""
    name = f"items_{uuid.uuid4().hex[:12]}"
    postgres.create_database(name, template=ITEMS_TEMPLATE)
    return name


def migrate_items(database_url: str) -> None:
    upgrade_schema(
        ITEMS_DIR,
        "ITEMS_DATABASE_URL",
        database_url,
        failure="migrating the items database failed",
        python=str(BIN / "python"),
    )


@dataclass
class Stack:
    """The users service, its relay, the items service and its consumer, started one by one."""

    tmp: Path
    postgres: PrivatePostgres
    users_db: str
    items_db: str
    # Redis for the relay and the consumer; None: the consumer reads the users feed.
    redis_url: str | None = None
    stream: str = field(default_factory=lambda: f"users.events.{uuid.uuid4().hex[:8]}")
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)
    users: Instance | None = None
    items: Process | None = None
    processes: list[Process] = field(default_factory=list)

    @property
    def users_url(self) -> str:
        assert self.users is not None
        return self.users.url

    def users_env(self, **extra: str) -> dict[str, str]:
        settings = STACK_ENV | {"EVENTS_FEED_TOKEN": FEED_TOKEN, "EVENTS_STREAM": self.stream} | extra
        return instance_env(self.postgres.url(self.users_db), self.marker, **settings)

    def items_env(self, **extra: str) -> dict[str, str]:
        assert self.users is not None
        base = {
            k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "JWT_PRIVATE_KEYS", "DATABASE_URL")
        }
        env = base | {
            "APP_ENV": "development",
            "STACK_MARKER": self.marker,
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
            "ACCESS_LOG": "",
            "WEB_CONCURRENCY": "1",
            "ITEMS_DATABASE_URL": self.postgres.url(self.items_db),
            "USERS_JWKS_URL": f"{self.users.url}/auth/jwks.json",
            "USERS_EVENTS_URL": f"{self.users.url}/internal/events",
            "EVENTS_FEED_TOKEN": FEED_TOKEN,
            "EVENTS_STREAM": self.stream,
            "EVENTS_POLL_INTERVAL": "0.1",
        }
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        return env | extra

    def start_users(self) -> Instance:
        port = free_port()
        self.users = Instance(port, self.users_env(), self.tmp / f"users-{port}.log").start()
        return self.users

    def start_items(self, **extra: str) -> Process:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        self.items = self._process(
            "items",
            [str(BIN / "python"), "-m", "items_service.server"],
            ITEMS_DIR,
            self.items_env(BIND=f"127.0.0.1:{port}", **extra),
            ready=lambda: answers(url + "/items/ping"),
        )
        self.items.start()
        return self.items

    @property
    def items_url(self) -> str:
        assert self.items is not None
        return "http://" + self.items.env["BIND"]

    def consumer(self) -> Process:
        return self._process(
            "consumer", [str(BIN / "python"), "-m", "items_service.consumer"], ITEMS_DIR, self.items_env()
        )

    def relay(self, redis_url: str, batch_size: int = 100) -> Process:
        command = [str(BIN / "python"), "-m", "users_service.relay", "--batch-size", str(batch_size)]
        return self._process(
            "relay", command, USERS_DIR, self.users_env(REDIS_URL=redis_url, LOG_LEVEL="INFO")
        )

    def _process(
        self,
        name: str,
        command: list[str],
        cwd: Path,
        env: dict[str, str],
        ready: Callable[[], bool] | None = None,
    ) -> Process:
        process = Process(name, command, cwd, env, self.tmp / f"{name}-{len(self.processes)}.log", ready)
        self.processes.append(process)
        return process

    def close(self) -> list[int]:
        for process in self.processes:
            if process.running():
                process.stop()
        if self.users and self.users.process and self.users.process.poll() is None:
            self.users.terminate()
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: not processes_with_marker(self.marker), 10, "every process gone")
        return processes_with_marker(self.marker)

    # -- the databases, read directly --

    def users_query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.postgres.query(self.users_db, sql, *params)

    def items_query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.postgres.query(self.items_db, sql, *params)

    def items_of(self, user_ids: list[int]) -> int:
        return int(self.items_query("SELECT count(*) FROM items WHERE owner_id = ANY(%s)", user_ids)[0][0])

    def deletion_events(self, user_ids: list[int]) -> list[str]:
        rows = self.users_query(
            "SELECT event_id FROM outbox_events WHERE type = 'user.deleted' AND user_id = ANY(%s)", user_ids
        )
        return [row[0] for row in rows]

    def unpublished(self) -> int:
        return int(self.users_query("SELECT count(*) FROM outbox_events WHERE published_at IS NULL")[0][0])

    def processed(self, event_ids: list[str]) -> list[str]:
        rows = self.items_query("SELECT event_id FROM processed_events WHERE event_id = ANY(%s)", event_ids)
        return [row[0] for row in rows]

    # -- accounts --

    def account(self, prefix: str, admin: bool = False) -> tuple[int, dict[str, str]]:
        """A registered account (made admin in the database when asked), its id and headers."""
        account = new_account(prefix)
        assert register(self.users_url, account).status_code == 201
        if admin:
            self.users_query("UPDATE users SET admin = true WHERE email = %s RETURNING id", account["email"])
        headers = bearer(login(self.users_url, account))
        status = httpx.get(self.users_url + "/auth/status", headers=headers, timeout=30)
        return int(status.json()["data"]["id"]), headers

    def bulk_users(self, count: int) -> list[int]:
        """``count`` accounts written straight into the users table (nobody logs in as them),
        each with one item in the items database."""
        tag = uuid.uuid4().hex[:8]
        rows = self.users_query(
            "INSERT INTO users (username, email, password_hash, active, admin, created_date, token_version) "
            "SELECT 'bulk-' || %s || '-' || g, 'bulk-' || %s || '-' || g || '@reliability.example', "
            "'!', true, false, now(), 0 FROM generate_series(1, %s) AS g RETURNING id",
            tag,
            tag,
            count,
        )
        ids = [int(row[0]) for row in rows]
        self.items_query(
            "INSERT INTO items (owner_id, title, description, created_date, updated_date) "
            "SELECT owner, 'bulk', '', now(), now() FROM unnest(%s::int[]) AS owner RETURNING id",
            ids,
        )
        return ids

    def delete_users(self, admin: dict[str, str], user_ids: list[int]) -> None:
        def delete(user_id: int) -> int:
            return httpx.delete(f"{self.users_url}/users/{user_id}", headers=admin, timeout=30).status_code

        with ThreadPoolExecutor(4) as pool:
            codes = Counter(pool.map(delete, user_ids))
        assert set(codes) <= {200, 204}, codes


def bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['auth_token']}"}


def forged_token(user_id: int) -> str:
    """A well-formed access token for ``user_id`` signed by a key the users service never had."""
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "iss": "users-service",
        "aud": "users-api",
        "typ": "access",
        "admin": False,
    }
    return jwt.encode(
        claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": "not-a-users-key"}
    )


def add_item(stack: Stack, headers: dict[str, str], title: str) -> httpx.Response:
    return httpx.post(stack.items_url + "/items", json={"title": title}, headers=headers, timeout=30)


def list_items(stack: Stack, headers: dict[str, str]) -> httpx.Response:
    return httpx.get(stack.items_url + "/items", params={"per_page": 100}, headers=headers, timeout=30)


# ---- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def items_template(postgres: PrivatePostgres) -> str:
    postgres.create_database(ITEMS_TEMPLATE)
    migrate_items(postgres.url(ITEMS_TEMPLATE))
    return ITEMS_TEMPLATE


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    """A redis-server of this module's own, on a free port, that its scenarios kill."""
    server = PrivateRedis(tmp_path_factory.mktemp("events-redis") / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_stack(
    tmp_path: Path,
    postgres: PrivatePostgres,
    fresh_database: Callable[[], str],
    items_template: str,
) -> Iterator[Callable[..., Stack]]:
    stacks: list[Stack] = []

    def create(redis_url: str | None = None) -> Stack:
        stack = Stack(tmp_path, postgres, fresh_database(), items_database(postgres), redis_url)
        stacks.append(stack)
        return stack

    yield create
    for stack in stacks:
        assert stack.close() == [], "processes left behind"


def stream_length(server: PrivateRedis, stream: str) -> int:
    with redis.Redis.from_url(server.url, socket_timeout=5) as client:
        return int(client.xlen(stream))  # type: ignore[arg-type]


def stream_event_ids(server: PrivateRedis, stream: str) -> list[str]:
    """The id of the event in every entry of the stream, in order."""
    with redis.Redis.from_url(server.url, socket_timeout=5) as client:
        entries: Any = client.xrange(stream)
    return [json.loads(fields[b"event"])["id"] for _, fields in entries]


def kill_redis(server: PrivateRedis) -> None:
    """kill -9 redis-server: with no persistence, its streams are gone with it."""
    assert server.process is not None
    server.process.kill()
    server.process.wait(timeout=10)
    server.process = None
    wait_for(lambda: port_is_free(server.port), 10, "the Redis port free")


# ---- 1. users down ----------------------------------------------------------------------


def test_users_down_items_keeps_serving_valid_tokens_and_refusing_revoked_ones(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack()
    users = stack.start_users()
    # An unknown kid makes items refetch the key set, at most every half second here.
    stack.start_items(JWKS_REFRESH_INTERVAL="0.5")
    stack.consumer().start()
    user_id, holder = stack.account("holder")
    _, revoked = stack.account("revoked")
    forged = {"Authorization": f"Bearer {forged_token(user_id)}"}
    assert list_items(stack, forged).status_code == 401
    assert add_item(stack, holder, "before").status_code == 201
    assert list_items(stack, revoked).status_code == 200

    # A logout: the session.revoked event reaches items, which then refuses that token.
    assert httpx.post(users.url + "/auth/logout", headers=revoked, timeout=30).status_code == 200
    wait_for(lambda: list_items(stack, revoked).status_code == 401, 10, "items refusing the logged-out token")

    # Every users process goes, as when its host dies: nothing answers for the key set any more.
    workers = users.worker_pids()
    assert workers
    users.kill()
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), 10, "users workers gone")
    with pytest.raises(httpx.ConnectError):
        httpx.get(users.url + "/auth/jwks.json", timeout=3)

    def serves(title: str) -> None:
        created = add_item(stack, holder, title)
        assert created.status_code == 201, created.text
        listed = list_items(stack, holder)
        assert listed.status_code == 200, listed.text
        assert title in [item["title"] for item in listed.json()["data"]["items"]]
        refused = list_items(stack, revoked)
        assert refused.status_code == 401, refused.text
        assert add_item(stack, revoked, "never").status_code == 401
        # A token of a key users never had: refused, and its refetch of the key set (which
        # fails) costs items none of the keys it holds.
        assert list_items(stack, forged).status_code == 401

    # For seconds on end (longer than items' JWKS refresh interval here)...
    deadline = time.monotonic() + 3
    count = 0
    while time.monotonic() < deadline:
        serves(f"while users is down {count}")
        count += 1
        time.sleep(0.2)
    # ... and after items itself restarts while users is still down: its key set is kept in
    # its own database, its refusals too.
    assert stack.items is not None
    assert stack.items.stop() == 0
    stack.items.start()
    serves("after items restarted")
    owned = list_items(stack, holder).json()["data"]
    assert owned["total"] == count + 2
    assert {item["owner_id"] for item in owned["items"]} == {user_id}


# ---- 2. consumer down -------------------------------------------------------------------


def test_deletion_while_the_consumer_is_down_is_applied_once_when_it_returns(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack()
    stack.start_users()
    stack.start_items()
    consumer = stack.consumer().start()
    _, admin = stack.account("admin", admin=True)
    gone_id, gone = stack.account("gone")
    kept_id, kept = stack.account("kept")
    for index in range(3):
        assert add_item(stack, gone, f"gone {index}").status_code == 201
    assert add_item(stack, kept, "kept").status_code == 201
    # The consumer is reading: a logout's event is applied before it goes down.
    _, other = stack.account("other")
    assert httpx.post(stack.users_url + "/auth/logout", headers=other, timeout=30).status_code == 200
    wait_for(lambda: bool(stack.items_query("SELECT 1 FROM processed_events")), 10, "a first event applied")

    consumer.kill()
    deleted = httpx.delete(f"{stack.users_url}/users/{gone_id}", headers=admin, timeout=30)
    assert deleted.status_code in (200, 204), deleted.text
    [event_id] = stack.deletion_events([gone_id])
    # Nothing else applies it: with the consumer down, the items stay.
    time.sleep(1.0)
    assert stack.items_of([gone_id]) == 3
    assert stack.processed([event_id]) == []

    restarted = stack.consumer().start()
    wait_for(
        lambda: stack.items_of([gone_id]) == 0,
        CONSUMER_CATCHES_UP_WITHIN,
        "the deleted user's items gone",
        0.1,
    )
    assert stack.items_of([kept_id]) == 1
    owned = httpx.get(f"{stack.items_url}/items", params={"owner_id": gone_id}, headers=admin, timeout=30)
    assert owned.status_code == 200 and owned.json()["data"]["total"] == 0
    # The deleted user's token is refused from now on: once the items workers have read the
    # refusal, at most REFUSALS_REFRESH_INTERVAL after the commit that removed the items.
    time.sleep(REFUSALS_BOUND)
    assert list_items(stack, gone).status_code == 401

    # Applied once: one processed row, one "applied" line, even after another restart that
    # reads the feed again from its stored cursor.
    assert restarted.stop() == 0
    stack.consumer().start()
    time.sleep(1.0)
    rows = stack.items_query("SELECT count(*) FROM processed_events WHERE event_id = %s", event_id)
    assert rows == [(1,)]
    logs = "".join(process.tail(10**7) for process in stack.processes if process.name == "consumer")
    applied = [line for line in logs.splitlines() if event_id in line and "event_applied" in line]
    assert len(applied) == 1, applied


# ---- 3. broker down ---------------------------------------------------------------------


def test_deletions_while_redis_is_down_are_delivered_after_it_returns(
    make_stack: Callable[..., Stack], private_redis: PrivateRedis
) -> None:
    stack = make_stack(private_redis.url)
    stack.start_users()
    stack.relay(private_redis.url).start()
    stack.consumer().start()
    _, admin = stack.account("admin", admin=True)
    first, *rest = stack.bulk_users(6)

    # Delivered through Redis while it is up.
    stack.delete_users(admin, [first])
    wait_for(lambda: stack.items_of([first]) == 0, 10, "a deletion delivered through Redis")
    assert stream_length(private_redis, stack.stream) >= 1

    kill_redis(private_redis)
    try:
        stack.delete_users(admin, rest)
        events = stack.deletion_events(rest)
        assert len(events) == len(rest)
        # The relay cannot publish them: they wait in the outbox, and nothing is applied.
        time.sleep(2.0)
        assert stack.unpublished() == len(rest)
        assert stack.items_of(rest) == len(rest)
        assert stack.processed(events) == []
    finally:
        private_redis.start()

    wait_for(lambda: stack.items_of(rest) == 0, 30, "every deletion delivered after Redis returned", 0.2)
    wait_for(lambda: len(stack.processed(events)) == len(events), 10, "every deletion recorded as processed")
    assert stack.unpublished() == 0
    assert sorted(stream_event_ids(private_redis, stack.stream)) == sorted(events)


# ---- 4. relay killed in the middle of a batch ---------------------------------------------


def test_relay_killed_mid_batch_loses_nothing_and_nothing_is_applied_twice(
    make_stack: Callable[..., Stack], private_redis: PrivateRedis
) -> None:
    total, batch = 300, 20
    stack = make_stack(private_redis.url)
    stack.start_users()
    consumer = stack.consumer().start()
    _, admin = stack.account("admin", admin=True)
    user_ids = stack.bulk_users(total)
    stack.delete_users(admin, user_ids)
    events = stack.deletion_events(user_ids)
    assert len(events) == total and stack.unpublished() == total

    def published() -> int:
        return total - stack.unpublished()

    # The relay's Redis answers slowly: most of its time goes waiting for a batch's replies,
    # after Redis has added the batch and before the rows are marked published.
    proxy = TcpProxy(private_redis.port)
    try:
        proxy.delay = 0.2
        relay_url = f"redis://127.0.0.1:{proxy.port}/0"
        first = stack.relay(relay_url, batch).start()
        wait_for(
            lambda: stream_length(private_redis, stack.stream) > published() >= batch,
            30,
            "a batch in the stream, not yet marked",
            0.02,
        )
        first.kill()
        length, marked = stream_length(private_redis, stack.stream), published()
        assert marked < length < total, (marked, length)

        # Again, this time with Redis unreachable mid-batch: the XADDs never arrive.
        proxy.delay = 0.1
        second = stack.relay(relay_url, batch).start()
        wait_for(lambda: published() > marked + batch, 30, "the restarted relay publishing", 0.02)
        proxy.blackhole = True
        time.sleep(1.0)
        second.kill()
        assert published() < total
    finally:
        proxy.close()

    stack.relay(private_redis.url, batch).start()
    wait_for(lambda: stack.unpublished() == 0, 30, "every event published")
    wait_for(lambda: len(stack.processed(events)) == total, 30, "every event applied", 0.2)

    # Nothing lost: every event applied, every user's items gone.
    assert stack.items_of(user_ids) == 0
    # Nothing applied twice, though the stream holds some events twice.
    rows = stack.items_query("SELECT count(*), count(DISTINCT event_id) FROM processed_events")
    assert rows[0][0] == rows[0][1] >= total
    in_stream = Counter(stream_event_ids(private_redis, stack.stream))
    assert set(in_stream) == set(events)
    assert any(count > 1 for count in in_stream.values()), "the killed batch was not sent again"
    consumer_log = consumer.tail(10**8)
    assert "event_duplicate" in consumer_log
    applied = Counter(
        json.loads(line[line.index("{") :]).get("event_id")
        for line in consumer_log.splitlines()
        if '"event_applied"' in line
    )
    assert set(applied) == set(events) and set(applied.values()) == {1}
