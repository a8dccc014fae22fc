"""The gateway in front of both services, on every target: /items reaches the items service,
/users and /auth the users service, and /internal (the services' own event feed) never leaves
the services' network."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from .harness import TARGETS, Upstream, free_port, serving, start_gateway

ITEMS_PATHS = ("/items/ping", "/items", "/items/7", "/items?page=2&per_page=100")
INTERNAL_PATHS = (
    "/internal/events",
    "/internal/events?after=0&limit=500",
    "/internal",
    "/internal/",
    # Other spellings of the same path: Nginx matches the normalized one.
    "/users/../internal/events",
    "/users/%2e%2e/internal/events",
    "/items/..%2finternal/events",
    "//internal/events",
)


@pytest.mark.parametrize("target", TARGETS)
def test_items_paths_reach_the_items_service_unchanged(tmp_path: Path, target: str) -> None:
    with serving(target, tmp_path) as gateway:
        assert gateway.items is not None
        for path in ITEMS_PATHS:
            response = httpx.get(gateway.url + path)
            assert response.status_code == 200, path
            assert response.json()["upstream"] == "items"
        for method in ("POST", "PATCH", "DELETE"):
            assert httpx.request(method, gateway.url + "/items/7", json={}).json()["upstream"] == "items"
        assert [r["path"] for r in gateway.items.requests] == [
            *ITEMS_PATHS,
            "/items/7",
            "/items/7",
            "/items/7",
        ]
        # The users service sees none of it, and still gets its own paths.
        users = gateway.upstreams[0]
        assert users.requests == []
        assert httpx.get(gateway.url + "/users/ping").json()["upstream"] == "users"
        assert httpx.get(gateway.url + "/auth/jwks.json").json()["upstream"] == "users"
        assert gateway.items.requests[-1]["path"] == "/items/7"


@pytest.mark.parametrize("target", TARGETS)
def test_items_requests_carry_the_same_proxy_headers_as_users_requests(tmp_path: Path, target: str) -> None:
    with serving(target, tmp_path) as gateway:
        items = httpx.get(gateway.url + "/items", headers={"X-Forwarded-For": "203.0.113.9"}).json()
        users = httpx.get(gateway.url + "/users", headers={"X-Forwarded-For": "203.0.113.9"}).json()
    for name in ("X-Forwarded-For", "X-Real-IP", "X-Forwarded-Proto", "X-Forwarded-Host", "Host"):
        assert items["headers"][name] == users["headers"][name], name
    assert items["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert len(items["headers"]["X-Request-ID"]) == 32


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("path", ["/itemsettings", "/item", "/my-items"])
def test_paths_that_only_start_like_items_are_client_routes(tmp_path: Path, target: str, path: str) -> None:
    with serving(target, tmp_path) as gateway:
        response = httpx.get(gateway.url + path)
        assert gateway.items is not None and gateway.items.requests == []
    assert response.status_code == 200
    if target == "local":
        assert "<div id=root>" in response.text
    else:
        assert response.json()["upstream"] == "client"


@pytest.mark.parametrize("target", TARGETS)
def test_internal_paths_are_never_routed(tmp_path: Path, target: str) -> None:
    with serving(target, tmp_path) as gateway:
        assert gateway.items is not None
        for path in INTERNAL_PATHS:
            for method in ("GET", "POST"):
                response = httpx.request(
                    method, gateway.url + path, headers={"Authorization": "Bearer feed-token"}
                )
                assert response.status_code == 404, (method, path)
                assert response.json() == {"status": "fail", "message": "Not found."}, path
                assert response.headers["x-content-type-options"] == "nosniff"
        assert gateway.upstreams[0].requests == []
        assert gateway.items.requests == []


def test_without_items_instances_items_is_the_gateways_own_502(tmp_path: Path) -> None:
    # A stack of the users service alone: /items still never falls through to the SPA.
    process, port = start_gateway(tmp_path, [f"127.0.0.1:{free_port()}"])
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/items/ping")
        assert response.status_code == 502
        assert response.json()["status"] == "fail"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_local_target_spreads_items_requests_over_every_instance(tmp_path: Path) -> None:
    first, second = Upstream("items-1"), Upstream("items-2")
    servers = [first.serve(), second.serve()]
    users = Upstream("users")
    servers.append(users.serve())
    try:
        process, port = start_gateway(
            tmp_path,
            [f"127.0.0.1:{users.port}"],
            items_addresses=[f"127.0.0.1:{first.port}", f"127.0.0.1:{second.port}"],
        )
        try:
            answered = {httpx.get(f"http://127.0.0.1:{port}/items").json()["upstream"] for _ in range(6)}
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        for server in servers:
            server.shutdown()
    assert answered == {"items-1", "items-2"}
    assert users.requests == []
