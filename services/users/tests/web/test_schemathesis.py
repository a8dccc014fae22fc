"""The real server (python -m users_service.server): schemathesis against the exported spec
(SECURITY row 11), body limits (row 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from service_kit.testing import answer_to_announced_body, cases_generated, running_server, schemathesis

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
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with running_server(
        "users_service", cwd=service_root, env=env, log_path=log_path, workers=2, ready="/health/live"
    ) as url:
        yield url


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
    passed, output = schemathesis(
        SPEC,
        server_url,
        config=SERVICE_ROOT / "tests" / "schemathesis.toml",
        seed=20261128,
        token=_admin_token(server_url),
        timeout=600,
    )
    assert passed, output[-6000:]
    assert cases_generated(output) >= MIN_CASES, output[-3000:]


# SECURITY row 4: oversize-body, direct to the service's server
def test_oversize_body_direct_to_the_server_is_413_json(server_url: str) -> None:
    # The answer comes from Content-Length alone, before any of the body is read.
    status, body = answer_to_announced_body(server_url, "/auth/register", 2 * 1024 * 1024)
    assert status == 413
    assert json.loads(body)["status"] == "fail"
