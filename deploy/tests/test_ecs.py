"""The ECS task definitions parse and run the same images, ports and health checks as compose."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import APP_SERVICES, ROOT, run

ECS = ROOT / "deploy" / "ecs"
ENVIRONMENTS = ("staging", "production")
TASKS = ("users", "users-migrate", "client", "swagger")
PLACEHOLDERS = {"${AWS_ACCOUNT_ID}", "${AWS_REGION}", "${REGISTRY}", "${TAG}"}
SECRET_NAMES = {"DATABASE_URL", "SECRET_KEY", "REDIS_URL", "ADMIN_PASSWORD", "POSTGRES_PASSWORD"}


def task_definition(environment: str, name: str) -> dict[str, Any]:
    return json.loads((ECS / "task-definitions" / environment / f"{name}.json").read_text())


def container(environment: str, name: str) -> dict[str, Any]:
    (definition,) = task_definition(environment, name)["containerDefinitions"]
    return definition


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_environment_defines_every_task(environment: str) -> None:
    files = {p.stem for p in (ECS / "task-definitions" / environment).glob("*.json")}
    assert files == set(TASKS)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("name", TASKS)
def test_task_definitions_are_fargate_ready(environment: str, name: str) -> None:
    definition = task_definition(environment, name)
    assert definition["family"] == f"microservices-{environment}-{name}"
    assert definition["networkMode"] == "awsvpc"
    assert definition["requiresCompatibilities"] == ["FARGATE"]
    # Fargate pairs each CPU size with at least twice as many MiB.
    assert int(definition["memory"]) >= 2 * int(definition["cpu"])
    text = json.dumps(definition)
    assert set(re.findall(r"\$\{\w+\}", text)) <= PLACEHOLDERS
    main = container(environment, name)
    assert main["essential"] is True
    assert main["readonlyRootFilesystem"] is True
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", main["user"])
    assert main["linuxParameters"]["capabilities"]["drop"] == ["ALL"]
    assert main["logConfiguration"]["logDriver"] == "awslogs"
    assert {m["containerPath"] for m in main["mountPoints"]} == {"/tmp"}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("service", APP_SERVICES)
def test_images_ports_and_health_checks_match_compose(
    compose: dict[str, dict[str, Any]], environment: str, service: str
) -> None:
    compose_file = "docker-compose-stage.yml" if environment == "staging" else "docker-compose-prod.yml"
    spec = compose[compose_file]["services"][service]
    main = container(environment, service)
    assert main["image"].split("/")[-1] == f"{service}:${{TAG}}"
    assert spec["image"].split("/")[-1].split(":")[0] == service
    assert main["healthCheck"]["command"] == spec["healthcheck"]["test"]
    assert main["healthCheck"]["retries"] == spec["healthcheck"]["retries"]
    health_port = int(re.search(r"127\.0\.0\.1:(\d+)/", " ".join(spec["healthcheck"]["test"])).group(1))
    assert [p["containerPort"] for p in main["portMappings"]] == [health_port]
    expose = re.findall(r"^EXPOSE (\d+)", (ROOT / "services" / service / "Dockerfile").read_text(), re.M)
    assert set(expose) == {str(health_port)}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_users_run_like_the_kubernetes_deployment(environment: str) -> None:
    users = container(environment, "users")
    migrate = container(environment, "users-migrate")
    assert users["command"] == ["serve"] and migrate["command"] == ["migrate"]
    assert users["image"] == migrate["image"]
    env = {e["name"]: e["value"] for e in users["environment"]}
    assert env["APP_ENV"] == environment and env["MIGRATE_ON_START"] == "false"
    assert "healthCheck" not in migrate and "portMappings" not in migrate
    admin = {s["name"] for s in migrate["secrets"]} - {s["name"] for s in users["secrets"]}
    assert admin == {"ADMIN_USERNAME", "ADMIN_EMAIL", "ADMIN_PASSWORD"}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("name", TASKS)
def test_secrets_come_from_parameter_store_never_from_the_file(environment: str, name: str) -> None:
    main = container(environment, name)
    assert not SECRET_NAMES & {e["name"] for e in main.get("environment", [])}
    for secret in main.get("secrets", []):
        assert secret["valueFrom"] == (
            f"arn:aws:ssm:${{AWS_REGION}}:${{AWS_ACCOUNT_ID}}:parameter/microservices/{environment}/{secret['name']}"
        )


def test_client_may_listen_on_port_80_unprivileged() -> None:
    for environment in ENVIRONMENTS:
        controls = container(environment, "client")["systemControls"]
        assert {"namespace": "net.ipv4.ip_unprivileged_port_start", "value": "0"} in controls


def test_staging_and_production_differ_only_in_names_and_sizes() -> None:
    def shape(environment: str, name: str) -> str:
        definition = task_definition(environment, name)
        for key in ("cpu", "memory"):
            definition.pop(key)
        text = json.dumps(definition, sort_keys=True).replace(environment, "ENV")
        return re.sub(r'"WEB_CONCURRENCY", "value": "\d+"', "", text)

    for name in TASKS:
        assert shape("staging", name) == shape("production", name)


def fake_tools(bin_dir: Path, log: Path, exit_code: str) -> None:
    bin_dir.mkdir()
    answers = {
        "sts get-caller-identity": "123456789012",
        "ecr describe-repositories": "registry.test/team/users",
        "ecs register-task-definition": 'arn:task/$(basename "${5#file://}")',
        "ecs describe-services": '{"awsvpcConfiguration": {"subnets": ["subnet-1"]}}',
        "ecs run-task": "arn:migrate-task",
        "ecs describe-tasks": exit_code,
        "ecs update-service": "updated",
    }
    cases = "".join(f'    "{key}"*) echo "{value}" ;;\n' for key, value in answers.items())
    (bin_dir / "aws").write_text(
        "#!/bin/bash\n"
        f'echo "aws $*" >> "{log}"\n'
        'if [ "$2" = register-task-definition ]; then cp "${4#file://}" "'
        + str(log.parent)
        + '/$(date +%s%N).json"; fi\n'
        'case "$1 $2" in\n' + cases + "esac\n"
    )
    for name in ("docker", "git"):
        (bin_dir / name).write_text(
            f'#!/bin/sh\necho "{name} $*" >> "{log}"\n[ "{name}" = git ] && echo 0123abcdef\nexit 0\n'
        )
    for script in bin_dir.iterdir():
        script.chmod(0o755)


@pytest.mark.parametrize("exit_code", ["0", "1"])
def test_deploy_script_builds_pushes_migrates_and_rolls_out(tmp_path: Path, exit_code: str) -> None:
    log = tmp_path / "calls.log"
    fake_tools(tmp_path / "bin", log, exit_code)
    result = run(
        "bash",
        str(ECS / "deploy.sh"),
        "production",
        env={"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "AWS_REGION": "eu-west-1", "TAG": "0123abcdef"},
    )
    calls = log.read_text().splitlines()
    for service in APP_SERVICES:
        image = f"registry.test/team/{service}:0123abcdef"
        assert f"docker build --target prod --tag {image} {ROOT}/services/{service}" in calls
        assert f"docker push {image}" in calls
    assert "docker login --username AWS --password-stdin registry.test" in calls
    registered = sorted(tmp_path.glob("*.json"))
    assert len(registered) == len(TASKS)
    for path in registered:
        text = path.read_text()
        assert "${" not in text
        definition = json.loads(text)
        assert definition["containerDefinitions"][0]["image"].endswith(":0123abcdef")
        assert "123456789012" in definition["executionRoleArn"] and "eu-west-1" in text
    migration = next(i for i, c in enumerate(calls) if c.startswith("aws ecs run-task"))
    updates = [i for i, c in enumerate(calls) if c.startswith("aws ecs update-service")]
    if exit_code == "0":
        assert result.returncode == 0, result.stderr
        assert len(updates) == 3 and min(updates) > migration
        assert all("deploymentCircuitBreaker={enable=true,rollback=true}" in calls[i] for i in updates)
        wait = "aws ecs wait services-stable --cluster microservices-production --services"
        assert calls[-1] == f"{wait} users client swagger"
    else:
        assert result.returncode == 1
        assert "Migrations failed" in result.stderr
        assert not updates


def test_deploy_script_refuses_an_unknown_environment() -> None:
    result = run(
        "bash", str(ECS / "deploy.sh"), "qa", env={"PATH": "/usr/bin:/bin", "AWS_REGION": "eu-west-1"}
    )
    assert result.returncode == 2
    assert "staging|production" in result.stderr
