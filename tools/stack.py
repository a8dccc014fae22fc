#!/usr/bin/env python3
"""Run the whole stack on this machine: the users and items services behind the Nginx gateway.

`make up` installs what is missing, then calls ``stack.py up``, which

1. checks that the ports are free and the database answers,
2. makes, once, the development signing key (var/jwt-dev-key.pem) and the event feed's token
   (var/events-feed-token), and reuses them on every later run,
3. migrates both services' databases and creates or updates the bootstrap admin (ADMIN_*
   variables),
4. exports both OpenAPI specs next to the built Swagger UI,
5. renders the gateway configuration for the ``local`` target,
6. runs under supervisord (tools/supervise.py), in the foreground, with their logs interleaved
   and labelled: the users service and the items service (granian, REPLICAS instances of
   each), the items consumer of the users service's events, the users service's relay to
   Redis (only when REDIS_URL is set; otherwise the consumer polls the users service's event
   feed) and Nginx. A process that dies is started again; one that keeps failing to start is
   given up on with its last log lines. Ctrl-C or SIGTERM stops every one of them, the
   gateway first.
7. says what to open once both APIs answer through the gateway.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tools import gateway, supervise

ROOT = Path(__file__).resolve().parents[1]
USERS_DIR = ROOT / "services" / "users"
ITEMS_DIR = ROOT / "services" / "items"
SWAGGER_DIR = ROOT / "services" / "swagger"
VAR = ROOT / "var"
BIN = Path(sys.executable).parent
PYTHON = sys.executable


class StackError(Exception):
    """A problem the user can fix; its message is one sentence saying how."""


@dataclass(frozen=True)
class StackConfig:
    port: int
    users_port: int
    replicas: int
    database_url: str
    run_dir: Path
    # The first items instance's port. None: right after the users instances, so one users
    # instance on 5001 has its items beside it on 5002 (ARCHITECTURE.md's ports).
    items_port: int | None = None
    # Empty: the SQLite file var/items.db.
    items_database_url: str = ""
    # Empty: no Redis; the items consumer polls the users service's event feed instead.
    redis_url: str = ""
    # Where the development signing key and the feed token are kept between runs.
    secrets_dir: Path = VAR

    @property
    def users_addresses(self) -> list[str]:
        return [f"127.0.0.1:{self.users_port + i}" for i in range(self.replicas)]

    @property
    def first_items_port(self) -> int:
        return self.items_port if self.items_port is not None else self.users_port + self.replicas

    @property
    def items_addresses(self) -> list[str]:
        return [f"127.0.0.1:{self.first_items_port + i}" for i in range(self.replicas)]

    @property
    def items_database(self) -> str:
        return self.items_database_url or default_items_database_url()

    @property
    def users_url(self) -> str:
        """The first users instance, where the items processes fetch the keys and the events."""
        return f"http://{self.users_addresses[0]}"

    @property
    def gateway_url(self) -> str:
        return f"http://localhost:{self.port}"


def default_database_url() -> str:
    return f"sqlite:///{VAR / 'users.db'}"


def default_items_database_url() -> str:
    return f"sqlite:///{VAR / 'items.db'}"


# Kept in var/ between runs: tokens signed before a restart stay valid, and the items
# service's cached key set stays the users service's.
SIGNING_KEY_FILE = "jwt-dev-key.pem"
FEED_TOKEN_FILE = "events-feed-token"


def write_once(path: Path, content: str) -> str:
    """Create ``path`` (owner-only) holding ``content``, unless it exists; return what it holds.

    Two runs racing to create it both end up with the first one's content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(content)
    return content


def new_signing_key() -> str:
    """A new Ed25519 private key, PEM (PKCS8), from the users service's own command when it has
    one (`manage.py generate-key`), else made here the same way."""
    result = subprocess.run(
        [PYTHON, "manage.py", "generate-key"],
        cwd=USERS_DIR,
        # Development settings: outside them the service wants the very key being made.
        env=users_env("sqlite://", APP_ENV="development"),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0 and "-----BEGIN PRIVATE KEY-----" in result.stdout:
        return result.stdout.strip() + "\n"
    if "No such command" not in result.stderr:
        lines = [line for line in (result.stderr or result.stdout).strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit code {result.returncode}"
        raise StackError(f"Making the development signing key failed: {reason}")
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def signing_keys(directory: Path, env: Mapping[str, str]) -> str:
    """JWT_PRIVATE_KEYS for the users service: the environment's when set, else the development
    key in ``directory``, made on the first run and reused on every later one."""
    if env.get("JWT_PRIVATE_KEYS"):
        return env["JWT_PRIVATE_KEYS"]
    path = directory / SIGNING_KEY_FILE
    pem = path.read_text() if path.exists() else write_once(path, new_signing_key())
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise StackError(f"{path} is not an Ed25519 private key in PEM: delete it and run `make up` again.")
    return pem


def feed_token(directory: Path, env: Mapping[str, str]) -> str:
    """EVENTS_FEED_TOKEN, shared by the users service's feed and the items consumer: the
    environment's when set, else the one in ``directory``, made on the first run."""
    if env.get("EVENTS_FEED_TOKEN"):
        return env["EVENTS_FEED_TOKEN"]
    token = write_once(directory / FEED_TOKEN_FILE, secrets.token_urlsafe(32) + "\n").strip()
    if not token:
        raise StackError(f"{directory / FEED_TOKEN_FILE} is empty: delete it and run `make up` again.")
    return token


def masked(url: str) -> str:
    """The database URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable URL)"


def check_port_free(port: int, what: str, hint: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise StackError(f"Port {port} ({what}) is already in use: {hint}") from None


def users_env(
    database_url: str,
    *,
    public_url: str | None = None,
    base: Mapping[str, str] | None = None,
    **settings: str,
) -> dict[str, str]:
    """The environment of one users instance: ``base`` (this process's environment by default)
    in development unless it says otherwise, the given database, unbuffered output, and then
    ``settings``. ``public_url`` is the default PUBLIC_URL, the base of mailed links."""
    env = dict(os.environ if base is None else base)
    env.setdefault("APP_ENV", "development")
    if public_url:
        env.setdefault("PUBLIC_URL", public_url)
    env["DATABASE_URL"] = database_url
    env["PYTHONUNBUFFERED"] = "1"
    return env | settings


@dataclass(frozen=True)
class StackSecrets:
    """What `make up` hands the services beside their settings: the users service's signing
    keys (JWT_PRIVATE_KEYS) and the token of its event feed (EVENTS_FEED_TOKEN)."""

    signing_keys: str
    feed_token: str


def stack_secrets(config: StackConfig, env: Mapping[str, str] | None = None) -> StackSecrets:
    env = os.environ if env is None else env
    return StackSecrets(signing_keys(config.secrets_dir, env), feed_token(config.secrets_dir, env))


def items_env(
    config: StackConfig, *, base: Mapping[str, str] | None = None, **settings: str
) -> dict[str, str]:
    """The environment of the items processes: ``base`` (this process's environment by default)
    in development unless it says otherwise, the items database, the first users instance's
    key set and event feed, unbuffered output, then ``settings``. Never the signing keys."""
    env = dict(os.environ if base is None else base)
    env.setdefault("APP_ENV", "development")
    env.pop("JWT_PRIVATE_KEYS", None)
    env |= {
        "ITEMS_DATABASE_URL": config.items_database,
        "USERS_JWKS_URL": f"{config.users_url}/auth/jwks.json",
        "USERS_EVENTS_URL": f"{config.users_url}/internal/events",
        "PYTHONUNBUFFERED": "1",
    }
    if config.redis_url:
        env["REDIS_URL"] = config.redis_url
    return env | settings


def manage(args: list[str], env: dict[str, str], failure: str, cwd: Path = USERS_DIR) -> None:
    """Run a manage.py command; on failure raise its last error line as the reason."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit code {result.returncode}"
        raise StackError(f"{failure}: {reason}")


def prepare_database(config: StackConfig, settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """Migrate the database and create or update the bootstrap admin; ``settings`` are added
    to the users service's environment."""
    VAR.mkdir(exist_ok=True)
    env = users_env(config.database_url, public_url=config.gateway_url) | dict(settings or {})
    where = masked(config.database_url)
    try:
        manage(["db", "upgrade"], env, f"Migrating the database at {where} failed")
    except StackError:
        # Most often the database is simply not there: say that rather than Alembic's error.
        manage(["wait-db", "--timeout", "3"], env, f"The database at {where} cannot be reached")
        raise
    if all(env.get(name) for name in ("ADMIN_USERNAME", "ADMIN_EMAIL", "ADMIN_PASSWORD")):
        manage(["create-admin"], env, "Creating the bootstrap admin failed")
    return env


def prepare_items_database(config: StackConfig) -> None:
    """Migrate the items service's own database."""
    where = masked(config.items_database)
    env = items_env(config)
    try:
        manage(["db", "upgrade"], env, f"Migrating the items database at {where} failed", ITEMS_DIR)
    except StackError:
        # As for users: an unreachable database is said so, rather than with Alembic's error.
        manage(
            ["wait-db", "--timeout", "3"], env, f"The items database at {where} cannot be reached", ITEMS_DIR
        )
        raise


def export_spec(service: str, output: Path, env: Mapping[str, str]) -> subprocess.Popen[str]:
    """Start exporting ``service``'s OpenAPI spec to ``output`` (services/swagger/update-spec.py)."""
    return subprocess.Popen(
        [PYTHON, str(SWAGGER_DIR / "update-spec.py"), "--service", service, "--output", str(output)],
        cwd=ROOT,
        env=dict(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def prepare(config: StackConfig, stack: StackSecrets) -> Path:
    """Everything before the processes start; returns the rendered nginx.conf."""
    check_port_free(
        config.port,
        "gateway",
        f"stop what listens there or choose another, e.g. `make up PORT={config.port + 1}`.",
    )
    for address in config.users_addresses:
        port = int(address.rsplit(":", 1)[1])
        check_port_free(port, "users service", "stop what listens there or set USERS_PORT to another port.")
    for address in config.items_addresses:
        port = int(address.rsplit(":", 1)[1])
        check_port_free(port, "items service", "stop what listens there or set ITEMS_PORT to another port.")
    if not (gateway.CLIENT_DIST / "index.html").exists():
        raise StackError("The client is not built: run `make up` (it builds services/client).")
    if not (gateway.SWAGGER_DIST / "index.html").exists():
        raise StackError("Swagger UI is not assembled: run `make up` (it builds services/swagger).")

    # The spec exports need no database: run them beside the migrations.
    specs = {
        "users": export_spec(
            "users",
            gateway.SWAGGER_DIST / "swagger.json",
            users_env(config.database_url, public_url=config.gateway_url),
        ),
        "items": export_spec("items", gateway.SWAGGER_DIST / "items.json", items_env(config)),
    }
    try:
        prepare_database(config, {"JWT_PRIVATE_KEYS": stack.signing_keys})
        prepare_items_database(config)
    finally:
        outcomes = {service: spec.communicate()[1] for service, spec in specs.items()}
    for service, spec in specs.items():
        if spec.returncode != 0:
            reason = (outcomes[service].strip().splitlines() or ["no output"])[-1]
            raise StackError(f"Exporting the {service} service's OpenAPI spec failed: {reason}")

    conf = gateway.render(
        config.run_dir, port=config.port, users=config.users_addresses, items=config.items_addresses
    )
    nginx = gateway.find_nginx()
    test = subprocess.run(
        [nginx, "-t", "-q", "-p", str(config.run_dir), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    if test.returncode != 0:
        raise StackError(f"The gateway configuration is invalid: {test.stderr.strip()}")
    return conf


def wait_until_ready(config: StackConfig, stop: threading.Event, timeout: float = 60) -> bool:
    """Wait for every users and items instance to listen, then for both APIs to answer through
    the gateway."""
    deadline = time.monotonic() + timeout
    pending = [*config.users_addresses, *config.items_addresses]
    while pending and time.monotonic() < deadline and not stop.is_set():
        host, port = pending[0].rsplit(":", 1)
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                pending.pop(0)
                continue
        except OSError:
            stop.wait(0.2)
    urls = [f"http://127.0.0.1:{config.port}/{service}/ping" for service in ("users", "items")]
    while urls and time.monotonic() < deadline and not stop.is_set():
        try:
            with urllib.request.urlopen(urls[0], timeout=2) as response:
                if response.status == 200:
                    urls.pop(0)
                    continue
        except (urllib.error.URLError, OSError):
            pass
        stop.wait(0.3)
    return not urls


def admin_line(env: Mapping[str, str]) -> str:
    """What the banner says about the bootstrap admin (ADMIN_* variables)."""
    email = env.get("ADMIN_EMAIL", "")
    if not email:
        return ""
    if all(env.get(name) for name in ("ADMIN_USERNAME", "ADMIN_PASSWORD")):
        return f"  Log in as the admin: {email}, with the password in ADMIN_PASSWORD.\n"
    return f"  ADMIN_EMAIL is {email}, but no admin was created: set ADMIN_USERNAME and ADMIN_PASSWORD too.\n"


def events_line(config: StackConfig) -> str:
    """Where the users service's events travel to the items consumer."""
    if config.redis_url:
        return f"relay -> Redis stream at {masked(config.redis_url)} -> consumer"
    return f"consumer polls {config.users_url}/internal/events (set REDIS_URL for Redis Streams)"


def banner(config: StackConfig, env: Mapping[str, str]) -> str:
    url = config.gateway_url
    return (
        "\n"
        f"  The stack is up on {url}\n"
        "  Open:\n"
        f"    the app      {url}/\n"
        f"    Swagger UI   {url}/swagger/\n"
        f"    users API    {url}/users   {url}/auth/...   ({url}/users/ping answers pong)\n"
        f"    items API    {url}/items   ({url}/items/ping answers pong)\n"
        f"    gateway      {url}/health\n"
        f"{admin_line(env)}"
        f"  users instances: {', '.join(config.users_addresses)} (each restarted if it stops)\n"
        f"  items instances: {', '.join(config.items_addresses)} (each restarted if it stops)\n"
        f"  events: {events_line(config)}\n"
        f"  users database: {masked(config.database_url)}\n"
        f"  items database: {masked(config.items_database)}\n"
        f"  gateway access log (JSON lines): {config.run_dir / 'access.log'}\n"
        f"  every process's log: {config.run_dir / PROCESS_LOGS}\n"
        "  Press Ctrl-C to stop.\n"
    )


def announce(config: StackConfig, output: supervise.Output, stop: threading.Event) -> None:
    if wait_until_ready(config, stop):
        output.say(banner(config, os.environ))
    elif not stop.is_set():
        output.say(
            "\n  The stack did not answer on /users/ping and /items/ping within 60 s; see the logs above.\n"
        )


# Process logs under the run directory; the gateway's own files are beside them.
PROCESS_LOGS = "processes"
GATEWAY_STOP_WAIT = 15


def web_stop_wait(env: Mapping[str, str]) -> int:
    """Seconds a users or items instance gets to drain and finish its requests before SIGKILL:
    its SHUTDOWN_DRAIN_SECONDS and GRACEFUL_TIMEOUT (the server caps the drain at half of it)."""

    def number(name: str, default: float) -> float:
        try:
            return max(0.0, float(env.get(name, "") or default))
        except ValueError:
            return default  # the server itself refuses the value with a clear message

    graceful = number("GRACEFUL_TIMEOUT", 30)
    return int(graceful + min(number("SHUTDOWN_DRAIN_SECONDS", 0), graceful / 2)) + 5


# Groups start lowest priority first and stop in the reverse order: users before items.
WEB_PRIORITY = {"users": 100, "items": 150}


def web_programs(
    service: str, config: StackConfig, env: Mapping[str, str], *, reload: bool = False
) -> list[supervise.Program]:
    """One program per instance of the users or items service, on the addresses the config
    gives it; they stand in for each other behind the gateway."""
    addresses = config.users_addresses if service == "users" else config.items_addresses
    command = [str(BIN / "python"), "-m", f"{service}_service.server", *(["--reload"] if reload else [])]
    return [
        supervise.Program(
            name=service if config.replicas == 1 else f"{service}-{index}",
            group=service,
            command=command,
            cwd=ROOT / "services" / service,
            env=dict(env) | {"BIND": address},
            priority=WEB_PRIORITY[service],
            start_seconds=5,
            stop_wait=web_stop_wait(env),
        )
        for index, address in enumerate(addresses, start=1)
    ]


def event_programs(
    config: StackConfig, users: Mapping[str, str], items: Mapping[str, str]
) -> list[supervise.Program]:
    """The items consumer, and the users service's relay to Redis when REDIS_URL is set
    (without Redis the consumer reads the users service's feed, which needs no relay)."""
    consumer = worker_program("consumer", ["-m", "items_service.consumer"], ITEMS_DIR, items, priority=160)
    if not config.redis_url:
        return [consumer]
    relay = worker_program("relay", ["-m", "users_service.relay"], USERS_DIR, users, priority=110)
    return [relay, consumer]


def worker_program(
    name: str, arguments: list[str], service_dir: Path, env: Mapping[str, str], *, priority: int
) -> supervise.Program:
    """A service's long-running Python command (``python *arguments``), one instance in a group
    of its own."""
    return supervise.Program(
        name=name,
        group=name,
        command=[str(BIN / "python"), *arguments],
        cwd=service_dir,
        env=dict(env),
        priority=priority,
    )


def supervisor_env(stack: StackSecrets, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """supervisord's own environment, which every program inherits. It carries the signing keys,
    which span lines and so cannot be written into supervisord's configuration; every program
    but the users service's is given an empty JWT_PRIVATE_KEYS instead."""
    return dict(os.environ if base is None else base) | {"JWT_PRIVATE_KEYS": stack.signing_keys}


def programs(config: StackConfig, conf: Path, stack: StackSecrets) -> list[supervise.Program]:
    """Every process of `make up`. The gateway starts after the services and stops before
    them, so that its in-flight requests still reach an instance; the items processes start
    after the users instances, whose key set and events they read."""
    env = users_env(
        config.database_url,
        public_url=config.gateway_url,
        JWT_PRIVATE_KEYS=stack.signing_keys,
        EVENTS_FEED_TOKEN=stack.feed_token,
    )
    items = items_env(config, JWT_PRIVATE_KEYS="", EVENTS_FEED_TOKEN=stack.feed_token)
    gateway_program = supervise.Program(
        name="gateway",
        group="gateway",
        env={"JWT_PRIVATE_KEYS": "", "EVENTS_FEED_TOKEN": ""},
        command=[gateway.find_nginx(), "-p", str(config.run_dir), "-c", str(conf), "-g", "daemon off;"],
        cwd=config.run_dir,
        priority=200,
        # Longer than Nginx's own retries of a busy port (about 2.5 s), so that failing to
        # listen counts as a failed start, retried with a back-off.
        start_seconds=5,
        # Nginx's graceful stop: no new connections, in-flight requests finish.
        stop_signal="QUIT",
        stop_wait=GATEWAY_STOP_WAIT,
    )
    return [
        *web_programs("users", config, env),
        *web_programs("items", config, items),
        *event_programs(config, env, items),
        gateway_program,
    ]


def run(config: StackConfig) -> int:
    stack = stack_secrets(config)
    conf = prepare(config, stack)
    return supervise.supervise(
        programs(config, conf, stack),
        config.run_dir / PROCESS_LOGS,
        env=supervisor_env(stack),
        while_running=lambda output, stop: announce(config, output, stop),
    )


DEV_CLIENT_PORT = 3007


def dev(config: StackConfig) -> int:
    """Both services with code reload, the items consumer, and Vite's dev server (hot reload),
    no gateway: Vite proxies the API paths to the first instance of each service."""
    check_port_free(config.users_port, "users service", "stop what listens there or set USERS_PORT.")
    check_port_free(config.first_items_port, "items service", "stop what listens there or set ITEMS_PORT.")
    check_port_free(DEV_CLIENT_PORT, "Vite dev server", "stop what listens there.")
    stack = stack_secrets(config)
    env = prepare_database(config, {"PUBLIC_URL": f"http://localhost:{DEV_CLIENT_PORT}"}) | {
        "JWT_PRIVATE_KEYS": stack.signing_keys,
        "EVENTS_FEED_TOKEN": stack.feed_token,
    }
    prepare_items_database(config)
    items = items_env(config, JWT_PRIVATE_KEYS="", EVENTS_FEED_TOKEN=stack.feed_token)
    client = supervise.Program(
        name="client",
        group="client",
        command=["npm", "run", "dev", "--", "--port", str(DEV_CLIENT_PORT), "--strictPort"],
        cwd=gateway.CLIENT_DIST.parent,
        env={
            "USERS_SERVICE_URL": f"http://{config.users_addresses[0]}",
            "ITEMS_SERVICE_URL": f"http://{config.items_addresses[0]}",
            "JWT_PRIVATE_KEYS": "",
        },
        priority=200,
    )

    def say_where(output: supervise.Output, stop: threading.Event) -> None:
        output.say(
            f"\n  Client with hot reload on http://localhost:{DEV_CLIENT_PORT}/ (API proxied to "
            f"{config.users_addresses[0]} and {config.items_addresses[0]}). Press Ctrl-C to stop.\n"
        )

    return supervise.supervise(
        [
            *web_programs("users", config, env, reload=True),
            *web_programs("items", config, items, reload=True),
            *event_programs(config, env, items),
            client,
        ],
        VAR / "dev",
        env=supervisor_env(stack),
        while_running=say_where,
    )


def items_port_from_environment() -> int | None:
    value = os.environ.get("ITEMS_PORT", "")
    return int(value) if value else None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the stack locally.")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="prepare and run the whole stack in the foreground")
    up.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    up.add_argument("--users-port", type=int, default=int(os.environ.get("USERS_PORT", "5001")))
    up.add_argument(
        "--items-port", type=int, default=items_port_from_environment(), help="default: after the users ports"
    )
    up.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS", "1")))
    up.add_argument("--run-dir", type=Path, default=VAR / "nginx", help="where the gateway config goes")
    sub.add_parser("dev", help="both services with reload, the consumer and the Vite dev server")
    args = parser.parse_args(argv)
    if args.command == "dev":
        args.port = int(os.environ.get("PORT", "8080"))
        args.users_port = int(os.environ.get("USERS_PORT", "5001"))
        args.items_port = items_port_from_environment()
        args.replicas = 1
        args.run_dir = VAR / "nginx"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.replicas < 1:
        print("REPLICAS must be 1 or more.", file=sys.stderr)
        return 2
    config = StackConfig(
        port=args.port,
        users_port=args.users_port,
        replicas=args.replicas,
        database_url=os.environ.get("DATABASE_URL") or default_database_url(),
        run_dir=args.run_dir.resolve(),
        items_port=args.items_port,
        items_database_url=os.environ.get("ITEMS_DATABASE_URL", ""),
        redis_url=os.environ.get("REDIS_URL", ""),
    )
    try:
        return dev(config) if args.command == "dev" else run(config)
    except (StackError, gateway.GatewayError, supervise.SupervisionError) as error:
        print(f"make up: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
