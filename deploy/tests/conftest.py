"""Shared helpers of the deployment checks: paths, tools and parsed files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The files people run (`docker-compose -f NAME up`), and the ones stage and prod include.
COMPOSE_FILES = ("docker-compose.yml", "docker-compose-stage.yml", "docker-compose-prod.yml")
INCLUDED_COMPOSE_FILES = ("docker-compose-base.yml", "deploy/compose/stage.yml", "deploy/compose/prod.yml")
# The services each compose file and each cluster runs, by the names the gateway uses.
APP_SERVICES = ("users", "items", "client", "swagger")
# The processes that run a service's image with another command: the users service's relay
# of its outbox to Redis, the items service's consumer of those events.
WORKERS = {"users-relay": "users", "items-consumer": "items"}
ALL_SERVICES = (*APP_SERVICES, *WORKERS, "gateway", "users-db", "items-db", "redis")
SKIP_DIRS = {".git", ".venv", "node_modules", "dist", "var", "__pycache__"}
PRODUCTION_SETTINGS = ROOT / "deploy" / "production-settings.txt"
# Base images and service images are pinned by digest: `name:tag@sha256:<64 hex digits>`.
DIGEST_PINNED = re.compile(r"^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$")


@dataclass(frozen=True)
class Setting:
    """One line of deploy/production-settings.txt."""

    name: str
    required: bool
    processes: frozenset[str]
    secret: bool


def production_settings() -> list[Setting]:
    settings = []
    for line in PRODUCTION_SETTINGS.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, need, processes, kind = line.split()
        assert need in ("required", "optional") and kind in ("secret", "config"), line
        assert set(processes.split(",")) <= {"serve", "migrate"}, line
        settings.append(Setting(name, need == "required", frozenset(processes.split(",")), kind == "secret"))
    return settings


# The Python services build from one Dockerfile, the build argument SERVICE naming which.
PYTHON_SERVICES = ("users", "items")
PYTHON_DOCKERFILE = ROOT / "services" / "python-service.Dockerfile"


def dockerfile(service: str) -> Path:
    """The Dockerfile that builds the service's image: python-service.Dockerfile for the
    Python services, services/<service>/Dockerfile for the others."""
    if service in PYTHON_SERVICES:
        return PYTHON_DOCKERFILE
    return ROOT / "services" / service / "Dockerfile"


def tool(name: str) -> str:
    """A command-line tool installed in the project's virtual environment."""
    path = BIN / name
    assert path.exists(), f"{name} is missing from {BIN}: install requirements/dev.txt"
    return str(path)


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env=env if env is not None else dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


def repo_files(name: str) -> list[Path]:
    """Every file called ``name`` in the repository, outside dependency and build folders."""
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        if name in filenames:
            found.append(Path(dirpath) / name)
    return found


def repo_dockerfiles() -> list[Path]:
    """Every Dockerfile in the repository: those called Dockerfile and the shared *.Dockerfile."""
    return sorted({*repo_files("Dockerfile"), *ROOT.glob("services/*.Dockerfile")})


def load_yaml_documents(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


# Compose's top-level resources, which `include` imports from the files it includes.
RESOURCES = ("services", "volumes", "networks", "secrets", "configs")


def compose_override(base: Any, override: Any, where: str = "") -> Any:
    """``override`` merged over ``base`` as Compose merges a later file over an earlier one, for
    what the files here override: mappings key by key, single values replaced. (Compose merges
    sequences by rules of their own; none is overridden here, and one that is fails loudly.)"""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = compose_override(base[key], value, f"{where}.{key}") if key in base else value
        return merged
    if isinstance(base, list) or isinstance(override, list):
        raise NotImplementedError(f"{where}: a sequence is overridden; teach compose_override its rule")
    return override


def include_entries(model: dict[str, Any]) -> list[dict[str, list[str]]]:
    """A model's `include` entries, in their long form (path and env_file as lists)."""
    entries = []
    for entry in model.get("include", []):
        entry = {"path": entry} if isinstance(entry, str) else entry
        entries.append(
            {key: [value] if isinstance(value, str) else list(value) for key, value in entry.items()}
        )
    return entries


def load_compose(name: str) -> dict[str, Any]:
    """The model Compose builds from the file ``name`` before interpolation: each `include`d
    group of files merged in order, its resources imported, a resource defined twice refused."""
    model = yaml.safe_load((ROOT / name).read_text())
    for entry in include_entries(model):
        included: dict[str, Any] = {}
        for path in entry["path"]:
            included = compose_override(included, yaml.safe_load((ROOT / path).read_text()))
        for kind in RESOURCES:
            for resource, spec in (included.get(kind) or {}).items():
                defined = model.setdefault(kind, {})
                if resource in defined and defined[resource] != spec:
                    raise ValueError(f"{name}: {kind}.{resource} conflicts with an included one")
                defined[resource] = spec
    model.pop("include", None)
    return model


class MissingVariable(Exception):
    """A required variable (``${NAME:?message}``) has no value: Compose refuses to start."""


VARIABLE = re.compile(r"\$(?:(\$)|\{(\w+)(?:(:?[-?])([^}]*))?\}|(\w+))")


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """``value`` with its variables filled from ``env`` as Compose fills them: $NAME, ${NAME},
    ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}, and $$ for a $."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def fill(match: re.Match[str]) -> str:
        escaped, name, operator, argument, bare = match.groups()
        if escaped:
            return "$"
        name = name or bare
        present = name in env and (env[name] != "" or not (operator or "").startswith(":"))
        if operator in (":?", "?") and not present:
            raise MissingVariable(f"required variable {name} is missing a value: {argument}")
        if operator in (":-", "-") and not present:
            return argument
        return env.get(name, "")

    return VARIABLE.sub(fill, value)


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines of an env file (comments and blank lines skipped)."""
    env = {}
    for line in path.read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            env[name.strip()] = value
    return env


@pytest.fixture(scope="session")
def compose() -> dict[str, dict[str, Any]]:
    """Each compose file people run, as Compose loads it (anchors, merge keys and includes
    resolved), before its variables are filled."""
    return {name: load_compose(name) for name in COMPOSE_FILES}


@pytest.fixture(scope="session")
def kustomize_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of deploy/kubernetes whose overlays have their secrets.env filled from the examples."""
    target = tmp_path_factory.mktemp("kubernetes") / "kubernetes"
    shutil.copytree(
        ROOT / "deploy" / "kubernetes",
        target,
        ignore=shutil.ignore_patterns("secrets.env", "jwt-private-keys.pem", ".deploy.*"),
    )
    for example in target.glob("overlays/*/secrets.env.example"):
        example.with_name("secrets.env").write_text(example.read_text())
        example.with_name("jwt-private-keys.pem").write_text(TEST_SIGNING_KEY)
    return target


# An Ed25519 key in PEM, as `manage.py generate-key` prints one (for the overlays' Secret).
TEST_SIGNING_KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    "-----END PRIVATE KEY-----\n"
)


def render_kustomization(directory: Path) -> list[dict[str, Any]]:
    result = run(tool("kubectl"), "kustomize", str(directory))
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="session")
def rendered(kustomize_sandbox: Path) -> dict[str, list[dict[str, Any]]]:
    """The resources of the base and of each overlay, as `kubectl apply -k` would send them."""
    return {
        "base": render_kustomization(kustomize_sandbox / "base"),
        "dev": render_kustomization(kustomize_sandbox / "overlays" / "dev"),
        "prod": render_kustomization(kustomize_sandbox / "overlays" / "prod"),
    }


def of_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


@dataclass(frozen=True)
class EnvSource:
    """Where a container's environment variable comes from."""

    secret: bool  # from a Secret, or built only from variables that are
    value: str  # the literal, or the Secret's key
    optional: bool = False


def container_environment(resource: dict[str, Any], resources: list[dict[str, Any]]) -> dict[str, EnvSource]:
    """The environment of a workload's first container, as the kubelet assembles it."""
    container = resource["spec"]["template"]["spec"]["containers"][0]
    config_maps, secrets = of_kind(resources, "ConfigMap"), of_kind(resources, "Secret")
    env: dict[str, EnvSource] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            data = config_maps[source["configMapRef"]["name"]].get("data", {})
            env |= {key: EnvSource(False, value) for key, value in data.items()}
        if "secretRef" in source:
            data = secrets[source["secretRef"]["name"]].get("data", {})
            env |= {key: EnvSource(True, key) for key in data}
    for entry in container.get("env", []):
        name = entry["name"]
        if "value" in entry:
            references = re.findall(r"\$\((\w+)\)", entry["value"])
            from_secrets = bool(references) and all(
                env.get(ref, EnvSource(False, "")).secret for ref in references
            )
            env[name] = EnvSource(from_secrets, entry["value"])
            continue
        reference = entry["valueFrom"].get("secretKeyRef") or entry["valueFrom"]["configMapKeyRef"]
        store = secrets if "secretKeyRef" in entry["valueFrom"] else config_maps
        optional = bool(reference.get("optional", False))
        # The base leaves the Secret to its overlays; an overlay's must hold every key used.
        if reference["name"] in store:
            data = store[reference["name"]].get("data", {})
            assert optional or reference["key"] in data, (
                f"{name}: {reference['name']} lacks {reference['key']}"
            )
        env[name] = EnvSource("secretKeyRef" in entry["valueFrom"], reference["key"], optional)
    return env


def stages(dockerfile: Path) -> dict[str, list[str]]:
    """Each build stage's instructions (continuation lines joined), by stage name."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.M))
    result: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"FROM (\S+)(?: AS (\S+))?", line, re.I)
        if match:
            image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), match.group(1))
            current = [f"FROM {image}"]
            result[match.group(2) or f"stage{len(result)}"] = current
        else:
            current.append(line)
    return result


def stage_chain(all_stages: dict[str, list[str]], name: str) -> list[str]:
    """A stage's instructions after those of the stages it builds on."""
    instructions = all_stages[name]
    parent = instructions[0].split()[1]
    return (stage_chain(all_stages, parent) if parent in all_stages else instructions[:1]) + instructions[1:]


def image_volume(dockerfile: Path, target: str, path: str) -> tuple[int, int] | None:
    """The owner uid and mode a target's image gives the VOLUME at ``path``; None without one.

    Changes to a volume's path after its VOLUME instruction are discarded, so only the RUN
    lines before it count. Without an explicit chown or chmod the base image decides, which
    this file cannot tell: count that as root's 0755.
    """
    owner, mode = 0, 0o755
    for line in stage_chain(stages(dockerfile), target):
        if line.upper().startswith("VOLUME "):
            declared = re.findall(r'"([^"]+)"', line) or line.split()[1:]
            if path in declared:
                return owner, mode
        if line.upper().startswith("RUN "):
            for match in re.finditer(rf"chown (\d+)(?::\d+)? {re.escape(path)}(?![\w/])", line):
                owner = int(match.group(1))
            for match in re.finditer(rf"chmod ([0-7]{{3,4}}) {re.escape(path)}(?![\w/])", line):
                mode = int(match.group(1), 8)
    return None


def writable_by(uid: int, owner: int, mode: int) -> bool:
    return uid == 0 or (uid == owner and bool(mode & 0o200)) or bool(mode & 0o002)
