"""Rows 50-53 and 60 of SECURITY.md: the database restarts, crashes, slows down, stops
answering, runs out of pooled connections, and is restored from a dump."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

import httpx

from e2e.reliability.infra import (
    Fleet,
    MakeUp,
    PrivatePostgres,
    TcpProxy,
    lock_waiters,
    login,
    new_account,
    register,
    users_table_locked,
    wait_for,
)
from e2e.reliability.load import CONNECTION_FAILED, Load, Request, concurrently, describe, statuses

USERS_PAGE = Request("GET", "/users?page=1&per_page=10")


def status_of(url: str) -> int:
    try:
        return httpx.get(url, timeout=15).status_code
    except httpx.HTTPError:
        return CONNECTION_FAILED


def answer_of(url: str) -> tuple[int, str]:
    """The status and, for a refusal, the body and the headers that tell who refused and why."""
    try:
        response = httpx.get(url, timeout=15)
    except httpx.HTTPError as exc:
        return CONNECTION_FAILED, repr(exc)
    if response.status_code == 200:
        return 200, ""
    headers = {
        name: response.headers[name]
        for name in ("retry-after", "server", "x-request-id")
        if name in response.headers
    }
    return response.status_code, f"{response.text[:300]} {headers}"


def test_database_restart_under_load_gives_only_503_and_recovers(
    stack: MakeUp, postgres: PrivatePostgres
) -> None:
    mix = [Request("GET", "/users/ping"), USERS_PAGE]
    readiness: list[int] = []
    ready_url = stack.instance_url(0) + "/health/ready"

    def observe_readiness(expected: int) -> bool:
        readiness.append(status_of(ready_url))
        return readiness[-1] == expected

    load = Load(stack.url, lambda i: mix[i % 2], threads=3, budget=3000, deadline=90, pause=0.02)
    with load:
        load.wait_for_answers(30)
        assert observe_readiness(200)
        # `pg_ctl restart -m fast`, with the gap held open until readiness has reported it.
        postgres.stop("fast")
        try:
            wait_for(lambda: observe_readiness(503), 30, "/health/ready answering 503")
            load.wait_for_answers(len(load.outcomes) + 30, timeout=30)
        finally:
            postgres.start()
        # Nobody intervenes: the pools notice the new server on their own.
        wait_for(lambda: observe_readiness(200), 30, "/health/ready answering 200 again")
        load.wait_for_answers(len(load.outcomes) + 30, timeout=30)
    outcomes = load.stop()

    counts = statuses(outcomes)
    assert set(counts) <= {200, 503}, describe(outcomes)
    assert counts[503] > 0, "the outage was not visible at all: " + describe(outcomes)
    assert all(o.retry_after for o in outcomes if o.status == 503), describe(outcomes)
    assert statuses([o for o in outcomes if o.request.path == "/users/ping"]).keys() == {200}
    assert readiness[0] == 200 and 503 in readiness and readiness[-1] == 200, readiness
    after = [answer_of(stack.url + USERS_PAGE.path) for _ in range(20)]
    assert [status for status, _ in after] == [200] * 20, after


def test_database_crash_loses_no_acknowledged_registration(
    stack: MakeUp, postgres: PrivatePostgres, stack_database: str
) -> None:
    prefix = f"crash{uuid.uuid4().hex[:6]}"
    # Straight to both instances: this is about the database, not the gateway's edge limit.
    load = Load(
        stack.url,
        lambda i: Request("POST", stack.instance_url(i % 2) + "/auth/register", json=new_account(prefix)),
        threads=3,
        budget=400,
        deadline=90,
        pause=0.05,
    )
    with load:
        load.wait_for_answers(15)
        postgres.stop("immediate")  # no checkpoint, no goodbye: recovery replays the WAL
        try:
            load.wait_for_answers(len(load.outcomes) + 6, timeout=15)
        finally:
            postgres.start()
        load.wait_for_answers(len(load.outcomes) + 15, timeout=40)
    outcomes = load.stop()

    acknowledged = {o.request.json["email"] for o in outcomes if o.status == 201 and o.request.json}
    attempted = {o.request.json["email"] for o in outcomes if o.request.json}
    rows = postgres.query(
        stack_database,
        "SELECT email, username, password_hash, active FROM users WHERE email LIKE %s",
        f"{prefix}-%",
    )
    stored = {row[0] for row in rows}
    assert acknowledged <= stored, f"lost: {sorted(acknowledged - stored)}"
    assert stored <= attempted
    # No half-written rows: every stored account is complete and usable.
    assert all(
        username and password.startswith("$argon2id$") and active for _, username, password, active in rows
    )
    accounts = {
        o.request.json["email"]: o.request.json for o in outcomes if o.status == 201 and o.request.json
    }
    logins = Counter(login(stack.instance_url(0), account).status_code for account in accounts.values())
    assert logins == {200: len(accounts)}
    # The crash itself may only show as 503 (with Retry-After), never as a 500.
    counts = statuses(outcomes)
    assert set(counts) <= {201, 503}, describe(outcomes)
    assert counts[503] > 0 and counts[201] > 0, describe(outcomes)
    assert all(o.retry_after for o in outcomes if o.status == 503)


def test_database_latency_and_black_hole_give_503_and_workers_recover(
    fleet: Fleet, postgres: PrivatePostgres
) -> None:
    proxy = TcpProxy(postgres.port)
    try:
        fleet.database_url = postgres.url(fleet.database, port=proxy.port)
        instance = fleet.add_instance(WEB_CONCURRENCY="2").start()
        # DB_CONNECT_TIMEOUT and DB_POOL_TIMEOUT are 5 s: an answer must come within 15 s.
        budget = 15.0

        # 6 s of latency on every answer: longer than the connect timeout.
        proxy.delay = 6.0
        slow = concurrently([USERS_PAGE, USERS_PAGE], instance.url, timeout=budget)
        assert statuses(slow) == {503: 2}, describe(slow)
        assert all(o.retry_after for o in slow)

        proxy.heal()
        warm = concurrently([USERS_PAGE] * 4, instance.url, timeout=budget)
        assert statuses(warm) == {200: 4}, describe(warm)

        # Black hole: pooled connections stay open but nothing comes back.
        proxy.blackhole = True
        swallowed = concurrently([USERS_PAGE, USERS_PAGE], instance.url, timeout=budget)
        proxy.heal()
        assert statuses(swallowed) == {503: 2}, describe(swallowed)

        # Both workers are free again once the path is back.
        after = concurrently([USERS_PAGE] * 4, instance.url, timeout=budget)
        assert statuses(after) == {200: 4}, describe(after)
    finally:
        proxy.close()


def test_pool_exhaustion_gives_503_not_500(fleet: Fleet, postgres: PrivatePostgres) -> None:
    # One process with a thread for every request, more than pooled connections (DB_POOL_SIZE
    # 5 + DB_MAX_OVERFLOW 5). The deadline is out of the way: this is about the pool alone.
    instance = fleet.add_instance(WEB_CONCURRENCY="1", WEB_THREADS="14", REQUEST_DEADLINE="60").start()
    pooled = 10
    load = Load(instance.url, lambda _: USERS_PAGE, threads=14, budget=14, deadline=60, timeout=45)
    with users_table_locked(postgres, fleet.database):
        load.start()
        # Every pooled connection is now held by a request waiting on the lock.
        wait_for(
            lambda: lock_waiters(postgres, fleet.database) >= pooled, 30, "the pool held by waiting requests"
        )
        # The other four wait DB_POOL_TIMEOUT (5 s) for a connection, then answer 503.
        load.wait_for_answers(14 - pooled, timeout=30)
    outcomes = load.stop()

    assert statuses(outcomes) == {200: pooled, 503: 14 - pooled}, describe(outcomes)
    assert all(o.retry_after for o in outcomes if o.status == 503)
    again = concurrently([USERS_PAGE] * 12, instance.url)
    assert statuses(again) == {200: 12}, describe(again)


def test_dump_and_restore_keeps_every_account_usable(
    stack: MakeUp, postgres: PrivatePostgres, stack_database: str, tmp_path: Path
) -> None:
    accounts = [new_account("backup") for _ in range(3)]
    for account in accounts:
        assert register(stack.url, account).status_code == 201
    dump = tmp_path / "users.dump"
    postgres.dump(stack_database, dump)
    restored = f"restored_{uuid.uuid4().hex[:8]}"
    postgres.create_database(restored)
    postgres.restore(dump, restored)

    count = "SELECT count(*), count(DISTINCT password_hash) FROM users"
    assert postgres.query(restored, count) == postgres.query(stack_database, count)
    copy = Fleet(tmp_path, postgres.url(restored), restored)
    try:
        instance = copy.add_instance().start()
        for account in accounts:
            assert login(instance.url, account).status_code == 200
        assert login(instance.url, accounts[0] | {"password": "a wrong password"}).status_code == 401
    finally:
        assert copy.close() == []
