#!/usr/bin/env python3
"""Run every test suite of the project and print one summary line per suite.

Called by `make test` (and so by .ci/run), after tools/test-prereqs.sh has set up what the
suites need. The users and items suites each run twice: on SQLite and on PostgreSQL
(DATABASE_TEST_URL, default postgresql://postgres@127.0.0.1:5432/postgres). Without a reachable
PostgreSQL a laptop run says so and goes on; under CI (CI=true) it is a failure.

Coverage: every run of the users and items suites measures branch coverage and fails under the
floor in the service's pyproject.toml ([tool.coverage]); the client's `npm test` has its own
gate. Each suite's summary line carries the figure its runner printed.
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
COVERAGE_DIR = ROOT / "var" / "coverage"


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
# pytest-cov: "Required test coverage of 90% reached. Total coverage: 91.24%" (or "not reached");
# without a floor, only coverage's own table and its "TOTAL ... 91%" row.
PYTEST_COV_TOTAL = re.compile(r"Total coverage: (\d+(?:\.\d+)?)%|^TOTAL\s.*\s(\d+(?:\.\d+)?)%\s*$", re.M)
PYTEST_COV_FLOOR = re.compile(r"Required test coverage of (\d+(?:\.\d+)?)% not reached")
# vitest's coverage reports: "text-summary" (the client's) prints "Lines        : 97.84% ( 499/510 )";
# "text" prints a table, a header row naming the columns, then "All files | ... |".
VITEST_SUMMARY_LINES = re.compile(r"^\s*Lines\s*:\s*(\d+(?:\.\d+)?)%", re.M)
VITEST_COLUMNS = re.compile(r"^\s*File\s*\|.*% Lines")
VITEST_ALL_FILES = re.compile(r"^\s*All files\s*\|")
# vitest's gate: "ERROR: Coverage for lines (75%) does not meet global threshold (80%)".
VITEST_FLOOR = re.compile(
    r"Coverage for lines \((\d+(?:\.\d+)?)%\) does not meet global threshold \((\d+(?:\.\d+)?)%\)"
)


def last_summary(output: str) -> str:
    """The runner's own closing line (pytest's '== 12 passed in 3s ==', vitest's 'Tests ...')."""
    for line in reversed(ANSI_ESCAPE.sub("", output).strip().splitlines()):
        text = line.strip().strip("=").strip()
        if any(word in text for word in (" passed", " failed", " error", "Tests ")):
            return text
    return ""


def coverage_figure(output: str) -> str:
    """The coverage a runner printed, as a few words for the summary line ("" when none)."""
    text = ANSI_ESCAPE.sub("", output)
    totals = [precise or rounded for precise, rounded in PYTEST_COV_TOTAL.findall(text)]
    if totals:
        figure = f"branch coverage {totals[-1]} %"
        floor = PYTEST_COV_FLOOR.search(text)
        return figure + (f", under the {floor.group(1)} % floor" if floor else "")
    summary_lines = VITEST_SUMMARY_LINES.findall(text)
    figure = f"lines coverage {summary_lines[-1]} %" if summary_lines else ""
    lines_column = 4  # File | % Stmts | % Branch | % Funcs | % Lines | Uncovered
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if VITEST_COLUMNS.match(line):
            lines_column = cells.index("% Lines")
        elif VITEST_ALL_FILES.match(line) and len(cells) > lines_column:
            figure = f"lines coverage {cells[lines_column]} %"
    floor = VITEST_FLOOR.search(text)
    if floor:
        return f"lines coverage {floor.group(1)} %, under the {floor.group(2)} % floor"
    return figure


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
        output = "".join(captured)
        summary = "; ".join(part for part in (last_summary(output), coverage_figure(output)) if part)
        if summary:
            details.append(summary)
        if returncode != 0:
            detail = summary or f"`{' '.join(command)}` exited {returncode}"
            return Outcome(suite.name, "failed", detail, time.monotonic() - started)
    return Outcome(suite.name, "passed", "; ".join(details), time.monotonic() - started)


# The Python services, each tested on SQLite and on PostgreSQL from its own folder.
SERVICES = ("users", "items")


def service_env(service: str, database_test_url: str, name: str) -> dict[str, str]:
    return {"DATABASE_TEST_URL": database_test_url, "COVERAGE_FILE": str(COVERAGE_DIR / f"{service}-{name}")}


def suites(pg_url: str | None) -> list[Suite]:
    pytest = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    # Branch coverage, subprocesses included, with the floor of the service's pyproject.toml
    # ([tool.coverage]); each run keeps its data in var/coverage.
    with_coverage = [*pytest, "--cov", "--cov-report=term-missing"]
    plan = [
        Suite("tools", [[*pytest, "tools/tests"]]),
        Suite("service kit", [pytest], cwd=ROOT / "services" / "kit"),
        Suite("config (gateway)", [[*pytest, "services/nginx/tests"]]),
    ]
    for service in SERVICES:
        folder = ROOT / "services" / service
        plan.append(
            Suite(f"{service} (SQLite)", [with_coverage], cwd=folder, env=service_env(service, "", "sqlite"))
        )
        if pg_url:
            plan.append(
                Suite(
                    f"{service} (PostgreSQL)",
                    [with_coverage],
                    cwd=folder,
                    env=service_env(service, pg_url, "postgresql"),
                )
            )
    client = ROOT / "services" / "client"
    plan.append(
        Suite(
            "client",
            [
                ["npm", "run", "--silent", "typecheck"],
                ["npm", "run", "--silent", "check:api"],
                ["npm", "test"],
                # The first-load budget of the build `make test` made (initial JS and CSS, gzip).
                ["npm", "run", "--silent", "size"],
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
    COVERAGE_DIR.mkdir(parents=True, exist_ok=True)
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    pg_url = os.environ.get("DATABASE_TEST_URL") or DEFAULT_PG_URL
    outcomes: list[Outcome] = []
    problem = postgres_reachable(pg_url)
    if problem:
        reason = f"no PostgreSQL reachable at {pg_url} ({problem}); set DATABASE_TEST_URL to run it"
        for service in SERVICES:
            outcomes.append(Outcome(f"{service} (PostgreSQL)", "failed" if in_ci else "not run", reason, 0.0))
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
