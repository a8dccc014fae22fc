"""docs/deployment.md tells each path's command, every setting and the load balancer's routes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, of_kind, run

DOC = (ROOT / "docs" / "deployment.md").read_text()


@pytest.mark.parametrize(
    "command",
    [
        "docker-compose up -d --build",
        "docker-compose exec users python manage.py recreate_db",
        "docker-compose exec users python manage.py seed_db",
        "docker-compose exec users python manage.py test",
        "docker-compose -f docker-compose-stage.yml up -d --build",
        "docker-compose -f docker-compose-prod.yml up -d --build",
        "deploy/kubernetes/deploy.sh dev dev",
        "deploy/kubernetes/deploy.sh prod",
        "deploy/ecs/deploy.sh staging",
        "deploy/ecs/deploy.sh production",
    ],
)
def test_each_path_has_its_command(command: str) -> None:
    assert command in DOC


def test_every_setting_of_the_production_stack_is_documented(compose: dict) -> None:
    for name in ("docker-compose-prod.yml", "docker-compose-stage.yml"):
        for variable in compose[name]["services"]["users"]["environment"]:
            assert f"`{variable}`" in DOC, variable
    prod_files = ("docker-compose-prod.yml", "docker-compose-base.yml", "deploy/compose/prod.yml")
    for path in prod_files:
        for variable in re.findall(r"(?<!\$)\$\{(\w+)", (ROOT / path).read_text()):
            assert f"`{variable}`" in DOC, variable


def test_load_balancer_rules_mirror_the_gateway_routes() -> None:
    section = DOC.split("### ALB listener rules", 1)[1].split("### Deploy", 1)[0]
    for pattern in ("`/users`, `/users/*`", "`/auth`, `/auth/*`", "`/swagger`, `/swagger/*`", "`/health`"):
        assert pattern in section
    assert "forward to `client` (port 80)" in section
    template = (ROOT / "services" / "nginx" / "nginx.conf.template").read_text()
    for location in ("^/auth(/|$)", "^/users(/|$)", "location = /health", "location = /swagger"):
        assert location in template, f"the gateway no longer routes {location}: update the ALB rules"


def test_rollback_and_scaling_are_covered_for_each_path() -> None:
    for section in ("## Docker Compose", "## Kubernetes", "## AWS ECS"):
        body = DOC.split(section, 1)[1].split("\n## ", 1)[0]
        assert "**Roll back**" in body and "**Scale**" in body, section


# The first-deploy checklists: each step one command, checked against the files it names.

KUBE = ROOT / "deploy" / "kubernetes"
ECS = ROOT / "deploy" / "ecs"
STEP = re.compile(r"^\d+\. `([^`]+)`:(.*?)(?=^\d+\. `|\Z)", re.M | re.S)


def section(title: str) -> str:
    return DOC.split(title, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]


def checklist(target: str) -> list[tuple[str, list[str]]]:
    """(command, the backticked names of its explanation) for each step."""
    body = section(f"### First-deploy checklist ({target})")
    steps = [(command, re.findall(r"`([^`]+)`", prose)) for command, prose in STEP.findall(body)]
    assert len(steps) >= 8, f"the {target} checklist has {len(steps)} steps"
    assert body.count("\n1. ") == 1
    return steps


def test_compose_keeps_a_place_for_its_checklist() -> None:
    compose = DOC.split("## Docker Compose", 1)[1].split("\n## ", 1)[0]
    assert "### First-deploy checklist (Compose)" in compose


def script_variables(script: Path) -> set[str]:
    return set(re.findall(r"\$\{(\w+)", script.read_text()))


def check_script_call(command: str) -> list[str]:
    """`NAME=value ... path/deploy.sh args`: the script exists and reads each variable."""
    words = command.split()
    index = next(i for i, word in enumerate(words) if word.endswith("deploy.sh"))
    script = ROOT / words[index]
    assert script.is_file() and os.access(script, os.X_OK), command
    for assignment in words[:index]:
        name = assignment.split("=", 1)[0]
        assert name in script_variables(script), f"{script.name} does not read {name}"
    return words[index + 1 :]


def gateway_routes(path: str) -> bool:
    template = (ROOT / "services" / "nginx" / "nginx.conf.template").read_text()
    first = "/" + path.strip("/").split("/")[0]
    return f"location = {path}" in template or f"^{first}(/|$)" in template


def test_kubernetes_checklist_matches_the_files(rendered: dict[str, list[dict[str, Any]]]) -> None:
    resources = rendered["prod"]
    kustomization = yaml.safe_load((KUBE / "overlays" / "prod" / "kustomization.yaml").read_text())
    namespace = kustomization["namespace"]
    ingress = of_kind(resources, "Ingress")["gateway"]
    (host,) = {rule["host"] for rule in ingress["spec"]["rules"]}
    commands = []
    for command, names in checklist("Kubernetes"):
        commands.append(command)
        words = command.split()
        if words[:3] == ["kubectl", "get", "ingressclass"]:
            assert words[3] == ingress["spec"]["ingressClassName"]
        elif words[0] == "kubectl" and "--namespace" in words:
            assert words[words.index("--namespace") + 1] == namespace
            for reference in words[words.index("get") + 1 :]:
                kind, name = reference.split("/")
                kinds = {"job": "Job", "deployment": "Deployment", "statefulset": "StatefulSet"}
                assert name in of_kind(resources, kinds[kind]), reference
        elif words[0] == "kubectl" and words[1] == "kustomize":
            assert (ROOT / words[2] / "kustomization.yaml").is_file()
        elif words[0] == "cp":
            source, target = ROOT / words[1], words[2]
            assert source.is_file()
            ignored = run("git", "check-ignore", "--no-index", "-q", target)
            assert ignored.returncode == 0, f"{target} would be committed"
            keys = {line.split("=", 1)[0] for line in source.read_text().splitlines() if "=" in line}
            assert {n for n in names if n.isupper()} <= keys, names
        elif words[0] == "$EDITOR":
            edited = (ROOT / words[1]).read_text()
            for name in names:
                if name.isupper() or "-" in name:
                    assert name in edited, f"{words[1]} has no {name}"
        elif words[0] == "curl":
            url = words[-1]
            assert url.startswith(f"https://{host}/"), f"{url}: the Ingress answers {host}"
            assert gateway_routes(url.split(host, 1)[1]), url
            assert of_kind(resources, "ConfigMap")
        elif "deploy.sh" in command:
            overlay = check_script_call(command)[0]
            assert (KUBE / "overlays" / overlay / "kustomization.yaml").is_file()
    assert any("deploy/kubernetes/deploy.sh prod" in c for c in commands)
    (config,) = [
        c["data"] for n, c in of_kind(resources, "ConfigMap").items() if n.startswith("users-config-")
    ]
    assert config["PUBLIC_URL"] == f"https://{host}"


def ecs_definitions(environment: str) -> dict[str, dict[str, Any]]:
    folder = ECS / "task-definitions" / environment
    return {path.stem: json.loads(path.read_text()) for path in folder.glob("*.json")}


def deploy_script_list(name: str) -> list[str]:
    match = re.search(rf'^{name}="([^"]+)"', (ECS / "deploy.sh").read_text(), re.M)
    assert match, name
    return match.group(1).split()


def test_ecs_checklist_matches_the_files() -> None:
    environment = "staging"
    definitions = ecs_definitions(environment)
    parameters = {
        secret["valueFrom"].split(":parameter", 1)[1]
        for definition in definitions.values()
        for secret in definition["containerDefinitions"][0].get("secrets", [])
    }
    roles = {
        definition[key].rsplit("/", 1)[1]
        for definition in definitions.values()
        for key in ("executionRoleArn", "taskRoleArn")
        if key in definition
    }
    log_groups = {
        d["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"]
        for d in definitions.values()
    }
    cluster = re.search(r'^cluster="\$\{ECS_CLUSTER:-(.+)\}"$', (ECS / "deploy.sh").read_text(), re.M)
    assert cluster
    default_cluster = cluster.group(1).replace("${env}", environment)
    seen_roles, named_parameters = set(), set()
    for command, names in checklist("ECS"):
        words = command.split()
        if command.startswith("for name in"):
            listed = command.split(" in ", 1)[1].split(";", 1)[0].split()
            assert "ecr create-repository" in command and listed == deploy_script_list("images")
        elif words[:3] == ["aws", "ecs", "create-cluster"]:
            assert words[words.index("--cluster-name") + 1] == default_cluster
        elif words[:3] == ["aws", "logs", "create-log-group"]:
            assert {words[words.index("--log-group-name") + 1]} == log_groups
        elif words[:3] == ["aws", "ssm", "put-parameter"]:
            name = words[words.index("--name") + 1]
            prefix = name.rsplit("/", 1)[0]
            named_parameters = {name} | {f"{prefix}/{n}" for n in names if n.isupper()}
        elif words[:3] == ["aws", "iam", "get-role"]:
            seen_roles.add(words[words.index("--role-name") + 1])
        elif words[:3] == ["aws", "ecs", "describe-services"]:
            assert words[words.index("--cluster") + 1] == default_cluster
            services = words[words.index("--services") + 1 :]
            assert services == deploy_script_list("services")
            assert set(services) | set(deploy_script_list("migrations")) == set(definitions)
        elif "deploy.sh" in command:
            assert check_script_call(command) == [environment]
        elif words[0] == "curl":
            path = "/" + words[-1].split("://", 1)[1].split("/", 1)[1]
            rules = DOC.split("### ALB listener rules", 1)[1].split("### Deploy", 1)[0]
            assert f"`{path}`" in rules or f"`/{path.strip('/').split('/')[0]}/*`" in rules, path
    assert named_parameters == parameters, "the parameters to create are not the ones ECS reads"
    assert seen_roles == roles


def test_the_kubernetes_section_tells_which_root_filesystems_are_writable(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    body = section("## Kubernetes")
    for name, deployment in of_kind(rendered["prod"], "Deployment").items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            if not container["securityContext"].get("readOnlyRootFilesystem"):
                assert f"except the {name}'s" in body, f"the docs call {name}'s root filesystem read-only"


def test_the_kubernetes_section_says_readiness_waits_for_the_schema() -> None:
    body = section("## Kubernetes")
    assert "`/health/ready` answers 503 until the database schema is at the" in body.replace("\n", " ")


def test_commands_that_pipe_a_container_into_a_file_have_no_terminal() -> None:
    """`exec -t` would mix carriage returns into a dump; Compose's exec allocates a TTY unless -T."""
    commands = re.findall(r"`([^`]*\bexec\b[^`]*>[^`]*)`", DOC)
    assert any(command.startswith("docker-compose") for command in commands), commands
    assert any(command.startswith("kubectl") for command in commands), commands
    for command in commands:
        words = command.split()
        if words[0] == "kubectl":
            assert "-t" not in words and "-it" not in words, command
        else:
            assert "-T" in words, command


def test_each_target_says_how_to_set_trusted_proxies() -> None:
    body = section("### Client addresses behind proxies")
    for target in ("**Compose behind a TLS terminator", "**Kubernetes.**", "**AWS ECS.**"):
        assert target in body
    # Compose: the network the published port forwards from, by the name Compose gives it.
    assert "microservices-prod_edge" in body and "microservices-stage_edge" in body
    kustomization = yaml.safe_load((KUBE / "base" / "kustomization.yaml").read_text())
    literals = dict(item.split("=", 1) for item in kustomization["configMapGenerator"][0]["literals"])
    assert f"`{literals['TRUSTED_PROXIES']}`" in body
    for needed in ("`externalTrafficPolicy: Local`", "PROXY protocol", "VPC's CIDR"):
        assert needed in body


def test_the_redis_section_says_what_happens_when_it_is_full(compose: dict) -> None:
    body = section("### Redis: never evicted")
    command = compose["docker-compose-prod.yml"]["services"]["redis"]["command"]
    assert f"`--maxmemory {command[command.index('--maxmemory') + 1]} --maxmemory-policy noeviction`" in body
    assert "503" in body and "`Retry-After`" in body
