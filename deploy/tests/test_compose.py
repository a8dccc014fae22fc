"""The compose files follow the compose-spec and wire the stack the way the docs promise."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import (
    ALL_SERVICES,
    APP_SERVICES,
    COMPOSE_FILES,
    INCLUDED_COMPOSE_FILES,
    PYTHON_DOCKERFILE,
    ROOT,
    WORKERS,
    MissingVariable,
    dockerfile,
    include_entries,
    interpolate,
    read_env_file,
    run,
    tool,
)
from gateway_tests.harness import nginx, start_container

PROD_LIKE = ("docker-compose-stage.yml", "docker-compose-prod.yml")
# The env file each production-like stack reads, and the example it is copied from.
ENV_FILES = {"docker-compose-stage.yml": "stage.env", "docker-compose-prod.yml": "prod.env"}
REQUIRED_SECRETS = (
    "SECRET_KEY",
    "POSTGRES_PASSWORD",
    "ITEMS_POSTGRES_PASSWORD",
    "JWT_PRIVATE_KEYS",
    "PUBLIC_URL",
)
PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n"


def services(compose: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    return compose[name]["services"]


def example_env(name: str) -> dict[str, str]:
    """The variables of a stack's env file as its example has them, secrets filled in."""
    example = read_env_file(ROOT / "deploy" / "compose" / f"{ENV_FILES[name]}.example")
    return example | {
        "SECRET_KEY": f"{name}-key",
        "POSTGRES_PASSWORD": f"{name}-password",
        "ITEMS_POSTGRES_PASSWORD": f"{name}-items-password",
        "JWT_PRIVATE_KEYS": f"{name}-{PEM}",
    }


def test_compose_files_follow_the_compose_spec() -> None:
    result = run(
        tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.compose-spec",
        *COMPOSE_FILES,
        *INCLUDED_COMPOSE_FILES,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_stack_as_compose_loads_it_follows_the_compose_spec(
    compose: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    merged = []
    for name, model in compose.items():
        path = tmp_path / name.replace(".yml", ".json")
        path.write_text(json.dumps(model))
        merged.append(str(path))
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", *merged)
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
    expected = {
        "users": {"users-db", "redis"},
        # The relay starts once the users service has migrated its outbox, the consumer once
        # the items service has migrated its tables; items needs the users service's key set.
        "users-relay": {"users", "redis"},
        "items": {"items-db", "users"},
        "items-consumer": {"items", "redis"},
        "gateway": set(APP_SERVICES),
    }
    for service, needs in expected.items():
        depends = stack[service]["depends_on"]
        assert set(depends) == needs
        assert all(depends[dep]["condition"] == "service_healthy" for dep in needs)


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_the_gateway_is_the_only_published_port(compose: dict[str, dict[str, Any]], name: str) -> None:
    published = {service for service, spec in services(compose, name).items() if spec.get("ports")}
    assert published == {"gateway"}
    if name == "docker-compose.yml":
        assert services(compose, name)["gateway"]["ports"] == ["${PORT:-80}:8080"]


@pytest.mark.parametrize("name", PROD_LIKE)
def test_production_like_gateways_listen_on_loopback_unless_told(
    compose: dict[str, dict[str, Any]], name: str
) -> None:
    # The TLS terminator runs on the host; the plain-HTTP port must not face the network.
    ports = services(compose, name)["gateway"]["ports"]
    assert interpolate(ports, {}) == ["127.0.0.1:80:8080"]
    assert interpolate(ports, example_env(name)) == [f"127.0.0.1:{example_env(name)['PORT']}:8080"]
    assert interpolate(ports, {"PUBLISH_ADDRESS": "10.0.0.5", "PORT": "8443"}) == ["10.0.0.5:8443:8080"]


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_images_build_from_each_services_dockerfile(compose: dict[str, dict[str, Any]], name: str) -> None:
    target = "dev" if name == "docker-compose.yml" else "prod"
    stack = services(compose, name)
    for service in APP_SERVICES:
        build = stack[service]["build"]
        assert build["context"] == f"./services/{service}"
        assert build["target"] == target
        context = ROOT / build["context"]
        assert (context / build.get("dockerfile", "Dockerfile")).resolve() == dockerfile(service)
        if dockerfile(service) == PYTHON_DOCKERFILE:
            assert build["args"] == {"SERVICE": service}
    for service in APP_SERVICES:
        assert re.search(rf"^FROM \S+ AS {target}$", dockerfile(service).read_text(), re.M)
    gateway = stack["gateway"]["build"]
    assert (ROOT / gateway["context"] / gateway["dockerfile"]).is_file()
    assert gateway["args"]["TARGET"] == "compose"


@pytest.mark.parametrize("name", COMPOSE_FILES)
@pytest.mark.parametrize("database", ["users-db", "items-db"])
def test_postgres_keeps_its_data_in_a_volume(
    compose: dict[str, dict[str, Any]], name: str, database: str
) -> None:
    db = services(compose, name)[database]
    assert re.fullmatch(r"postgres:1[67]\.\d+-\w+@sha256:[0-9a-f]{64}", db["image"])
    assert f"{database}-data:/var/lib/postgresql/data" in db["volumes"]
    assert f"{database}-data" in compose[name]["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_users_reach_postgres_and_redis_by_service_name(
    compose: dict[str, dict[str, Any]], name: str
) -> None:
    environment = services(compose, name)["users"]["environment"]
    assert "@users-db:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_items_keep_their_own_database_and_trust_the_users_key_set(
    compose: dict[str, dict[str, Any]], name: str
) -> None:
    stack = services(compose, name)
    users_db = stack["users-db"]["environment"]
    items_db = stack["items-db"]["environment"]
    for service in ("items", "items-consumer"):
        environment = stack[service]["environment"]
        url = environment["ITEMS_DATABASE_URL"]
        # Its own database server and database, never the users tables.
        assert url.startswith("postgresql://") and "@items-db:5432/" in url
        assert url.rsplit("/", 1)[1] == items_db["POSTGRES_DB"] != users_db["POSTGRES_DB"]
        assert "DATABASE_URL" not in environment
        assert environment["USERS_JWKS_URL"] == "http://users:5000/auth/jwks.json"
        # Only the users service and its relay hold the signing keys.
        assert "JWT_PRIVATE_KEYS" not in environment
    # The events: relay publishes to the Redis the consumer reads (no feed token anywhere).
    assert (
        stack["users-relay"]["environment"]["REDIS_URL"]
        == stack["items-consumer"]["environment"]["REDIS_URL"]
    )
    assert (
        stack["users-relay"]["environment"]["DATABASE_URL"] == stack["users"]["environment"]["DATABASE_URL"]
    )
    assert not [s for s, spec in stack.items() if "EVENTS_FEED_TOKEN" in spec.get("environment", {})]


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_workers_run_their_services_image_with_their_own_command(
    compose: dict[str, dict[str, Any]], name: str
) -> None:
    stack = services(compose, name)
    # The start scripts' own commands: each waits for its database, then execs the process.
    commands = {"users-relay": ["relay"], "items-consumer": ["consume"]}
    for worker, service in WORKERS.items():
        spec = stack[worker]
        assert spec["command"] == commands[worker]
        if name == "docker-compose.yml":
            assert spec["build"] == stack[service]["build"]
        else:
            assert spec["image"] == stack[service]["image"]
            assert "build" not in spec
        # No port: nothing but the database check tells that it can work.
        assert "ports" not in spec and "wait-db" in spec["healthcheck"]["test"]


def manage_commands(service: str) -> set[str]:
    """The commands ``python manage.py`` of ``service`` really offers (its --help), in a clean
    environment like a container's."""
    result = subprocess.run(
        [sys.executable, "manage.py", "--help"],
        cwd=ROOT / "services" / service,
        env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    listing = result.stdout.split("Commands:", 1)[1]
    return {line.split()[0] for line in listing.splitlines() if line.startswith("  ") and line.split()}


def test_the_commands_the_workers_run_exist() -> None:
    assert {"consume", "wait-db"} <= manage_commands("items")
    assert {"relay", "wait-db"} <= manage_commands("users")
    runs = (
        ("users", "relay", "python -m users_service.relay"),
        ("items", "consume", "python -m items_service.consumer"),
    )
    for service, command, process in runs:
        entrypoint = (ROOT / "services" / service / "docker-entrypoint.sh").read_text()
        assert f"    {command})" in entrypoint and f"exec {process}" in entrypoint
    assert (ROOT / "services" / "items" / "items_service" / "consumer.py").is_file()
    assert (ROOT / "services" / "users" / "users_service" / "relay.py").is_file()


def test_dev_reloads_the_mounted_code(compose: dict[str, dict[str, Any]]) -> None:
    stack = services(compose, "docker-compose.yml")
    assert "./services/users:/app" in stack["users"]["volumes"]
    assert "--reload" in stack["users"]["command"]
    assert "./services/items:/app" in stack["items"]["volumes"]
    assert "--reload" in stack["items"]["command"]
    swagger = stack["swagger"]["volumes"]
    assert "./services/swagger/items.json:/usr/share/nginx/html/swagger/items.json:ro" in swagger
    assert "./services/client:/app" in stack["client"]["volumes"]
    assert "/app/node_modules" in stack["client"]["volumes"]
    assert (
        'CMD ["node_modules/.bin/vite", "--host", "0.0.0.0", "--port", "80"'
        in (ROOT / "services" / "client" / "Dockerfile").read_text()
    )


def test_dev_points_the_users_tests_at_the_database_server_and_redis(
    compose: dict[str, dict[str, Any]],
) -> None:
    # The suite creates and drops its own users_test_<random> databases on that server, as its
    # superuser; the URL names a database that exists from the start, so no init script is needed.
    stack = services(compose, "docker-compose.yml")
    environment = stack["users"]["environment"]
    db = stack["users-db"]["environment"]
    url = environment["DATABASE_TEST_URL"]
    assert url.startswith(f"postgresql://{db['POSTGRES_USER']}:{db['POSTGRES_PASSWORD']}@users-db:5432/")
    assert url.rsplit("/", 1)[1] in ("postgres", db["POSTGRES_DB"])
    assert not [volume for volume in stack["users-db"]["volumes"] if "docker-entrypoint-initdb.d" in volume]
    # The users tests find Redis inside compose here, in a database of their own.
    assert environment["REDIS_TEST_URL"] == "redis://redis:6379/13"


def test_the_operator_commands_exist_in_the_users_service() -> None:
    commands = manage_commands("users")
    for command in ("recreate_db", "seed_db", "test", "wait-db", "create-admin"):
        assert command in commands, f"manage.py has no {command} command"


@pytest.mark.parametrize("name", PROD_LIKE)
def test_required_secrets_must_be_set(compose: dict[str, dict[str, Any]], name: str) -> None:
    text = json.dumps(compose[name])
    for variable in REQUIRED_SECRETS:
        assert re.search(rf"\$\{{{variable}:\?[^}}]+\}}", text), f"{name} does not require {variable}"
    environment = services(compose, name)["users"]["environment"]
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert environment["JWT_PRIVATE_KEYS"].startswith("${JWT_PRIVATE_KEYS:?")
    assert "postgres" not in environment["DATABASE_URL"].split("@")[0].split(":")[-1]
    items = services(compose, name)["items"]["environment"]["ITEMS_DATABASE_URL"]
    assert items.startswith("postgresql://items:${ITEMS_POSTGRES_PASSWORD:?")


@pytest.mark.parametrize("name", PROD_LIKE)
@pytest.mark.parametrize("variable", REQUIRED_SECRETS)
def test_stacks_refuse_to_start_without_a_secret(
    compose: dict[str, dict[str, Any]], name: str, variable: str
) -> None:
    interpolate(compose[name], example_env(name))  # complete: no complaint
    with pytest.raises(MissingVariable, match=variable):
        interpolate(compose[name], example_env(name) | {variable: ""})


@pytest.mark.parametrize("name", PROD_LIKE)
def test_the_example_env_files_hold_no_secret(name: str) -> None:
    example = read_env_file(ROOT / "deploy" / "compose" / f"{ENV_FILES[name]}.example")
    for variable in (
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "ITEMS_POSTGRES_PASSWORD",
        "JWT_PRIVATE_KEYS",
        "ADMIN_PASSWORD",
    ):
        assert example[variable] == "", f"{ENV_FILES[name]}.example sets {variable}"


def test_stage_and_prod_read_their_variables_from_their_own_env_files(
    compose: dict[str, dict[str, Any]],
) -> None:
    """Staging tokens must never be valid in production: the two stacks share no env file."""
    env_files = {}
    for name in PROD_LIKE:
        entries = include_entries(yaml.safe_load((ROOT / name).read_text()))
        assert entries, f"{name} includes nothing"
        env_files[name] = [file for entry in entries for file in entry.get("env_file", [])]
        assert env_files[name] == [ENV_FILES[name]]
    assert not set(env_files["docker-compose-stage.yml"]) & set(env_files["docker-compose-prod.yml"])
    ignored = (ROOT / ".gitignore").read_text().split()
    for env_file in ENV_FILES.values():
        assert f"/{env_file}" in ignored, f"git does not ignore {env_file}"
    # Filled from each stack's own file, the signing keys differ.
    keys = {
        name: interpolate(services(compose, name)["users"]["environment"], example_env(name))["SECRET_KEY"]
        for name in PROD_LIKE
    }
    assert keys == {name: f"{name}-key" for name in PROD_LIKE}
    signing = {
        name: interpolate(services(compose, name)[service]["environment"], example_env(name))[
            "JWT_PRIVATE_KEYS"
        ]
        for name in PROD_LIKE
        for service in ("users", "users-relay")
    }
    assert signing == {name: f"{name}-{PEM}" for name in PROD_LIKE}


@pytest.mark.parametrize("name", PROD_LIKE)
def test_production_like_stacks_run_hardened(compose: dict[str, dict[str, Any]], name: str) -> None:
    stack = services(compose, name)
    expected_env = "staging" if "stage" in name else "production"
    assert stack["users"]["environment"]["APP_ENV"] == expected_env
    assert compose[name]["name"].endswith("stage" if "stage" in name else "prod")
    for service in (*APP_SERVICES, *WORKERS, "gateway"):
        assert stack[service].get("read_only") is True, f"{name}: {service} has a writable root filesystem"
        assert stack[service]["tmpfs"] == ["/tmp"], f"{name}: {service} has nowhere to write"
        assert "volumes" not in stack[service], f"{name}: {service} mounts code"
        assert stack[service]["deploy"]["resources"]["limits"]
    for worker in WORKERS:
        assert stack[worker]["environment"]["APP_ENV"] == expected_env
    assert stack["items"]["environment"]["APP_ENV"] == expected_env
    # Each database's network holds its own service only; the consumer reaches Redis over
    # the events network, and nothing but the gateway and the services are on edge.
    networks = compose[name]["networks"]

    def on(network: str) -> set[str]:
        assert networks[network]["internal"] is True
        return {service for service, spec in stack.items() if network in spec.get("networks", [])}

    assert on("data") == {"users", "users-relay", "users-db", "redis"}
    assert on("items-data") == {"items", "items-consumer", "items-db"}
    assert on("events") == {"redis", "items-consumer"}
    on_edge = {service for service, spec in stack.items() if "edge" in spec.get("networks", [])}
    assert on_edge == {"users", "items", "client", "swagger", "gateway"}


def test_stage_and_prod_define_their_services_once(compose: dict[str, dict[str, Any]]) -> None:
    # The stage and prod files hold no service of their own: they include one definition.
    for name in PROD_LIKE:
        model = yaml.safe_load((ROOT / name).read_text())
        assert not set(model) & {"services", "networks", "volumes"}, f"{name} defines resources itself"
        assert include_entries(model)[0]["path"][0] == "docker-compose-base.yml"

    def without_settings(name: str) -> dict[str, Any]:
        model = json.loads(json.dumps(compose[name]))
        del model["name"]
        for spec in model["services"].values():
            del spec["restart"]
        for service in ("users", "items", *WORKERS):
            del model["services"][service]["environment"]["APP_ENV"]
        for service in ("users", "items"):
            del model["services"][service]["environment"]["WEB_CONCURRENCY"]
        return model

    assert without_settings("docker-compose-stage.yml") == without_settings("docker-compose-prod.yml")
    stage, prod = (services(compose, name) for name in PROD_LIKE)
    assert {spec["restart"] for spec in stage.values()} == {"unless-stopped"}
    assert {spec["restart"] for spec in prod.values()} == {"always"}


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_healthchecks_match_the_dockerfiles(compose: dict[str, dict[str, Any]], name: str) -> None:
    stack = services(compose, name)
    for service in APP_SERVICES:
        url = next(part for part in stack[service]["healthcheck"]["test"] if "http://" in part)
        url = re.search(r"http://[^'\"]+", url).group(0)
        assert url in dockerfile(service).read_text()


def redis_options(command: list[str]) -> dict[str, str]:
    """``--name value`` pairs of a redis-server command line."""
    assert command[0] == "redis-server"
    return {arg[2:]: command[index + 1] for index, arg in enumerate(command) if arg.startswith("--")}


# SECURITY row 73: limiter-not-evictable
@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_the_limiters_redis_never_evicts(compose: dict[str, dict[str, Any]], name: str) -> None:
    redis = services(compose, name)["redis"]
    options = redis_options(redis["command"])
    assert options["maxmemory-policy"] == "noeviction"
    if name in PROD_LIKE:
        assert options["maxmemory"] == "128mb"
        # Room for Redis itself and its append-only file's rewrite beside its data.
        assert redis["deploy"]["resources"]["limits"]["memory"] == "256m"


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_redis_keeps_the_event_stream_on_a_volume(compose: dict[str, dict[str, Any]], name: str) -> None:
    # The relay marks an event published once Redis has it: a restart must not lose it.
    redis = services(compose, name)["redis"]
    options = redis_options(redis["command"])
    assert options["appendonly"] == "yes"
    assert options["appendfsync"] in ("everysec", "always")
    # Where the append-only file goes is a named volume, declared by the stack, not the
    # container's own layer (gone with the container).
    mounts = dict(reversed(volume.split(":")[:2]) for volume in redis.get("volumes", []))
    assert options["dir"] in mounts, "Redis writes its append-only file outside any volume"
    assert mounts[options["dir"]] in compose[name]["volumes"]
    assert "tmpfs" not in redis


# SECURITY row 61: client-identity-behind-proxies
# SECURITY row 69: hsts-everywhere-https
@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_the_gateway_gets_its_trusted_proxies_and_the_public_url(
    compose: dict[str, dict[str, Any]], name: str, tmp_path: Path
) -> None:
    stack = services(compose, name)
    environment = stack["gateway"]["environment"]
    assert environment["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-}"
    env = example_env(name) if name in PROD_LIKE else {}
    # Unset, no proxy is trusted.
    assert interpolate(environment, env)["TRUSTED_PROXIES"] == ""
    settings = interpolate(environment, env | {"TRUSTED_PROXIES": "172.18.0.1/32"})
    if name in PROD_LIKE:
        # The address users open, as the users service has it.
        assert settings["PUBLIC_URL"] == interpolate(stack["users"]["environment"], env)["PUBLIC_URL"]
        assert settings["PUBLIC_URL"].startswith("https://")
    else:
        assert settings["PUBLIC_URL"] == "http://localhost:80"
    # The gateway image, started with that environment.
    conf = start_container("compose", tmp_path, env=settings)
    result = nginx("-T", conf=conf)
    assert result.returncode == 0, result.stderr
    assert "set_real_ip_from 172.18.0.1/32;" in result.stdout
    scheme = "https" if name in PROD_LIKE else "http"
    assert f"map {scheme} $strict_transport_security {{" in result.stdout


@pytest.mark.parametrize("name", PROD_LIKE)
def test_the_gateway_refuses_to_start_without_public_url(
    compose: dict[str, dict[str, Any]], name: str
) -> None:
    with pytest.raises(MissingVariable, match="PUBLIC_URL"):
        interpolate(services(compose, name)["gateway"], example_env(name) | {"PUBLIC_URL": ""})
