"""The GitHub Actions workflow is valid, pins its actions, and runs every suite."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, TEST_SIGNING_KEY, load_compose, load_yaml_documents, run, tool

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


CI_RUN = ROOT / ".ci" / "run"


def steps_of(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in job["steps"])


def test_the_jobs_lint_test_and_build_images(ci: dict[str, Any]) -> None:
    jobs = ci["jobs"]
    assert set(jobs) == {"lint", "test", "images"}
    assert "make lint" in steps_of(jobs["lint"])


def test_the_workflow_tests_exactly_what_ci_run_tests(ci: dict[str, Any]) -> None:
    """The test job runs .ci/run, which runs `make test`; no job runs a suite of its own."""
    assert CI_RUN.read_text().rstrip().splitlines()[-1] == "make test"
    runs = {name: steps_of(job) for name, job in ci["jobs"].items()}
    assert [line for line in runs["test"].splitlines() if ".ci/run" in line] == ["bash .ci/run"]
    for name, script in runs.items():
        for runner in ("pytest", "npm test", "npm run test", "vitest", "make test", "tools/run_suites.py"):
            assert runner not in script, f"job {name} runs {runner} besides .ci/run"
    # Nothing changes which suites .ci/run selects, such as an empty DATABASE_TEST_URL.
    job = ci["jobs"]["test"]
    env = dict(job.get("env", {}))
    for step in job["steps"]:
        env |= step.get("env", {})
    assert set(env) <= {"CI"} and env.get("CI") == "true"


TEST_PREREQS = ROOT / "tools" / "test-prereqs.sh"


def debian_packages_installed_by_make_test() -> set[str]:
    return set(re.findall(r'missing="\$missing ([\w-]+)"', TEST_PREREQS.read_text()))


def test_the_test_job_is_a_machine_ci_run_can_prepare(ci: dict[str, Any]) -> None:
    """`make test` (which .ci/run runs) installs Debian's chromium, PostgreSQL, redis-server and
    slowhttptest, as root, and starts Redis; PostgreSQL it only starts, so trust auth for
    postgres@127.0.0.1 (which the suites connect as, without a password) must be there before."""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test:.*\btest-prereqs\b", makefile, re.M)
    assert re.search(r"^test-prereqs:\n\t@?sh tools/test-prereqs\.sh$", makefile, re.M)
    installed = debian_packages_installed_by_make_test()
    assert {"chromium", "postgresql", "redis-server", "slowhttptest"} <= installed
    assert "redis-server --daemonize yes --bind 127.0.0.1 --port 6379" in TEST_PREREQS.read_text()
    job = ci["jobs"]["test"]
    container = job["container"]
    image = container if isinstance(container, str) else container["image"]
    # Debian (the packages above are Debian's), Python 3.11 (the version the project locks for).
    assert re.match(r"python:3\.11\.\d+(-slim)?-(bookworm|trixie)@sha256:", image), image
    assert "--user" not in str(container.get("options", "")), ".ci/run installs packages as root"
    setup = steps_of(job).split("bash .ci/run")[0]
    assert re.search(r"apt-get install[^\n]*\\\n[^\n]*\bpostgresql\b", setup) or re.search(
        r"apt-get install[^\n]*\bpostgresql\b", setup
    )
    hba = re.findall(r"^host\s+all\s+all\s+(\S+)\s+(\S+)$", setup, re.M)
    assert ("127.0.0.1/32", "trust") in hba and ("::1/128", "trust") in hba
    assert re.search(r"pg_ctlcluster \S+ main start", setup)
    # The tests assume PostgreSQL 127.0.0.1:5432 and Redis 127.0.0.1:6379 inside this
    # container; service containers would answer on other host names.
    assert "services" not in job
    for program in ("git", "make"):
        assert re.search(rf"apt-get install[^#]*\b{program}\b", setup), f"the container lacks {program}"


def test_node_and_python_versions(ci: dict[str, Any]) -> None:
    # Node.js 20 is past its end of life; 22 is an LTS line.
    assert int(ci["env"]["NODE_VERSION"]) >= 22
    assert ci["env"]["PYTHON_VERSION"] == "3.11"
    for job in ci["jobs"].values():
        for step in job["steps"]:
            if "setup-node" in step.get("uses", ""):
                assert step["with"]["node-version"] == "${{ env.NODE_VERSION }}"


def test_dependencies_are_cached(ci: dict[str, Any]) -> None:
    for name in ("lint", "test"):
        steps = ci["jobs"][name]["steps"]
        node = next(s for s in steps if "setup-node" in s.get("uses", ""))
        assert node["with"]["cache"] == "npm"
        assert set(node["with"]["cache-dependency-path"].split()) == {
            "services/client/package-lock.json",
            "services/swagger/package-lock.json",
        }
        python = [s for s in steps if "setup-python" in s.get("uses", "")]
        pip = [
            s for s in steps if "actions/cache@" in s.get("uses", "") and ".cache/pip" in s["with"]["path"]
        ]
        assert (python and python[0]["with"]["cache"] == "pip") or pip, f"{name} does not cache pip"
        for step in python:
            assert step["with"]["cache-dependency-path"] == "requirements/dev.txt"
        for step in pip:
            assert "hashFiles('requirements/dev.txt')" in step["with"]["key"]


SHA = "0123abcdef0123abcdef0123abcdef0123abcdef"
REGISTRY = "registry.test/team"


def pushed_images(ci: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each image reference the images job pushes from main, with the matrix entry it builds."""
    job = ci["jobs"]["images"]
    build = next(step for step in job["steps"] if "build-push-action" in step.get("uses", ""))
    pushed = {}
    for entry in job["strategy"]["matrix"]["include"]:
        values = {f"matrix.{key}": str(value) for key, value in entry.items()}
        values |= {"vars.IMAGE_REGISTRY || 'local'": REGISTRY, "github.sha": SHA}
        for tag in build["with"]["tags"].split("\n"):
            if not tag.strip():
                continue
            reference = re.sub(r"\$\{\{ (.+?) \}\}", lambda m, v=values: v[m.group(1)], tag.strip())
            assert "${{" not in reference, reference
            assert reference not in pushed, f"two images are pushed as {reference}"
            pushed[reference] = entry
    return pushed


def compose_reference(template: str) -> str:
    values = {"REGISTRY": REGISTRY, "TAG": SHA}
    return re.sub(r"\$\{(\w+):-[^}]*\}", lambda m: values[m.group(1)], template)


def test_each_target_pulls_the_gateway_variant_built_for_it(ci: dict[str, Any], tmp_path: Path) -> None:
    from test_kubernetes import deploy_with_a_fake_cluster

    pushed = pushed_images(ci)
    for name in ("docker-compose-prod.yml", "docker-compose-stage.yml"):
        gateway = load_compose(name)["services"]["gateway"]
        reference = compose_reference(gateway["image"])
        assert reference in pushed, f"{name} pulls {reference}, which CI does not push"
        assert pushed[reference]["build-args"] == f"TARGET={gateway['build']['args']['TARGET']}"
    sandbox = tmp_path / "sandbox"
    shutil.copytree(
        ROOT / "deploy" / "kubernetes",
        sandbox,
        ignore=shutil.ignore_patterns("secrets.env", "jwt-private-keys.pem"),
    )
    for example in sandbox.glob("overlays/*/secrets.env.example"):
        example.with_name("secrets.env").write_text(example.read_text())
        example.with_name("jwt-private-keys.pem").write_text(TEST_SIGNING_KEY)
    result, _, applied, state = deploy_with_a_fake_cluster(
        sandbox, tmp_path / "run", "Complete", ["bash"], overlay="prod"
    )
    assert result.returncode == 0, result.stderr
    last = max(int(line.split()[0]) for line in applied)
    (deployment,) = [
        doc
        for doc in load_yaml_documents(state / f"apply-{last}.yaml")
        if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "gateway"
    ]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    reference = container["image"].replace("registry.test/team/", f"{REGISTRY}/").replace("0123abc", SHA)
    assert reference in pushed, f"Kubernetes pulls {reference}, which CI does not push"
    assert pushed[reference]["build-args"] == "TARGET=kubernetes"


def test_images_are_pushed_only_from_main_after_every_check(ci: dict[str, Any]) -> None:
    job = ci["jobs"]["images"]
    assert set(job["needs"]) == {"lint", "test"}
    assert "refs/heads/main" in job["env"]["PUSH"] and "push" in job["env"]["PUSH"]
    images = {entry["image"] for entry in job["strategy"]["matrix"]["include"]}
    assert images == {"users", "items", "client", "swagger", "gateway"}
    for entry in job["strategy"]["matrix"]["include"]:
        assert (ROOT / entry["file"]).is_file()
        assert (ROOT / entry["context"]).is_dir()
    build = next(step for step in job["steps"] if "build-push-action" in step.get("uses", ""))
    assert "${{ github.sha }}" in build["with"]["tags"]
    assert build["with"]["target"] == "prod"
    scopes = {
        build["with"]["cache-to"]
        .replace("${{ matrix.image }}", e["image"])
        .replace("${{ matrix.tag_suffix }}", e["tag_suffix"])
        for e in job["strategy"]["matrix"]["include"]
    }
    assert len(scopes) == len(job["strategy"]["matrix"]["include"]), "two builds share a cache"


def test_workflow_token_is_read_only(ci: dict[str, Any]) -> None:
    assert ci["permissions"] == {"contents": "read"}
    assert set(ci[True]) == {"push", "pull_request", "workflow_dispatch"}
    for job in ci["jobs"].values():
        assert job["timeout-minutes"] <= 45


def test_ci_builds_every_image_the_deploy_files_run(ci: dict[str, Any]) -> None:
    """The items service's image (and its consumer's, the same) is pushed beside the others."""
    pushed = {reference.rsplit("/", 1)[-1].split(":")[0] for reference in pushed_images(ci)}
    run_by_deploy_files = set()
    for name in ("docker-compose-prod.yml", "docker-compose-stage.yml"):
        for service in load_compose(name)["services"].values():
            image = service["image"]
            if image.startswith("${REGISTRY"):
                run_by_deploy_files.add(image.rsplit("/", 1)[-1].split(":")[0])
    for path in (ROOT / "deploy" / "ecs" / "task-definitions").glob("*/*.json"):
        image = json.loads(path.read_text())["containerDefinitions"][0]["image"]
        run_by_deploy_files.add(image.rsplit("/", 1)[-1].split(":")[0])
    assert {"users", "items", "client", "swagger", "gateway"} <= run_by_deploy_files
    assert run_by_deploy_files <= pushed
    # The Python services' one Dockerfile builds each of them from its own folder.
    python_images = {
        job["image"]: (job["context"], job["build-args"])
        for job in ci["jobs"]["images"]["strategy"]["matrix"]["include"]
        if job["file"] == "services/python-service.Dockerfile"
    }
    assert python_images == {
        service: (f"services/{service}", f"SERVICE={service}") for service in ("users", "items")
    }
