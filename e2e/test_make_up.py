"""`make up` itself: it starts, stops cleanly on SIGTERM, and explains what to fix."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import httpx
import psycopg

from e2e.conftest import ROOT, STACK_COMMAND, free_port, port_is_free, processes_with_marker, start_stack

ADMIN_ENV = {
    "ADMIN_USERNAME": "make-up-admin",
    "ADMIN_EMAIL": "admin@make-up.example",
    "ADMIN_PASSWORD": "make up admin password 1",
}


def test_make_up_serves_everything_and_sigterm_leaves_nothing_behind(tmp_path: Path) -> None:
    stack = start_stack(tmp_path, ["make", "--no-print-directory", "up"], ADMIN_ENV)
    try:
        ping = httpx.get(stack.url + "/users/ping")
        assert ping.json() == {"status": "success", "message": "pong!"}
        assert httpx.get(stack.url + "/").status_code == 200
        assert httpx.get(stack.url + "/swagger/").status_code == 200
        assert processes_with_marker(stack.marker)  # the users service and nginx are running
    finally:
        code = stack.stop(signal.SIGTERM)
    log = stack.log.read_text()
    # GNU make passes SIGTERM on to the recipe, waits for it, then ends itself by the same signal.
    assert code in (0, -signal.SIGTERM), log
    assert "SIGTERM received" in log
    assert "The stack is up on" in log
    # The banner says what to open, and who to log in as.
    url = f"http://localhost:{stack.port}"
    assert f"the app      {url}/\n" in log
    assert f"Swagger UI   {url}/swagger/\n" in log
    assert f"users API    {url}/users   {url}/auth/..." in log
    assert "Log in as the admin: admin@make-up.example, with the password in ADMIN_PASSWORD." in log
    assert ADMIN_ENV["ADMIN_PASSWORD"] not in log
    assert processes_with_marker(stack.marker) == [], log
    assert port_is_free(stack.port) and port_is_free(stack.users_port)


def run_stack_expecting_failure(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [
        part.format(port=env["PORT"], users_port=env["USERS_PORT"], run_dir=tmp_path / "nginx")
        for part in STACK_COMMAND
    ]
    # The items service's port is chosen too: by default it follows USERS_PORT, and the port
    # after a random one may be taken.
    defaults = {"DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}", "ITEMS_PORT": str(free_port())}
    return subprocess.run(
        command,
        cwd=ROOT,
        env=dict(os.environ) | defaults | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_clear_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def test_port_in_use_is_explained(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_stack_expecting_failure(tmp_path, {"PORT": str(port), "USERS_PORT": str(free_port())})
    assert_one_clear_sentence(result, f"Port {port}", "already in use", "PORT=")


def test_unreachable_database_is_explained(tmp_path: Path) -> None:
    dead = free_port()
    result = run_stack_expecting_failure(
        tmp_path,
        {
            "PORT": str(free_port()),
            "USERS_PORT": str(free_port()),
            "DATABASE_URL": f"postgresql://app:secret@127.0.0.1:{dead}/users",
        },
    )
    assert_one_clear_sentence(result, "cannot be reached", f"127.0.0.1:{dead}")
    assert "secret" not in result.stderr


def test_missing_node_is_explained() -> None:
    result = subprocess.run(
        ["/bin/sh", "tools/check-prereqs.sh", sys.executable],
        cwd=ROOT,
        env={"PATH": str(Path(sys.executable).parent)},  # Python only, no Node.js
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "Node.js 20 or newer" in result.stderr


def test_missing_python_is_explained() -> None:
    result = subprocess.run(
        ["/bin/sh", "tools/check-prereqs.sh", "python-that-does-not-exist"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Python 3.11 or newer" in result.stderr


def test_sigterm_stops_the_stack_within_seconds(tmp_path: Path) -> None:
    stack = start_stack(tmp_path, STACK_COMMAND)
    started = time.monotonic()
    assert stack.stop(signal.SIGTERM, timeout=30) == 0
    assert time.monotonic() - started < 30  # bounded wait, not a performance figure
    assert processes_with_marker(stack.marker) == []


def test_kill_9_of_the_runner_still_stops_everything(tmp_path: Path) -> None:
    stack = start_stack(tmp_path, STACK_COMMAND)
    supervisors = [pid for pid in processes_with_marker(stack.marker) if pid != stack.process.pid]
    assert supervisors  # supervisord and the users instance

    stack.process.kill()
    stack.process.wait(timeout=10)

    # The kernel tells supervisord that its parent died; it stops everything as on Ctrl-C.
    deadline = time.monotonic() + 60
    while processes_with_marker(stack.marker) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert processes_with_marker(stack.marker) == [], stack.log.read_text()[-3000:]
    assert port_is_free(stack.port) and port_is_free(stack.users_port)


def test_stack_runs_on_postgresql_when_database_url_is_set(tmp_path: Path) -> None:
    server = os.environ.get("DATABASE_TEST_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    name = f"e2e_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = server.rsplit("/", 1)[0] + "/" + name
        stack = start_stack(tmp_path, STACK_COMMAND, {"DATABASE_URL": url})
        try:
            registered = httpx.post(
                stack.url + "/auth/register",
                json={
                    "username": "postgres-user",
                    "email": "pg@e2e.example",
                    "password": "a long enough password",
                },
            )
            assert registered.status_code == 201, registered.text
            listed = httpx.get(stack.url + "/users").json()["data"]["users"]
            assert [u["username"] for u in listed] == ["postgres-user"]
        finally:
            assert stack.stop() == 0
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM users").fetchone() == (1,)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# "2024-05-01 12:00:00,123 WARN exited: users (...)" and "... INFO spawned: 'users' with pid 42"
def supervisor_event(service: str) -> re.Pattern[str]:
    """A line of supervisord's log where an instance of ``service`` was started or exited."""
    return re.compile(rf"^(\S+ \S+) \w+ (exited: {service} |spawned: '{service}')")


def test_a_process_that_keeps_crashing_is_given_up_on_with_its_last_words(tmp_path: Path) -> None:
    port, users_port, marker = free_port(), free_port(), uuid.uuid4().hex
    command = [
        part.format(port=port, users_port=users_port, run_dir=tmp_path / "nginx") for part in STACK_COMMAND
    ]
    env = dict(os.environ) | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}",
        "STACK_MARKER": marker,
        # Every users and items instance exits at once with one sentence, start after start;
        # whichever service runs out of starts first is given up on.
        "WEB_CONCURRENCY": "0",
    }
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    output = result.stdout + result.stderr

    assert result.returncode == 1, output
    assert "Traceback" not in output
    stopped_for = re.search(r"make up: gave up on every (users|items) process", output)
    assert stopped_for, output
    service = stopped_for.group(1)
    verdicts = [line for line in output.splitlines() if line.startswith(f"make up: gave up on {service} ")]
    assert len(verdicts) == 1, output
    assert "after 5 starts in a row" in verdicts[0]
    assert "WEB_CONCURRENCY must be at least 1, not 0." in verdicts[0]
    assert "stopping everything" in output
    # The back-off grows: 1, 2, 3, then 4 s between an exit and the next start.
    events = []
    for line in (tmp_path / "nginx" / "processes" / "supervisord.log").read_text().splitlines():
        match = supervisor_event(service).match(line)
        if match:
            when = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            events.append((when, match.group(2).startswith("spawned")))
    spawns = [when for when, spawned in events if spawned]
    exits = [when for when, spawned in events if not spawned]
    assert len(spawns) == 5 and len(exits) == 5, events
    waits = [start - exited for exited, start in zip(exits, spawns[1:], strict=False)]
    assert all(wait >= backoff - 0.1 for wait, backoff in zip(waits, (1, 2, 3, 4), strict=True)), waits
    assert processes_with_marker(marker) == []
    assert port_is_free(port) and port_is_free(users_port)
