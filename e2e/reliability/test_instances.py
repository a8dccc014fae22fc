"""Rows 55-57 of SECURITY.md: an instance drains on SIGTERM, two instances restart one at a
time under load, and one is killed outright."""

from __future__ import annotations

import signal
import time
import uuid

from e2e.reliability.infra import (
    Fleet,
    Gateway,
    PrivatePostgres,
    lock_waiters,
    new_account,
    upstreams_of,
    users_table_locked,
    wait_for,
)
from e2e.reliability.load import Load, Request, describe, statuses

USERS_PAGE = Request("GET", "/users?page=1&per_page=10")


def test_sigterm_lets_in_flight_requests_finish(fleet: Fleet, postgres: PrivatePostgres) -> None:
    instance = fleet.add_instance(WEB_CONCURRENCY="3", LOG_LEVEL="INFO").start()
    assert instance.process is not None
    load = Load(instance.url, lambda _: USERS_PAGE, threads=3, budget=3, deadline=60, timeout=45)
    with users_table_locked(postgres, fleet.database):
        load.start()
        # Three requests are in flight, each waiting on the lock.
        wait_for(lambda: lock_waiters(postgres, fleet.database) == 3, 30, "three requests in flight")
        instance.process.send_signal(signal.SIGTERM)
        # The lock ends only once the server process has begun to stop its workers.
        wait_for(lambda: "Shutting down granian" in instance.log.read_text(), 10, "the server handling TERM")
        time.sleep(0.5)
    load.wait_for_answers(3, timeout=40)
    outcomes = load.stop()

    assert statuses(outcomes) == {200: 3}, describe(outcomes)
    # GRACEFUL_TIMEOUT is 30 s; the server exits cleanly within it.
    assert instance.process.wait(timeout=35) == 0


def _served_by(gateway: Gateway, address: str, recent: int = 10) -> bool:
    """Whether one of the gateway's last answers came from ``address``."""
    return any(
        entry["status"] == 200 and upstreams_of([entry])[-1:] == [address]
        for entry in gateway.access_log()[-recent:]
    )


def _mixed_load(fleet: Fleet, prefix: str) -> Load:
    """Mostly reads, and a registration every fifth request (each with a new account)."""
    assert fleet.gateway is not None
    reads = [Request("GET", "/users/ping"), USERS_PAGE]

    def next_request(index: int) -> Request:
        if index % 5 == 4:
            return Request("POST", "/auth/register", json=new_account(prefix))
        return reads[index % 2]

    return Load(fleet.gateway.url, next_request, threads=4, budget=4000, deadline=120, pause=0.05)


def test_rolling_restart_fails_no_reads_and_duplicates_nothing(
    fleet: Fleet, postgres: PrivatePostgres
) -> None:
    first, second = fleet.add_instance(), fleet.add_instance()
    fleet.start_all()
    gateway = fleet.add_gateway()
    prefix = f"roll{uuid.uuid4().hex[:6]}"
    load = _mixed_load(fleet, prefix)
    with load:
        load.wait_for_answers(30)
        for instance in (first, second):
            assert instance.terminate() == 0
            load.wait_for_answers(len(load.outcomes) + 20, timeout=30)
            instance.start()
            # As an orchestrator waits for readiness: the next instance goes only once the
            # gateway sends traffic to this one again.
            wait_for(
                lambda address=instance.address: _served_by(gateway, address),
                30,
                "the gateway using the new instance",
            )
    outcomes = load.stop()

    reads = [o for o in outcomes if o.request.method == "GET"]
    writes = [o for o in outcomes if o.request.method == "POST"]
    assert statuses(reads) == {200: len(reads)}, describe(reads)
    # Nginx never resends a POST that may have reached an instance: such a POST fails as a
    # 502 and nothing else (429 is the gateway's edge limit on /auth).
    assert set(statuses(writes)) <= {201, 429, 502}, describe(writes)
    assert statuses(writes)[201] > 0
    duplicates = postgres.query(
        fleet.database,
        "SELECT lower(email), count(*) FROM users WHERE email LIKE %s GROUP BY 1 HAVING count(*) > 1",
        f"{prefix}-%",
    )
    assert duplicates == []
    acknowledged = {o.request.json["email"] for o in writes if o.status == 201 and o.request.json}
    stored = {
        row[0]
        for row in postgres.query(
            fleet.database, "SELECT email FROM users WHERE email LIKE %s", f"{prefix}-%"
        )
    }
    assert acknowledged <= stored


def test_killed_instance_loses_only_in_flight_requests(fleet: Fleet) -> None:
    doomed, survivor = fleet.add_instance(), fleet.add_instance()
    fleet.start_all()
    gateway = fleet.add_gateway()
    reads = [Request("GET", "/users/ping"), USERS_PAGE]
    threads = 4
    load = Load(gateway.url, lambda i: reads[i % 2], threads=threads, budget=3000, deadline=90, pause=0.05)
    with load:
        load.wait_for_answers(40)
        killed_at = len(gateway.access_log())
        doomed.kill()
        load.wait_for_answers(len(load.outcomes) + 100, timeout=60)
    outcomes = load.stop()

    failed = [o for o in outcomes if o.status != 200]
    # At most the requests that were inside the killed instance at that moment.
    assert len(failed) <= threads, describe(outcomes)
    after = gateway.access_log()[killed_at:]
    # Nginx marks the dead instance down (max_fails) and answers from the survivor; it only
    # probes the dead address again now and then (fail_timeout), retrying on the survivor.
    assert all(entry["status"] == 200 for entry in after[-100:]), after[-100:]
    assert {upstreams_of([entry])[-1] for entry in after[-100:]} == {survivor.address}
    attempts = upstreams_of(after)
    assert attempts.count(doomed.address) < len(after) / 4, attempts
