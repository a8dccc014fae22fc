"""Each deployment target passes the users service every setting production needs.

The one list is deploy/production-settings.txt; each target is checked against it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import (
    PRODUCTION_SETTINGS,
    ROOT,
    EnvSource,
    Setting,
    container_environment,
    of_kind,
    production_settings,
)

SETTINGS = production_settings()
# The users service reads its settings through its own package and the services' shared kit.
USERS_SOURCES = (ROOT / "services" / "users" / "users_service", ROOT / "services" / "kit" / "service_kit")
ECS = ROOT / "deploy" / "ecs" / "task-definitions"
# The containers of each target that run each process of the users service.
KUBERNETES_WORKLOADS = {"serve": ("Deployment", "users"), "migrate": ("Job", "users-migrate")}
ECS_TASKS = {"serve": "users", "migrate": "users-migrate"}


def test_the_list_names_what_the_service_reads() -> None:
    source = "\n".join(path.read_text() for package in USERS_SOURCES for path in package.rglob("*.py"))
    names = [setting.name for setting in SETTINGS]
    assert len(names) == len(set(names))
    for setting in SETTINGS:
        if setting.required:
            assert f"{setting.name}:" in source or f'"{setting.name}"' in source, (
                f"{setting.name} is listed in {PRODUCTION_SETTINGS.name} but the users service never reads it"
            )
    assert {"SMTP_URL", "MAIL_FROM", "PUBLIC_URL"} <= {s.name for s in SETTINGS if s.required}
    assert "TRUSTED_PROXIES" in {s.name for s in SETTINGS if not s.required}


def check(setting: Setting, env: dict[str, EnvSource], takes_any_config: bool, where: str) -> None:
    """Required settings are there; secrets come from a secret store; optional ones can be given."""
    if setting.name in env:
        source = env[setting.name]
        assert not setting.secret or source.secret, f"{where}: {setting.name} is a secret but a plain value"
        assert not setting.required or not source.optional, f"{where}: {setting.name} may be left out"
    else:
        assert not setting.required, f"{where} lacks {setting.name}"
        assert takes_any_config and not setting.secret, f"{where} gives no way to set {setting.name}"


def kubernetes_checks() -> list[tuple[str, Setting]]:
    return [(process, s) for s in SETTINGS for process in sorted(s.processes)]


@pytest.mark.parametrize(("process", "setting"), kubernetes_checks(), ids=lambda v: getattr(v, "name", v))
def test_kubernetes_prod_passes_the_setting(
    rendered: dict[str, list[dict[str, Any]]], process: str, setting: Setting
) -> None:
    resources = rendered["prod"]
    kind, name = KUBERNETES_WORKLOADS[process]
    workload = of_kind(resources, kind)[name]
    env = container_environment(workload, resources)
    container = workload["spec"]["template"]["spec"]["containers"][0]
    # Every key of the users-config ConfigMap reaches the container: a setting added to the
    # overlay's configMapGenerator needs no other change.
    takes_any_config = any("configMapRef" in source for source in container.get("envFrom", []))
    check(setting, env, takes_any_config, f"{kind}/{name}")
    if setting.name == "APP_ENV":
        assert env["APP_ENV"].value == "production"


def ecs_environment(environment: str, task: str) -> dict[str, EnvSource]:
    definition = json.loads((ECS / environment / f"{task}.json").read_text())
    (container,) = definition["containerDefinitions"]
    env = {e["name"]: EnvSource(False, e["value"]) for e in container.get("environment", [])}
    env |= {s["name"]: EnvSource(True, s["valueFrom"]) for s in container.get("secrets", [])}
    return env


def ecs_checks() -> list[tuple[str, str, Setting]]:
    return [
        (environment, process, s)
        for environment in ("staging", "production")
        for s in SETTINGS
        for process in sorted(s.processes)
    ]


@pytest.mark.parametrize(
    ("environment", "process", "setting"), ecs_checks(), ids=lambda v: getattr(v, "name", v)
)
def test_ecs_passes_the_setting(environment: str, process: str, setting: Setting) -> None:
    task = ECS_TASKS[process]
    env = ecs_environment(environment, task)
    # A task definition takes nothing beyond what it names: an SSM parameter that does not
    # exist stops the task, so every setting, optional ones included, is named here.
    check(setting, env, False, f"{environment}/{task}")
    if setting.name == "APP_ENV":
        assert env["APP_ENV"].value == environment


def test_the_checks_catch_a_missing_or_exposed_setting() -> None:
    smtp = next(s for s in SETTINGS if s.name == "SMTP_URL")
    with pytest.raises(AssertionError, match="lacks SMTP_URL"):
        check(smtp, {}, True, "somewhere")
    with pytest.raises(AssertionError, match="plain value"):
        check(smtp, {"SMTP_URL": EnvSource(False, "smtp://user:password@mail")}, True, "somewhere")
    proxies = next(s for s in SETTINGS if s.name == "TRUSTED_PROXIES")
    with pytest.raises(AssertionError, match="no way to set"):
        check(proxies, {}, False, "somewhere")
