"""What each service's test suite needs of a database server and of a real server process:
throwaway PostgreSQL databases (``DATABASE_TEST_URL``) or SQLite files, emptied tables, a free
port, and ``python -m <service>.server`` started, waited for and stopped; and the checks of a
package's shape (import contracts, one owner of the transaction, public APIs only).

For tests only: nothing of a service imports it."""

from __future__ import annotations

import ast
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import Engine, MetaData, text
from sqlalchemy.engine import make_url


def create_pg_database(server_url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """A new empty database ``<prefix>_<random>`` on the server of ``server_url``: its URL,
    and the function that drops it (closing what is still connected)."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    # libpq, on the server's maintenance database.
    admin = make_url(server_url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


@contextmanager
def empty_databases(server_url: str | None, prefix: str, make_dir: Callable[[], Path]) -> Iterator[Callable[[], str]]:
    """A factory of empty databases: on the PostgreSQL server of ``server_url`` when given
    (dropped on leaving), else SQLite files in new folders of ``make_dir``."""
    drops: list[Callable[[], None]] = []

    def create() -> str:
        if server_url:
            url, drop = create_pg_database(server_url, prefix)
            drops.append(drop)
            return url
        return f"sqlite:///{make_dir() / f'{prefix}.db'}"

    try:
        yield create
    finally:
        for drop in drops:
            drop()


def empty_tables(engine: Engine, metadata: MetaData) -> None:
    """Delete every row of ``metadata``'s tables, children first."""
    # DELETE is cheaper than TRUNCATE for a handful of rows.
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(text(f"DELETE FROM {table.name}"))  # noqa: S608 - names from our own metadata


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(url: str, server: subprocess.Popen[bytes], log_path: Path, timeout: float = 60) -> None:
    """Wait for a 200 from ``url``; fail with the server's log when it exits or never answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - a local URL of the tests
                return
        except (urllib.error.URLError, OSError):
            if server.poll() is not None:
                raise AssertionError(f"the server exited: {log_path.read_text()}") from None
            if time.monotonic() >= deadline:
                raise AssertionError(f"the server did not answer {url}: {log_path.read_text()}") from None
            time.sleep(0.2)


@contextmanager
def running_server(
    package: str, *, cwd: Path, env: Mapping[str, str], log_path: Path, workers: int = 1, ready: str = "/health/ready"
) -> Iterator[str]:
    """``python -m <package>.server`` on a free port with ``env``, its output in ``log_path``:
    its base URL once ``ready`` answers 200; stopped with SIGTERM (its drain) on leaving."""
    port = free_port()
    env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "ACCESS_LOG": ""}
    with (
        log_path.open("w") as log,
        subprocess.Popen(  # noqa: S603 - the service's own server module
            [sys.executable, "-m", f"{package}.server"], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT
        ) as server,
    ):
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{url}{ready}", server, log_path)
            yield url
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=40)


def answer_to_announced_body(url: str, path: str, length: int) -> tuple[int, bytes]:
    """The server's answer to a JSON ``POST`` of ``length`` bytes announced by Content-Length,
    of which nothing is sent: what the server decides from the headers alone."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        # Only the headers: no unread body makes the server's close a reset.
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def schemathesis(spec: Path, url: str, *, config: Path, seed: int, token: str, timeout: float) -> tuple[bool, str]:
    """Schemathesis (every check, one worker, the stateful phase included) against the server
    at ``url``, with the ``spec`` committed for it; ``token`` is sent as ``ST_TOKEN`` (the
    config file says where). Whether it passed, and its output."""
    st = Path(sys.executable).with_name("st")
    args = ["--config-file", str(config), "run", str(spec), "--url", url, "--checks", "all"]
    result = subprocess.run(  # noqa: S603 - the virtualenv's own tool
        [str(st), *args, "--workers", "1", "--no-color", "--seed", str(seed)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "ST_TOKEN": token},
        check=False,
    )
    return result.returncode == 0, result.stdout + result.stderr


def cases_generated(output: str) -> int:
    """How many cases a schemathesis run says it generated."""
    generated = re.search(r"(\d+) generated", output)
    return int(generated.group(1)) if generated else 0


def import_contracts(project: Path) -> subprocess.CompletedProcess[str]:
    """import-linter run on the contracts of ``project``'s pyproject.toml ([tool.importlinter])."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(  # noqa: S603 - the virtualenv's own tool
        [str(lint_imports), "--config", "pyproject.toml", "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def modules_loaded_by(module: str, project: Path) -> set[str]:
    """The modules a fresh interpreter holds after importing ``module`` (run in ``project``)."""
    loaded = subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-c", f"import sys, {module}; print('\\n'.join(sys.modules))"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(loaded.stdout.split())


def _modules(packages: Collection[Path]) -> Iterator[tuple[Path, ast.AST]]:
    for package in packages:
        for path in sorted(package.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
                yield path, node


def _where(path: Path, node: ast.AST) -> str:
    return f"{path}:{getattr(node, 'lineno', '?')}"


def method_calls(names: Collection[str], *packages: Path) -> list[str]:
    """Where the code of ``packages`` calls a method named in ``names`` (``x.commit()``)."""
    return [
        _where(path, node)
        for path, node in _modules(packages)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names
    ]


def private_attributes_of_others(*packages: Path) -> list[str]:
    """Where ``thing._name`` reaches past an API: only an object's own (``self``, ``cls``)
    private attributes may be used."""
    return [
        f"{_where(path, node)} .{node.attr}"
        for path, node in _modules(packages)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    ]


def endpoint_lookups(*packages: Path) -> list[str]:
    """Where behaviour could be chosen by a route's name (``request.endpoint``): how a route
    runs is declared beside it, never looked up by its name elsewhere."""
    return [
        _where(path, node)
        for path, node in _modules(packages)
        if isinstance(node, ast.Attribute) and node.attr == "endpoint"
    ]


def imports_of(module: str, *packages: Path) -> list[str]:
    """Where the code of ``packages`` imports ``module`` or one of its submodules."""
    return [
        _where(path, node)
        for path, node in _modules(packages)
        if isinstance(node, ast.ImportFrom | ast.Import)
        and any(
            name == module or name.startswith(f"{module}.")
            for name in ([alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""])
        )
    ]
