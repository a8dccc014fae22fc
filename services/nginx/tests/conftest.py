"""Fixtures that run the real gateway (Nginx) in front of small real HTTP upstreams."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tools.stack import find_nginx

NGINX_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(NGINX_DIR))

import render  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


@dataclass
class Upstream:
    """A users-service stand-in that records what the gateway forwarded."""

    name: str
    status: int = 200
    delay: float = 0.0
    requests: list[dict[str, object]] = field(default_factory=list)
    port: int = 0

    def serve(self) -> ThreadingHTTPServer:
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                upstream.requests.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers)}
                )
                time.sleep(upstream.delay)
                body = json.dumps(
                    {"status": "success", "upstream": upstream.name, "headers": dict(self.headers)}
                ).encode()
                self.send_response(upstream.status)
                self.send_header("Content-Type", "application/json")
                # The users service sets these too; the gateway must not double them.
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Content-Security-Policy", "default-src 'none'")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = int(server.server_address[1])
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


@dataclass
class Gateway:
    port: int
    upstreams: list[Upstream]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_gateway(tmp: Path, upstream_addresses: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    client = tmp / "client"
    (client / "assets").mkdir(parents=True)
    (client / "index.html").write_text("<!doctype html><title>client</title><div id=root></div>")
    # Large and repetitive enough to be worth compressing.
    (client / "assets" / "app-1234.js").write_text("console.log('hello');\n" * 500)
    swagger = tmp / "swagger"
    swagger.mkdir()
    (swagger / "index.html").write_text("<!doctype html><title>Swagger UI</title>")
    port = free_port()
    out = tmp / "nginx"
    conf = render.render(
        render.Options(
            target="local",
            port=port,
            users=upstream_addresses,
            client_root=client,
            swagger_root=swagger,
            prefix=out,
            worker_processes="1",
            # Short, so the timeout tests are quick; the rendered defaults are 30 s, 10 s and 5 s.
            upstream_timeout="3s",
            client_header_timeout="2s",
            client_body_timeout="2s",
        ),
        out,
    )
    process = subprocess.Popen(
        [find_nginx(), "-p", str(out), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return process, port


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    up = Upstream("a")
    server = up.serve()
    yield up
    server.shutdown()


@pytest.fixture
def gateway(tmp_path: Path, upstream: Upstream) -> Iterator[Gateway]:
    process, port = start_gateway(tmp_path, [f"127.0.0.1:{upstream.port}"])
    yield Gateway(port, [upstream])
    process.terminate()
    process.wait(timeout=10)
