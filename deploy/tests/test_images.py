"""Third-party images are pinned by digest and carry no release with a known, fixed flaw.

Covers the Dockerfiles of the users, items, client, Swagger UI and gateway images, the compose files,
the Kubernetes manifests and the GitHub workflow; each of them pulls by `name:tag@sha256:<digest>`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import (
    COMPOSE_FILES,
    DIGEST_PINNED,
    ROOT,
    dockerfile,
    load_compose,
    load_yaml_documents,
    stage_chain,
    stages,
)

DOCKERFILES = sorted({dockerfile(name) for name in ("users", "items", "client", "swagger", "nginx")})
OWN_IMAGES = {"users", "items", "client", "swagger", "gateway"}  # built here, pinned to a tag by deploy.sh
# The oldest release of each image line without a known flaw that a later release fixed, and
# runtimes that still get security fixes.
MINIMUM_RELEASES = {
    "postgres": ((17, 3), "CVE-2025-1094 (libpq quoting, SQL injection) is fixed in 17.3"),
    "redis": ((7, 4, 6), "CVE-2025-49844 (Lua use-after-free, remote code execution) is fixed in 7.4.6"),
    "node": ((22,), "Node.js 20 is past its end of life; 22 is the LTS line"),
}


def dockerfile_images(dockerfile: Path) -> list[str]:
    all_stages = stages(dockerfile)
    images = [instructions[0].split()[1] for instructions in all_stages.values()]
    return [image for image in images if image not in all_stages]


def manifest_images() -> list[str]:
    images = []
    for path in sorted((ROOT / "deploy" / "kubernetes").rglob("*.yaml")):
        for doc in load_yaml_documents(path):
            spec = doc.get("spec", {}).get("template", {}).get("spec", {})
            for container in spec.get("containers", []) + spec.get("initContainers", []):
                if container["image"].split(":")[0] not in OWN_IMAGES:
                    images.append(container["image"])
    return images


def own_image(image: str) -> bool:
    """An image built here (``${REGISTRY:-local}/users:${TAG:-local}``, ``users:${TAG}``)."""
    return image.rsplit("/", 1)[-1].split(":")[0] in OWN_IMAGES


def compose_images() -> list[str]:
    """The images the compose stacks pull: those of the services that are not built here (the
    workers run the image their service builds)."""
    images = []
    for name in COMPOSE_FILES:
        for service in load_compose(name)["services"].values():
            if "build" not in service and not own_image(service["image"]):
                images.append(service["image"])
    return images


def workflow_images() -> list[str]:
    images = []
    for path in sorted((ROOT / ".github" / "workflows").glob("*.y*ml")):
        for job in yaml.safe_load(path.read_text())["jobs"].values():
            container: Any = job.get("container")
            if container:
                images.append(container if isinstance(container, str) else container["image"])
            images += [service["image"] for service in job.get("services", {}).values()]
    return images


IMAGES = sorted(
    {image for dockerfile in DOCKERFILES for image in dockerfile_images(dockerfile)}
    | set(compose_images())
    | set(manifest_images())
    | set(workflow_images())
)


def release(image: str) -> tuple[str, tuple[int, ...]]:
    name, tag = image.split("@")[0].rsplit(":", 1)
    numbers = re.match(r"(\d+(?:\.\d+)*)", tag)
    assert numbers, f"{image}: the tag names no release"
    return name.rsplit("/", 1)[-1], tuple(int(part) for part in numbers.group(1).split("."))


def test_every_place_that_pulls_a_base_image_is_covered() -> None:
    names = {release(image)[0] for image in IMAGES}
    assert {"python", "node", "nginx-unprivileged", "postgres", "redis"} <= names
    assert {release(image)[0] for image in compose_images()} == {"postgres", "redis"}
    assert {release(image)[0] for image in dockerfile_images(ROOT / "services" / "nginx" / "Dockerfile")} == {
        "nginx-unprivileged"
    }


@pytest.mark.parametrize("image", IMAGES)
def test_images_are_pinned_by_digest(image: str) -> None:
    assert DIGEST_PINNED.match(image), f"{image} is not pinned as name:tag@sha256:<digest>"


@pytest.mark.parametrize("image", IMAGES)
def test_images_carry_no_fixed_flaw(image: str) -> None:
    name, version = release(image)
    if name in MINIMUM_RELEASES:
        minimum, why = MINIMUM_RELEASES[name]
        assert version >= minimum, f"{image}: {why}"


def test_the_release_check_reads_tags_as_versions() -> None:
    assert release("postgres:17.2-bookworm") == ("postgres", (17, 2)) and (17, 2) < (17, 3)
    assert release("redis:7.4.2-alpine3.21") == ("redis", (7, 4, 2)) and (7, 4, 2) < (7, 4, 6)


def context_files(context: Path) -> list[str]:
    """The files `docker build` sends from ``context``, after its .dockerignore."""
    rules = []
    ignore = context / ".dockerignore"
    for line in ignore.read_text().splitlines() if ignore.exists() else []:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = "".join(
            ".*" if part == "**" else re.escape(part).replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
            for part in re.split(r"(\*\*)", pattern)
        )
        rules.append((re.compile(regex.replace(".*/", "(?:.*/)?")), negate))
    files = []
    for dirpath, _, filenames in os.walk(context):
        for filename in filenames:
            relative = (Path(dirpath) / filename).relative_to(context).as_posix()
            parents = [relative.rsplit("/", depth)[0] for depth in range(relative.count("/"), 0, -1)]
            excluded = False
            for regex, negate in rules:
                if any(regex.fullmatch(path) for path in [*parents, relative]):
                    excluded = not negate
            if not excluded:
                files.append(relative)
    return files


def copied_files(dockerfile: Path, context: Path, target: str, args: dict[str, str]) -> list[str]:
    """The build-context files a target's COPY instructions put into the image, built with
    the build arguments ``args``."""
    sent = context_files(context)
    copied = []
    for line in stage_chain(stages(dockerfile), target):
        parts = line.split()
        if parts[0].upper() != "COPY" or any(p.startswith("--from") for p in parts):
            continue
        sources = [p for p in parts[1:-1] if not p.startswith("--")]
        for source in sources:
            source = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], source)
            prefix = source.strip("./")
            copied += [f for f in sent if not prefix or f == prefix or f.startswith(prefix + "/")]
    return copied


@pytest.mark.parametrize("service", ["users", "items"])
def test_the_service_images_ship_the_service_and_not_its_tests(service: str) -> None:
    files = copied_files(dockerfile(service), ROOT / "services" / service, "prod", {"SERVICE": service})
    for needed in (
        "manage.py",
        "docker-entrypoint.sh",
        f"{service}_service/__init__.py",
        "migrations/env.py",
    ):
        assert needed in files, needed
    assert not [f for f in files if f.startswith("tests/")], "the prod image ships the test suite"
    assert not [f for f in files if "requirements-dev" in f]


def test_the_context_emulation_sees_the_tests() -> None:
    sent = context_files(ROOT / "services" / "users")
    assert any(f.startswith("tests/") for f in sent) and not any("__pycache__" in f for f in sent)
