"""The GitHub Actions workflow is valid, pins its actions, and runs every suite."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, run, tool

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*\s*$")


@pytest.fixture(scope="module")
def ci() -> dict[str, Any]:
    # PyYAML reads the `on:` key as True.
    return yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())


def test_workflows_follow_the_github_workflow_schema() -> None:
    assert WORKFLOWS
    result = run(
        tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_a_commit_with_its_version(workflow: Path) -> None:
    uses = [line for line in workflow.read_text().splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert uses
    for line in uses:
        assert PINNED.match(line), f"not pinned to a full commit SHA with a version comment: {line.strip()}"


def test_every_suite_has_a_job(ci: dict[str, Any]) -> None:
    jobs = ci["jobs"]
    assert set(jobs) == {"lint", "users", "client", "config", "e2e", "images"}
    steps = {name: " ".join(str(step.get("run", "")) for step in job["steps"]) for name, job in jobs.items()}
    assert "make lint" in steps["lint"]
    assert "deploy/tests" in steps["config"]
    assert "npm test" in steps["client"] and "npm run build" in steps["client"]
    assert "pytest" in steps["e2e"] and " e2e" in steps["e2e"]


def test_users_tests_run_on_postgresql(ci: dict[str, Any]) -> None:
    job = ci["jobs"]["users"]
    assert job["services"]["postgres"]["image"].startswith("postgres:17.")
    urls = [step.get("env", {}).get("DATABASE_TEST_URL") for step in job["steps"]]
    assert any(url and url.startswith("postgresql://") for url in urls)
    assert "" in urls  # and on SQLite


def test_images_are_pushed_only_from_main_after_every_check(ci: dict[str, Any]) -> None:
    job = ci["jobs"]["images"]
    assert set(job["needs"]) == {"lint", "users", "client", "config", "e2e"}
    assert "refs/heads/main" in job["env"]["PUSH"] and "push" in job["env"]["PUSH"]
    images = {entry["image"]: entry for entry in job["strategy"]["matrix"]["include"]}
    assert set(images) == {"users", "client", "swagger", "gateway"}
    for entry in images.values():
        assert (ROOT / entry["file"]).is_file()
        assert (ROOT / entry["context"]).is_dir()
    build = next(step for step in job["steps"] if "build-push-action" in step.get("uses", ""))
    assert "${{ github.sha }}" in build["with"]["tags"]
    assert build["with"]["target"] == "prod"


def test_workflow_token_is_read_only(ci: dict[str, Any]) -> None:
    assert ci["permissions"] == {"contents": "read"}
    assert set(ci[True]) == {"push", "pull_request", "workflow_dispatch"}
    for job in ci["jobs"].values():
        assert job["timeout-minutes"] <= 30
