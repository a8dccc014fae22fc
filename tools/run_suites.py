#!/usr/bin/env python3
"""Run every test suite of the project and print one summary line per suite.

Called by `make test` (and so by .ci/run), after tools/test-prereqs.sh has set up what the
suites need. The users suite runs twice: on SQLite and on PostgreSQL (DATABASE_TEST_URL, default
postgresql://postgres@127.0.0.1:5432/postgres). Without a reachable PostgreSQL a laptop run
says so and goes on; under CI (CI=true) it is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass
class Suite:
    name: str
    commands: list[list[str]]
    cwd: Path = ROOT
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    name: str
    status: str  # passed | failed | not run
    detail: str
    seconds: float


def postgres_reachable(url: str) -> str | None:
    """None when PostgreSQL answers at ``url``'s server, else the reason."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(conninfo, connect_timeout=3, dbname="postgres"):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def last_summary(output: str) -> str:
    """The runner's own closing line (pytest's '== 12 passed in 3s ==', vitest's 'Tests ...')."""
    for line in reversed(ANSI_ESCAPE.sub("", output).strip().splitlines()):
        text = line.strip().strip("=").strip()
        if any(word in text for word in (" passed", " failed", " error", "Tests ")):
            return text
    return ""


def run_suite(suite: Suite) -> Outcome:
    print(f"\n===== {suite.name} =====", flush=True)
    started = time.monotonic()
    env = dict(os.environ) | suite.env
    details = []
    for command in suite.commands:
        process = subprocess.Popen(
            command, cwd=suite.cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        captured = []
        for line in process.stdout:
            sys.stdout.write(line)
            captured.append(line)
        sys.stdout.flush()
        returncode = process.wait()
        summary = last_summary("".join(captured))
        if summary:
            details.append(summary)
        if returncode != 0:
            detail = summary or f"`{' '.join(command)}` exited {returncode}"
            return Outcome(suite.name, "failed", detail, time.monotonic() - started)
    return Outcome(suite.name, "passed", "; ".join(details), time.monotonic() - started)


def suites(pg_url: str | None) -> list[Suite]:
    pytest = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    users = ROOT / "services" / "users"
    no_pg = {"DATABASE_TEST_URL": ""}
    plan = [
        Suite("tools", [[*pytest, "tools/tests"]]),
        Suite("config (gateway)", [[*pytest, "services/nginx/tests"]]),
        Suite("users (SQLite)", [pytest], cwd=users, env=no_pg),
    ]
    if pg_url:
        plan.append(Suite("users (PostgreSQL)", [pytest], cwd=users, env={"DATABASE_TEST_URL": pg_url}))
    client = ROOT / "services" / "client"
    plan.append(
        Suite(
            "client",
            [
                ["npm", "run", "--silent", "typecheck"],
                ["npm", "run", "--silent", "check:api"],
                ["npm", "test"],
            ],
            cwd=client,
        )
    )
    if (ROOT / "deploy" / "tests").is_dir():
        plan.append(Suite("config (deploy)", [[*pytest, "deploy/tests"]]))
    plan.append(Suite("end-to-end", [[*pytest, "e2e", "--ignore=e2e/reliability"]]))
    if (ROOT / "e2e" / "reliability").is_dir():
        plan.append(Suite("reliability", [[*pytest, "e2e/reliability"]]))
    return plan


def main() -> int:
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    pg_url = os.environ.get("DATABASE_TEST_URL") or DEFAULT_PG_URL
    outcomes: list[Outcome] = []
    problem = postgres_reachable(pg_url)
    if problem:
        reason = f"no PostgreSQL reachable at {pg_url} ({problem}); set DATABASE_TEST_URL to run it"
        outcomes.append(Outcome("users (PostgreSQL)", "failed" if in_ci else "not run", reason, 0.0))
    for suite in suites(None if problem else pg_url):
        outcomes.append(run_suite(suite))

    print("\n===== summary =====")
    width = max(len(o.name) for o in outcomes)
    for outcome in outcomes:
        print(f"{outcome.name:<{width}}  {outcome.status:<7}  {outcome.seconds:6.1f}s  {outcome.detail}")
    passed = sum(o.status == "passed" for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    skipped = sum(o.status == "not run" for o in outcomes)
    closing = f"suites: {passed} passed, {failed} failed"
    print(closing + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
