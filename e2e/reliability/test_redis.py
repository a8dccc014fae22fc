"""Rows 54 and 78 of SECURITY.md: Redis, which holds the shared rate-limit and login-throttle
state, goes away and comes back; meanwhile no login gets through unthrottled."""

from __future__ import annotations

import httpx

from e2e.reliability.infra import MakeUp, PrivateRedis, login, new_account, register, wait_for


def test_redis_outage_never_gives_500_and_revocation_holds(stack: MakeUp, redis_server: PrivateRedis) -> None:
    account = new_account("redis")
    assert register(stack.url, account).status_code == 201
    live = login(stack.url, account).json()["auth_token"]
    revoked = login(stack.url, account).json()["auth_token"]
    assert (
        httpx.post(stack.url + "/auth/logout", headers={"Authorization": f"Bearer {revoked}"}).status_code
        == 200
    )

    redis_server.stop()
    try:
        during = {
            "login": login(stack.url, account),
            "register": register(stack.url, new_account("redis")),
            "status": httpx.get(stack.url + "/auth/status", headers={"Authorization": f"Bearer {live}"}),
            "revoked": httpx.get(stack.url + "/auth/status", headers={"Authorization": f"Bearer {revoked}"}),
            "users": httpx.get(stack.url + "/users"),
            "ping": httpx.get(stack.url + "/users/ping"),
        }
    finally:
        redis_server.start()
    codes = {name: response.status_code for name, response in during.items()}

    # SECURITY row 78: fail-closed-without-limiter-store. The per-account login throttle fails
    # closed: without its counters a login, through the gateway, is refused with 503 and
    # Retry-After, never served.
    assert codes["login"] == 503, codes
    assert during["login"].headers.get("Retry-After")
    assert during["login"].json()["status"] == "fail"
    assert "auth_token" not in during["login"].json()
    # Registration is served or refused with 503 and Retry-After; never a 500.
    assert codes["register"] in (201, 503), codes
    if codes["register"] == 503:
        assert during["register"].headers.get("Retry-After")
    # Revocation lives in the database: a revoked token stays revoked.
    assert codes["revoked"] == 401, codes
    assert (codes["status"], codes["users"], codes["ping"]) == (200, 200, 200), codes

    # Back without a restart of the service.
    wait_for(lambda: login(stack.url, account).status_code == 200, 30, "login working again")
