#!/usr/bin/env python3
"""Load benchmarks of a fresh stack on this machine (`make bench`), appended to bench/RESULTS.md.

wrk drives 127.0.0.1 only: 2 threads, 16 and 64 connections, 15 s per figure after a warm-up.
The stack is `make up` itself (tools/stack.py) in production mode on a private PostgreSQL
cluster (or DATABASE_URL when set), with the service's rate limits off so that they do not
stand in for the figures; the gateway's edge limit on /auth still applies, so login and
/auth/status are measured on the users instance directly.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from e2e.reliability.infra import Fleet, MakeUp, PrivatePostgres, make_up, migrate, processes_with_marker

ROOT = Path(__file__).resolve().parents[1]

RESULTS = ROOT / "bench" / "RESULTS.md"
ADMIN = {
    "username": "bench-admin",
    "email": "admin@bench.example",
    "password": secrets.token_urlsafe(24),  # random: passes any deny-list
}
PER_PAGE = 100
LIST_FIGURES = ("users list, 1k users", "users list direct, 1k users")  # through the gateway, direct
ARGON2 = {"time_cost": 2, "memory_cost": 19_456, "parallelism": 1}  # the service's production defaults
LOGIN_ROUNDS = 3

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


def lua_request(
    method: str = "GET",
    body: dict[str, Any] | None = None,
    token: str | None = None,
    pages: int = 0,
    after_max: int = 0,
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
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def unexpected(self) -> int:
        """Non-2xx answers and socket errors, not counting deliberate 429s."""
        bad = sum(n for code, n in self.statuses.items() if not code.startswith("2") and code != "429")
        return bad + self.socket_errors


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
        )
    finally:
        os.unlink(script.name)
    line = next(line for line in result.stdout.splitlines() if line.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    figure = Figure(name=name, connections=connections, **data)
    print(
        f"  {name:<34} c={connections:<3} {figure.rate:>9.1f} req/s  mean {figure.mean_ms:7.2f} ms  "
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


def raw_argon2_rate(processes: int, seconds: float = 6.0) -> float:
    """Verifications per second of the production argon2id parameters, all cores busy."""
    until = time.monotonic() + seconds
    with multiprocessing.Pool(processes) as pool:
        counts = pool.map(_hash_worker, [(until, ARGON2)] * processes)
    return sum(counts) / seconds


@dataclass
class LoginRound:
    """One login figure and the raw argon2id rate measured just before and just after it."""

    figure: Figure
    raw_before: float
    raw_after: float

    @property
    def raw(self) -> float:
        return (self.raw_before + self.raw_after) / 2

    @property
    def ratio(self) -> float:
        return self.figure.rate / self.raw


def median_round(rounds: list[LoginRound]) -> LoginRound:
    return sorted(rounds, key=lambda r: r.ratio)[len(rounds) // 2]


def stack_rss_mb(marker: str) -> float:
    total = 0
    for pid in processes_with_marker(marker):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class RssSampler:
    def __init__(self, marker: str) -> None:
        self.marker, self.peak = marker, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, stack_rss_mb(self.marker))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def seed_users(database_url: str, total: int, password_hash: str) -> None:
    """Top the users table up to ``total`` rows in one statement (the API would hash each)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        have = conn.execute("SELECT coalesce(max(id), 0), count(*) FROM users").fetchone()
        assert have is not None
        start, count = int(have[0]), int(have[1])
        conn.execute(
            "INSERT INTO users (username, email, password_hash, active, admin, created_date, token_version) "
            "SELECT 'bench-user-' || n, 'bench-user-' || n || '@bench.example', %s, true, false, now(), 0 "
            "FROM generate_series(%s::int, %s::int) AS n",
            (password_hash, start + 1, start + total - count),
        )
        conn.execute("ANALYZE users")


def machine() -> dict[str, str]:
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
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "nproc": str(os.cpu_count()),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "cpu": cpu,
        "commit": commit.stdout.strip() or "unknown",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Bench:
    seconds: int
    tmp: Path
    figures: list[Figure] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    workers: list[tuple[str, list[Figure]]] = field(default_factory=list)

    def run(self, name: str, url: str, connections: int, preamble: str = "") -> Figure:
        figure = wrk(name, url, connections, self.seconds, preamble)
        self.figures.append(figure)
        return figure

    def figure(self, name: str, connections: int) -> Figure:
        return next(f for f in self.figures if f.name == name and f.connections == connections)


def run_benchmarks(args: argparse.Namespace) -> Bench:
    bench = Bench(args.seconds, Path(tempfile.mkdtemp(prefix="bench-")))
    cluster: PrivatePostgres | None = None
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        cluster = PrivatePostgres()
        cluster.init()
        cluster.start()
        cluster.create_database("users_bench")
        database_url = cluster.url("users_bench")
    migrate(database_url)
    env = {
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG": "",
    } | {f"ADMIN_{key.upper()}": value for key, value in ADMIN.items()}
    stack: MakeUp | None = None
    try:
        stack = make_up(bench.tmp, database_url, 1, env)
        direct = stack.instance_url(0)
        bench.notes["load_before"] = loadavg()
        print(f"Stack up: gateway {stack.url}, users {direct}; load average {loadavg()}", flush=True)

        from argon2 import PasswordHasher

        seed_users(database_url, 1_000, PasswordHasher(**ARGON2).hash("seeded users never log in"))
        # Warm-up: workers imported, pools filled, nginx keepalive connections open.
        wrk("warm-up", stack.url + "/users?per_page=100", 16, 3)
        wrk("warm-up", direct + "/users/ping", 16, 3)

        for connections in (16, 64):
            bench.run("gateway static /health (ceiling)", stack.url + "/health", connections)
            bench.run("ping direct", direct + "/users/ping", connections)
            bench.run("ping via gateway", stack.url + "/users/ping", connections)
            bench.run("users list, 1k users", stack.url + "/users", connections, lua_request(pages=10))
            bench.run("users list direct, 1k users", direct + "/users", connections, lua_request(pages=10))

        token = httpx.post(
            direct + "/auth/login",
            json={"email": ADMIN["email"], "password": ADMIN["password"]},
            timeout=30,
        ).json()["auth_token"]
        for connections in (16, 64):
            bench.run(
                "/auth/status with token", direct + "/auth/status", connections, lua_request(token=token)
            )

        login = lua_request("POST", {"email": ADMIN["email"], "password": ADMIN["password"]})
        # The machine's speed drifts (it is shared) by more than the margin being measured, even
        # between one minute and the next: login and raw rate take turns, each login round is
        # compared with the raw rate just before and just after it, and the median round counts.
        rounds: list[LoginRound] = []
        raw_before = raw_argon2_rate(os.cpu_count() or 1)
        for _ in range(LOGIN_ROUNDS):
            figure = wrk("login (argon2id production)", direct + "/auth/login", 16, bench.seconds, login)
            raw_after = raw_argon2_rate(os.cpu_count() or 1)
            rounds.append(LoginRound(figure, raw_before, raw_after))
            print(f"  raw argon2id verifications {raw_before:.1f}/s, then {raw_after:.1f}/s", flush=True)
            raw_before = raw_after
        bench.figures.append(median_round(rounds).figure)
        bench.notes["login_rounds"] = rounds
        with RssSampler(stack.marker) as rss:
            bench.run("login (argon2id production)", direct + "/auth/login", 64, login)
        bench.notes["rss_mb"] = rss.peak
        print(f"  stack RSS peak {rss.peak:.0f} MB", flush=True)

        if not args.skip_servers:
            compare_servers(bench, database_url, env)

        # Page latency at 1k and then 100k users, back to back so that both see the same machine:
        # by key (`after`, what deep paging should use) and, for reference, by page number.
        seed = PasswordHasher(**ARGON2).hash("seeded users never log in")
        by_key_1k = lua_request(after_max=1_000 - PER_PAGE)
        bench.run("users list by key, 1k users", stack.url + "/users", 16, by_key_1k)
        seed_users(database_url, 100_000, seed)
        time.sleep(1.5)  # the workers' cached total ages out
        by_key_100k = lua_request(after_max=100_000 - PER_PAGE)
        bench.run("users list by key, 100k users", stack.url + "/users", 16, by_key_100k)
        bench.run("users list by page number, 100k users", stack.url + "/users", 16, lua_request(pages=1_000))
        bench.notes["load_after"] = loadavg()
    finally:
        if stack is not None:
            stack.stop()
        if cluster is not None:
            cluster.destroy()
        shutil.rmtree(bench.tmp, ignore_errors=True)
    return bench


SERVERS: list[tuple[str, list[str] | None, dict[str, str]]] = [
    ("granian, 2 workers x 4 threads (the service's)", None, {"WEB_CONCURRENCY": "2", "WEB_THREADS": "4"}),
    ("gunicorn sync, 4 workers", ["--workers", "4"], {}),
    ("gunicorn gthread, 3 workers x 4 threads", ["--workers", "3", "--threads", "4"], {}),
]


def compare_servers(bench: Bench, database_url: str, env: dict[str, str], rounds: int = 2) -> None:
    """Ping and the users list on one instance per WSGI server, the same app and database.

    Every instance is up at once and idle while another is measured; the servers take turns,
    round after round, so that drifting load from other work on the machine falls on all of
    them alike. The median round is reported.
    """
    from e2e.reliability.infra import BIN

    fleet = Fleet(bench.tmp / "servers", database_url, extra_env=env)
    fleet.tmp.mkdir()
    metrics_dirs = bench.tmp / "servers-metrics"
    try:
        instances = {}
        for label, gunicorn_args, extra in SERVERS:
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
            wrk("warm-up", instance.url + "/users?per_page=100", 16, 2)
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
                        wrk(f"{endpoint}, {label}", url + path, 16, 8, preamble)
                    )
        bench.workers.extend((f"{endpoint}: {label}", figures) for (label, endpoint), figures in runs.items())
    finally:
        fleet.close()


# ---- the report -------------------------------------------------------------------------------


def ratio(figure: Figure, ceiling: Figure) -> str:
    return f"{figure.rate / ceiling.rate:.3f}" if ceiling.rate else "n/a"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


# The original tutorial stack and fastapi/full-stack-fastapi-template, measured on this kind of
# machine with the same wrk settings (16 connections), beside the static Nginx ceiling of that
# run: (endpoint, our figure, users per request of ours, original with 1 worker, original with
# 5 workers, template with 4 workers).
REFERENCE_CEILING = 59_000.0
REFERENCE: list[tuple[str, str, int, float, float, float]] = [
    ("ping", "ping direct", 1, 850, 1_830, 2_910),
    (
        "users listed per second (theirs: all 1,000 per request; ours: pages of 100)",
        "users list direct, 1k users",
        PER_PAGE,
        16_000,
        63_000,
        8_000,
    ),
    ("current user (/auth/status)", "/auth/status with token", 1, 90, 300, 240),
    (
        "login (hashes differ: theirs bcrypt cost 13 and the template's argon2)",
        "login (argon2id production)",
        1,
        1.8,
        3.3,
        5.3,
    ),
]


def reference_table(bench: Bench) -> list[str]:
    """Ours beside the reference stacks, theirs scaled to this run's machine speed by the ceilings."""
    ceiling = bench.figure("gateway static /health (ceiling)", 16).rate
    scale = ceiling / REFERENCE_CEILING
    rows = [
        "",
        f"Beside the reference stacks (their figures measured earlier on this kind of machine, static "
        f"ceiling {REFERENCE_CEILING:,.0f} req/s; this run's ceiling {ceiling:,.0f}, so theirs are scaled "
        f"by {scale:.2f} for the last column), 16 connections, direct:",
        "",
        "| endpoint | ours | original, 1 worker | original, 5 workers | template, 4 workers "
        "| ours / best reference (scaled) |",
        "|---|---|---|---|---|---|",
    ]
    for label, figure_name, per_request, original, original5, template in REFERENCE:
        ours = bench.figure(figure_name, 16).rate * per_request
        best = max(original, original5, template) * scale
        rows.append(
            f"| {label} | {ours:,.1f} | {original:,.1f} | {original5:,.1f} | {template:,.1f} "
            f"| {ours / best:,.1f}x |"
        )
    return rows


def report(bench: Bench, command: str) -> str:
    info = machine()
    out = [
        f"## {info['date']} · commit {info['commit']}",
        "",
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} memory. "
        f"Load average before/after: {bench.notes.get('load_before')} / {bench.notes.get('load_after')} "
        "(the machine is shared; figures on a loaded machine are lower bounds).",
        f"Command: `{command}`. wrk 2 threads, {bench.seconds} s per figure after a warm-up, 127.0.0.1 only. "
        "Stack: `tools/stack.py up` (the `make up` runner), APP_ENV=production, one users instance with "
        "the server's default workers and threads, PostgreSQL private cluster, RATE_LIMIT_ENABLED=false; "
        "login and /auth/status measured on the users instance directly (the gateway's edge limit on "
        "/auth would answer 429).",
        "",
        "| figure | connections | req/s | ratio to ceiling | mean ms | p99 ms | non-2xx (excl. 429) "
        "| target | |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    targets: dict[str, tuple[str, Any]] = {
        "ping direct": (">= 4,500 req/s", lambda f: f.rate >= 4500),
        "ping via gateway": (">= 3,000 req/s", lambda f: f.rate >= 3000),
        "/auth/status with token": (">= 1,000 req/s", lambda f: f.rate >= 1000),
    }
    for figure in bench.figures:
        ceiling = (
            bench.figure("gateway static /health (ceiling)", figure.connections)
            if any(
                f.name.startswith("gateway static") and f.connections == figure.connections
                for f in bench.figures
            )
            else bench.figure("gateway static /health (ceiling)", 16)
        )
        target, check = targets.get(figure.name, ("", None)) if figure.connections == 16 else ("", None)
        met = verdict(check(figure)) if check else ""
        if figure.name in LIST_FIGURES and figure.connections == 16:
            target, met = ">= 150,000 users/s", verdict(figure.rate * PER_PAGE >= 150_000)
        out.append(
            f"| {figure.name} | {figure.connections} | {figure.rate:,.1f} | {ratio(figure, ceiling)} | "
            f"{figure.mean_ms:.2f} | {figure.p99_ms:.2f} | {figure.unexpected} | {target} | {met} |"
        )

    small = bench.figure("users list, 1k users", 16)
    small_direct = bench.figure("users list direct, 1k users", 16)
    before = bench.figure("users list by key, 1k users", 16)
    large = bench.figure("users list by key, 100k users", 16)
    by_number = bench.figure("users list by page number, 100k users", 16)
    login_rounds: list[LoginRound] = bench.notes["login_rounds"]
    login = median_round(login_rounds)
    unexpected = sum(f.unexpected for f in bench.figures)
    out += [
        "",
        "| derived figure | value | target | |",
        "|---|---|---|---|",
        f"| users serialized per second (list via gateway, 16 conn.) | {small.rate * PER_PAGE:,.0f} | "
        f">= 150,000 | {verdict(small.rate * PER_PAGE >= 150_000)} |",
        f"| users serialized per second (list direct, 16 conn.) | {small_direct.rate * PER_PAGE:,.0f} | "
        f">= 150,000 | {verdict(small_direct.rate * PER_PAGE >= 150_000)} |",
        f"| page latency at 100k users / at 1k, by key (mean, 16 conn., back to back) | "
        f"{large.mean_ms / before.mean_ms:.2f}x ({large.mean_ms:.2f} / {before.mean_ms:.2f} ms) | <= 1.5x | "
        f"{verdict(large.mean_ms <= 1.5 * before.mean_ms)} |",
        f"| the same by page number (OFFSET), for reference | {by_number.mean_ms / before.mean_ms:.2f}x "
        f"({by_number.mean_ms:.2f} ms) | | |",
        f"| login rate / raw argon2id verification rate (16 conn.; {len(login_rounds)} login rounds taking "
        f"turns with the raw rate, each against the mean of the raw rate just before and just after it; "
        f"median round) | {login.ratio:.0%} ({login.figure.rate:.1f} / {login.raw:.1f} per s; rounds "
        f"{', '.join(f'{r.ratio:.0%}' for r in login_rounds)}) | >= 90% | {verdict(login.ratio >= 0.9)} |",
        f"| whole-stack RSS, 64-connection login flood (peak) | {bench.notes['rss_mb']:.0f} MB | < 600 MB | "
        f"{verdict(bench.notes['rss_mb'] < 600)} |",
        f"| non-2xx answers and socket errors, all figures (excl. 429) | {unexpected} | 0 | "
        f"{verdict(unexpected == 0)} |",
    ]
    out += reference_table(bench)
    if bench.workers:

        def median(figures: list[Figure]) -> Figure:
            return sorted(figures, key=lambda f: f.rate)[len(figures) // 2]

        rounds = len(bench.workers[0][1])
        out += [
            "",
            f"WSGI servers, the same app on one instance each (users list: 1k users, pages of 100), "
            f"16 connections, {rounds} rounds of 8 s taking turns; median round, and the range over rounds:",
            "",
            "| endpoint: server | req/s (median) | range | mean ms | p99 ms | non-2xx |",
            "|---|---|---|---|---|---|",
            *(
                f"| {label} | {median(runs).rate:,.1f} | {min(f.rate for f in runs):,.1f}-"
                f"{max(f.rate for f in runs):,.1f} | {median(runs).mean_ms:.2f} | "
                f"{median(runs).p99_ms:.2f} | {sum(f.unexpected for f in runs)} |"
                for label, runs in bench.workers
            ),
        ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=15, help="duration of each measured figure")
    parser.add_argument("--skip-servers", action="store_true", help="skip the WSGI server comparison")
    args = parser.parse_args(argv)
    ensure_wrk()
    command = (
        "make bench" if not argv and len(sys.argv) == 1 else "python bench/run.py " + " ".join(sys.argv[1:])
    )
    bench = run_benchmarks(args)
    text = report(bench, command)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by `make bench` (bench/run.py); newest last.\n\n")
    with RESULTS.open("a") as handle:
        handle.write("\n" + text)
    print("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
