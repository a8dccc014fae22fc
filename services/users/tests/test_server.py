"""The real server (python -m users_service.server) with several workers: instance-wide
metrics, the SIGTERM drain, and start-up errors."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.smtp import free_port

SERVICE_ROOT = Path(__file__).resolve().parents[1]


def _get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local URL
        return response.status, response.read()


def _status(url: str) -> tuple[int, str | None]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local URL
            return response.status, response.headers.get("Retry-After")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Retry-After")


def _ping_count(base: str) -> float:
    _, body = _get(f"{base}/metrics")
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == "users_http_requests_total" and sample.labels.get("route") == "/users/ping":
                return sample.value
    return 0.0


def _server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "ADMIN_", "SMTP_", "REDIS_", "PROMETHEUS_", "USERS_", "WEB_"))
    }
    env.update({"APP_ENV": "testing", "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "ACCESS_LOG": ""})
    env.update(extra)
    return env


@contextlib.contextmanager
def running_server(env: dict[str, str], log_path: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m users_service.server *args``, its output in ``log_path``; killed if still running."""
    with (
        log_path.open("w") as log,
        subprocess.Popen(
            [sys.executable, "-m", "users_service.server", *args],
            cwd=SERVICE_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ) as server,
    ):
        try:
            yield server
        finally:
            if server.poll() is None:
                server.kill()


@pytest.mark.slow
def test_metrics_are_summed_over_workers_and_sigterm_drains_then_finishes_in_flight_requests(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    marker = tmp_path / "slow-request-started"
    env = _server_env(
        database_url,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        SLOW_REQUEST_MARKER=str(marker),
        SHUTDOWN_DRAIN_SECONDS="3",
    )
    log_path = tmp_path / "server.log"
    with running_server(env, log_path, "--app", "tests.server_app:app") as server:
        wait_until_live(base, server, log_path)

        # Whichever worker answers the scrape, it reports the whole instance.
        for _ in range(6):
            assert _get(f"{base}/users/ping")[0] == 200
        assert _ping_count(base) == 6
        assert _ping_count(base) == 6

        slow: dict[str, Any] = {}

        def call_slow() -> None:
            status, body = _get(f"{base}/test/slow", timeout=40)
            slow.update(status=status, body=json.loads(body))

        caller = threading.Thread(target=call_slow)
        caller.start()
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), log_path.read_text()

        server.send_signal(signal.SIGTERM)
        # During the drain the instance still answers: not ready, but alive.
        readiness: list[tuple[int, str | None]] = []
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and (not readiness or readiness[-1][0] != 503):
            readiness.append(_status(f"{base}/health/ready"))
        assert readiness[-1][0] == 503, readiness
        assert readiness[-1][1]
        assert _status(f"{base}/health/live")[0] == 200
        caller.join(timeout=40)
        assert server.wait(timeout=40) == 0, log_path.read_text()
    assert slow["status"] == 200, log_path.read_text()
    # The request saw the drain (readiness was 503) and still finished.
    assert slow["body"]["draining"] is True
    # The per-instance metrics directory the server created is gone with it.
    metrics_dir = slow["body"]["metrics_dir"]
    assert metrics_dir
    assert not Path(metrics_dir).exists()
    # The access log is off here (ACCESS_LOG=""): no request lines in the server's output.
    assert '"event":"http_access"' not in log_path.read_text()


@pytest.mark.slow
def test_access_log_is_json_with_the_request_id(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = _server_env(database_url, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
    env["ACCESS_LOG"] = "-"
    log_path = tmp_path / "server.log"
    with running_server(env, log_path) as server:
        try:
            wait_until_live(base, server, log_path)
            request = urllib.request.Request(f"{base}/users/ping", headers={"X-Request-ID": "req-access-1"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local URL
                assert response.headers["X-Request-ID"] == "req-access-1"
            deadline = time.monotonic() + 10
            while "req-access-1" not in log_path.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=40)
    lines = [line for line in log_path.read_text().splitlines() if "req-access-1" in line]
    assert lines, log_path.read_text()
    record = json.loads(lines[0][lines[0].index("{") :])
    assert record["event"] == "http_access"
    assert record["path"] == "/users/ping"
    assert record["status"] == 200
    assert record["request_id"] == "req-access-1"


@pytest.mark.slow
def test_the_server_process_loads_the_code_its_workers_fork_with(database_url: str, tmp_path: Path) -> None:
    """The workers share the app's libraries with the server process (copy-on-write) only
    if it imported them before forking: markupsafe's compiled module comes with Flask."""
    port = free_port()
    env = _server_env(database_url, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
    log_path = tmp_path / "server.log"
    with running_server(env, log_path) as server:
        try:
            wait_until_live(f"http://127.0.0.1:{port}", server, log_path)
            mapped = Path(f"/proc/{server.pid}/maps").read_text()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=40)
    assert "markupsafe/_speedups" in mapped


@pytest.mark.slow
def test_sigterm_while_workers_start_stops_them_too(database_url: str, tmp_path: Path) -> None:
    env = _server_env(database_url, BIND=f"127.0.0.1:{free_port()}", WEB_CONCURRENCY="2")
    log_path = tmp_path / "server.log"
    with running_server(env, log_path, "--app", "tests.slow_start_app:app") as server:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        deadline = time.monotonic() + 20
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = [int(pid) for pid in children.read_text().split()]
        assert len(workers) == 2, log_path.read_text()
        # Both workers are still loading the app (3 s) when the stop arrives, as with a
        # process-group signal (Ctrl-C, or a supervisor that signals the whole group).
        for pid in [server.pid, *workers]:
            # The server may stop a worker before this loop signals it.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        code = server.wait(timeout=20)
        # 0, or 1 when a worker ended before the server handled its own signal: granian then
        # reports that worker's exit as unexpected. Either way the server stops.
        assert code == 0 or (code == 1 and "Unexpected exit from worker" in log_path.read_text()), log_path.read_text()
    # A worker left behind would live on for good; one still exiting on a loaded machine is gone within seconds.
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == [], log_path.read_text()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("BIND", "no-port", "BIND must be host:port"),
        ("WEB_CONCURRENCY", "many", "WEB_CONCURRENCY must be a whole number"),
        ("WEB_THREADS", "0", "WEB_THREADS must be at least 1"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL must be one of"),
    ],
)
def test_bad_server_settings_stop_the_start_with_one_sentence(
    database_url: str, variable: str, value: str, message: str
) -> None:
    env = _server_env(database_url, **{variable: value})
    result = subprocess.run(
        [sys.executable, "-m", "users_service.server"],
        cwd=SERVICE_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def wait_until_live(base: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    """Wait for the server at ``base`` to answer liveness; fail with its log if it exits."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited: {log_path.read_text()}")
        try:
            if _get(f"{base}/health/live", timeout=1)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("the server did not start")
