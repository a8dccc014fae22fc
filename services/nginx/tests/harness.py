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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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
            # Headers and body go out in two writes: without this, each answer on a kept-alive
            # connection waits for the gateway's delayed ACK.
            disable_nagle_algorithm = True

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
                self.send_header("Strict-Transport-Security", "max-age=60")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = int(server.server_address[1])
        # A short poll, so that shutdown() returns at once.
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return server


@dataclass
class Gateway:
    port: int
    upstreams: list[Upstream]
    # The items service's stand-in, where the gateway was started with one.
    items: Upstream | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_gateway(
    tmp: Path,
    upstream_addresses: list[str],
    environment: Mapping[str, str] | None = None,
    items_addresses: list[str] | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    """The local target under Nginx, as `make up` runs it, in front of the users instances at
    ``upstream_addresses`` and the items instances at ``items_addresses`` (none by default);
    ``environment`` holds its TRUSTED_PROXIES and PUBLIC_URL (none by default)."""
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
        items=items_addresses or [],
        client_root=client,
        swagger_root=swagger,
        # Short, so the timeout tests are quick; gateway.env's defaults are 30 s, 10 s and 5 s.
        settings={
            "GATEWAY_WORKER_PROCESSES": "1",
            "GATEWAY_UPSTREAM_TIMEOUT": "3s",
            "GATEWAY_CLIENT_HEADER_TIMEOUT": "2s",
            "GATEWAY_CLIENT_BODY_TIMEOUT": "2s",
        },
        environment=dict(environment or {}),
    )
    return run_nginx(conf, port), port


def run_nginx(conf: Path, port: int) -> subprocess.Popen[bytes]:
    """Nginx in the foreground on ``conf``, once it listens on ``port``."""
    process = subprocess.Popen(
        [find_nginx(), "-p", str(conf.parent), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
    except TimeoutError:
        process.terminate()
        raise
    return process


# ---- the container targets, as the image's entrypoint prepares them -------------------------
#
# The image ships services/nginx's files in /etc/nginx/gateway; at start its entrypoint sources
# gateway.envsh, which copies them into /tmp/gateway, then renders the templates there. Here
# the image's /etc/nginx/gateway is a folder of the test's, and so is the container's own /tmp,
# which the configuration's paths (pid file, temporary files) point into.

IMAGE_CONFIG = "/etc/nginx/gateway"
CONTAINER_TMP = "/tmp/"


def image_environment() -> dict[str, str]:
    """The variables the Dockerfile sets with ENV."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S+)", line))
    return env


@dataclass
class Container:
    """Where a container target's files live in a test: the image's configuration, the
    container's /tmp, and its resolv.conf."""

    root: Path

    @property
    def image_config(self) -> Path:
        return self.root / "image-etc-nginx-gateway"

    @property
    def tmp(self) -> Path:
        return self.root / "container-tmp"

    @property
    def resolv_conf(self) -> Path:
        return self.root / "resolv.conf"

    def path(self, container_path: str) -> str:
        """A path inside the container, as this test's folders hold it."""
        return container_path.replace(CONTAINER_TMP, f"{self.tmp}/").replace(
            IMAGE_CONFIG, str(self.image_config)
        )


def lay_out_image(target: str, container: Container) -> None:
    """/etc/nginx/gateway as the Dockerfile's COPY lines lay it out for TARGET=target."""
    etc = container.image_config
    etc.mkdir(parents=True)
    container.tmp.mkdir()
    for name in ("nginx.conf.template", "gateway.env"):
        shutil.copyfile(NGINX_DIR / name, etc / name)
    shutil.copytree(NGINX_DIR / "snippets", etc / "snippets")
    shutil.copytree(NGINX_DIR / "targets" / "compose", etc / "target")
    shutil.copytree(NGINX_DIR / "targets" / target, etc / "target", dirs_exist_ok=True)
    for path in etc.rglob("*"):
        if path.is_file():
            path.write_text(container.path(path.read_text()))


def run_start_script(
    target: str,
    tmp: Path,
    resolv_conf: str = "nameserver 127.0.0.11\n",
    env: Mapping[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess[str], Container]:
    """The image's start up to its envsubst step: /etc/nginx/gateway laid out for ``target``,
    then gateway.envsh sourced as the entrypoint sources it (``set -e``), with ``env`` as the
    container's environment. The result holds what the script exported (``env -0``)."""
    container = Container(tmp)
    lay_out_image(target, container)
    container.resolv_conf.write_text(resolv_conf)
    script = tmp / "15-gateway.envsh"
    script.write_text(
        container.path(ENTRYPOINT_SCRIPT.read_text()).replace("/etc/resolv.conf", str(container.resolv_conf))
    )
    image_env = {name: container.path(value) for name, value in image_environment().items()}
    container_env = {"PATH": "/usr/bin:/bin"} | image_env | dict(env or {})
    result = subprocess.run(
        ["sh", "-c", f'set -e\n. "{script}"\nenv -0\n'], env=container_env, capture_output=True, text=True
    )
    return result, container


def start_container(
    target: str,
    tmp: Path,
    resolv_conf: str = "nameserver 127.0.0.11\n",
    env: Mapping[str, str] | None = None,
) -> Path:
    """The container target's configuration after the image's entrypoint ran, in ``tmp``: the
    start script sourced with ``env`` as the container's environment, then envsubst over every
    *.template of the output folder (GATEWAY_* only). Returns the path of its nginx.conf."""
    result, container = run_start_script(target, tmp, resolv_conf, env)
    assert result.returncode == 0, result.stderr
    exported = dict(entry.split("=", 1) for entry in result.stdout.split("\0") if "=" in entry)
    pattern = re.compile(exported["NGINX_ENVSUBST_FILTER"])
    names = " ".join(f"${{{name}}}" for name in exported if pattern.search(name))
    output = Path(exported["NGINX_ENVSUBST_OUTPUT_DIR"])
    for template in Path(exported["NGINX_ENVSUBST_TEMPLATE_DIR"]).rglob(f"*{TEMPLATE_SUFFIX}"):
        relative = template.relative_to(exported["NGINX_ENVSUBST_TEMPLATE_DIR"])
        rendered = output / relative.with_name(relative.name.removesuffix(TEMPLATE_SUFFIX))
        rendered.parent.mkdir(parents=True, exist_ok=True)
        rendered.write_text(envsubst(template.read_text(), names, exported))
    return Path(container.path(image_command_config()))


def image_command_config() -> str:
    """The configuration file the image's CMD starts nginx on (``nginx -c FILE``)."""
    match = re.search(r'^CMD \["nginx", "-c", "([^"]+)"', DOCKERFILE.read_text(), re.M)
    assert match, "the image's CMD names no configuration file"
    return match.group(1)


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
    """nginx.conf of ``target``: the local one as `make up` renders it with ``env`` as its
    environment, a container one as the image starts it with ``resolv_conf`` and ``env``."""
    if target == "local":
        return render(
            tmp / "local",
            port=free_port(),
            users=["127.0.0.1:5001"],
            items=["127.0.0.1:5101"],
            client_root=tmp,
            swagger_root=tmp,
            environment=dict(env or {}),
        )
    return start_container(target, tmp, resolv_conf, env)


@contextmanager
def serving(
    target: str, tmp: Path, env: Mapping[str, str] | None = None, users_running: bool = True
) -> Iterator[Gateway]:
    """``target``'s gateway serving on a loopback port, ``env`` its environment (TRUSTED_PROXIES,
    PUBLIC_URL), in front of stand-ins for the users service (or of its closed port) and the
    items service; the local target serves the client's and Swagger UI's files, a container
    target proxies stand-ins of their containers, found at the host and ports its settings
    name."""
    users, items = Upstream("users"), Upstream("items")
    servers = [users.serve()]
    if not users_running:
        servers.pop().server_close()
    servers.append(items.serve())
    try:
        if target == "local":
            process, port = start_gateway(
                tmp, [f"127.0.0.1:{users.port}"], env, items_addresses=[f"127.0.0.1:{items.port}"]
            )
        else:
            client, swagger = Upstream("client"), Upstream("swagger")
            servers += [client.serve(), swagger.serve()]
            port = free_port()
            settings = {
                "GATEWAY_LISTEN": f"127.0.0.1:{port}",
                "GATEWAY_WORKER_PROCESSES": "1",
                "GATEWAY_RESOLVER": "127.0.0.1",
            }
            for name, upstream in (
                ("USERS", users),
                ("ITEMS", items),
                ("CLIENT", client),
                ("SWAGGER", swagger),
            ):
                settings |= {f"GATEWAY_{name}_HOST": "127.0.0.1", f"GATEWAY_{name}_PORT": str(upstream.port)}
            process = run_nginx(start_container(target, tmp, env=settings | dict(env or {})), port)
        try:
            yield Gateway(port, [users], items)
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        for server in servers:
            server.shutdown()
