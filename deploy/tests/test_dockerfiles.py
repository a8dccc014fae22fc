"""Every Dockerfile passes hadolint; the service images follow one shape; the start script works."""

from __future__ import annotations

import re
import stat
import sys
from pathlib import Path

import pytest
from conftest import (
    APP_SERVICES,
    PYTHON_DOCKERFILE,
    ROOT,
    dockerfile,
    repo_dockerfiles,
    run,
    stage_chain,
    stages,
    tool,
)

DOCKERFILES = repo_dockerfiles()
SCRIPTS = [
    ROOT / "services" / "users" / "docker-entrypoint.sh",
    ROOT / "services" / "items" / "docker-entrypoint.sh",
    ROOT / "services" / "nginx" / "gateway.envsh",
    ROOT / "deploy" / "kubernetes" / "deploy.sh",
    ROOT / "deploy" / "ecs" / "deploy.sh",
]
ENTRYPOINT = ROOT / "services" / "users" / "docker-entrypoint.sh"


def test_every_service_has_a_dockerfile() -> None:
    assert PYTHON_DOCKERFILE in DOCKERFILES
    for name in (*APP_SERVICES, "nginx"):
        assert dockerfile(name) in DOCKERFILES, name


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_hadolint_passes(dockerfile: Path) -> None:
    result = run(tool("hadolint"), "--config", str(ROOT / ".hadolint.yaml"), "--no-color", str(dockerfile))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_base_images_are_pinned_to_a_version(dockerfile: Path) -> None:
    all_stages = stages(dockerfile)
    for name, instructions in all_stages.items():
        image = instructions[0].split()[1]
        if image in all_stages:
            continue
        assert re.search(r":[^:]*\d+\.\d+", image), f"{dockerfile}: stage {name} uses unpinned {image}"
        assert not image.endswith(":latest")


@pytest.mark.parametrize("service", APP_SERVICES)
@pytest.mark.parametrize("target", ["dev", "prod"])
def test_service_targets_run_unprivileged_with_a_healthcheck(service: str, target: str) -> None:
    all_stages = stages(dockerfile(service))
    assert target in all_stages, f"{dockerfile(service)} has no {target} target"
    chain = stage_chain(all_stages, target)
    users = [line.split()[1] for line in chain if line.upper().startswith("USER ")]
    assert users, f"{service}:{target} runs as root"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) > 0, (
        f"{service}:{target} must run as a numeric non-root uid, not {users[-1]}"
    )
    assert any(line.startswith("HEALTHCHECK CMD") for line in chain) or any(
        line.startswith("HEALTHCHECK --") for line in chain
    ), f"{service}:{target} has no HEALTHCHECK"
    assert any(line.startswith("EXPOSE ") for line in chain)


@pytest.mark.parametrize("service", APP_SERVICES)
def test_prod_is_the_default_target(service: str) -> None:
    assert list(stages(dockerfile(service)))[-1] == "prod"


def test_users_prod_image_carries_no_test_tools() -> None:
    chain = stage_chain(stages(dockerfile("users")), "prod")
    assert not any("requirements-dev" in line for line in chain)
    assert any("--require-hashes" in line for line in stage_chain(stages(dockerfile("users")), "venv"))


@pytest.mark.parametrize("service", APP_SERVICES)
def test_build_context_ignores_local_output(service: str) -> None:
    ignored = (ROOT / "services" / service / ".dockerignore").read_text().split()
    assert "node_modules/" in ignored or ".venv/" in ignored


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_scripts_are_executable_and_pass_shellcheck(script: Path) -> None:
    assert script.stat().st_mode & stat.S_IXUSR, f"{script} is not executable"
    result = run(tool("shellcheck"), "--severity=style", str(script))
    assert result.returncode == 0, result.stdout


@pytest.fixture
def fake_tools(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A python stand-in (manage.py and the server alike) that logs its arguments, on PATH."""
    log = tmp_path / "calls.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python", "seed"):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n')
        script.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    return env, log


def entrypoint(env: dict[str, str], *args: str) -> None:
    result = run("sh", str(ENTRYPOINT), *args, env=env)
    assert result.returncode == 0, result.stderr


def test_start_script_waits_for_the_database_migrates_then_serves(
    fake_tools: tuple[dict[str, str], Path],
) -> None:
    env, log = fake_tools
    entrypoint(env | {"ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "a-long-passphrase"})
    assert log.read_text().splitlines() == [
        "python manage.py wait-db --timeout 60",
        "python manage.py db upgrade",
        "python manage.py create-admin",
        "python -m users_service.server",
    ]


def test_start_script_passes_server_options_and_skips_the_admin_without_credentials(
    fake_tools: tuple[dict[str, str], Path],
) -> None:
    env, log = fake_tools
    entrypoint(env, "serve", "--reload")
    assert log.read_text().splitlines()[-2:] == [
        "python manage.py db upgrade",
        "python -m users_service.server --reload",
    ]


def test_start_script_leaves_migrations_to_the_job_when_told(fake_tools: tuple[dict[str, str], Path]) -> None:
    env, log = fake_tools
    entrypoint(env | {"MIGRATE_ON_START": "false"}, "serve")
    assert log.read_text().splitlines() == ["python -m users_service.server"]


def test_migrate_command_prepares_without_serving(fake_tools: tuple[dict[str, str], Path]) -> None:
    env, log = fake_tools
    entrypoint(env | {"DB_WAIT_TIMEOUT": "120"}, "migrate")
    assert log.read_text().splitlines() == [
        "python manage.py wait-db --timeout 120",
        "python manage.py db upgrade",
    ]


def test_other_commands_run_as_given(fake_tools: tuple[dict[str, str], Path]) -> None:
    env, log = fake_tools
    entrypoint(env, "python", "manage.py", "seed_db")
    assert log.read_text().splitlines() == ["python manage.py seed_db"]


def test_start_script_stops_when_the_database_never_comes(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # manage.py (wait-db) fails; the server, were it started, would leave a mark.
    (bin_dir / "python").write_text(
        "#!/bin/sh\n"
        'case "$*" in\n'
        f'    "-m users_service.server"*) touch "{tmp_path}/served" ;;\n'
        "    *) exit 1 ;;\n"
        "esac\n"
    )
    (bin_dir / "python").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    result = run("sh", str(ENTRYPOINT), env=env)
    assert result.returncode != 0
    assert not (tmp_path / "served").exists()
    # The stand-in does tell the server apart: without the wait, the mark appears.
    result = run("sh", str(ENTRYPOINT), env=env | {"MIGRATE_ON_START": "false"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "served").exists()


def test_the_server_the_start_script_runs_takes_the_options_given_to_it() -> None:
    """`serve` runs `python -m users_service.server`; the dev image and compose pass --reload."""
    dev = stage_chain(stages(dockerfile("users")), "dev")
    prod = stage_chain(stages(dockerfile("users")), "prod")
    assert [line for line in dev if line.startswith("CMD ")][-1] == 'CMD ["serve", "--reload"]'
    assert [line for line in prod if line.startswith("CMD ")][-1] == 'CMD ["serve"]'
    result = run(sys.executable, "-m", "users_service.server", "--help", cwd=ROOT / "services" / "users")
    assert result.returncode == 0, result.stderr
    assert "--reload" in result.stdout
