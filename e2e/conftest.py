"""A fresh stack for the browser tests, started the way `make up` starts it.

Each session gets its own SQLite database, free ports and gateway directory; the stack is
stopped with SIGTERM at the end, and the test fails if anything it started is left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
ADMIN = {"username": "e2e-admin", "email": "admin@e2e.example", "password": "e2e admin password 1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def processes_with_marker(marker: str) -> list[int]:
    """Pids of live processes whose environment carries ``STACK_MARKER=marker``."""
    needle = f"STACK_MARKER={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                status = (entry / "status").read_text()
                if "\nState:\tZ" not in status:
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


@dataclass
class RunningStack:
    process: subprocess.Popen[str]
    url: str
    port: int
    users_port: int
    marker: str
    log: Path
    # The gateway's files, when the command puts them in the `{run_dir}` it is given.
    run_dir: Path

    @property
    def access_log(self) -> Path:
        """The gateway's access log: one JSON line per request, written as it is answered."""
        return self.run_dir / "access.log"

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)


def start_stack(tmp: Path, command: list[str], extra_env: dict[str, str] | None = None) -> RunningStack:
    port, users_port = free_port(), free_port()
    marker = uuid.uuid4().hex
    env = (
        dict(os.environ)
        | {
            "PORT": str(port),
            "USERS_PORT": str(users_port),
            "DATABASE_URL": f"sqlite:///{tmp / 'users.db'}",
            # The items instances too: a port and a database of the session's own.
            "ITEMS_PORT": str(free_port()),
            "ITEMS_DATABASE_URL": f"sqlite:///{tmp / 'items.db'}",
            "APP_ENV": "development",
            "STACK_MARKER": marker,
            "WEB_CONCURRENCY": "2",
        }
        | (extra_env or {})
    )
    env.pop("DATABASE_TEST_URL", None)
    # The runner then sets PUBLIC_URL to the stack's own gateway, the base of mailed links.
    env.pop("PUBLIC_URL", None)
    log, run_dir = tmp / "stack.log", tmp / "nginx"
    process = subprocess.Popen(
        [part.format(port=port, users_port=users_port, run_dir=run_dir) for part in command],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    stack = RunningStack(process, f"http://127.0.0.1:{port}", port, users_port, marker, log, run_dir)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the stack exited with {process.returncode}:\n{log.read_text()}")
        try:
            # Ready as a user sees it: the API answers and the runner has printed its banner
            # (by then every users worker has started).
            if httpx.get(stack.url + "/users/ping", timeout=2).status_code == 200 and (
                "The stack is up on" in log.read_text()
            ):
                return stack
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stack.stop(signal.SIGKILL)
    raise RuntimeError(f"the stack did not answer within 90 s:\n{log.read_text()}")


STACK_COMMAND = [
    sys.executable,
    "tools/stack.py",
    "up",
    "--port",
    "{port}",
    "--users-port",
    "{users_port}",
    "--run-dir",
    "{run_dir}",
]


@contextlib.contextmanager
def stack_for_session(tmp: Path, extra_env: dict[str, str]) -> Iterator[RunningStack]:
    """A stack for a whole test session; stopping it must leave nothing behind."""
    running = start_stack(tmp, STACK_COMMAND, extra_env)
    yield running
    assert running.stop() == 0, running.log.read_text()
    assert processes_with_marker(running.marker) == []
    assert port_is_free(running.port) and port_is_free(running.users_port)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    admin_env = {
        "ADMIN_USERNAME": ADMIN["username"],
        "ADMIN_EMAIL": ADMIN["email"],
        "ADMIN_PASSWORD": ADMIN["password"],
    }
    with stack_for_session(tmp_path_factory.mktemp("stack"), admin_env) as running:
        yield running


@pytest.fixture(scope="session")
def base_url(stack: RunningStack) -> str:
    return stack.url


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium was not found: install Debian's chromium package or set CHROMIUM_PATH.")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Debian's Chromium, never a downloaded build; no calls home on a closed network.
    return browser_type_launch_args | {
        "executable_path": chromium_path(),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
