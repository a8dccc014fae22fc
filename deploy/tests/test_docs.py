"""docs/deployment.md tells each path's command, every setting and the load balancer's routes."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

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
