"""The real gateway: routing, SPA fallback, JSON errors, headers, compression, retries."""

from __future__ import annotations

import gzip
import socket
from pathlib import Path

import httpx
import pytest

from .harness import Gateway, Upstream, free_port, start_gateway


def test_api_paths_reach_the_users_service_unchanged(gateway: Gateway, upstream: Upstream) -> None:
    for path in ("/users/ping", "/users", "/auth/login", "/users/7?page=2"):
        response = httpx.get(gateway.url + path)
        assert response.status_code == 200
        assert response.json()["upstream"] == "a"
    assert [r["path"] for r in upstream.requests] == [
        "/users/ping",
        "/users",
        "/auth/login",
        "/users/7?page=2",
    ]


@pytest.mark.parametrize("path", ["/", "/about", "/status", "/admin/users", "/usersettings"])
def test_client_routes_fall_back_to_the_spa(gateway: Gateway, path: str) -> None:
    response = httpx.get(gateway.url + path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<div id=root>" in response.text


def test_api_paths_never_fall_through_to_the_spa(tmp_path: Path) -> None:
    # Nothing listens on the upstream port: the gateway answers for the API itself.
    process, port = start_gateway(tmp_path, [f"127.0.0.1:{free_port()}"])
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/users/ping")
        assert response.status_code == 502
        assert response.headers["content-type"] == "application/json"
        assert response.json()["status"] == "fail"
        assert response.headers["retry-after"] == "5"
        assert response.headers["x-content-type-options"] == "nosniff"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gateway_health_is_its_own(gateway: Gateway, upstream: Upstream) -> None:
    response = httpx.get(gateway.url + "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "success", "message": "ok"}
    assert upstream.requests == []


def test_unknown_health_path_is_a_json_404(gateway: Gateway) -> None:
    response = httpx.get(gateway.url + "/health/anything")
    assert response.status_code == 404
    assert response.json() == {"status": "fail", "message": "Not found."}


def test_missing_asset_is_a_404_not_the_spa(gateway: Gateway) -> None:
    response = httpx.get(gateway.url + "/assets/missing.js")
    assert response.status_code == 404


def test_oversized_body_is_a_json_413(gateway: Gateway, upstream: Upstream) -> None:
    body = b'{"username": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = httpx.post(
        gateway.url + "/auth/register", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["status"] == "fail"
    assert upstream.requests == []


def test_slow_upstream_is_a_json_504(tmp_path: Path) -> None:
    slow = Upstream("slow", delay=6)
    server = slow.serve()
    process, port = start_gateway(tmp_path, [f"127.0.0.1:{slow.port}"])
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/users", timeout=30)
        assert response.status_code == 504
        assert response.json()["status"] == "fail"
    finally:
        process.terminate()
        process.wait(timeout=10)
        server.shutdown()


def test_security_headers_on_pages_and_api(gateway: Gateway) -> None:
    for path in ("/", "/users/ping", "/health"):
        headers = httpx.get(gateway.url + path).headers
        assert headers.get_list("x-content-type-options") == ["nosniff"]
        assert len(headers.get_list("content-security-policy")) == 1
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "strict-transport-security" not in headers


def test_swagger_ui_is_served_with_its_own_csp(gateway: Gateway) -> None:
    redirect = httpx.get(gateway.url + "/swagger")
    assert redirect.status_code == 301
    assert redirect.headers["location"].endswith("/swagger/")
    page = httpx.get(gateway.url + "/swagger/")
    assert page.status_code == 200
    assert "Swagger UI" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_server_header_carries_no_version(gateway: Gateway) -> None:
    assert httpx.get(gateway.url + "/").headers["server"] == "nginx"


def test_text_assets_are_gzipped_and_cached_for_ever(gateway: Gateway) -> None:
    original = "console.log('hello');\n" * 500
    with httpx.stream(
        "GET", gateway.url + "/assets/app-1234.js", headers={"Accept-Encoding": "gzip"}
    ) as response:
        raw = b"".join(response.iter_raw())
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "immutable" in response.headers["cache-control"]
    assert len(raw) < len(original) / 10
    assert gzip.decompress(raw).decode() == original


def test_forwarded_headers_cannot_be_spoofed(gateway: Gateway, upstream: Upstream) -> None:
    response = httpx.get(
        gateway.url + "/users/ping",
        headers={"X-Forwarded-For": "6.6.6.6", "X-Request-ID": "chosen-by-client"},
    )
    forwarded = response.json()["headers"]
    assert forwarded["X-Forwarded-For"] == "127.0.0.1"
    assert forwarded["X-Real-IP"] == "127.0.0.1"
    assert forwarded["X-Request-ID"] != "chosen-by-client"
    assert len(forwarded["X-Request-ID"]) == 32


def test_idempotent_requests_move_to_a_live_instance(tmp_path: Path) -> None:
    live = Upstream("live")
    server = live.serve()
    dead_port = free_port()
    process, port = start_gateway(tmp_path, [f"127.0.0.1:{dead_port}", f"127.0.0.1:{live.port}"])
    try:
        answers = [httpx.get(f"http://127.0.0.1:{port}/users/ping") for _ in range(6)]
        assert [a.status_code for a in answers] == [200] * 6
        assert {a.json()["upstream"] for a in answers} == {"live"}
    finally:
        process.terminate()
        process.wait(timeout=10)
        server.shutdown()


def test_a_post_is_never_sent_twice(tmp_path: Path) -> None:
    failing = Upstream("failing", status=503)
    other = Upstream("other")
    servers = [failing.serve(), other.serve()]
    process, port = start_gateway(tmp_path, [f"127.0.0.1:{failing.port}", f"127.0.0.1:{other.port}"])
    try:
        for _ in range(4):
            httpx.post(f"http://127.0.0.1:{port}/auth/register", json={"a": 1})
        posts = [r for r in failing.requests + other.requests if r["method"] == "POST"]
        assert len(posts) == 4
    finally:
        process.terminate()
        process.wait(timeout=10)
        for server in servers:
            server.shutdown()


def test_auth_paths_are_rate_limited_at_the_edge_with_json(gateway: Gateway) -> None:
    with httpx.Client() as client:
        answers = [client.post(gateway.url + "/auth/login", json={}) for _ in range(80)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited, [a.status_code for a in answers]
    assert limited[0].json()["status"] == "fail"
    assert limited[0].headers["retry-after"] == "1"
    # Reading one's own status checks no secret and is not throttled at the edge.
    assert httpx.get(gateway.url + "/auth/status").status_code == 200


def test_slow_header_clients_are_cut_off(gateway: Gateway) -> None:
    with socket.create_connection(("127.0.0.1", gateway.port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finishes the headers
        sock.settimeout(20)
        try:
            data = sock.recv(1024)
        except ConnectionResetError:  # reset_timedout_connection: closed without an answer
            data = b""
    assert data == b"" or b"408" in data


def test_a_database_outage_503_passes_through_and_marks_no_instance_down(tmp_path: Path) -> None:
    outage = Upstream("outage", status=503)
    server = outage.serve()
    process, port = start_gateway(tmp_path, [f"127.0.0.1:{outage.port}"])
    try:
        answers = [httpx.get(f"http://127.0.0.1:{port}/users") for _ in range(10)]
        assert [a.status_code for a in answers] == [503] * 10
        assert {a.json()["upstream"] for a in answers} == {"outage"}  # the service's own body
    finally:
        process.terminate()
        process.wait(timeout=10)
        server.shutdown()


def test_host_reaches_the_service_with_its_port(gateway: Gateway) -> None:
    # The service checks Origin against Host before it accepts the refresh cookie.
    forwarded = httpx.get(gateway.url + "/auth/status").json()["headers"]
    assert forwarded["Host"] == f"127.0.0.1:{gateway.port}"
    assert forwarded["X-Forwarded-Host"] == f"127.0.0.1:{gateway.port}"
