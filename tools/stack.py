#!/usr/bin/env python3
"""Run the whole stack on this machine: the users service behind the Nginx gateway.

`make up` installs what is missing, then calls ``stack.py up``, which

1. checks that the ports are free and the database answers,
2. migrates the database and creates or updates the bootstrap admin (ADMIN_* variables),
3. exports the OpenAPI spec next to the built Swagger UI,
4. renders the gateway configuration for the ``local`` target,
5. runs the users service (granian, one per replica) and Nginx under supervisord
   (tools/supervise.py), in the foreground, with their logs interleaved and labelled. A
   process that dies is started again; one that keeps failing to start is given up on with
   its last log lines. Ctrl-C or SIGTERM stops every one of them, the gateway first.
6. says what to open once the API answers through the gateway.
"""

from __future__ import annotations

import argparse
import os
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

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tools import gateway, supervise

ROOT = Path(__file__).resolve().parents[1]
USERS_DIR = ROOT / "services" / "users"
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

    @property
    def users_addresses(self) -> list[str]:
        return [f"127.0.0.1:{self.users_port + i}" for i in range(self.replicas)]

    @property
    def gateway_url(self) -> str:
        return f"http://localhost:{self.port}"


def default_database_url() -> str:
    return f"sqlite:///{VAR / 'users.db'}"


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


def manage(args: list[str], env: dict[str, str], failure: str) -> None:
    """Run a manage.py command; on failure raise its last error line as the reason."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=USERS_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit code {result.returncode}"
        raise StackError(f"{failure}: {reason}")


def prepare_database(config: StackConfig) -> dict[str, str]:
    """Migrate the database and create or update the bootstrap admin."""
    VAR.mkdir(exist_ok=True)
    env = users_env(config.database_url, public_url=config.gateway_url)
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


def prepare(config: StackConfig) -> Path:
    """Everything before the processes start; returns the rendered nginx.conf."""
    check_port_free(
        config.port,
        "gateway",
        f"stop what listens there or choose another, e.g. `make up PORT={config.port + 1}`.",
    )
    for address in config.users_addresses:
        port = int(address.rsplit(":", 1)[1])
        check_port_free(port, "users service", "stop what listens there or set USERS_PORT to another port.")
    if not (gateway.CLIENT_DIST / "index.html").exists():
        raise StackError("The client is not built: run `make up` (it builds services/client).")
    if not (gateway.SWAGGER_DIST / "index.html").exists():
        raise StackError("Swagger UI is not assembled: run `make up` (it builds services/swagger).")

    # The spec export needs no database: run it beside the migrations.
    spec = subprocess.Popen(
        [
            PYTHON,
            str(SWAGGER_DIR / "update-spec.py"),
            "--output",
            str(gateway.SWAGGER_DIST / "swagger.json"),
        ],
        cwd=ROOT,
        env=users_env(config.database_url, public_url=config.gateway_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        prepare_database(config)
    finally:
        _, spec_errors = spec.communicate()
    if spec.returncode != 0:
        reason = (spec_errors.strip().splitlines() or ["no output"])[-1]
        raise StackError(f"Exporting the OpenAPI spec failed: {reason}")

    conf = gateway.render(config.run_dir, port=config.port, users=config.users_addresses)
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
    """Wait for every users instance to listen, then for the API to answer through the gateway."""
    deadline = time.monotonic() + timeout
    pending = list(config.users_addresses)
    while pending and time.monotonic() < deadline and not stop.is_set():
        host, port = pending[0].rsplit(":", 1)
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                pending.pop(0)
                continue
        except OSError:
            stop.wait(0.2)
    url = f"http://127.0.0.1:{config.port}/users/ping"
    while time.monotonic() < deadline and not stop.is_set():
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        stop.wait(0.3)
    return False


def admin_line(env: Mapping[str, str]) -> str:
    """What the banner says about the bootstrap admin (ADMIN_* variables)."""
    email = env.get("ADMIN_EMAIL", "")
    if not email:
        return ""
    if all(env.get(name) for name in ("ADMIN_USERNAME", "ADMIN_PASSWORD")):
        return f"  Log in as the admin: {email}, with the password in ADMIN_PASSWORD.\n"
    return f"  ADMIN_EMAIL is {email}, but no admin was created: set ADMIN_USERNAME and ADMIN_PASSWORD too.\n"


def banner(config: StackConfig, env: Mapping[str, str]) -> str:
    url = config.gateway_url
    return (
        "\n"
        f"  The stack is up on {url}\n"
        "  Open:\n"
        f"    the app      {url}/\n"
        f"    Swagger UI   {url}/swagger/\n"
        f"    users API    {url}/users   {url}/auth/...   ({url}/users/ping answers pong)\n"
        f"    gateway      {url}/health\n"
        f"{admin_line(env)}"
        f"  users instances: {', '.join(config.users_addresses)} (each restarted if it stops)\n"
        f"  database: {masked(config.database_url)}\n"
        f"  gateway access log (JSON lines): {config.run_dir / 'access.log'}\n"
        f"  every process's log: {config.run_dir / PROCESS_LOGS}\n"
        "  Press Ctrl-C to stop.\n"
    )


def announce(config: StackConfig, output: supervise.Output, stop: threading.Event) -> None:
    if wait_until_ready(config, stop):
        output.say(banner(config, os.environ))
    elif not stop.is_set():
        output.say("\n  The stack did not answer on /users/ping within 60 s; see the logs above.\n")


# Process logs under the run directory; the gateway's own files are beside them.
PROCESS_LOGS = "processes"
GATEWAY_STOP_WAIT = 15


def users_stop_wait(env: Mapping[str, str]) -> int:
    """Seconds a users instance gets to drain and finish its requests before SIGKILL: its
    SHUTDOWN_DRAIN_SECONDS and GRACEFUL_TIMEOUT (the server caps the drain at half of it)."""

    def number(name: str, default: float) -> float:
        try:
            return max(0.0, float(env.get(name, "") or default))
        except ValueError:
            return default  # the server itself refuses the value with a clear message

    graceful = number("GRACEFUL_TIMEOUT", 30)
    return int(graceful + min(number("SHUTDOWN_DRAIN_SECONDS", 0), graceful / 2)) + 5


def users_programs(
    config: StackConfig, env: Mapping[str, str], *, reload: bool = False
) -> list[supervise.Program]:
    """One program per users instance; they stand in for each other behind the gateway."""
    command = [str(BIN / "python"), "-m", "users_service.server", *(["--reload"] if reload else [])]
    return [
        supervise.Program(
            name="users" if config.replicas == 1 else f"users-{index}",
            group="users",
            command=command,
            cwd=USERS_DIR,
            env=dict(env) | {"BIND": address},
            priority=100,
            start_seconds=5,
            stop_wait=users_stop_wait(env),
        )
        for index, address in enumerate(config.users_addresses, start=1)
    ]


def programs(config: StackConfig, conf: Path) -> list[supervise.Program]:
    """Every process of `make up`. The gateway starts after the users instances and stops
    before them, so that its in-flight requests still reach an instance."""
    env = users_env(config.database_url, public_url=config.gateway_url)
    gateway_program = supervise.Program(
        name="gateway",
        group="gateway",
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
    return [*users_programs(config, env), gateway_program]


def run(config: StackConfig) -> int:
    conf = prepare(config)
    return supervise.supervise(
        programs(config, conf),
        config.run_dir / PROCESS_LOGS,
        while_running=lambda output, stop: announce(config, output, stop),
    )


DEV_CLIENT_PORT = 3007


def dev(config: StackConfig) -> int:
    """The users service with code reload and Vite's dev server (hot reload), no gateway."""
    check_port_free(config.users_port, "users service", "stop what listens there or set USERS_PORT.")
    check_port_free(DEV_CLIENT_PORT, "Vite dev server", "stop what listens there.")
    env = prepare_database(config) | {"PUBLIC_URL": f"http://localhost:{DEV_CLIENT_PORT}"}
    client = supervise.Program(
        name="client",
        group="client",
        command=["npm", "run", "dev", "--", "--port", str(DEV_CLIENT_PORT), "--strictPort"],
        cwd=gateway.CLIENT_DIST.parent,
        env={"USERS_SERVICE_URL": f"http://{config.users_addresses[0]}"},
        priority=200,
    )

    def say_where(output: supervise.Output, stop: threading.Event) -> None:
        output.say(
            f"\n  Client with hot reload on http://localhost:{DEV_CLIENT_PORT}/ (API proxied to "
            f"{config.users_addresses[0]}). Press Ctrl-C to stop.\n"
        )

    return supervise.supervise(
        [*users_programs(config, env, reload=True), client],
        VAR / "dev",
        while_running=say_where,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the stack locally.")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="prepare and run the whole stack in the foreground")
    up.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    up.add_argument("--users-port", type=int, default=int(os.environ.get("USERS_PORT", "5001")))
    up.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS", "1")))
    up.add_argument("--run-dir", type=Path, default=VAR / "nginx", help="where the gateway config goes")
    sub.add_parser("dev", help="users service with reload and the Vite dev server")
    args = parser.parse_args(argv)
    if args.command == "dev":
        args.port = int(os.environ.get("PORT", "8080"))
        args.users_port = int(os.environ.get("USERS_PORT", "5001"))
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
    )
    try:
        return dev(config) if args.command == "dev" else run(config)
    except (StackError, gateway.GatewayError, supervise.SupervisionError) as error:
        print(f"make up: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
