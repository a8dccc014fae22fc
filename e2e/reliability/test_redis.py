"""Row 54 of SECURITY.md: Redis, which holds the shared rate-limit and login-throttle state,
goes away and comes back."""

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

    # Documented choices only: the limiter either fails open (the request is served) or the
    # service answers 503 with Retry-After; never a 500.
    assert codes["login"] in (200, 503) and codes["register"] in (201, 503), codes
    for name in ("login", "register"):
        if codes[name] == 503:
            assert during[name].headers.get("Retry-After"), name
    # Revocation lives in the database: a revoked token stays revoked.
    assert codes["revoked"] == 401, codes
    assert (codes["status"], codes["users"], codes["ping"]) == (200, 200, 200), codes

    # Back without a restart of the service.
    wait_for(lambda: login(stack.url, account).status_code == 200, 30, "login working again")
