"""The real server (python -m items_service.server): schemathesis against the committed spec
(SECURITY row 11), with a key set served over HTTP; a body over the limit (row 4)."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import migrate
from tests.keys import JwksServer, SigningKey

SERVICE_ROOT = Path(__file__).resolve().parents[2]
SPEC = SERVICE_ROOT.parent / "swagger" / "items.json"
MIN_CASES = 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def users_keys() -> Iterator[tuple[SigningKey, JwksServer]]:
    key = SigningKey()
    server = JwksServer(key)
    yield key, server
    server.close()


@pytest.fixture(scope="module")
def server_url(
    empty_database_factory: Callable[[], str],
    tmp_path_factory: pytest.TempPathFactory,
    users_keys: tuple[SigningKey, JwksServer],
) -> Iterator[str]:
    database_url = empty_database_factory()
    migrate(database_url)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "ITEMS_", "REDIS_", "USERS_"))}
    env.update(
        APP_ENV="testing",
        ITEMS_DATABASE_URL=database_url,
        USERS_JWKS_URL=users_keys[1].url,
        LOG_LEVEL="WARNING",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        ACCESS_LOG="",
    )
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with (
        log_path.open("w") as log,
        subprocess.Popen(
            [sys.executable, "-m", "items_service.server"], cwd=SERVICE_ROOT, env=env, stdout=log, stderr=log
        ) as server,
    ):
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/health/ready", timeout=2):  # noqa: S310 - local URL
                        break
                except (urllib.error.URLError, OSError):
                    assert server.poll() is None, log_path.read_text()
                    assert time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.2)
            yield url
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=40)


def test_the_server_verifies_tokens_from_the_key_set_it_fetched_at_start(
    server_url: str, users_keys: tuple[SigningKey, JwksServer]
) -> None:
    key, jwks = users_keys
    assert jwks.requests >= 1, "each worker fetches the key set as it starts"
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{server_url}/items",
        data=json.dumps({"title": "from the real server"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key.token(41)}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local URL
        assert response.status == 201
        assert json.load(response)["data"]["owner_id"] == 41


# SECURITY row 11: schemathesis (all checks, stateful phase included)
@pytest.mark.slow
def test_schemathesis_finds_no_failures(server_url: str, users_keys: tuple[SigningKey, JwksServer]) -> None:
    st = Path(sys.executable).with_name("st")
    result = subprocess.run(
        [
            str(st),
            "--config-file",
            str(SERVICE_ROOT / "tests" / "schemathesis.toml"),
            "run",
            str(SPEC),
            "--url",
            server_url,
            "--checks",
            "all",
            "--workers",
            "1",
            "--no-color",
            "--seed",
            "20261130",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "ST_TOKEN": users_keys[0].token(42, admin=True, ttl=3600)},
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    generated = re.search(r"(\d+) generated", output)
    assert generated and int(generated.group(1)) >= MIN_CASES, output[-3000:]


# SECURITY row 4: oversize-body, direct to the service's server
def test_oversize_body_direct_to_the_server_is_413_json(server_url: str) -> None:
    host, port = server_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.putrequest("POST", "/items")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(2 * 1024 * 1024))
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["status"] == "fail"
    finally:
        conn.close()
