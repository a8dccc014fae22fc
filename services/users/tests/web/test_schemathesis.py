"""The real server (python -m users_service.server): schemathesis against the exported spec
(SECURITY row 11), body limits (row 4)."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.smtp import free_port
from tests.test_server import wait_until_live

SERVICE_ROOT = Path(__file__).resolve().parents[2]
SPEC = SERVICE_ROOT.parent / "swagger" / "swagger.json"
ADMIN_EMAIL, ADMIN_PASSWORD = "fuzz.admin@example.com", "fuzzing admin passphrase"
MIN_CASES = 500


def _service_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "ADMIN_", "SMTP_", "REDIS_"))}
    env.update(
        APP_ENV="testing",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        ACCESS_TOKEN_TTL="3600",
        # Limits are covered by their own tests; here they would only slow the fuzzer.
        RATE_LIMIT_AUTH="100000 per minute",
        LOGIN_FAILURES_BEFORE_LOCK="100000",
        LOGIN_MAX_FAILURES_PER_HOUR="100000",
        **extra,
    )
    return env


@pytest.fixture(scope="module")
def server_url(empty_database_factory: Callable[[], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    service_root = SERVICE_ROOT
    env = _service_env(empty_database_factory())
    for args in (["db", "upgrade"], ["create-admin", "--username", "fuzz.admin"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=service_root,
            capture_output=True,
            text=True,
            timeout=120,
            env={**env, "ADMIN_EMAIL": ADMIN_EMAIL, "ADMIN_PASSWORD": ADMIN_PASSWORD},
        )
        assert result.returncode == 0, result.stderr
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with (
        log_path.open("w") as log,
        subprocess.Popen(
            [sys.executable, "-m", "users_service.server"],
            cwd=service_root,
            env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "ACCESS_LOG": ""},
            stdout=log,
            stderr=subprocess.STDOUT,
        ) as server,
    ):
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_live(url, server, log_path)
            yield url
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=40)


def _admin_token(url: str) -> str:
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{url}/auth/login",
        data=json.dumps({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local URL
        return str(json.load(response)["auth_token"])


# SECURITY row 11: schemathesis-full (all checks, >= 500 cases, stateful phase included)
@pytest.mark.slow
def test_schemathesis_finds_no_failures(server_url: str) -> None:
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
            "20261128",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "ST_TOKEN": _admin_token(server_url)},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    generated = re.search(r"(\d+) generated", output)
    assert generated and int(generated.group(1)) >= MIN_CASES, output[-3000:]


# SECURITY row 4: oversize-body, direct to the service's server
def test_oversize_body_direct_to_the_server_is_413_json(server_url: str) -> None:
    # The answer comes from Content-Length alone, before any of the body is read: the client
    # sends only the headers, so no unread body makes the server's close a reset.
    host, port = server_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.putrequest("POST", "/auth/register")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(2 * 1024 * 1024))
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["status"] == "fail"
    finally:
        conn.close()
