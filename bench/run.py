#!/usr/bin/env python3
"""Load benchmarks of fresh stacks on this machine (`make bench`), recorded in bench/RESULTS.md.

The machine is shared and its speed drifts widely within an hour, so every figure is a ratio
to something measured beside it in the same minute, never to an old figure. wrk drives
127.0.0.1 only (2 threads, 16 and 64 connections). Figures are measured in rounds: in each
round every figure comes right after a ping of a bare Flask app (bench/bare_app.py, granian with
the users service's workers and threads) and right before the next one, and its ratio is its
rate over the mean of those two pings; a login's ratio is over the raw argon2id rate measured
just before and just after it. A FastAPI app (bench/fastapi_app.py, uvicorn, 4 workers) answers
the same ping in the same rounds. The median round counts.

With --baseline REV (`make bench BASELINE=REV`), that revision is checked out in a temporary git
worktree and its stack runs beside ours; the two take turns on every figure, the order reversed
every other round, and each figure of ours is also reported as a ratio to the baseline's.

The stacks are `make up` itself (tools/stack.py) in production mode on a private PostgreSQL
cluster, with the service's rate limits off so that they do not stand in for the figures. The
gateway's edge limit covers login, register, refresh and password reset, at a rate fixed in its
template, so login is measured on the users instance directly; /auth/status, which the edge
does not limit, goes through the gateway.

The items service's figures (bench/items.py) come after the WSGI servers' comparison on the same
stack: its page against the users service's, taking turns; its token check against its ping,
in-process; event delivery from a user's deletion to its items being gone. `--only items`
measures these alone.

The client's budget (bench/client_budget.py) closes the run on our stack: the initial JS and CSS
the home page loads, gzip-compressed, and its first contentful paint in headless Chromium over
that of a one-heading page the same gateway serves, taking turns.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import client_budget
from bench import items as items_figures
from e2e.reliability.infra import (
    Fleet,
    MakeUp,
    PrivatePostgres,
    PrivateRedis,
    free_port_pair,
    make_up,
    migrate,
    processes_with_marker,
    upgrade_schema,
)

ROOT = Path(__file__).resolve().parents[1]

RESULTS = ROOT / "bench" / "RESULTS.md"
ARCHIVE = ROOT / "bench" / "RESULTS-archive.md"
RUNS_KEPT = 3  # in RESULTS.md, the latest first; older runs move to the archive
BENCH_DIR = ROOT / "bench"
LOCK = "requirements/dev.txt"  # what the root .venv is installed from
ADMIN = {
    "username": "bench-admin",
    "email": "admin@bench.example",
    "password": secrets.token_urlsafe(24),  # random: passes any deny-list
}
PER_PAGE = 100
ARGON2 = {"time_cost": 2, "memory_cost": 19_456, "parallelism": 1}  # the service's production defaults
BASELINE_TARGET = 0.90

# Counts every status per thread and prints one JSON line at the end; the request itself is
# set by the preamble each scenario prepends.
LUA_COUNTERS = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do counts[tostring(code)] = (counts[tostring(code)] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(counts) do table.insert(parts, string.format('"%s": %d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "mean_ms": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, ' ..
    '"socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency.mean / 1e3, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
"""


class BenchError(Exception):
    """A run that cannot go on; its message says why in one sentence."""


def lua_request(
    method: str = "GET",
    body: dict[str, Any] | None = None,
    token: str | None = None,
    pages: int = 0,
    after_max: int = 0,
    search: bool = False,
) -> str:
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines += [f"wrk.body = '{json.dumps(body)}'", 'wrk.headers["Content-Type"] = "application/json"']
    if token:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    if pages:
        lines.append(
            "request = function() return wrk.format(nil, "
            f'"/users?per_page={PER_PAGE}&page=" .. math.random(1, {pages})) end'
        )
    if after_max:
        # Keyset pages: a random starting id anywhere in the table.
        lines.append(
            "request = function() return wrk.format(nil, "
            f'"/users?per_page={PER_PAGE}&after=" .. math.random(0, {after_max})) end'
        )
    if search:
        # A search page: four random digits, a substring of the username and the email of about
        # twenty of 100k seeded users ("bench-user-N"), so every request matches a few rows.
        lines.append(
            "request = function() return wrk.format(nil, "
            f'"/users?per_page={PER_PAGE}&q=" .. math.random(1000, 9999)) end'
        )
    return "\n".join(lines) + "\n"


@dataclass
class Figure:
    name: str
    connections: int
    requests: int
    seconds: float
    mean_ms: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    statuses: dict[str, int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def unexpected(self) -> int:
        """Non-2xx answers (429s included: no limit may stand in for a figure) and socket errors."""
        return sum(n for code, n in self.statuses.items() if not code.startswith("2")) + self.socket_errors


def wrk(name: str, url: str, connections: int, seconds: int, preamble: str = "") -> Figure:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(preamble + LUA_COUNTERS)
    try:
        result = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
            # Out of the terminal's reach: a Ctrl-C stops the run, which then ends wrk itself.
            start_new_session=True,
        )
    finally:
        os.unlink(script.name)
    line = next(line for line in result.stdout.splitlines() if line.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    figure = Figure(name=name, connections=connections, **data)
    print(
        f"  {name:<48} c={connections:<3} {figure.rate:>9.1f} req/s  mean {figure.mean_ms:7.2f} ms  "
        f"statuses {figure.statuses} socket errors {figure.socket_errors}",
        flush=True,
    )
    return figure


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk from Debian (apt-get install wrk)...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
        if shutil.which("wrk"):
            return
    sys.exit(
        "make bench needs wrk: install it with `sudo apt-get install wrk` (Debian/Ubuntu) and run it again."
    )


def _hash_worker(args: tuple[float, dict[str, int]]) -> int:
    from argon2 import PasswordHasher

    until, params = args
    hasher = PasswordHasher(**params)
    stored = hasher.hash("bench password for the raw rate")
    count = 0
    while time.monotonic() < until:
        hasher.verify(stored, "bench password for the raw rate")
        count += 1
    return count


def _default_signals() -> None:
    """In a hashing process: the pool's SIGTERM ends it; a Ctrl-C is the run's to handle."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def raw_argon2_rate(processes: int, seconds: float = 6.0) -> float:
    """Verifications per second of the production argon2id parameters, all cores busy."""
    until = time.monotonic() + seconds
    with multiprocessing.Pool(processes, initializer=_default_signals) as pool:
        counts = pool.map(_hash_worker, [(until, ARGON2)] * processes)
    return sum(counts) / seconds


@dataclass
class Sample:
    """One measurement of a figure, and the rate measured around it that it is compared with."""

    figure: Figure
    reference: float

    @property
    def ratio(self) -> float:
        return self.figure.rate / self.reference if self.reference else 0.0


def median_sample(samples: list[Sample]) -> Sample:
    """The median round (by ratio; the upper one of an even count)."""
    return sorted(samples, key=lambda s: s.ratio)[len(samples) // 2]


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def stack_memory_mb(marker: str) -> tuple[float, float]:
    """The stack's memory: (PSS, RSS) summed over its processes, in MB.

    PSS (proportional set size) counts a page shared by n processes as 1/n in each, so the sum
    is the memory the stack holds; summed RSS counts the libraries and the copy-on-write pages
    of forked workers once per process, and is shown beside it for reference."""
    pss = rss = 0
    for pid in processes_with_marker(marker):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
    return pss / 1024, rss / 1024


class MemorySampler:
    """The peaks of the stack's memory while the block runs, sampled twice a second."""

    def __init__(self, marker: str) -> None:
        self.marker, self.peak_pss, self.peak_rss = marker, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            pss, rss = stack_memory_mb(self.marker)
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def seed_users(database_url: str, total: int, password_hash: str) -> None:
    """Top the users table up to ``total`` rows in one statement (the API would hash each).

    A baseline revision's table may lack later columns; those that exist are filled."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        have = conn.execute("SELECT coalesce(max(id), 0), count(*) FROM users").fetchone()
        assert have is not None
        start, count = int(have[0]), int(have[1])
        present = {
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'users'"
            )
        }
        optional = [("token_version", "0")]
        columns = ["username", "email", "password_hash", "active", "admin", "created_date"]
        values = [
            "'bench-user-' || n",
            "'bench-user-' || n || '@bench.example'",
            "%s",
            "true",
            "false",
            "now()",
        ]
        for column, value in optional:
            if column in present:
                columns.append(column)
                values.append(value)
        conn.execute(
            f"INSERT INTO users ({', '.join(columns)}) SELECT {', '.join(values)} "
            "FROM generate_series(%s::int, %s::int) AS n",
            (password_hash, start + 1, start + total - count),
        )
        conn.execute("ANALYZE users")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ---- the revisions measured: this checkout, and a baseline in a temporary worktree ---------------


def git(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def describe_commit(root: Path) -> str:
    short = git("rev-parse", "--short", "HEAD", cwd=root).stdout.strip() or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", cwd=root).stdout.strip()
    return f"{short} with uncommitted changes" if dirty else short


@dataclass
class Revision:
    """A checkout whose stack is measured, with the interpreter that runs it."""

    label: str
    root: Path
    python: str
    commit: str
    setup: list[str] = field(default_factory=list)  # how its environment was provided, for the report

    @property
    def own_code(self) -> dict[str, str]:
        """The environment that makes another checkout's processes import its own service kit
        and tooling: the root .venv installs ours in editable mode, which PYTHONPATH comes before."""
        if self.root == ROOT:
            return {}
        return {"PYTHONPATH": os.pathsep.join([str(self.root / "services" / "kit"), str(self.root)])}


PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def pins(lock: Path) -> dict[str, str]:
    """Package name to version, for every pin of a hashed lock file."""
    found = {}
    for line in lock.read_text().splitlines():
        if match := PIN.match(line):
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def run_step(command: list[str], cwd: Path, what: str) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-5:]
        raise BenchError(f"{what} failed ({shlex.join(command)}): " + " / ".join(tail))


def remove_worktree(root: Path) -> None:
    if git("worktree", "remove", "--force", str(root)).returncode != 0 and root.exists():
        shutil.rmtree(root, ignore_errors=True)
        git("worktree", "prune")


def prepare_baseline(rev: str, tmp: Path, cleanup: contextlib.ExitStack) -> Revision:
    """Check the revision out in a temporary worktree and give it what its stack needs."""
    sha = git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").stdout.strip()
    if not sha:
        raise BenchError(f"BASELINE={rev} names no commit of this repository.")
    root = tmp / "baseline-checkout"
    cleanup.callback(attempt, "removing the baseline's worktree", remove_worktree, root)
    print(f"Checking out the baseline {rev} ({sha[:7]}) in {root}...", flush=True)
    added = git("worktree", "add", "--detach", "--quiet", str(root), sha)
    if added.returncode != 0:
        raise BenchError(f"git worktree add failed: {added.stderr.strip()}")
    named = "" if sha.startswith(rev.lower()) else f" ({rev})"
    revision = Revision("baseline", root, sys.executable, sha[:7] + named)
    revision.setup.append("its own services/kit and tools (PYTHONPATH)")

    # The root .venv runs the baseline when it holds every package the baseline pins, at the
    # same version (extra packages in ours, such as the reference apps', change nothing there).
    if not (root / LOCK).exists():
        raise BenchError(f"the baseline {rev} has no {LOCK} to install from.")
    ours, theirs = pins(ROOT / LOCK), pins(root / LOCK)
    if theirs.items() <= ours.items():
        same = "identical to ours" if theirs == ours else f"each of its {len(theirs)} pins is one of ours"
        revision.setup.append(f"the root .venv (its {LOCK}: {same})")
    else:
        differing = sorted(name for name, version in theirs.items() if ours.get(name) != version)
        print(
            f"Building a virtual environment for the baseline ({len(differing)} pins differ)...", flush=True
        )
        venv = root / ".venv"
        run_step([sys.executable, "-m", "venv", str(venv)], root, "creating the baseline's venv")
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        run_step([*pip, "--require-hashes", "-r", str(root / LOCK)], root, "installing the baseline's venv")
        revision.python = str(venv / "bin" / "python")
        revision.setup.append(f"its own venv ({LOCK} differs from ours in {', '.join(differing)})")

    # The stack serves a built client and Swagger UI: ours when built from the same sources.
    npm_ci = ["npm", "ci", "--no-audit", "--no-fund"]
    builds = [
        ("services/client", ["services/client"], [npm_ci, ["npm", "run", "--silent", "build"]]),
        (
            "services/swagger",
            ["services/swagger/package-lock.json", "services/swagger/build.py", "services/swagger/static"],
            [npm_ci, [revision.python, "build.py"]],
        ),
    ]
    for part, sources, commands in builds:
        if git("diff", "--quiet", sha, "--", *sources).returncode == 0:
            shutil.copytree(ROOT / part / "dist", root / part / "dist")
            revision.setup.append(f"{part}/dist copied from ours (same sources)")
            continue
        print(f"Building the baseline's {part} (its sources differ from ours)...", flush=True)
        for command in commands:
            run_step(command, root / part, f"building the baseline's {part}")
        revision.setup.append(f"{part}/dist built (sources differ from ours)")
    return revision


# ---- processes: the stacks and the reference apps -------------------------------------------------


def attempt(what: str, action: Callable[..., object], *args: Any) -> None:
    """One cleanup step; a failure is reported and the other steps still run."""
    try:
        action(*args)
    except Exception as error:
        print(f"  cleanup: {what} failed: {error}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def end_marked(marker: str, grace: float = 10) -> None:
    """Wait for every process carrying the marker to end; kill those left after ``grace`` seconds."""
    deadline = time.monotonic() + grace
    while processes_with_marker(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in processes_with_marker(marker):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def descendants(ancestor: int) -> list[int]:
    """Live processes below ``ancestor`` in the process tree."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if state != "Z":
            children.setdefault(int(ppid), []).append(int(entry.name))
    found, pending = [], [ancestor]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def end_descendants(grace: float = 10) -> None:
    """The last sweep: whatever this run started and is still running gets SIGTERM, then SIGKILL."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        for pid in descendants(os.getpid()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)
        deadline = time.monotonic() + grace
        while descendants(os.getpid()) and time.monotonic() < deadline:
            time.sleep(0.2)


def start_stack(revision: Revision, tmp: Path, database_url: str, env: dict[str, str]) -> MakeUp:
    """`tools/stack.py up` of the revision's checkout with its interpreter.

    infra.make_up starts this checkout's; another checkout gets the same command, environment
    and readiness check from here."""
    tmp.mkdir()
    if revision.root == ROOT:
        return make_up(tmp, database_url, 1, env)
    port, users_port, marker = free_port(), free_port(), uuid.uuid4().hex
    full_env = (
        dict(os.environ)
        | {
            "APP_ENV": "development",
            "DATABASE_URL": database_url,
            "STACK_MARKER": marker,
            "LOG_LEVEL": "WARNING",
            "ACCESS_LOG": "",
        }
        | env
        | revision.own_code
    )
    full_env.pop("DATABASE_TEST_URL", None)
    log = tmp / "make-up.log"
    command = [revision.python, "tools/stack.py", "up", "--port", str(port), "--users-port", str(users_port)]
    command += ["--replicas", "1", "--run-dir", str(tmp / "nginx")]
    process = subprocess.Popen(
        command, cwd=revision.root, env=full_env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    stack = MakeUp(process, port, users_port, 1, marker, log, tmp / "nginx")
    deadline = time.monotonic() + 120
    while not (answers(stack.url + "/users/ping") and answers(stack.instance_url(0) + "/users/ping")):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_stack(stack)
            raise BenchError(f"the {revision.label} stack did not come up:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    return stack


def stop_stack(up: MakeUp) -> None:
    try:
        up.stop()
    finally:
        end_marked(up.marker)


def migrate_revision(revision: Revision, database_url: str) -> None:
    """The schema of the revision, the way its `make up` creates it."""
    if revision.root == ROOT:
        migrate(database_url)
        return
    try:
        upgrade_schema(
            revision.root / "services" / "users",
            "DATABASE_URL",
            database_url,
            failure=f"migrating the {revision.label} database failed",
            python=revision.python,
            env=revision.own_code,
        )
    except RuntimeError as error:
        raise BenchError(str(error)) from None


@dataclass
class Stack:
    """A running `make up` of one revision, on its own database."""

    revision: Revision
    up: MakeUp
    database_url: str
    items_url: str = ""
    items_database_url: str = ""
    token: str = ""
    pss_mb: float = 0.0
    rss_mb: float = 0.0

    @property
    def label(self) -> str:
        return self.revision.label

    @property
    def gateway(self) -> str:
        return self.up.url

    @property
    def direct(self) -> str:
        return self.up.instance_url(0)

    def log_in(self) -> None:
        """A fresh access token for /auth/status (a run outlasts a token's lifetime)."""
        answer = httpx.post(
            self.direct + "/auth/login",
            json={"email": ADMIN["email"], "password": ADMIN["password"]},
            timeout=30,
        )
        answer.raise_for_status()
        self.token = answer.json()["auth_token"]


@dataclass
class ReferenceApp:
    """One of bench/'s reference apps under its server, in a process group of its own."""

    label: str
    description: str
    log: Path
    port: int = field(default_factory=free_port)
    # The marker infra's processes_with_marker finds: the server's workers carry it too.
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, command: list[str]) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=BENCH_DIR,
            env=dict(os.environ) | {"STACK_MARKER": self.marker},
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 60
        while not answers(self.url + "/users/ping"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"{self.description} did not answer:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        end_marked(self.marker)


def start_reference_apps(
    tmp: Path, workers: int, threads: int, cleanup: contextlib.ExitStack
) -> dict[str, ReferenceApp]:
    bin_dir = Path(sys.executable).parent
    bare = ReferenceApp(
        "bare",
        f"bench/bare_app.py, granian {workers} workers x {threads} threads; the reference",
        tmp / "bare.log",
    )
    fastapi = ReferenceApp("fastapi", "bench/fastapi_app.py, uvicorn 4 workers", tmp / "fastapi.log")
    commands = {
        bare.label: [
            str(bin_dir / "granian"),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(bare.port)),
            *("--workers", str(workers), "--blocking-threads", str(threads), "--log-level", "warning"),
            "bare_app:app",
        ],
        fastapi.label: [
            *(sys.executable, "-m", "uvicorn", "fastapi_app:app", "--host", "127.0.0.1"),
            *("--port", str(fastapi.port), "--workers", "4", "--no-access-log", "--log-level", "warning"),
        ],
    }
    apps = {bare.label: bare, fastapi.label: fastapi}
    for app in apps.values():
        cleanup.callback(attempt, f"stopping the {app.label} reference app", app.stop)
        app.start(commands[app.label])
    return apps


# ---- what is measured ---------------------------------------------------------------------------

Script = Callable[[Stack], str]


def no_script(stack: Stack) -> str:
    return ""


def token_script(stack: Stack) -> str:
    return lua_request(token=stack.token)


def pages_script(pages: int) -> Script:
    return lambda stack: lua_request(pages=pages)


def keys_script(users: int) -> Script:
    return lambda stack: lua_request(after_max=users - PER_PAGE)


def search_script(stack: Stack) -> str:
    # As an admin: `q` then matches emails as well, the search's dearest form.
    return lua_request(token=stack.token, search=True)


@dataclass(frozen=True)
class Spec:
    """A figure: one request measured on each stack, or on a reference app (``app``)."""

    name: str
    path: str
    gateway: bool = True
    script: Script = no_script
    users_per_request: int = 1
    app: str = ""


BARE = "bare Flask ping"
HEALTH = Spec("gateway static /health", "/health")
PING_DIRECT = Spec("ping direct", "/users/ping", gateway=False)
FASTAPI_PING = Spec("FastAPI ping", "/users/ping", app="fastapi")
PING_GATEWAY = Spec("ping via gateway", "/users/ping")
STATUS = Spec("/auth/status via gateway", "/auth/status", script=token_script)
LIST = Spec("users list via gateway, 1k users", "/users", script=pages_script(10), users_per_request=PER_PAGE)
LIST_DIRECT = Spec(
    "users list direct, 1k users",
    "/users",
    gateway=False,
    script=pages_script(10),
    users_per_request=PER_PAGE,
)
BY_KEY_1K = Spec(
    "users list by key, 1k users", "/users", script=keys_script(1_000), users_per_request=PER_PAGE
)
BY_KEY_100K = Spec(
    "users list by key, 100k users", "/users", script=keys_script(100_000), users_per_request=PER_PAGE
)
BY_NUMBER_100K = Spec(
    "users list by page number, 100k users", "/users", script=pages_script(1_000), users_per_request=PER_PAGE
)
LOGIN = Spec("login (argon2id production), direct", "/auth/login", gateway=False)
SPECS_16 = [HEALTH, PING_DIRECT, FASTAPI_PING, PING_GATEWAY, STATUS, LIST, LIST_DIRECT]
SPECS_64 = [HEALTH, PING_DIRECT, PING_GATEWAY, STATUS, LIST, LIST_DIRECT]
PAGING = [BY_KEY_1K, BY_KEY_100K, BY_NUMBER_100K]
# Not compared with a baseline: a revision without the search ignores `q` and lists everyone.
SEARCH_100K = Spec("users search (q, as an admin), 100k users", "/users", script=search_script)

# A search page at 100k users may cost this many key pages at 1k: a trigram index finds the
# matches, where reading every row would cost tens of pages.
SEARCH_COST_TARGET = 3.0

# Targets on ours, as ratios (for the users lists: users per second per bare ping per second).
TARGETS: dict[tuple[str, int], float] = {
    (PING_DIRECT.name, 16): 0.80,
    (PING_GATEWAY.name, 16): 0.60,
    (STATUS.name, 16): 0.25,
    (LIST.name, 16): 20.0,
    (LIST_DIRECT.name, 16): 20.0,
    (LOGIN.name, 16): 0.90,
}


@dataclass
class Bench:
    seconds: int
    rounds: int
    tmp: Path
    workers: int
    threads: int
    stacks: list[Stack] = field(default_factory=list)
    apps: dict[str, ReferenceApp] = field(default_factory=dict)
    # (who, figure name, connections): one sample per round
    series: dict[tuple[str, str, int], list[Sample]] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    servers: list[tuple[str, list[Figure]]] = field(default_factory=list)
    items: items_figures.ItemsFigures | None = None
    client: client_budget.Budget | None = None

    def record(self, who: str, name: str, connections: int, sample: Sample) -> None:
        self.series.setdefault((who, name, connections), []).append(sample)

    def samples(self, who: str, name: str, connections: int) -> list[Sample]:
        return self.series.get((who, name, connections), [])

    def in_turn(self, round_: int) -> list[Stack]:
        """The stacks in this round's order: reversed every other round."""
        return self.stacks if round_ % 2 == 0 else self.stacks[::-1]

    def bare_ping(self, connections: int) -> float:
        figure = wrk(f"{BARE} [bare]", self.apps["bare"].url + "/users/ping", connections, self.seconds)
        self.record("bare", BARE, connections, Sample(figure, figure.rate))
        return figure.rate

    def raw_rate(self) -> float:
        rate = raw_argon2_rate(os.cpu_count() or 1, min(6.0, self.seconds))
        print(f"  raw argon2id verifications {rate:.1f}/s", flush=True)
        return rate

    def block(self, specs: list[Spec], connections: int) -> None:
        """Each figure in every round, between two bare pings at the same connection count."""
        for round_ in range(self.rounds):
            print(f"Round {round_ + 1} of {self.rounds}, {connections} connections:", flush=True)
            for stack in self.stacks:
                stack.log_in()
            before = self.bare_ping(connections)
            for spec in specs:
                if spec.app:
                    targets = [(spec.app, self.apps[spec.app].url + spec.path, "")]
                else:
                    targets = [
                        (s.label, (s.gateway if spec.gateway else s.direct) + spec.path, spec.script(s))
                        for s in self.in_turn(round_)
                    ]
                measured = [
                    (who, wrk(f"{spec.name} [{who}]", url, connections, self.seconds, script))
                    for who, url, script in targets
                ]
                after = self.bare_ping(connections)
                for who, figure in measured:
                    self.record(who, spec.name, connections, Sample(figure, (before + after) / 2))
                before = after

    def login_block(self) -> None:
        """Logins at 16 and 64 connections, each between two measurements of the raw argon2id rate.

        The stack's memory is sampled during the 64-connection floods; its peak counts."""
        body = lua_request("POST", {"email": ADMIN["email"], "password": ADMIN["password"]})
        raw_before = self.raw_rate()
        for round_ in range(self.rounds):
            print(f"Login round {round_ + 1} of {self.rounds}:", flush=True)
            for connections in (16, 64):
                for stack in self.in_turn(round_):
                    name = f"{LOGIN.name} [{stack.label}]"
                    with MemorySampler(stack.up.marker) as memory:
                        figure = wrk(name, stack.direct + LOGIN.path, connections, self.seconds, body)
                    raw_after = self.raw_rate()
                    self.record(
                        stack.label, LOGIN.name, connections, Sample(figure, (raw_before + raw_after) / 2)
                    )
                    raw_before = raw_after
                    if connections == 64:
                        stack.pss_mb = max(stack.pss_mb, memory.peak_pss)
                        stack.rss_mb = max(stack.rss_mb, memory.peak_rss)
                        print(
                            f"  stack memory peak [{stack.label}] PSS {memory.peak_pss:.0f} MB "
                            f"(RSS summed {memory.peak_rss:.0f} MB)",
                            flush=True,
                        )

    def all_figures(self) -> list[Figure]:
        return (
            [s.figure for samples in self.series.values() for s in samples]
            + [f for _, figures in self.servers for f in figures]
            + (self.items.figures() if self.items else [])
        )


def server_shape() -> tuple[int, int]:
    """The users service's workers and threads per instance (WEB_CONCURRENCY, WEB_THREADS)."""
    shape = []
    for name, default in (("WEB_CONCURRENCY", os.cpu_count() or 1), ("WEB_THREADS", 4)):
        raw = os.environ.get(name, "").strip() or str(default)
        if not raw.isdigit() or int(raw) < 1:
            raise BenchError(f"{name} must be a whole number of at least 1, not {raw!r}.")
        shape.append(int(raw))
    return shape[0], shape[1]


def new_signing_key() -> str:
    """A random Ed25519 private key in PEM, as `manage.py generate-key` prints one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def run_benchmarks(args: argparse.Namespace, cleanup: contextlib.ExitStack) -> Bench:
    workers, threads = server_shape()
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    cleanup.callback(shutil.rmtree, tmp, True)
    cleanup.callback(attempt, "ending the processes left", end_descendants)
    bench = Bench(args.seconds, args.rounds, tmp, workers, threads)
    revisions = [Revision("ours", ROOT, sys.executable, describe_commit(ROOT), ["the root .venv"])]
    if args.baseline:
        revisions.append(prepare_baseline(args.baseline, tmp, cleanup))
    if args.only != "items":
        # The client's budget comes last: a missing browser must stop the run before it starts.
        client_budget.chromium_path()
        bench.apps = start_reference_apps(tmp, workers, threads, cleanup)

    database_url = os.environ.get("DATABASE_URL", "")
    cluster: PrivatePostgres | None = None
    if not database_url.startswith("postgres"):
        cluster = PrivatePostgres()
        cleanup.callback(attempt, "removing the private PostgreSQL cluster", cluster.destroy)
        cluster.init()
        cluster.start()
    elif args.baseline:
        raise BenchError("BASELINE needs the private PostgreSQL cluster for both stacks: unset DATABASE_URL.")
    env = {
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        # Production signs access tokens only with keys it is given (Ed25519, PEM).
        "JWT_PRIVATE_KEYS": new_signing_key(),
        "RATE_LIMIT_ENABLED": "false",
        # Shared by the users service's event feed and the items consumer polling it.
        "EVENTS_FEED_TOKEN": secrets.token_urlsafe(32),
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG": "",
        "WEB_CONCURRENCY": str(workers),
        "WEB_THREADS": str(threads),
    } | {f"ADMIN_{key.upper()}": value for key, value in ADMIN.items()}
    from argon2 import PasswordHasher

    seed = PasswordHasher(**ARGON2).hash("seeded users never log in")
    for revision in revisions:
        url = cluster.create_database(f"users_bench_{revision.label}") if cluster else database_url
        migrate_revision(revision, url)
        # The items service (where the revision has one): its own port and database, on the
        # private cluster as the users service's (else make up's SQLite file in the stack's tmp).
        items_port = free_port_pair()
        items_env = {"ITEMS_PORT": str(items_port)}
        if cluster:
            items_env["ITEMS_DATABASE_URL"] = cluster.create_database(f"items_bench_{revision.label}")
        print(f"Starting the {revision.label} stack ({revision.commit})...", flush=True)
        up = start_stack(revision, tmp / revision.label, url, env | items_env)
        cleanup.callback(attempt, f"stopping the {revision.label} stack", stop_stack, up)
        items_database = items_env.get("ITEMS_DATABASE_URL", f"sqlite:///{tmp / revision.label / 'items.db'}")
        stack = Stack(revision, up, url, f"http://127.0.0.1:{items_port}", items_database)
        bench.stacks.append(stack)
        seed_users(url, 1_000, seed)
        print(f"  gateway {stack.gateway}, users {stack.direct}, items {stack.items_url}", flush=True)
    for app in bench.apps.values():
        app.wait_ready()
    if args.only == "items":
        bench.notes["load_before"] = loadavg()
        bench.items = measure_items(bench, env, seed, cluster, cleanup)
        bench.notes["load_after"] = loadavg()
        return bench

    # Warm-up: workers imported, pools filled, nginx keepalive connections open.
    warm = min(3, args.seconds)
    for stack in bench.stacks:
        wrk(f"warm-up [{stack.label}]", stack.gateway + "/users?per_page=100", 16, warm)
        wrk(f"warm-up [{stack.label}]", stack.direct + "/users/ping", 16, warm)
    for app in bench.apps.values():
        wrk(f"warm-up [{app.label}]", app.url + "/users/ping", 16, warm)

    bench.notes["load_before"] = loadavg()
    bench.block(SPECS_16, 16)
    bench.block(SPECS_64, 64)
    bench.login_block()
    if not args.skip_servers:
        compare_servers(bench, bench.stacks[0].database_url, env)
    bench.items = measure_items(bench, env, seed, cluster, cleanup)
    # Pages at 1k and then at 100k users, the two blocks back to back: by key (`after`, what
    # deep paging should use) and, for reference, by page number.
    bench.block([BY_KEY_1K], 16)
    for stack in bench.stacks:
        seed_users(stack.database_url, 100_000, seed)
    time.sleep(1.5)  # the workers' cached total ages out
    bench.block([BY_KEY_100K, BY_NUMBER_100K, SEARCH_100K], 16)
    bench.client = measure_client(bench.stacks[0])
    bench.notes["load_after"] = loadavg()
    return bench


# Cold loads of each page: the medians of the first paints count. Paint times come in steps
# of a few milliseconds and a busy machine moves single loads by tens: with 7 and 15 loads,
# the same build's ratio was 1.56 and 1.43 in two runs. 21 loads take about 15 s.
CLIENT_LOADS = 21


def measure_client(stack: Stack) -> client_budget.Budget:
    """The client's budget on our stack, whose gateway serves the client built in this checkout."""
    print(f"Client budget: {CLIENT_LOADS} cold loads of the home page and of a reference page...", flush=True)
    return client_budget.measure(stack.gateway, CLIENT_LOADS)


def measure_items(
    bench: Bench,
    env: dict[str, str],
    password_hash: str,
    cluster: PrivatePostgres | None,
    cleanup: contextlib.ExitStack,
) -> items_figures.ItemsFigures:
    """The items service's figures (bench/items.py) on our stack; then, when redis-server is
    installed, event delivery again on a stack of ours whose events go through Redis Streams."""
    figures = items_figures.run(
        items_target(bench.stacks[0], env), wrk, bench.seconds, bench.rounds, password_hash
    )
    if cluster is None or not shutil.which("redis-server"):
        print("  (no Redis run: it needs redis-server and the private PostgreSQL cluster)", flush=True)
        return figures
    redis = PrivateRedis(bench.tmp / "redis.log")
    cleanup.callback(attempt, "stopping redis-server", redis.stop)
    redis.start()
    revision = bench.stacks[0].revision
    url = cluster.create_database("users_bench_redis")
    migrate_revision(revision, url)
    items_port = free_port_pair()
    extra = {
        "REDIS_URL": redis.url,
        "ITEMS_PORT": str(items_port),
        "ITEMS_DATABASE_URL": cluster.create_database("items_bench_redis"),
    }
    print("Starting a stack of ours with Redis Streams (relay and consumer)...", flush=True)
    up = start_stack(revision, bench.tmp / "ours-redis", url, env | extra)
    try:
        stack = Stack(revision, up, url, f"http://127.0.0.1:{items_port}", extra["ITEMS_DATABASE_URL"])
        target = items_target(stack, env)
        figures.lags.append(items_figures.delivery_lag(target, password_hash, "Redis stream (relay, XREAD)"))
    finally:
        stop_stack(up)
    return figures


def items_target(stack: Stack, env: dict[str, str]) -> items_figures.ItemsTarget:
    def token() -> str:
        stack.log_in()
        return stack.token

    return items_figures.ItemsTarget(
        gateway=stack.gateway,
        users=stack.direct,
        items=stack.items_url,
        users_database=stack.database_url,
        items_database=stack.items_database_url,
        env=env,
        token=token,
    )


def compare_servers(bench: Bench, database_url: str, env: dict[str, str], rounds: int = 2) -> None:
    """Ping and the users list on one instance per WSGI server, the same app and database.

    Every instance is up at once and idle while another is measured; the servers take turns,
    round after round, so that drifting load from other work on the machine falls on all of
    them alike. The median round is reported.
    """
    from e2e.reliability.infra import BIN

    servers: list[tuple[str, list[str] | None, dict[str, str]]] = [
        (
            f"granian, {bench.workers} workers x {bench.threads} threads (the service's)",
            None,
            {"WEB_CONCURRENCY": str(bench.workers), "WEB_THREADS": str(bench.threads)},
        ),
        ("gunicorn sync, 4 workers", ["--workers", "4"], {}),
        ("gunicorn gthread, 3 workers x 4 threads", ["--workers", "3", "--threads", "4"], {}),
    ]
    fleet = Fleet(bench.tmp / "servers", database_url, extra_env=env)
    fleet.tmp.mkdir()
    metrics_dirs = bench.tmp / "servers-metrics"
    seconds = min(8, bench.seconds)
    try:
        instances = {}
        for label, gunicorn_args, extra in servers:
            command = None
            if gunicorn_args is not None:
                command = [str(BIN / "gunicorn"), *gunicorn_args, "--bind", "$BIND", "users_service.wsgi:app"]
                # gunicorn keeps its metrics in files too, as the service's server does.
                extra = extra | {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dirs / str(len(instances)))}
                (metrics_dirs / str(len(instances))).mkdir(parents=True)
            instance = fleet.add_instance(**extra)
            if command is not None:
                instance.command = [part.replace("$BIND", instance.address) for part in command]
            instances[label] = instance
        fleet.start_all()
        for instance in instances.values():
            wrk("warm-up", instance.url + "/users?per_page=100", 16, min(2, seconds))
        runs: dict[tuple[str, str], list[Figure]] = {}
        labels = list(instances)
        for round_ in range(rounds):
            for label in labels[round_:] + labels[:round_]:
                url = instances[label].url
                for endpoint, path, preamble in (
                    ("ping", "/users/ping", ""),
                    ("users list", "/users", lua_request(pages=10)),
                ):
                    runs.setdefault((label, endpoint), []).append(
                        wrk(f"{endpoint}, {label}", url + path, 16, seconds, preamble)
                    )
        bench.servers.extend((f"{endpoint}: {label}", figures) for (label, endpoint), figures in runs.items())
    finally:
        fleet.close()


# ---- the report -------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
    )
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB memory, Linux {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def rate_text(rate: float, users_per_request: int) -> str:
    text = f"{rate:,.1f}"
    return text + (f" ({rate * users_per_request:,.0f} users/s)" if users_per_request > 1 else "")


def relative(ours: list[Sample], theirs: list[Sample]) -> list[float]:
    """Round by round, ours over theirs, each as a ratio to what was measured around it."""
    return [a.ratio / b.ratio for a, b in zip(ours, theirs, strict=False) if b.ratio]


def figure_rows(bench: Bench) -> tuple[list[str], int, int]:
    """The table of every figure of ours and the references; also the targets met and set."""
    rows = [
        "| figure | conn. | req/s (median) | range over rounds | mean ms | p99 ms | non-2xx + socket errors "
        "| ratio (median round) | compared with | target | |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    met = total = 0
    entries: list[tuple[str, Spec, int]] = []
    for connections, specs in ((16, SPECS_16), (64, SPECS_64)):
        entries.append(("bare", Spec(BARE, "/users/ping"), connections))
        entries += [(spec.app or "ours", spec, connections) for spec in specs]
    entries += [("ours", LOGIN, 16), ("ours", LOGIN, 64)] + [
        ("ours", spec, 16) for spec in [*PAGING, SEARCH_100K]
    ]
    for who, spec, connections in entries:
        samples = bench.samples(who, spec.name, connections)
        if not samples:
            continue
        chosen = median_sample(samples)
        rates = [s.figure.rate for s in samples]
        if who == "bare":
            shown, against = "1.000", "itself"
        elif spec is LOGIN:
            shown, against = f"{chosen.ratio:.3f}", "raw argon2id rate"
        elif spec.users_per_request > 1:
            shown, against = f"{chosen.ratio * spec.users_per_request:.1f}", "bare ping, in users/s"
        else:
            shown, against = f"{chosen.ratio:.3f}", "bare ping"
        goal = TARGETS.get((spec.name, connections)) if who == "ours" else None
        target = mark = ""
        if goal is not None:
            value = chosen.ratio * (spec.users_per_request if spec is not LOGIN else 1)
            total += 1
            met += value >= goal
            target, mark = f">= {goal:.0f}" if goal > 1 else f">= {goal:.2f}", verdict(value >= goal)
        label = spec.name if who == "ours" else f"{spec.name} ({bench.apps[who].description})"
        rows.append(
            f"| {label} | {connections} | {rate_text(median(rates), spec.users_per_request)} | "
            f"{min(rates):,.1f}-{max(rates):,.1f} | {chosen.figure.mean_ms:.2f} | "
            f"{chosen.figure.p99_ms:.2f} | "
            f"{sum(s.figure.unexpected for s in samples)} | {shown} | {against} | {target} | {mark} |"
        )
    return rows, met, total


def derived_rows(bench: Bench) -> tuple[list[str], int, int]:
    over_fastapi = relative(
        bench.samples("ours", PING_DIRECT.name, 16), bench.samples("fastapi", FASTAPI_PING.name, 16)
    )
    # At a fixed number of connections a page's mean latency is the inverse of the rate, so
    # the rates over the bare pings around them compare the two table sizes without the drift
    # between the two blocks.
    small, large, by_number = (median_sample(bench.samples("ours", s.name, 16)) for s in PAGING)
    deep_cost, offset_cost = small.ratio / large.ratio, small.ratio / by_number.ratio
    search = median_sample(bench.samples("ours", SEARCH_100K.name, 16))
    search_cost = small.ratio / search.ratio
    pss, rss = bench.stacks[0].pss_mb, bench.stacks[0].rss_mb
    unexpected = sum(f.unexpected for f in bench.all_figures())
    checks = [
        median(over_fastapi) > 1,
        deep_cost <= 1.5,
        search_cost <= SEARCH_COST_TARGET,
        pss < 600,
        unexpected == 0,
    ]
    rows = [
        "| derived figure | value | target | |",
        "|---|---|---|---|",
        f"| ping direct / FastAPI ping (each over the bare pings around it, per round; median) | "
        f"{median(over_fastapi):.2f}x (rounds {', '.join(f'{r:.2f}' for r in over_fastapi)}) | > 1 | "
        f"{verdict(checks[0])} |",
        f"| page latency at 100k users / at 1k, by key (16 conn.; from the rates over the bare pings) | "
        f"{deep_cost:.2f}x (mean {large.figure.mean_ms:.2f} / {small.figure.mean_ms:.2f} ms) | <= 1.5x | "
        f"{verdict(checks[1])} |",
        f"| the same by page number (OFFSET), for reference | {offset_cost:.2f}x "
        f"(mean {by_number.figure.mean_ms:.2f} ms) | | |",
        f"| search page latency at 100k users (`q`, as an admin) / key page at 1k (16 conn.; rates over the "
        f"bare pings) | {search_cost:.2f}x (mean {search.figure.mean_ms:.2f} ms) | "
        f"<= {SEARCH_COST_TARGET:.0f}x | {verdict(checks[2])} |",
        f"| whole-stack memory (PSS: a shared page counted once), 64-connection login floods (peak over the "
        f"rounds; RSS summed per process {rss:.0f} MB) | {pss:.0f} MB | < 600 MB | {verdict(checks[3])} |",
        f"| non-2xx answers and socket errors, every figure of the run | {unexpected} | 0 | "
        f"{verdict(checks[4])} |",
    ]
    return rows, sum(checks), len(checks)


def baseline_rows(bench: Bench) -> tuple[list[str], int, int]:
    """Every figure of ours against the baseline's, measured in the same rounds."""
    ours, baseline = bench.stacks[0], bench.stacks[1]
    rows = [
        "| figure | conn. | ours | baseline | ours / baseline (median round) | rounds | target | |",
        "|---|---|---|---|---|---|---|---|",
    ]
    met = total = 0
    entries = [(spec, 16) for spec in SPECS_16 if not spec.app] + [(spec, 64) for spec in SPECS_64]
    entries += [(LOGIN, 16), (LOGIN, 64)] + [(spec, 16) for spec in PAGING]
    for spec, connections in entries:
        mine, theirs = (
            bench.samples("ours", spec.name, connections),
            bench.samples("baseline", spec.name, connections),
        )
        ratios = relative(mine, theirs)
        if not ratios:
            continue
        value = median(ratios)
        total += 1
        met += value >= BASELINE_TARGET
        rows.append(
            f"| {spec.name} | {connections} | {median([s.figure.rate for s in mine]):,.1f} req/s | "
            f"{median([s.figure.rate for s in theirs]):,.1f} req/s | {value:.3f} | "
            f"{', '.join(f'{r:.3f}' for r in ratios)} | >= {BASELINE_TARGET:.2f} | "
            f"{verdict(value >= BASELINE_TARGET)} |"
        )
    memory = baseline.pss_mb / ours.pss_mb if ours.pss_mb else 0.0
    total += 1
    met += memory >= BASELINE_TARGET
    rows.append(
        f"| whole-stack memory peak (PSS), login floods (less is better: baseline / ours) | 64 | "
        f"{ours.pss_mb:.0f} MB | "
        f"{baseline.pss_mb:.0f} MB | {memory:.3f} | | >= {BASELINE_TARGET:.2f} | "
        f"{verdict(memory >= BASELINE_TARGET)} |"
    )
    return rows, met, total


def report(bench: Bench, command: str) -> str:
    ours = bench.stacks[0]
    baseline = bench.stacks[1] if len(bench.stacks) > 1 else None
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = f"## {date} · commit {ours.revision.commit}"
    if baseline:
        title += f" against baseline {baseline.revision.commit}"
    figures: list[str] = []
    derived: list[str] = []
    met = total = 0
    if bench.series:
        figures, figures_met, figures_set = figure_rows(bench)
        derived, derived_met, derived_set = derived_rows(bench)
        met, total = figures_met + derived_met, figures_set + derived_set
    items: list[str] = []
    if bench.items:
        items, items_met, items_set = items_figures.rows(bench.items)
        met, total = met + items_met, total + items_set
    client: list[str] = []
    if bench.client:
        client, client_met, client_set = client_rows(bench.client)
        met, total = met + client_met, total + client_set
    summary = f"Targets met: {met} of {total}"
    comparison: list[str] = []
    if baseline:
        comparison, compared_met, compared_set = baseline_rows(bench)
        summary += f"; ours / baseline >= {BASELINE_TARGET:.2f}: {compared_met} of {compared_set} figures"
    out = [
        title,
        "",
        f"Machine: {machine()}. Load average before/after: {bench.notes.get('load_before')} / "
        f"{bench.notes.get('load_after')} (the machine is shared).",
        f"Command: `{command}`.",
        "",
        f"**{summary}.**",
        "",
    ]
    if bench.series:
        out += method(bench, baseline is not None)
    for stack in bench.stacks:
        out.append(
            f"Revision {stack.label}: {stack.revision.commit}, run with {'; '.join(stack.revision.setup)}."
        )
    if bench.series:
        out += ["", *figures, "", *derived]
    if bench.items:
        out += ["", *items_method(bench), "", *items]
    if bench.client:
        out += ["", *client]
    if baseline:
        out += [
            "",
            f"Ours against the baseline ({baseline.revision.commit}): each round's ratio is ours over the "
            "baseline's, each over the reference measured around it (the same bare pings for both, or the "
            "raw argon2id rate for logins).",
            "",
            *comparison,
        ]
    if bench.servers:
        out += servers_rows(bench)
    return "\n".join(out) + "\n"


def client_rows(budget: client_budget.Budget) -> tuple[list[str], int, int]:
    """The client budget's table (issue 20), with how many of its targets were met."""
    checks = budget.checks()
    rows = [
        "The client's first load (bench/client_budget.py) on our stack's gateway: the initial "
        "load is index.html's inline script and style and the files that the home, about and "
        "login pages all load (a page's own code is not counted), gzip -9; each page load in a fresh "
        "headless Chromium context (empty cache), the two pages taking turns.",
        "",
        "| client figure | value | target | |",
        "|---|---|---|---|",
        *(f"| {metric} | {value} | {limit} | {verdict(within)} |" for metric, value, limit, within in checks),
        "",
        f"Initial files: {budget.files()}.",
    ]
    return rows, sum(within for *_, within in checks), len(checks)


def items_method(bench: Bench) -> list[str]:
    ours = bench.stacks[0]
    database = (
        "PostgreSQL, a database of its own" if ours.items_database_url.startswith("postgres") else "SQLite"
    )
    return [
        f"Items service (issue 17), in the same run on the same stack, every figure a ratio or a count "
        f"measured in this run (the machine is shared: absolute rates are not comparable between runs). "
        f"Pages: wrk 2 threads, 16 connections, {bench.seconds} s each, {bench.rounds} round(s); in each "
        "round the users page and the items page take turns (the order reversed every other round), "
        "through the gateway and then on the instances directly; the items page is the admin's own 100 "
        "items (token checked), the users page is public. Token check: in-process (bench/items_cpu.py), "
        "the items app built from the stack's settings; callgrind counts instructions of "
        f"{items_figures.CPU_CALLS} calls of each less a run that only builds the app and warms it up. "
        "Event delivery: admin `DELETE /users/{id}` on the users instance at a fixed rate (threads, "
        "open loop), each deleted user owning items; the lag is from the users service's answer to "
        "`processed_events.applied_at` of its `user.deleted` event in the items database; every "
        f"deleted user's items must be gone. Items database: {database}; consumer as `make up` runs it.",
    ]


def method(bench: Bench, baseline: bool) -> list[str]:
    return [
        f"Method: wrk 2 threads, {bench.seconds} s per figure after a warm-up, 127.0.0.1 only, "
        f"{bench.rounds} round(s). In a round every figure is measured right after the bare Flask app's "
        "ping at the same connection count and right before the next one; its ratio is its rate over the "
        "mean of those two pings (a login's: over the raw argon2id rate, all cores, measured just before "
        "and just after it); the table shows the median round's ratio, latencies and the median rate."
        + (
            " Ours and the baseline take turns on every figure, the order reversed every other round."
            if baseline
            else ""
        ),
        f"Stacks: `tools/stack.py up` (the `make up` runner), APP_ENV=production, one users instance with "
        f"WEB_CONCURRENCY={bench.workers} and WEB_THREADS={bench.threads}, PostgreSQL private cluster "
        "(a database per stack), RATE_LIMIT_ENABLED=false. /auth/status goes through the gateway (no edge "
        "limit on it); login is measured on the users instance directly (the gateway's edge limit on login "
        "has a fixed rate in its template). References: bench/bare_app.py under granian with the same "
        "workers and threads, bench/fastapi_app.py under uvicorn with 4 workers (uvloop, httptools); access "
        "logs off everywhere.",
    ]


def servers_rows(bench: Bench) -> list[str]:
    out = [
        "",
        f"WSGI servers, our app on one instance each (users list: 1k users, pages of 100), "
        f"16 connections, {len(bench.servers[0][1])} rounds taking turns; median round, and the range:",
        "",
        "| endpoint: server | req/s (median) | range | mean ms | p99 ms | non-2xx |",
        "|---|---|---|---|---|---|",
    ]
    for label, runs in bench.servers:
        chosen = sorted(runs, key=lambda f: f.rate)[len(runs) // 2]
        out.append(
            f"| {label} | {chosen.rate:,.1f} | {min(f.rate for f in runs):,.1f}-"
            f"{max(f.rate for f in runs):,.1f} | {chosen.mean_ms:.2f} | {chosen.p99_ms:.2f} | "
            f"{sum(f.unexpected for f in runs)} |"
        )
    return out


RESULTS_HEADER = f"""# Benchmark results

Recorded by `make bench` (bench/run.py), the latest run first. The latest {RUNS_KEPT} runs are here;
older ones move to [RESULTS-archive.md](RESULTS-archive.md).

"""
ARCHIVE_HEADER = """# Benchmark results: archive

Earlier runs of `make bench`, moved here from [RESULTS.md](RESULTS.md), the latest first. Runs
before 2026-11-30 compared their figures with the gateway's static ceiling and with fixed rates,
not with reference apps measured beside them in the same rounds.

"""


def split_runs(text: str) -> list[str]:
    """The runs of a results file, each from its `## ` heading to the next one."""
    return [part.strip() + "\n" for part in re.split(r"(?m)^(?=## )", text)[1:]]


def record(text: str) -> None:
    """Put the run first in RESULTS.md; runs beyond the latest RUNS_KEPT go first in the archive."""
    runs = [text.strip() + "\n", *(split_runs(RESULTS.read_text()) if RESULTS.exists() else [])]
    kept, moved = runs[:RUNS_KEPT], runs[RUNS_KEPT:]
    if moved:
        archived = split_runs(ARCHIVE.read_text()) if ARCHIVE.exists() else []
        ARCHIVE.write_text(ARCHIVE_HEADER + "\n".join(moved + archived))
    RESULTS.write_text(RESULTS_HEADER + "\n".join(kept))


def command_line(args: argparse.Namespace, argv: list[str]) -> str:
    """The command as typed: `make bench ...` under make, else the script's own."""
    if not os.environ.get("MAKELEVEL"):
        return shlex.join(["python", "bench/run.py", *argv])
    words, parts = list(argv), ["make", "bench"]
    if args.baseline and "--baseline" in words:  # the Makefile's BASELINE
        index = words.index("--baseline")
        del words[index : index + 2]
        parts.append(f"BASELINE={shlex.quote(args.baseline)}")
    if words:
        parts.append("BENCH_ARGS=" + shlex.quote(" ".join(words)))
    return " ".join(parts)


@contextlib.contextmanager
def signals_ignored() -> Iterator[None]:
    """Cleanup runs to its end: a second Ctrl-C or a SIGTERM does not cut it short."""
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


STOP_REQUESTED = threading.Event()


def interrupted(signum: int, frame: object) -> None:
    STOP_REQUESTED.set()
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # Many short rounds rather than a few long ones: the median of five is steadier against the
    # machine's drift, for the same time.
    parser.add_argument("--seconds", type=int, default=6, help="duration of each measurement (default 6)")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of every figure (default 5); the median counts"
    )
    parser.add_argument(
        "--baseline", metavar="REV", help="also measure this revision's stack, taking turns with ours"
    )
    parser.add_argument("--skip-servers", action="store_true", help="skip the WSGI server comparison")
    parser.add_argument(
        "--only",
        choices=["items"],
        help="measure only these figures (items: the items service's pages, token check and event delivery)",
    )
    parser.add_argument("--no-record", action="store_true", help="print the report only, not into RESULTS.md")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if args.seconds < 1 or args.rounds < 1:
        parser.error("--seconds and --rounds must be at least 1")
    ensure_wrk()
    signal.signal(signal.SIGTERM, interrupted)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # ignored when started in the background
        signal.signal(signal.SIGINT, interrupted)
    cleanup = contextlib.ExitStack()
    try:
        bench = run_benchmarks(args, cleanup)
    except KeyboardInterrupt:
        print("\nInterrupted: stopping every process and removing the temporary files.", file=sys.stderr)
        return 130
    except (BenchError, client_budget.BudgetError) as error:
        print(f"make bench: {error}", file=sys.stderr)
        return 1
    except Exception:
        # Ctrl-C reaches the stacks' processes too; one of them may have ended a step first.
        if not STOP_REQUESTED.is_set():
            raise
        print("\nInterrupted: stopping every process and removing the temporary files.", file=sys.stderr)
        return 130
    finally:
        with signals_ignored():
            cleanup.close()
    text = report(bench, command_line(args, argv))
    if not args.no_record:
        record(text)
    print("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
