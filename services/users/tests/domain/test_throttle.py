"""Brute-force and rate limits (SECURITY rows 19-23)."""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
import time_machine
from apiflask import APIFlask

from tests.factories import AuthActions, UserRef
from users_service.domain.throttle import LoginThrottle

WRONG = "not the right password"


def login_from(auth: AuthActions, email: str, password: str, ip: str) -> Any:
    # The gateway's X-Forwarded-For, whose last entry the service believes.
    return auth.login(email, password, headers={"X-Forwarded-For": ip})


@pytest.fixture
def throttled_app(make_app: Any) -> APIFlask:
    # A generous per-IP bucket isolates the per-account rules.
    app: APIFlask = make_app(RATE_LIMIT_AUTH="1000 per minute")
    return app


@pytest.fixture
def tauth(throttled_app: APIFlask) -> AuthActions:
    return AuthActions(throttled_app, throttled_app.test_client())


# SECURITY row 19: brute-force-one-account
def test_eleventh_wrong_password_is_429_with_retry_after(
    tauth: AuthActions, capsys: pytest.CaptureFixture[str]
) -> None:
    user = tauth.create_user()
    for _ in range(10):
        assert login_from(tauth, user.email, WRONG, "203.0.113.5").status_code == 401
    response = login_from(tauth, user.email, WRONG, "203.0.113.5")
    assert response.status_code == 429
    assert response.json["status"] == "fail"
    assert 55 <= int(response.headers["Retry-After"]) <= 60
    # Even the right password waits: the lock is checked before any hash is computed.
    assert login_from(tauth, user.email, user.password, "203.0.113.5").status_code == 429
    assert '"event": "login_throttled"' in capsys.readouterr().out


# SECURITY row 19: concurrent attempts cannot overtake the lock
def test_concurrent_wrong_passwords_never_exceed_the_lock_threshold(
    throttled_app: APIFlask, monkeypatch: pytest.MonkeyPatch
) -> None:
    import users_service.domain.auth as auth_module

    auth = AuthActions(throttled_app, throttled_app.test_client())
    user = auth.create_user()
    # The attempts let through wait inside their hash until ten are there: the worst case of
    # many threads, workers and replicas checking at the same moment, before any failure counts.
    inside = threading.Barrier(10, timeout=5)
    real_verify = auth_module.verify_password

    def slow_verify(settings: Any, stored: str, password: str) -> bool:
        with contextlib.suppress(threading.BrokenBarrierError):
            inside.wait()
        return real_verify(settings, stored, password)

    monkeypatch.setattr(auth_module, "verify_password", slow_verify)
    statuses: list[int] = []

    def attempt() -> None:
        client = throttled_app.test_client()
        statuses.append(
            client.post(
                "/auth/login",
                json={"email": user.email, "password": WRONG},
                headers={"X-Forwarded-For": "203.0.113.9"},
            ).status_code
        )

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [401] * 10 + [429] * 6
    # Every reservation was released: one more attempt is let through to its hash.
    throttle: LoginThrottle = throttled_app.extensions["login_throttle"]
    throttle.clear_failures(email=user.email, ip="203.0.113.9")
    assert login_from(auth, user.email, WRONG, "203.0.113.9").status_code == 401


def test_backoff_grows_after_the_lock_expires(tauth: AuthActions) -> None:
    user = tauth.create_user()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            login_from(tauth, user.email, WRONG, "203.0.113.5")
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert login_from(tauth, user.email, WRONG, "203.0.113.5").status_code == 401
        second = login_from(tauth, user.email, WRONG, "203.0.113.5")
    assert second.status_code == 429
    assert int(second.headers["Retry-After"]) > 60


def test_no_hash_is_computed_while_locked(tauth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    from users_service.domain import auth as auth_service

    user = tauth.create_user()
    for _ in range(10):
        login_from(tauth, user.email, WRONG, "203.0.113.5")
    calls: list[str] = []
    monkeypatch.setattr(auth_service, "verify_password", lambda *a: calls.append("verify") or False)
    monkeypatch.setattr(auth_service, "burn_dummy_hash", lambda *a: calls.append("dummy"))
    assert login_from(tauth, user.email, WRONG, "203.0.113.5").status_code == 429
    assert calls == []


def test_successful_login_resets_the_failure_count(tauth: AuthActions) -> None:
    user = tauth.create_user()
    for _ in range(9):
        login_from(tauth, user.email, WRONG, "203.0.113.5")
    assert login_from(tauth, user.email, user.password, "203.0.113.5").status_code == 200
    for _ in range(9):
        assert login_from(tauth, user.email, WRONG, "203.0.113.5").status_code == 401


def test_at_most_100_failures_per_hour_per_account_across_addresses(tauth: AuthActions) -> None:
    user = tauth.create_user()
    statuses = [login_from(tauth, user.email, WRONG, f"198.51.{i // 5}.{i % 5}").status_code for i in range(110)]
    assert statuses[:100] == [401] * 100
    assert set(statuses[100:]) == {429}
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1, seconds=5)):
        assert login_from(tauth, user.email, user.password, "198.51.100.1").status_code == 200


# SECURITY row 21: lockout-dos
def test_attacker_lock_does_not_lock_the_owner_out_from_another_address(tauth: AuthActions) -> None:
    victim = tauth.create_user()
    for _ in range(11):
        login_from(tauth, victim.email, WRONG, "203.0.113.66")
    assert login_from(tauth, victim.email, WRONG, "203.0.113.66").status_code == 429
    assert login_from(tauth, victim.email, victim.password, "192.0.2.10").status_code == 200


# SECURITY row 20: ip-level-throttles
def test_one_address_trying_many_accounts_hits_the_ip_limit(make_app: Any, capsys: pytest.CaptureFixture[str]) -> None:
    app = make_app(RATE_LIMIT_AUTH="30 per minute")
    auth = AuthActions(app, app.test_client())
    statuses = [login_from(auth, f"person{i}@example.com", WRONG, "203.0.113.9").status_code for i in range(50)]
    assert statuses[:30] == [401] * 30
    assert set(statuses[30:]) == {429}
    limited = login_from(auth, "another@example.com", WRONG, "203.0.113.9")
    assert limited.json["status"] == "fail"
    assert int(limited.headers["Retry-After"]) >= 1
    assert '"event": "rate_limited"' in capsys.readouterr().out


def test_registrations_per_address_are_limited(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_AUTH="30 per minute")
    client = app.test_client()
    statuses = [
        client.post(
            "/auth/register",
            headers={"X-Forwarded-For": "203.0.113.10"},
            json={
                "username": f"person.{i:03d}",
                "email": f"p{i}@example.com",
                "password": "correct horse battery staple",
            },
        ).status_code
        for i in range(31)
    ]
    assert statuses[:30] == [201] * 30 and statuses[30] == 429


# SECURITY row 22: xff-spoofing
def test_spoofed_forwarded_for_values_do_not_escape_the_limit(make_app: Any) -> None:
    app = make_app(RATE_LIMIT_AUTH="5 per minute")
    auth = AuthActions(app, app.test_client())
    statuses = []
    for i in range(8):
        # A client-supplied X-Forwarded-For arrives with the gateway's real hop appended last.
        header = f"10.0.0.{i}, 203.0.113.77"
        statuses.append(login_from(auth, "x@example.com", WRONG, header).status_code)
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}


# SECURITY row 23: limiter-shared-by-replicas (Redis store)
@pytest.fixture
def redis_url() -> Iterator[str]:
    # 127.0.0.1 on dev and CI machines; the compose file points it at its own Redis.
    url = os.environ.get("REDIS_TEST_URL") or "redis://127.0.0.1:6379/13"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:  # pragma: no cover - Redis runs on every dev and CI machine
        pytest.fail(f"Redis is expected at {url} (set REDIS_TEST_URL)")
    yield url
    client.close()


def test_failed_logins_are_counted_across_replicas_with_redis(make_app: Any, redis_url: str) -> None:
    prefix = f"users-test-{secrets.token_hex(4)}"
    replicas = [make_app(REDIS_URL=redis_url, RATE_LIMIT_AUTH="1000 per minute") for _ in range(2)]
    for replica in replicas:
        replica.extensions["login_throttle"].key_prefix = prefix
    first = AuthActions(replicas[0], replicas[0].test_client())
    user: UserRef = first.create_user()
    clients = [AuthActions(r, r.test_client()) for r in replicas]
    try:
        for i in range(10):
            assert login_from(clients[i % 2], user.email, WRONG, "203.0.113.20").status_code == 401
        assert login_from(clients[0], user.email, WRONG, "203.0.113.20").status_code == 429
        assert login_from(clients[1], user.email, WRONG, "203.0.113.20").status_code == 429
    finally:
        cleanup = redis.Redis.from_url(redis_url)
        keys = list(cleanup.scan_iter(f"*{prefix}*"))
        if keys:
            cleanup.delete(*keys)
        cleanup.close()


def test_memory_counters_are_per_process(make_app: Any) -> None:
    # The control for the test above: without Redis each instance counts on its own.
    replicas = [make_app(RATE_LIMIT_AUTH="1000 per minute") for _ in range(2)]
    first = AuthActions(replicas[0], replicas[0].test_client())
    user = first.create_user()
    clients = [AuthActions(r, r.test_client()) for r in replicas]
    for i in range(12):
        assert login_from(clients[i % 2], user.email, WRONG, "203.0.113.21").status_code == 401
