"""The gateway for real: stand-in upstreams, the local target under Nginx, and the container
targets laid out and started as the image does it (without Docker)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tools.gateway import NGINX_DIR, TEMPLATE_SUFFIX, find_nginx, render

DOCKERFILE = NGINX_DIR / "Dockerfile"
# The image's /docker-entrypoint.d/15-gateway.envsh, sourced before envsubst runs.
ENTRYPOINT_SCRIPT = NGINX_DIR / "gateway.envsh"
TARGETS = ("local", "compose", "kubernetes")


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
    conf = render(
        out,
        port=port,
        users=upstream_addresses,
        client_root=client,
        swagger_root=swagger,
        # Short, so the timeout tests are quick; gateway.env's defaults are 30 s, 10 s and 5 s.
        settings={
            "GATEWAY_WORKER_PROCESSES": "1",
            "GATEWAY_UPSTREAM_TIMEOUT": "3s",
            "GATEWAY_CLIENT_HEADER_TIMEOUT": "2s",
            "GATEWAY_CLIENT_BODY_TIMEOUT": "2s",
        },
    )
    process = subprocess.Popen(
        [find_nginx(), "-p", str(out), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return process, port


# ---- the container targets, as the image's entrypoint prepares them -------------------------


def image_environment() -> dict[str, str]:
    """The variables the Dockerfile sets with ENV."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S+)", line))
    return env


def lay_out_image(target: str, etc: Path) -> None:
    """/etc/nginx as the Dockerfile's COPY lines lay it out for TARGET=target."""
    etc.mkdir(parents=True)
    for name in ("nginx.conf.template", "gateway.env"):
        shutil.copyfile(NGINX_DIR / name, etc / name)
    shutil.copytree(NGINX_DIR / "snippets", etc / "snippets")
    shutil.copytree(NGINX_DIR / "targets" / "compose", etc / "target")
    shutil.copytree(NGINX_DIR / "targets" / target, etc / "target", dirs_exist_ok=True)


def start_container(
    target: str,
    tmp: Path,
    resolv_conf: str = "nameserver 127.0.0.11\n",
    env: Mapping[str, str] | None = None,
) -> Path:
    """The container target's /etc/nginx after the image's entrypoint ran, in ``tmp``: the
    entrypoint script sourced with ``env`` as the container's environment, then envsubst over
    every *.template (GATEWAY_* only). Returns the path of its nginx.conf."""
    etc = tmp / "etc-nginx"
    lay_out_image(target, etc)
    (tmp / "resolv.conf").write_text(resolv_conf)
    script = (
        ENTRYPOINT_SCRIPT.read_text()
        .replace("/etc/nginx/", f"{etc}/")
        .replace("/etc/resolv.conf", str(tmp / "resolv.conf"))
    )
    container_env = {"PATH": "/usr/bin:/bin"} | image_environment() | dict(env or {})
    sourced = subprocess.run(
        ["sh", "-c", script + "\nenv -0\n"], env=container_env, capture_output=True, text=True, check=True
    )
    exported = dict(entry.split("=", 1) for entry in sourced.stdout.split("\0") if "=" in entry)
    pattern = re.compile(image_environment()["NGINX_ENVSUBST_FILTER"])
    names = " ".join(f"${{{name}}}" for name in exported if pattern.search(name))
    for template in etc.rglob(f"*{TEMPLATE_SUFFIX}"):
        output = template.with_name(template.name.removesuffix(TEMPLATE_SUFFIX))
        output.write_text(envsubst(template.read_text(), names, exported))
    return etc / "nginx.conf"


def envsubst(text: str, names: str, env: Mapping[str, str]) -> str:
    """GNU gettext's envsubst, replacing only the variables listed in ``names``."""
    return subprocess.run(
        ["envsubst", names], input=text, env=dict(env), capture_output=True, text=True, check=True
    ).stdout


def nginx(*args: str, conf: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [find_nginx(), *args, "-p", str(conf.parent), "-c", str(conf)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )


def rendered(
    target: str,
    tmp: Path,
    resolv_conf: str = "nameserver 127.0.0.11\n",
    env: Mapping[str, str] | None = None,
) -> Path:
    """nginx.conf of ``target``: the local one as `make up` renders it, a container one as the
    image starts it with ``resolv_conf`` and ``env``."""
    if target == "local":
        return render(
            tmp / "local", port=free_port(), users=["127.0.0.1:5001"], client_root=tmp, swagger_root=tmp
        )
    return start_container(target, tmp, resolv_conf, env)
