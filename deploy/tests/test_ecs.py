"""The ECS task definitions parse and run the same images, ports and health checks as compose."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import APP_SERVICES, ROOT, dockerfile, image_volume, run, writable_by

ECS = ROOT / "deploy" / "ecs"
ENVIRONMENTS = ("staging", "production")
TASKS = (
    "users",
    "users-migrate",
    "users-relay",
    "items",
    "items-migrate",
    "items-consumer",
    "client",
    "swagger",
)
# The ECS services deploy.sh rolls out, and the one-off migration tasks it runs before them.
SERVICES = ("users", "users-relay", "items", "items-consumer", "client", "swagger")
MIGRATIONS = ("users-migrate", "items-migrate")
PLACEHOLDERS = {"${AWS_ACCOUNT_ID}", "${AWS_REGION}", "${REGISTRY}", "${TAG}"}
SECRET_NAMES = {
    "DATABASE_URL",
    "ITEMS_DATABASE_URL",
    "SECRET_KEY",
    "JWT_PRIVATE_KEYS",
    "EVENTS_FEED_TOKEN",
    "REDIS_URL",
    "ADMIN_PASSWORD",
    "POSTGRES_PASSWORD",
}


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


def image_of(main: dict[str, Any]) -> str:
    """The service directory whose Dockerfile builds a container's image."""
    return main["image"].rsplit("/", 1)[-1].split(":")[0]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("name", TASKS)
def test_every_container_can_write_its_tmp_on_fargate(environment: str, name: str) -> None:
    """The root filesystem is read-only: /tmp must be a volume the container's user may write.

    Fargate knows no tmpfs. Its bind-mount volume starts empty, owned by root with mode 0755,
    unless the image declares the same path a VOLUME: then it takes the image's owner and mode.
    """
    definition = task_definition(environment, name)
    main = container(environment, name)
    uid = int(main["user"].split(":")[0])
    assert main["readonlyRootFilesystem"] is True
    assert "tmpfs" not in main["linuxParameters"], "Fargate refuses tmpfs mounts"
    (mount,) = [m for m in main["mountPoints"] if m["containerPath"] == "/tmp"]
    assert mount.get("readOnly") is False
    (volume,) = [v for v in definition["volumes"] if v["name"] == mount["sourceVolume"]]
    assert set(volume) == {"name"}, "a bind mount of the task's ephemeral storage"
    owner, mode = image_volume(dockerfile(image_of(main)), "prod", "/tmp") or (0, 0o755)
    assert writable_by(uid, owner, mode), (
        f"{name} runs as {uid} but Fargate mounts /tmp as uid {owner}, mode {mode:o}"
    )


def test_the_fargate_volume_rule_tells_writable_from_not() -> None:
    assert not writable_by(10001, 0, 0o755) and not writable_by(101, 0, 0o755)
    assert writable_by(101, 0, 0o1777) and writable_by(10001, 10001, 0o700)


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
    expose = re.findall(r"^EXPOSE (\d+)", dockerfile(service).read_text(), re.M)
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
    assert "JWT_PRIVATE_KEYS" in {s["name"] for s in users["secrets"]}


def secret_names(main: dict[str, Any]) -> set[str]:
    return {secret["name"] for secret in main.get("secrets", [])}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_items_run_like_users_on_their_own_database(environment: str) -> None:
    items = container(environment, "items")
    migrate = container(environment, "items-migrate")
    consumer = container(environment, "items-consumer")
    assert items["command"] == ["serve"] and migrate["command"] == ["migrate"]
    assert items["image"] == migrate["image"] == consumer["image"] == "${REGISTRY}/items:${TAG}"
    env = {e["name"]: e["value"] for e in items["environment"]}
    assert env["APP_ENV"] == environment and env["MIGRATE_ON_START"] == "false"
    assert "healthCheck" not in migrate and "portMappings" not in migrate
    # Its own database, never the users one; no signing key: it checks tokens offline
    # against the users service's key set.
    for main in (items, migrate, consumer):
        names = secret_names(main)
        assert "ITEMS_DATABASE_URL" in names
        assert not names & {"DATABASE_URL", "SECRET_KEY", "JWT_PRIVATE_KEYS"}
    assert "USERS_JWKS_URL" in secret_names(items)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_relay_and_consumer_meet_in_redis(environment: str) -> None:
    relay = container(environment, "users-relay")
    consumer = container(environment, "items-consumer")
    users = container(environment, "users")
    assert relay["command"] == ["relay"]
    assert consumer["command"] == ["consume"]
    assert relay["image"] == users["image"]
    # The relay starts as the users service does (the settings production requires).
    assert secret_names(relay) == secret_names(users) - {"SMTP_URL", "MAIL_FROM", "TRUSTED_PROXIES"}
    assert "REDIS_URL" in secret_names(relay) & secret_names(consumer)
    for main in (relay, consumer):
        assert "portMappings" not in main
        assert main["healthCheck"]["command"] == ["CMD", "python", "manage.py", "wait-db", "--timeout", "3"]
        env = {e["name"]: e["value"] for e in main["environment"]}
        assert env["APP_ENV"] == environment


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


FAKE_AWS = """#!{python}
# The AWS CLI against a fake account, answering as its environment says (see deploy()).
import json, os, shutil, sys, time
from pathlib import Path

state = Path({state!r})
args = sys.argv[1:]
with (state / "calls.log").open("a") as log:
    log.write("aws " + " ".join(args) + "\\n")
command = " ".join(args[:2])
query = args[args.index("--query") + 1] if "--query" in args else ""
if command == "sts get-caller-identity":
    print("123456789012")
elif command == "ssm get-parameters":
    names = args[args.index("--names") + 1 :]
    assert len(names) <= 10, "get-parameters takes at most ten names"
    print("\\t".join(n for n in names if n.rsplit("/", 1)[-1] in os.environ.get("MISSING", "").split()))
elif command == "ecr describe-repositories":
    print("registry.test/team/users")
elif command == "ecr get-login-password":
    print("password")
elif command == "ecs register-task-definition":
    source = Path(args[args.index("--cli-input-json") + 1].removeprefix("file://"))
    family = json.loads(source.read_text())["family"]
    shutil.copy(source, state / f"{{time.monotonic_ns()}}-{{family}}.json")
    print(f"arn:aws:ecs:eu-west-1:123456789012:task-definition/{{family}}:2")
elif command == "ecs describe-services" and "networkConfiguration" in query:
    print(json.dumps({{"awsvpcConfiguration": {{"subnets": ["subnet-1"]}}}}))
elif command == "ecs describe-services":
    service = args[args.index("--services") + 1]
    revision = 1 if service in os.environ.get("ROLLED_BACK", "").split() else 2
    print(f"arn:aws:ecs:eu-west-1:123456789012:task-definition/microservices-production-{{service}}:{{revision}}")
elif command == "ecs run-task":
    print(os.environ.get("RUN_TASK", "arn:aws:ecs:eu-west-1:123456789012:task/migrate\\tNone"))
elif command == "ecs describe-tasks":
    print(os.environ.get("MIGRATION_EXIT", "0") + "\\tEssential container in task exited")
elif command == "ecs update-service":
    print(args[args.index("--service") + 1])
"""


def deploy(tmp_path: Path, shell: list[str] | None = None, **env: str) -> tuple[Any, list[str], Path]:
    """deploy.sh production against stand-ins for aws, docker and git; returns its calls."""
    state = tmp_path / "state"
    state.mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "aws").write_text(FAKE_AWS.format(python=sys.executable, state=str(state)))
    (bin_dir / "docker").write_text(
        f'#!/bin/sh\necho "docker $*" >> "{state / "calls.log"}"\n[ "$1" != login ] || cat > /dev/null\n'
    )
    (bin_dir / "git").write_text(
        "#!/bin/sh\n"
        f'echo "git $*" >> "{state / "calls.log"}"\n'
        'case "$*" in\n'
        '    *"status --porcelain"*) printf "%s" "${DIRTY:-}" ;;\n'
        '    *"rev-parse HEAD"*) echo 0123abcdef0123abcdef0123abcdef0123abcdef ;;\n'
        "esac\n"
    )
    for script in bin_dir.iterdir():
        script.chmod(0o755)
    result = run(
        *(shell or ["bash"]),
        str(ECS / "deploy.sh"),
        "production",
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "AWS_REGION": "eu-west-1"} | env,
    )
    calls = (state / "calls.log").read_text().splitlines() if (state / "calls.log").exists() else []
    return result, calls, state


SHELLS = {"bash": ["bash"], "posix": ["bash", "--posix"], "compat-3.2": ["env", "BASH_COMPAT=3.2", "bash"]}
SHA = "0123abcdef0123abcdef0123abcdef0123abcdef"


def indexes(calls: list[str], prefix: str) -> list[int]:
    return [i for i, call in enumerate(calls) if call.startswith(prefix)]


@pytest.mark.parametrize("shell", SHELLS, ids=list(SHELLS))
def test_deploy_script_builds_pushes_migrates_and_rolls_out(tmp_path: Path, shell: str) -> None:
    result, calls, state = deploy(tmp_path, SHELLS[shell])
    assert result.returncode == 0, result.stderr
    assert f"Deployed {SHA} to microservices-production." in result.stdout
    for service in APP_SERVICES:
        image = f"registry.test/team/{service}:{SHA}"  # the workers' images among them
        # The task definitions run on X86_64 whatever machine builds (an arm64 Mac, say).
        assert (
            f"docker build --platform linux/amd64 --target prod --build-context kit={ROOT}/services/kit "
            f"--tag {image} {ROOT}/services/{service}" in calls
        )
        assert f"docker push {image}" in calls
    assert "docker login --username AWS --password-stdin registry.test" in calls
    registered = sorted(state.glob("*.json"))
    assert len(registered) == len(TASKS)
    for path in registered:
        text = path.read_text()
        assert "${" not in text
        definition = json.loads(text)
        assert definition["containerDefinitions"][0]["image"].endswith(f":{SHA}")
        assert definition["runtimePlatform"]["cpuArchitecture"] == "X86_64"
        assert "123456789012" in definition["executionRoleArn"] and "eu-west-1" in text
    migrations = indexes(calls, "aws ecs run-task")
    assert len(migrations) == len(MIGRATIONS)
    for index, name in zip(migrations, MIGRATIONS, strict=True):
        assert f"task-definition/microservices-production-{name}:2" in calls[index]
        # In the network configuration of the service it migrates for.
        service = name.removesuffix("-migrate")
        asked = [i for i in indexes(calls, "aws ecs describe-services") if "networkConfiguration" in calls[i]]
        assert any(f"--services {service} " in calls[i] and i < index for i in asked)
    updates = indexes(calls, "aws ecs update-service")
    assert len(updates) == len(SERVICES) and min(updates) > max(migrations)
    assert [calls[i].split("--service ")[1].split()[0] for i in updates] == list(SERVICES)
    assert all("deploymentCircuitBreaker={enable=true,rollback=true}" in calls[i] for i in updates)
    (wait,) = indexes(calls, "aws ecs wait services-stable")
    assert calls[wait] == (
        "aws ecs wait services-stable --cluster microservices-production --services " + " ".join(SERVICES)
    )
    checks = [i for i in indexes(calls, "aws ecs describe-services") if "taskDefinition" in calls[i]]
    assert len(checks) == len(SERVICES) and min(checks) > wait


def test_deploy_script_checks_every_ssm_parameter_first(tmp_path: Path) -> None:
    result, calls, _ = deploy(tmp_path, MISSING="SMTP_URL MAIL_FROM")
    assert result.returncode == 1
    assert "/microservices/production/SMTP_URL" in result.stderr
    assert "/microservices/production/MAIL_FROM" in result.stderr
    assert not indexes(calls, "docker build") and not indexes(calls, "aws ecs")
    asked = {
        n for c in indexes(calls, "aws ssm get-parameters") for n in calls[c].split("--names ")[1].split()
    }
    referenced = {
        secret["valueFrom"].split(":parameter")[1].replace("${AWS_REGION}", "")
        for name in TASKS
        for secret in container("production", name).get("secrets", [])
    }
    assert asked == referenced


def test_deploy_script_stops_when_the_migrations_fail(tmp_path: Path) -> None:
    result, calls, _ = deploy(tmp_path, MIGRATION_EXIT="1")
    assert result.returncode == 1
    assert "Migrations failed (exit code 1: Essential container in task exited)" in result.stderr
    assert not indexes(calls, "aws ecs update-service")


def test_deploy_script_stops_when_the_migration_task_cannot_start(tmp_path: Path) -> None:
    result, calls, _ = deploy(tmp_path, RUN_TASK="None\tRESOURCE:ENI")
    assert result.returncode == 1
    assert "did not start (RESOURCE:ENI)" in result.stderr
    assert not indexes(calls, "aws ecs wait tasks-stopped") and not indexes(calls, "aws ecs update-service")


def test_deploy_script_reports_a_circuit_breaker_rollback(tmp_path: Path) -> None:
    result, _, _ = deploy(tmp_path, ROLLED_BACK="client")
    assert result.returncode == 1
    assert "Rolled back: client" in result.stderr
    assert "Deployed" not in result.stdout


def test_deploy_script_tags_only_a_clean_tree_with_its_commit(tmp_path: Path) -> None:
    result, calls, _ = deploy(tmp_path / "dirty", DIRTY=" M services/users/manage.py\n")
    assert result.returncode == 1 and "uncommitted changes" in result.stderr
    assert not indexes(calls, "docker") and not indexes(calls, "aws")
    result, calls, _ = deploy(tmp_path / "named", DIRTY=" M services/users/manage.py\n", TAG="hotfix-1")
    assert result.returncode == 0, result.stderr
    assert "docker push registry.test/team/users:hotfix-1" in calls


BASH_4_ONLY = {
    "associative arrays": r"declare\s+-[a-zA-Z]*A|local\s+-[a-zA-Z]*A",
    "mapfile/readarray": r"\b(mapfile|readarray)\b",
    "case conversion": r"\$\{\w+(\[[^]]*\])?(,,?|\^\^?)",
    "case fall-through": r";;&|;&",
    "|& and &>>": r"\|&|&>>",
    "coproc": r"\bcoproc\b",
    "wait -n": r"\bwait\s+-n\b",
    "namerefs": r"(declare|local)\s+-[a-zA-Z]*n\b",
    "parameter transformations": r"\$\{\w+@[QEPAaKk]\}",
    "negative subscripts": r"\$\{\w+\[-\d+\]\}",
}


@pytest.mark.parametrize(
    "script", [ECS / "deploy.sh", ROOT / "deploy" / "kubernetes" / "deploy.sh"], ids=lambda p: p.parent.name
)
def test_deploy_scripts_use_only_what_bash_3_2_has(script: Path) -> None:
    """macOS ships bash 3.2; its operators run these scripts with it."""
    code = "\n".join(line for line in script.read_text().splitlines() if not line.lstrip().startswith("#"))
    for feature, pattern in BASH_4_ONLY.items():
        assert not re.search(pattern, code), f"{script.name} uses {feature}, which bash 3.2 lacks"
    assert re.search(BASH_4_ONLY["associative arrays"], "declare -A arns")


def test_deploy_script_refuses_an_unknown_environment() -> None:
    result = run(
        "bash", str(ECS / "deploy.sh"), "qa", env={"PATH": "/usr/bin:/bin", "AWS_REGION": "eu-west-1"}
    )
    assert result.returncode == 2
    assert "staging|production" in result.stderr
