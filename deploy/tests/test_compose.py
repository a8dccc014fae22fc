"""The compose files follow the compose-spec and wire the stack the way the docs promise."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import ALL_SERVICES, APP_SERVICES, COMPOSE_FILES, ROOT, run, tool

PROD_LIKE = ("docker-compose-stage.yml", "docker-compose-prod.yml")


def services(compose: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    return compose[name]["services"]


def test_compose_files_follow_the_compose_spec() -> None:
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", *COMPOSE_FILES)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_service_of_the_stack_is_defined(compose: dict[str, dict[str, Any]], name: str) -> None:
    assert set(services(compose, name)) == set(ALL_SERVICES)


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_service_has_a_healthcheck(compose: dict[str, dict[str, Any]], name: str) -> None:
    for service, spec in services(compose, name).items():
        check = spec.get("healthcheck", {})
        assert check.get("test"), f"{name}: {service} has no healthcheck"
        assert not check.get("disable")


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_services_start_after_their_dependencies_are_healthy(
    compose: dict[str, dict[str, Any]], name: str
) -> None:
    stack = services(compose, name)
    expected = {"users": {"users-db", "redis"}, "gateway": set(APP_SERVICES)}
    for service, needs in expected.items():
        depends = stack[service]["depends_on"]
        assert set(depends) == needs
        assert all(depends[dep]["condition"] == "service_healthy" for dep in needs)


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_the_gateway_is_the_only_published_port(compose: dict[str, dict[str, Any]], name: str) -> None:
    published = {service for service, spec in services(compose, name).items() if spec.get("ports")}
    assert published == {"gateway"}
    assert services(compose, name)["gateway"]["ports"] == ["${PORT:-80}:8080"]


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_images_build_from_each_services_dockerfile(compose: dict[str, dict[str, Any]], name: str) -> None:
    target = "dev" if name == "docker-compose.yml" else "prod"
    stack = services(compose, name)
    for service in APP_SERVICES:
        build = stack[service]["build"]
        assert build["context"] == f"./services/{service}"
        assert build["target"] == target
        dockerfile = (ROOT / "services" / service / "Dockerfile").read_text()
        assert re.search(rf"^FROM \S+ AS {target}$", dockerfile, re.M)
    gateway = stack["gateway"]["build"]
    assert (ROOT / gateway["context"] / gateway["dockerfile"]).is_file()
    assert gateway["args"]["TARGET"] == "compose"


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_postgres_keeps_its_data_in_a_volume(compose: dict[str, dict[str, Any]], name: str) -> None:
    db = services(compose, name)["users-db"]
    assert re.fullmatch(r"postgres:1[67]\.\d+-\w+", db["image"])
    assert "users-db-data:/var/lib/postgresql/data" in db["volumes"]
    assert "users-db-data" in compose[name]["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_users_reach_postgres_and_redis_by_service_name(
    compose: dict[str, dict[str, Any]], name: str
) -> None:
    environment = services(compose, name)["users"]["environment"]
    assert "@users-db:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"


def test_dev_reloads_the_mounted_code(compose: dict[str, dict[str, Any]]) -> None:
    stack = services(compose, "docker-compose.yml")
    assert "./services/users:/app" in stack["users"]["volumes"]
    assert "--reload" in stack["users"]["command"]
    assert "./services/client:/app" in stack["client"]["volumes"]
    assert "/app/node_modules" in stack["client"]["volumes"]
    assert (
        'CMD ["node_modules/.bin/vite", "--host", "0.0.0.0", "--port", "80"'
        in (ROOT / "services" / "client" / "Dockerfile").read_text()
    )


def test_dev_has_a_database_for_the_users_tests(compose: dict[str, dict[str, Any]]) -> None:
    environment = services(compose, "docker-compose.yml")["users"]["environment"]
    assert environment["DATABASE_TEST_URL"].endswith("/users_test")
    init = (ROOT / "deploy" / "compose" / "initdb").glob("*.sql")
    assert any("CREATE DATABASE users_test" in path.read_text() for path in init)


def test_the_operator_commands_exist_in_the_users_service() -> None:
    cli = (ROOT / "services" / "users" / "users_service" / "cli.py").read_text()
    for command in ("recreate_db", "seed_db", "test", "wait-db", "create-admin"):
        assert f'command("{command}"' in cli, f"manage.py has no {command} command"
    assert (ROOT / "services" / "users" / "manage.py").is_file()


@pytest.mark.parametrize("name", PROD_LIKE)
def test_required_secrets_must_be_set(compose: dict[str, dict[str, Any]], name: str) -> None:
    text = (ROOT / name).read_text()
    for variable in ("SECRET_KEY", "POSTGRES_PASSWORD", "PUBLIC_URL"):
        assert re.search(rf"\$\{{{variable}:\?[^}}]+\}}", text), f"{name} does not require {variable}"
    environment = services(compose, name)["users"]["environment"]
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "postgres" not in environment["DATABASE_URL"].split("@")[0].split(":")[-1]


@pytest.mark.parametrize("name", PROD_LIKE)
def test_production_like_stacks_run_hardened(compose: dict[str, dict[str, Any]], name: str) -> None:
    stack = services(compose, name)
    expected_env = "staging" if "stage" in name else "production"
    assert stack["users"]["environment"]["APP_ENV"] == expected_env
    assert compose[name]["name"].endswith("stage" if "stage" in name else "prod")
    for service in APP_SERVICES:
        assert stack[service].get("read_only") is True, f"{name}: {service} has a writable root filesystem"
        assert "volumes" not in stack[service], f"{name}: {service} mounts code"
        assert stack[service]["deploy"]["resources"]["limits"]
    # Only the users service joins the network of the database and Redis.
    assert compose[name]["networks"]["data"]["internal"] is True
    on_data = {service for service, spec in stack.items() if "data" in spec.get("networks", [])}
    assert on_data == {"users", "users-db", "redis"}


def test_stage_and_prod_differ_only_in_their_settings() -> None:
    def shape(name: str) -> str:
        text = (ROOT / name).read_text()
        for word in ("staging", "production", "stage", "prod", "unless-stopped", "always"):
            text = text.replace(word, "*")
        return re.sub(r"WEB_CONCURRENCY:-\d+", "WEB_CONCURRENCY:-N", text)

    assert (
        shape("docker-compose-stage.yml").splitlines()[1:]
        == shape("docker-compose-prod.yml").splitlines()[1:]
    )


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_healthchecks_match_the_dockerfiles(compose: dict[str, dict[str, Any]], name: str) -> None:
    stack = services(compose, name)
    for service in APP_SERVICES:
        url = next(part for part in stack[service]["healthcheck"]["test"] if "http://" in part)
        url = re.search(r"http://[^'\"]+", url).group(0)
        assert url in (ROOT / "services" / service / "Dockerfile").read_text()
