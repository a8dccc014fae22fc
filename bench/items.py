"""The items service's figures of `make bench` (issue 17), each a ratio or a count of one run.

1. Pages: ``GET /items?per_page=100`` of a user who owns 100 items against ``GET
   /users?per_page=100``, through the gateway and on the instances directly, the two taking
   turns in every round (the order reversed every other round); each round's ratio is items
   req/s over users req/s, and the median round counts. Target: at least 1.
2. Token check: the items service's check of an access token as a request makes it (a token
   the process verified before, and the refusals it holds in memory) as a share of its ping, both
   in-process (bench/items_cpu.py): instructions counted by callgrind over N calls of each, less
   a run that only starts the app (repeatable whatever the machine's load), and CPU time
   taken in turns as a cross-check. Target: at most 10 %.
3. Event delivery: users deleted by an admin at a fixed rate through the users service, each
   deletion's lag from the users service's answer to the items consumer applying its event
   (``processed_events.applied_at``, in the items database), over the path `make up` takes by
   default (the users service's HTTP feed, polled). Every deleted user's items must be gone.
   Target: p99 under 1 s, nothing lost.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from e2e.reliability.infra import run_to_end

ROOT = Path(__file__).resolve().parents[1]
ITEMS_DIR = ROOT / "services" / "items"
CPU_SCRIPT = ROOT / "bench" / "items_cpu.py"

PER_PAGE = 100
PAGE_TARGET = 1.0
CHECK_SHARE_TARGET = 0.10
LAG_P99_TARGET = 1.0  # seconds
DELETIONS_PER_SECOND = 200
DELETION_SECONDS = 10
ITEMS_PER_DELETED_USER = 2
CPU_CALLS = 2000
DELIVERY_WAIT = 30.0  # seconds after the last deletion
KEYS_WAIT = 90.0  # seconds for the items service to hold the users service's key set

# (name, url, connections, seconds, wrk preamble) -> a figure with .rate, .unexpected, .mean_ms, .p99_ms
Measure = Callable[[str, str, int, int, str], Any]


@dataclass
class ItemsTarget:
    """What the figures need of a running stack of ours."""

    gateway: str
    users: str  # the users instance, directly
    items: str  # the items instance, directly
    users_database: str
    items_database: str
    env: dict[str, str]  # the stack's settings, for the in-process run
    token: Callable[[], str]  # a fresh admin access token


@dataclass
class Lag:
    source: str
    requested: int
    statuses: dict[int, int]
    sent_seconds: float  # from the first deletion sent to the last
    late_p99: float  # how late a deletion left against its schedule (seconds)
    delivered: int
    items_left: int
    lags: list[float]
    applied_seconds: float  # from the first event applied to the last

    @property
    def deleted(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def lost(self) -> int:
        return self.deleted - self.delivered

    def percentile(self, share: float) -> float:
        if not self.lags:
            return float("nan")
        ordered = sorted(self.lags)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def ok(self) -> bool:
        return (
            self.requested > 0
            and self.deleted == self.requested
            and self.lost == 0
            and self.items_left == 0
            and self.percentile(0.99) < LAG_P99_TARGET
        )


@dataclass
class ItemsFigures:
    # "via gateway" / "direct": per round, (users page figure, items page figure)
    pages: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)
    instructions: dict[str, float] = field(default_factory=dict)  # per call: ping, check, verify
    cpu_note: str = ""
    turns: list[float] = field(default_factory=list)  # CPU time of N checks / N pings, per round
    lags: list[Lag] = field(default_factory=list)

    def figures(self) -> list[Any]:
        return [figure for rounds in self.pages.values() for pair in rounds for figure in pair]


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def sqlalchemy_url(url: str) -> str:
    """The items database's URL for SQLAlchemy here (psycopg 3 is the driver installed)."""
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


# ---- data ---------------------------------------------------------------------------------------


def give_items(target: ItemsTarget, token: str, count: int) -> None:
    """The admin's own items, through the API, topped up to ``count``."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=target.items, headers=headers, timeout=30) as client:
        # An items worker that started before the users instance answered has no key set yet,
        # and refetches it at most once per JWKS_REFRESH_INTERVAL: wait for that.
        deadline = time.monotonic() + KEYS_WAIT
        while (first := client.get("/items", params={"per_page": 1})).status_code == 401:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the items service still refuses the admin's token after {KEYS_WAIT:.0f} s"
                )
            time.sleep(1)
        have = first.raise_for_status().json()["data"]["total"]
        for n in range(have, count):
            client.post(
                "/items", json={"title": f"bench item {n}", "description": "x" * 120}
            ).raise_for_status()
        page = client.get("/items", params={"per_page": PER_PAGE}).raise_for_status().json()["data"]
    if len(page["items"]) < PER_PAGE:
        raise RuntimeError(f"GET /items?per_page={PER_PAGE} gave {len(page['items'])} items, not {PER_PAGE}")


def users_to_delete(target: ItemsTarget, count: int, password_hash: str) -> list[int]:
    """``count`` new users (one SQL statement, as bench/run.py seeds them), each owning
    ITEMS_PER_DELETED_USER items in the items database."""
    import psycopg
    from sqlalchemy import MetaData, create_engine

    tag = os.urandom(4).hex()
    with psycopg.connect(target.users_database, autocommit=True) as conn:
        rows = conn.execute(
            "INSERT INTO users (username, email, password_hash, active, admin, created_date, token_version) "
            "SELECT 'bench-gone-' || %s || '-' || n, 'bench-gone-' || %s || '-' || n || '@bench.example', "
            "%s, true, false, now(), 0 FROM generate_series(1, %s) AS n RETURNING id",
            (tag, tag, password_hash, count),
        ).fetchall()
    ids = sorted(int(row[0]) for row in rows)
    engine = create_engine(sqlalchemy_url(target.items_database))
    try:
        metadata = MetaData()
        metadata.reflect(engine, only=["items"])
        items = metadata.tables["items"]
        now = datetime.now(UTC)
        values = [
            {
                "owner_id": user_id,
                "title": f"item {n} of user {user_id}",
                "description": "",
                "created_date": now,
                "updated_date": now,
            }
            for user_id in ids
            for n in range(ITEMS_PER_DELETED_USER)
        ]
        with engine.begin() as connection:
            connection.execute(items.insert(), values)
    finally:
        engine.dispose()
    return ids


# ---- 1. pages -------------------------------------------------------------------------------------


def pages(target: ItemsTarget, measure: Measure, seconds: int, rounds: int, figures: ItemsFigures) -> None:
    """Users and items pages of 100, taking turns, through the gateway and directly."""
    preamble = f'wrk.headers["Authorization"] = "Bearer {target.token()}"\n'
    paths = {
        "via gateway": (target.gateway, target.gateway),
        "direct": (target.users, target.items),
    }
    for round_ in range(rounds):
        print(f"Items round {round_ + 1} of {rounds}, 16 connections:", flush=True)
        if round_:
            preamble = f'wrk.headers["Authorization"] = "Bearer {target.token()}"\n'
        for where, (users, items) in paths.items():
            turn = [
                ("users", f"users page of {PER_PAGE} {where}", f"{users}/users?per_page={PER_PAGE}", ""),
                (
                    "items",
                    f"items page of {PER_PAGE} {where}",
                    f"{items}/items?per_page={PER_PAGE}",
                    preamble,
                ),
            ]
            if round_ % 2:
                turn.reverse()
            measured = {who: measure(name, url, 16, seconds, script) for who, name, url, script in turn}
            figures.pages.setdefault(where, []).append((measured["users"], measured["items"]))


# ---- 2. the token check's CPU ------------------------------------------------------------------


def cpu_env(target: ItemsTarget, token: str) -> dict[str, str]:
    env = dict(os.environ) | target.env
    for name in (
        "JWT_PRIVATE_KEYS",
        "PROMETHEUS_MULTIPROC_DIR",
        "DATABASE_URL",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ):
        env.pop(name, None)
    kit = ROOT / "services" / "kit"
    return env | {
        "ITEMS_DATABASE_URL": target.items_database,
        "USERS_JWKS_URL": f"{target.users}/auth/jwks.json",
        "BENCH_TOKEN": token,
        "PYTHONPATH": os.pathsep.join([str(ITEMS_DIR), str(kit), str(ROOT), env.get("PYTHONPATH", "")]),
        "PYTHONHASHSEED": "0",
        # The checks share one connection for the whole run, slowed down many times under
        # callgrind: no per-request deadline on it (a ping never touches the database).
        "REQUEST_DEADLINE": "0",
    }


def callgrind_total(out: Path) -> int:
    for line in out.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {out}")


def token_check_cost(target: ItemsTarget, figures: ItemsFigures, calls: int = CPU_CALLS) -> None:
    """Instructions per ping and per token check (callgrind), and CPU time in turns."""
    env = cpu_env(target, target.token())
    python = sys.executable
    print("Token check against ping, in-process:", flush=True)
    turns = run_to_end(
        [python, str(CPU_SCRIPT), "turns", "--calls", "500", "--rounds", "7"],
        cwd=ITEMS_DIR,
        env=env,
        timeout=600,
        failure="bench/items_cpu.py turns failed",
    )
    figures.turns = json.loads(turns.strip().splitlines()[-1])["ratios"]
    print(
        f"  CPU time, N checks / N pings, per round: {', '.join(f'{r:.3f}' for r in figures.turns)}",
        flush=True,
    )
    if not shutil.which("valgrind"):
        figures.cpu_note = "valgrind is not installed: no instruction counts, CPU time in turns only"
        print(f"  {figures.cpu_note}", flush=True)
        return
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as tmp:
        runs = {}
        for what in ("none", "ping", "check", "verify"):
            out = Path(tmp) / f"callgrind.{what}"
            command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-instr=no"]
            command += [python, str(CPU_SCRIPT), what, "--calls", str(0 if what == "none" else calls)]
            runs[what] = (
                out,
                subprocess.Popen(
                    command,
                    cwd=ITEMS_DIR,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        totals = {}
        for what, (out, process) in runs.items():
            _, errors = process.communicate(timeout=1800)
            if process.returncode != 0:
                raise RuntimeError(f"callgrind of bench/items_cpu.py {what} failed:\n{errors[-2000:]}")
            totals[what] = callgrind_total(out)
    for what in ("ping", "check", "verify"):
        figures.instructions[what] = (totals[what] - totals["none"]) / calls
        print(f"  {what}: {figures.instructions[what] / 1000:,.0f}k instructions per call", flush=True)


# ---- 3. event delivery --------------------------------------------------------------------------


def delete_at_rate(
    target: ItemsTarget, ids: list[int], rate: float
) -> tuple[list[tuple[int, int, datetime]], float, float]:
    """DELETE /users/{id} for each id, the i-th sent at start + i / rate (threads, so a slow
    answer does not hold the next ones back). Returns (id, status, answered at) per deletion,
    the seconds from the first sent to the last, and the p99 of how late they left."""
    headers = {"Authorization": f"Bearer {target.token()}"}
    local = threading.local()
    clients: list[httpx.Client] = []
    lock = threading.Lock()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=target.users, headers=headers, timeout=30)
            with lock:
                clients.append(local.client)
        return local.client  # type: ignore[no-any-return]

    start = time.monotonic() + 0.5
    sent: list[float] = [0.0] * len(ids)

    def delete(index: int) -> tuple[int, int, datetime]:
        due = start + index / rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        sent[index] = time.monotonic() - due
        try:
            status = client().delete(f"/users/{ids[index]}").status_code
        except httpx.HTTPError:
            status = 0
        return ids[index], status, datetime.now(UTC)

    try:
        with ThreadPoolExecutor(max_workers=48) as pool:
            results = list(pool.map(delete, range(len(ids))))
    finally:
        for each in clients:
            each.close()
    seconds = (len(ids) - 1) / rate + max(sent[-1], 0.0) - max(sent[0], 0.0)
    return results, seconds, median_high(sent, 0.99)


def median_high(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def delivery_lag(target: ItemsTarget, password_hash: str, source: str) -> Lag:
    import psycopg
    from sqlalchemy import bindparam, create_engine, text

    count = DELETIONS_PER_SECOND * DELETION_SECONDS
    ids = users_to_delete(target, count, password_hash)
    print(
        f"Event delivery ({source}): deleting {count} users, "
        f"{DELETIONS_PER_SECOND}/s for {DELETION_SECONDS} s, "
        f"each with {ITEMS_PER_DELETED_USER} items...",
        flush=True,
    )
    results, seconds, late = delete_at_rate(target, ids, DELETIONS_PER_SECOND)
    statuses: dict[int, int] = {}
    for _, status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    answered = {user_id: at for user_id, status, at in results if status == 200}
    with psycopg.connect(target.users_database, autocommit=True) as conn:
        events: dict[str, int] = dict(
            conn.execute(
                "SELECT event_id, user_id FROM outbox_events "
                "WHERE type = 'user.deleted' AND user_id = ANY(%s)",
                (list(answered),),
            ).fetchall()
        )
    engine = create_engine(sqlalchemy_url(target.items_database))
    applied: dict[str, datetime] = {}
    try:
        processed = text(
            "SELECT event_id, applied_at FROM processed_events WHERE event_id IN :ids"
        ).bindparams(bindparam("ids", expanding=True))
        deadline = time.monotonic() + DELIVERY_WAIT
        while True:
            with engine.connect() as connection:
                applied = {
                    row[0]: row[1] for row in connection.execute(processed, {"ids": list(events) or [""]})
                }
            if len(applied) >= len(events) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        left_query = text("SELECT count(*) FROM items WHERE owner_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        with engine.connect() as connection:
            items_left = int(connection.execute(left_query, {"ids": ids}).scalar() or 0)
    finally:
        engine.dispose()
    lags: list[float] = []
    applied_moments: list[datetime] = []
    for event_id, at in applied.items():
        if isinstance(at, str):  # SQLite gives the text back
            at = datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        applied_moments.append(at)
        lags.append((at - answered[events[event_id]]).total_seconds())
    moments = [at.timestamp() for at in applied_moments]
    spread = max(moments) - min(moments) if moments else 0.0
    lag = Lag(source, count, statuses, seconds, late, len(applied), items_left, lags, spread)
    print(
        f"  sent in {seconds:.1f} s (p99 {late * 1000:.0f} ms late), statuses {statuses}; delivered "
        f"{lag.delivered} of {lag.deleted}, items left {items_left}; "
        f"lag p50 {lag.percentile(0.5) * 1000:.0f} ms, "
        f"p99 {lag.percentile(0.99) * 1000:.0f} ms, max {max(lags, default=0) * 1000:.0f} ms",
        flush=True,
    )
    return lag


# ---- all of it, and the report -----------------------------------------------------------------


def run(target: ItemsTarget, measure: Measure, seconds: int, rounds: int, password_hash: str) -> ItemsFigures:
    figures = ItemsFigures()
    give_items(target, target.token(), PER_PAGE)
    measure(
        "warm-up [items]",
        f"{target.items}/items?per_page={PER_PAGE}",
        16,
        min(3, seconds),
        f'wrk.headers["Authorization"] = "Bearer {target.token()}"\n',
    )
    pages(target, measure, seconds, rounds, figures)
    token_check_cost(target, figures)
    figures.lags.append(delivery_lag(target, password_hash, "HTTP feed, polled (make up's default)"))
    return figures


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def rows(figures: ItemsFigures) -> tuple[list[str], int, int]:
    """The items table of the report, and the targets met and set."""
    out = [
        "| items figure | value (median round) | rounds | target | |",
        "|---|---|---|---|---|",
    ]
    met = total = 0
    for where, rounds in figures.pages.items():
        ratios = [items.rate / users.rate if users.rate else 0.0 for users, items in rounds]
        value = median(ratios)
        users_rate = median([users.rate for users, _ in rounds])
        items_rate = median([items.rate for _, items in rounds])
        errors = sum(f.unexpected for pair in rounds for f in pair)
        total += 1
        met += value >= PAGE_TARGET and errors == 0
        out.append(
            f"| items page of {PER_PAGE} / users page of {PER_PAGE}, req/s, {where} (16 conn.; "
            f"{items_rate:,.1f} / {users_rate:,.1f} req/s; non-2xx + socket errors {errors}) | {value:.2f} | "
            f"{', '.join(f'{r:.2f}' for r in ratios)} | >= {PAGE_TARGET:.1f} | "
            f"{verdict(value >= PAGE_TARGET and errors == 0)} |"
        )
    if figures.instructions:
        ping, check, verify = (figures.instructions[w] for w in ("ping", "check", "verify"))
        share = check / ping
        total += 1
        met += share <= CHECK_SHARE_TARGET
        out.append(
            f"| token check in items / `GET /items/ping`, instructions in-process (callgrind, "
            f"{CPU_CALLS} calls each: {check / 1000:,.0f}k / {ping / 1000:,.0f}k) | {share:.1%} | | "
            f"<= {CHECK_SHARE_TARGET:.0%} | "
            f"{verdict(share <= CHECK_SHARE_TARGET)} |"
        )
        out.append(
            f"| for comparison, a full signature and claims check, nothing remembered "
            f"(`verify_access_token`: {verify / 1000:,.0f}k) | "
            f"{verify / ping:.1%} | | | |"
        )
    if figures.turns:
        value = median(figures.turns)
        shown = f"| token check / ping, CPU time in-process, taking turns (500 calls each) | {value:.1%} | "
        shown += f"{', '.join(f'{r:.3f}' for r in figures.turns)} | "
        if figures.instructions:
            out.append(shown + "cross-check | |")
        else:
            total += 1
            met += value <= CHECK_SHARE_TARGET
            out.append(shown + f"<= {CHECK_SHARE_TARGET:.0%} | {verdict(value <= CHECK_SHARE_TARGET)} |")
    if figures.cpu_note:
        out.append(f"| token check: {figures.cpu_note} | | | | |")
    for lag in figures.lags:
        total += 1
        met += lag.ok
        out.append(
            f"| event delivery lag, {lag.source}: {lag.requested} admin deletions at "
            f"{DELETIONS_PER_SECOND}/s "
            f"(sent over {lag.sent_seconds:.1f} s, p99 {lag.late_p99 * 1000:.0f} ms behind schedule; "
            f"answers {lag.statuses}; the consumer applied them over {lag.applied_seconds:.1f} s), "
            "users answer to items consumer applied | "
            f"p50 {lag.percentile(0.5) * 1000:.0f} ms, p99 {lag.percentile(0.99) * 1000:.0f} ms, "
            f"max {max(lag.lags, default=0) * 1000:.0f} ms; delivered {lag.delivered} of {lag.deleted}, "
            f"items left {lag.items_left} | | p99 < {LAG_P99_TARGET:.0f} s, none lost | {verdict(lag.ok)} |"
        )
    return out, met, total
