"""`make up REPLICAS=2` itself (tools/stack.py up) keeps serving when one of its processes is
killed: kill -9 of an instance's process group under a steady GET load, kill -9 of the
gateway's, and then Ctrl-C, which must leave nothing behind.

The tests share one stack and run in file order; the last one stops it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from e2e.reliability.conftest import STACK_ENV, TEMPLATE_DB
from e2e.reliability.infra import (
    MakeUp,
    PrivatePostgres,
    make_up,
    port_is_free,
    processes_with_marker,
    upstreams_of,
    wait_for,
)
from e2e.reliability.load import Load, Request, describe, statuses

USERS_PAGE = Request("GET", "/users?page=1&per_page=10")
# "2024-05-01 12:00:00,123 INFO spawned: 'users-2' with pid 4242" in supervisord's log.
SPAWNED = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+) INFO spawned: '([^']+)' with pid (\d+)$")
# The bounds: an instance answers again within 10 s, the gateway within 5 s.
INSTANCE_BACK_WITHIN = 10.0
GATEWAY_BACK_WITHIN = 5.0


@dataclass
class Supervised:
    stack: MakeUp
    # How long the first start of the second instance took, from its spawn to its first
    # answer: a restart may take as long on a machine that is slow today.
    first_boot: float

    def spawns(self, name: str) -> list[tuple[float, int]]:
        """(time, pid) of every start of ``name``, from supervisord's log."""
        log = self.stack.run_dir / "processes" / "supervisord.log"
        found = []
        for line in log.read_text(errors="replace").splitlines():
            match = SPAWNED.match(line)
            if match and match.group(2) == name:
                when = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
                found.append((when, int(match.group(3))))
        return found


@pytest.fixture(scope="module")
def supervised(tmp_path_factory: pytest.TempPathFactory, postgres: PrivatePostgres) -> Iterator[Supervised]:
    database = f"users_supervised_{uuid.uuid4().hex[:8]}"
    postgres.create_database(database, template=TEMPLATE_DB)
    stack = make_up(tmp_path_factory.mktemp("supervised"), postgres.url(database), 2, dict(STACK_ENV))
    running = Supervised(stack, first_boot=0.0)
    running.first_boot = time.time() - running.spawns("users-2")[0][0]
    # make_up's own polling through the gateway may have met an instance that was not yet
    # listening, and Nginx then skips it for fail_timeout: begin once it routes to both.
    wait_for(lambda: routes_to_every_instance(stack), 60, "the gateway routing to both instances", 0.5)
    try:
        yield running
    finally:
        if stack.process.poll() is None:
            stack.stop()


def routes_to_every_instance(stack: MakeUp) -> bool:
    mark = len(stack.access_log())
    for _ in range(4):
        answers(stack.url + "/users/ping")
    served = {
        upstreams_of([entry])[0]
        for entry in stack.access_log()[mark:]
        if entry["status"] == 200 and len(upstreams_of([entry])) == 1
    }
    return served == {f"127.0.0.1:{stack.users_port + index}" for index in range(stack.replicas)}


def port_holders(port: int) -> str:
    """What holds a port, for a failure message."""
    result = subprocess.run(["ss", "-tanp"], capture_output=True, text=True, check=False)
    return "\n".join(line for line in result.stdout.splitlines() if f":{port} " in line)


def environment_of(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (item.decode(errors="replace").partition("=") for item in raw.split(b"\0") if item)
    return {key: value for key, _, value in pairs}


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def process_group(stack: MakeUp, belongs: object) -> int:
    """The process group of the stack's processes for which ``belongs(pid)`` is true: one
    group, and never the group of `make up` itself or of its supervisor."""
    assert callable(belongs)
    groups = set()
    for pid in processes_with_marker(stack.marker):
        if belongs(pid):
            try:
                groups.add(os.getpgid(pid))
            except ProcessLookupError:
                continue
    assert len(groups) == 1, groups
    group = groups.pop()
    assert group != os.getpgid(stack.process.pid)
    return group


def instance_group(stack: MakeUp, index: int) -> int:
    address = f"127.0.0.1:{stack.users_port + index}"
    return process_group(stack, lambda pid: environment_of(pid).get("BIND") == address)


def gateway_group(stack: MakeUp) -> int:
    """Nginx writes its title over its environment, so the marker cannot find it: its pid file can."""
    master = int((stack.run_dir / "nginx.pid").read_text())
    assert command_of(master).startswith("nginx: master"), command_of(master)
    group = os.getpgid(master)
    assert group != os.getpgid(stack.process.pid)
    return group


def group_members(group: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == group:
                    members.append(int(entry.name))
            except ProcessLookupError:
                continue
    return members


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class HealthWatch:
    """Asks the gateway's /health ten times a second; counts the times it did not answer 200."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.checks = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=5) as client:
            while not self._stop.wait(0.1):
                self.checks += 1
                try:
                    status = client.get(self.url + "/health").status_code
                    if status != 200:
                        self.failures.append(str(status))
                except httpx.HTTPError as error:
                    self.failures.append(type(error).__name__)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def test_kill_9_of_an_instance_fails_no_request_and_it_comes_back(supervised: Supervised) -> None:
    stack = supervised.stack
    second = stack.instance_url(1)
    address = f"127.0.0.1:{stack.users_port + 1}"
    group = instance_group(stack, 1)
    starts_before = len(supervised.spawns("users-2"))
    allowed = max(INSTANCE_BACK_WITHIN, 1.5 * supervised.first_boot)

    load = Load(stack.url, lambda _: USERS_PAGE, threads=4, budget=20000, deadline=120, timeout=30)
    with HealthWatch(stack.url) as health, load:
        load.wait_for_answers(100)
        killed_at = time.time()
        log_mark = len(stack.access_log())
        os.killpg(group, signal.SIGKILL)

        wait_for(lambda: not answers(second + "/users/ping"), 5, "the killed instance stopping")
        wait_for(lambda: answers(second + "/users/ping"), allowed + 5, "the instance answering again", 0.1)
        back_after = time.time() - killed_at
        # The gateway sends traffic to it again once its fail_timeout (5 s) has passed.
        wait_for(
            lambda: any(
                entry["status"] == 200 and upstreams_of([entry])[-1:] == [address]
                for entry in stack.access_log()[log_mark:][-200:]
            ),
            30,
            "the gateway using the restarted instance",
        )
        load.wait_for_answers(len(load.outcomes) + 100, timeout=30)
    outcomes = load.stop()

    print(
        f"\nkill -9 of users-2 under load: {len(outcomes)} requests, {describe(outcomes)}; "
        f"the instance answered again after {back_after:.1f} s (first start: {supervised.first_boot:.1f} s); "
        f"{health.checks} health checks, {len(health.failures)} failed"
    )
    assert statuses(outcomes) == {200: len(outcomes)}, describe(outcomes)
    assert len(outcomes) >= 200
    assert back_after <= allowed, f"back after {back_after:.1f} s, allowed {allowed:.1f} s"
    assert health.checks > 0 and health.failures == [], health.failures
    spawns = supervised.spawns("users-2")
    assert len(spawns) == starts_before + 1, spawns
    # Restarted at once: the back-off is for processes that fail to start, not for this one.
    assert spawns[-1][0] - killed_at < 3, spawns
    assert instance_group(stack, 1) != group
    assert stack.process.poll() is None


def test_kill_9_of_the_gateway_is_repaired_within_seconds(supervised: Supervised) -> None:
    stack = supervised.stack
    group = gateway_group(stack)
    assert answers(stack.url + "/health")

    os.killpg(group, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(lambda: answers(stack.url + "/health"), GATEWAY_BACK_WITHIN + 10, "the gateway answering", 0.05)
    back_after = time.monotonic() - killed_at

    print(f"\nkill -9 of the gateway: answering again after {back_after:.1f} s")
    assert back_after <= GATEWAY_BACK_WITHIN
    assert gateway_group(stack) != group
    assert answers(stack.url + "/users/ping")
    assert stack.process.poll() is None


def test_ctrl_c_stops_everything_and_frees_the_ports(supervised: Supervised) -> None:
    stack = supervised.stack
    assert len(processes_with_marker(stack.marker)) > 3  # make up, supervisord, instances' processes
    gateway = gateway_group(stack)

    code = stack.interrupt()

    log = stack.log.read_text(errors="replace")
    assert code == 0, log[-4000:]
    assert "SIGINT received" in log
    assert processes_with_marker(stack.marker) == [], log[-4000:]
    assert group_members(gateway) == []
    for port in (stack.port, stack.users_port, stack.users_port + 1):
        # Nothing of the stack is left (above); a port can still be held a moment by the
        # kernel for a connection that is closing.
        with contextlib.suppress(TimeoutError):
            wait_for(lambda port=port: port_is_free(port), 10, f"port {port} free")
        assert port_is_free(port), port_holders(port)
