"""The summary line of each suite: the runner's closing line, and the coverage it printed."""

from __future__ import annotations

from tools.run_suites import ROOT, coverage_figure, last_summary, suites

PYTEST_COV = """\
................                                                     [100%]
================================ tests coverage ================================
Name                                Stmts   Miss Branch BrPart  Cover   Missing
-------------------------------------------------------------------------------
users_service/server.py                96     96     20      0     0%   24-174
-------------------------------------------------------------------------------
TOTAL                                2315    177    426     37    91%

22 files skipped due to complete coverage.
Required test coverage of 90.0% reached. Total coverage: 91.24%
308 passed in 252.96s (0:04:12)
"""

VITEST = """\
 Test Files  12 passed (12)
      Tests  80 passed (80)

 % Coverage report from v8
-----------|---------|----------|---------|---------|-------------------
File       | % Stmts | % Branch | % Funcs | % Lines | Uncovered Line #s
-----------|---------|----------|---------|---------|-------------------
All files  |   84.21 |    71.42 |     100 |   83.87 |
 math.ts   |   84.21 |    71.42 |     100 |   83.87 | 5-7
-----------|---------|----------|---------|---------|-------------------
"""

# The client's report (vite.config.ts: reporter "text-summary"), as `npm test` prints it in a terminal.
VITEST_SUMMARY = """\
\x1b[2m Test Files \x1b[22m \x1b[1m\x1b[32m26 passed\x1b[39m\x1b[22m\x1b[90m (26)\x1b[39m
\x1b[2m      Tests \x1b[22m \x1b[1m\x1b[32m117 passed\x1b[39m\x1b[22m\x1b[90m (117)\x1b[39m

\x1b[34m % \x1b[39m\x1b[2mCoverage report from \x1b[22m\x1b[33mv8\x1b[39m

=============================== Coverage summary ===============================
\x1b[32;1mStatements   : 96.68% ( 583/603 )\x1b[0m
\x1b[32;1mBranches     : 90.12% ( 347/385 )\x1b[0m
\x1b[32;1mFunctions    : 98.52% ( 201/204 )\x1b[0m
\x1b[32;1mLines        : 97.84% ( 499/510 )\x1b[0m
================================================================================
"""


def test_the_users_line_shows_the_precise_total_of_pytest_cov() -> None:
    assert last_summary(PYTEST_COV) == "308 passed in 252.96s (0:04:12)"
    assert coverage_figure(PYTEST_COV) == "branch coverage 91.24 %"


def test_a_coverage_under_the_floor_says_so() -> None:
    failing = PYTEST_COV.replace(
        "Required test coverage of 90.0% reached. Total coverage: 91.24%",
        "FAIL Required test coverage of 90.0% not reached. Total coverage: 87.50%",
    )
    assert coverage_figure(failing) == "branch coverage 87.50 %, under the 90.0 % floor"


def test_without_a_floor_the_total_row_gives_the_figure() -> None:
    floor_line = "Required test coverage of 90.0% reached. Total coverage: 91.24%\n"
    without_floor = PYTEST_COV.replace(floor_line, "")
    assert coverage_figure(without_floor) == "branch coverage 91 %"


def test_the_client_line_shows_the_lines_of_vitests_text_summary() -> None:
    assert last_summary(VITEST_SUMMARY) == "Tests  117 passed (117)"
    assert coverage_figure(VITEST_SUMMARY) == "lines coverage 97.84 %"


def test_a_text_summary_under_the_threshold_says_so() -> None:
    failing = VITEST_SUMMARY + "ERROR: Coverage for lines (97.84%) does not meet global threshold (98%)\n"
    assert coverage_figure(failing) == "lines coverage 97.84 %, under the 98 % floor"


def test_the_client_line_shows_vitest_lines_coverage() -> None:
    assert coverage_figure("\x1b[32m" + VITEST + "\x1b[39m") == "lines coverage 83.87 %"


def test_the_lines_column_is_found_by_its_header() -> None:
    columns = "% Stmts | % Branch | % Funcs | % Lines"
    reordered = VITEST.replace(columns, "% Lines | % Branch | % Funcs | % Stmts")
    assert coverage_figure(reordered) == "lines coverage 84.21 %"


def test_vitest_under_its_threshold_says_so() -> None:
    failing = VITEST + "ERROR: Coverage for lines (83.87%) does not meet global threshold (85%)\n"
    assert coverage_figure(failing) == "lines coverage 83.87 %, under the 85 % floor"


def test_no_coverage_printed_adds_nothing() -> None:
    assert coverage_figure(" Test Files  12 passed (12)\n      Tests  80 passed (80)\n") == ""
    assert coverage_figure("== 25 passed in 3.10s ==\n") == ""


def test_both_services_run_on_sqlite_and_postgresql_with_a_coverage_gate() -> None:
    url = "postgresql://postgres@127.0.0.1:5432/postgres"
    plan = {suite.name: suite for suite in suites(url)}
    for service in ("users", "items"):
        sqlite, postgresql = plan[f"{service} (SQLite)"], plan[f"{service} (PostgreSQL)"]
        for suite in (sqlite, postgresql):
            assert suite.cwd == ROOT / "services" / service
            assert "--cov" in suite.commands[0]
        assert sqlite.env["DATABASE_TEST_URL"] == ""
        assert postgresql.env["DATABASE_TEST_URL"] == url
        # Each run keeps its own coverage data.
        assert sqlite.env["COVERAGE_FILE"] != postgresql.env["COVERAGE_FILE"]
        assert service in sqlite.env["COVERAGE_FILE"]
    names = list(plan)
    assert names.index("items (PostgreSQL)") < names.index("client")
    # Without PostgreSQL, only the SQLite runs are planned.
    assert [name for name in suites(None) if "PostgreSQL" in name.name] == []
