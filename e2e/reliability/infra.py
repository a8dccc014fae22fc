"""The moving parts of the reliability scenarios: a private PostgreSQL cluster and Redis,
a fault-injecting TCP proxy, and users instances plus a gateway that a test can start,
stop and kill one at a time.

Everything listens on 127.0.0.1 on free ports and is removed at the end of the session.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

from e2e.conftest import free_port, port_is_free, processes_with_marker
from tools.gateway import find_nginx
from tools.gateway import render as render_gateway
from tools.stack import users_env

ROOT = Path(__file__).resolve().parents[2]
USERS_DIR = ROOT / "services" / "users"
BIN = Path(sys.executable).parent

__all__ = ["free_port", "port_is_free", "processes_with_marker"]


def wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")


def answers(url: str, status: int = 200) -> bool:
    try:
        return httpx.get(url, timeout=3).status_code == status
    except httpx.HTTPError:
        return False


def postgres_bin_dir() -> Path:
    """The newest installed PostgreSQL (the one /usr/local/bin/pg_ctl links to, on Debian)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    if not found:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed.")
    return Path(found).resolve().parent


# ---- PostgreSQL -------------------------------------------------------------------------


class PrivatePostgres:
    """A throwaway cluster: initdb, pg_ctl start/stop/restart, dump and restore.

    initdb refuses to run as root, so as root every server command runs as the ``postgres``
    user in a directory that user owns.
    """

    def __init__(self) -> None:
        self.bin = postgres_bin_dir()
        self.home = Path(tempfile.mkdtemp(prefix="reliability-pg-"))
        self.data = self.home / "data"
        self.log = self.home / "server.log"
        self.port = free_port()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.home, "postgres", "postgres")

    def _command(self, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self._as_root else list(args)

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = self._command(str(self.bin / "pg_ctl"), "-D", str(self.data), *args)
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=90)

    def init(self) -> None:
        subprocess.run(
            self._command(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ),
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.home} -c max_connections=200 "
            "-c shared_buffers=32MB"
        )
        self._pg_ctl("-o", options, "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "-t", "60", "restart")

    def running(self) -> bool:
        return self._pg_ctl("status", check=False).returncode == 0

    def destroy(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.home, ignore_errors=True)

    def url(self, database: str = "postgres", port: int | None = None) -> str:
        return f"postgresql://postgres@127.0.0.1:{port or self.port}/{database}"

    def connect(self, database: str = "postgres", **kwargs: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=10, **kwargs)

    def create_database(self, name: str, template: str | None = None) -> str:
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def query(self, database: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.connect(database) as conn:
            return conn.execute(sql, params).fetchall()

    def _client_tool(self, tool: str, *args: str) -> None:
        """Run a PostgreSQL client program (pg_dump, pg_restore) against this cluster."""
        connection = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        subprocess.run(
            [str(self.bin / tool), *connection, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )

    def dump(self, database: str, path: Path) -> None:
        self._client_tool("pg_dump", "-Fc", "-d", database, "-f", str(path))

    def restore(self, path: Path, database: str) -> None:
        self._client_tool("pg_restore", "--exit-on-error", "--no-owner", "-d", database, str(path))


def run_to_end(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float, failure: str
) -> str:
    """The standard output of a command that has to succeed; when it exits non-zero, a
    RuntimeError that starts with `failure` and ends with the tail of its standard error."""
    result = subprocess.run(
        list(command),
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{failure}:\n{result.stderr[-2000:]}")
    return result.stdout


def upgrade_schema(
    service_dir: Path,
    url_variable: str,
    database_url: str,
    *,
    failure: str,
    python: str = sys.executable,
    env: Mapping[str, str] | None = None,
) -> None:
    """The schema of the service in `service_dir` at `database_url` (given to it as
    `url_variable`), the way `make up` creates it; `env` adds to the environment."""
    full_env = dict(os.environ) | dict(env or {}) | {url_variable: database_url, "APP_ENV": "development"}
    command = [python, "manage.py", "db", "upgrade"]
    run_to_end(command, cwd=service_dir, env=full_env, timeout=120, failure=failure)


def migrate(database_url: str) -> None:
    """The users schema, the way `make up` creates it."""
    upgrade_schema(USERS_DIR, "DATABASE_URL", database_url, failure=f"migrating {database_url} failed")


# ---- Redis ------------------------------------------------------------------------------


class PrivateRedis:
    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: not port_is_free(self.port), 20, "redis-server listening")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


# ---- fault-injecting TCP proxy ------------------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:port to a target; can delay answers or swallow every byte.

    ``delay`` holds each chunk coming back from the target; ``blackhole`` drops bytes in
    both directions on new and existing connections, like a network path that died
    without resetting anything. ``heal()`` closes the swallowed connections (the peer
    sees a reset, as after a real partition) and forwards normally again.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.delay = 0.0
        self.blackhole = False
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, answers: bool) -> None:
        try:
            source.settimeout(None)
            while chunk := source.recv(65536):
                if self.blackhole:
                    continue
                if answers and self.delay:
                    time.sleep(self.delay)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            self._drop(source, sink)

    def _drop(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            with self._lock:
                self._sockets.discard(sock)

    def heal(self) -> None:
        with self._lock:
            open_sockets = list(self._sockets)
        if self.blackhole:
            self._drop(*open_sockets)
        self.blackhole = False
        self.delay = 0.0

    def close(self) -> None:
        self._closed = True
        self._server.close()
        with self._lock:
            open_sockets = list(self._sockets)
        self._drop(*open_sockets)


def parse_access_log(text: str) -> list[dict[str, Any]]:
    """The gateway's JSON access-log entries (one object per line, maybe after a label)."""
    entries = []
    for line in text.splitlines():
        if '"request_id"' in line:
            with contextlib.suppress(ValueError):
                entries.append(json.loads(line[line.index("{") :]))
    return entries


def read_access_log(run_dir: Path) -> list[dict[str, Any]]:
    """The entries of the access log a gateway writes in its run directory (none yet: [])."""
    path = run_dir / "access.log"
    return parse_access_log(path.read_text(errors="replace")) if path.exists() else []


def upstreams_of(entries: list[dict[str, Any]]) -> list[str]:
    """Every upstream address tried, in order (nginx lists retries as "a, b")."""
    return [a.strip() for e in entries for a in str(e.get("upstream", "")).split(",") if a.strip()]


# ---- users instances and the gateway, one process each -------------------------------------


def instance_env(database_url: str, marker: str, **extra: str) -> dict[str, str]:
    """A users instance's environment for a scenario: development, quiet, two workers, and no
    Redis unless the scenario gives one."""
    base = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    settings = {
        "APP_ENV": "development",
        "STACK_MARKER": marker,
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG": "",
    }
    return users_env(database_url, base=base, **(settings | extra))


@dataclass
class Instance:
    """One users-service server (python -m users_service.server) with its workers, as `make up` starts it."""

    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    # Another WSGI server for the same app (bench/run.py compares servers); BIND is set.
    command: list[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> Instance:
        self.process = subprocess.Popen(
            self.command or [str(BIN / "python"), "-m", "users_service.server"],
            cwd=USERS_DIR,
            env=self.env | {"BIND": self.address},
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self) -> None:
        def up() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"users service on {self.port} exited:\n{self.log.read_text()[-3000:]}")
            return answers(self.url + "/users/ping")

        wait_for(up, 60, f"the users service on port {self.port} answering")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in children.read_text().split()]
        return []

    def terminate(self, timeout: float = 45) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """kill -9 the master and its workers, as when a host or container dies."""
        assert self.process is not None
        pids = [self.process.pid, *self.worker_pids()]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@dataclass
class Gateway:
    """The Nginx gateway rendered for the local target, in front of the given instances."""

    port: int
    upstreams: list[str]
    run_dir: Path
    marker: str
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.run_dir / "gateway.log"

    def start(self) -> Gateway:
        conf = render_gateway(
            self.run_dir, port=self.port, users=self.upstreams, settings={"GATEWAY_WORKER_PROCESSES": "1"}
        )
        self.process = subprocess.Popen(
            [
                find_nginx(),
                "-p",
                str(self.run_dir),
                "-c",
                str(conf),
                "-g",
                "daemon off;",
            ],
            env=dict(os.environ) | {"STACK_MARKER": self.marker},
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: answers(self.url + "/health"), 30, "the gateway answering")
        return self

    def access_log(self) -> list[dict[str, Any]]:
        return read_access_log(self.run_dir)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)


@dataclass
class Fleet:
    """Instances and a gateway that a test can stop, restart and kill one at a time.

    `make up` restarts a process that dies by itself (test_make_up_supervision.py); the
    scenarios that stop or replace one instance at a chosen moment need each instance on its
    own, as an orchestrator runs them.
    """

    tmp: Path
    database_url: str
    database: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)
    instances: list[Instance] = field(default_factory=list)
    gateway: Gateway | None = None

    def add_instance(self, command: list[str] | None = None, **extra: str) -> Instance:
        port = free_port()
        env = instance_env(self.database_url, self.marker, **(self.extra_env | extra))
        instance = Instance(port, env, self.tmp / f"users-{port}.log", command=command)
        self.instances.append(instance)
        return instance

    def add_gateway(self) -> Gateway:
        run_dir = self.tmp / "gateway"
        run_dir.mkdir(exist_ok=True)
        self.gateway = Gateway(free_port(), [i.address for i in self.instances], run_dir, self.marker)
        return self.gateway.start()

    def start_all(self) -> None:
        """Start every instance not yet running, side by side (each boot takes seconds)."""
        pending = [i for i in self.instances if i.process is None or i.process.poll() is not None]
        for instance in pending:
            instance.start(wait=False)
        for instance in pending:
            instance.wait_ready()

    def close(self) -> list[int]:
        """Stop everything; return the pids still alive afterwards (should be none)."""
        if self.gateway:
            self.gateway.stop()
        running = [i.process for i in self.instances if i.process and i.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            process.wait(timeout=45)
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: not processes_with_marker(self.marker), 10, "every process gone")
        return processes_with_marker(self.marker)


# ---- `make up` itself ---------------------------------------------------------------------


def free_port_pair() -> int:
    """A port p with p and p + 1 free: `make up REPLICAS=2` binds both."""
    for _ in range(50):
        port = free_port()
        if port < 65535 and port_is_free(port + 1):
            return port
    raise RuntimeError("no two consecutive free ports")


@dataclass
class MakeUp:
    """`tools/stack.py up`, the process behind `make up`, with its interleaved log."""

    process: subprocess.Popen[bytes]
    port: int
    users_port: int
    replicas: int
    marker: str
    log: Path
    run_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def instance_url(self, index: int = 0) -> str:
        return f"http://127.0.0.1:{self.users_port + index}"

    def access_log(self) -> list[dict[str, Any]]:
        return read_access_log(self.run_dir)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT to the whole foreground job, as a terminal sends it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=90)


def make_up(tmp: Path, database_url: str, replicas: int, extra_env: dict[str, str]) -> MakeUp:
    port, users_port, marker = free_port(), free_port_pair(), uuid.uuid4().hex
    env = (
        dict(os.environ)
        | {
            "APP_ENV": "development",
            "DATABASE_URL": database_url,
            # The items instances: ports and a database of this run's own.
            "ITEMS_PORT": str(free_port_pair()),
            "ITEMS_DATABASE_URL": f"sqlite:///{tmp / 'items.db'}",
            "STACK_MARKER": marker,
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "WARNING",
            "ACCESS_LOG": "",
        }
        | extra_env
    )
    env.pop("DATABASE_TEST_URL", None)
    log = tmp / "make-up.log"
    command = [
        sys.executable,
        "tools/stack.py",
        "up",
        "--port",
        str(port),
        "--users-port",
        str(users_port),
        "--replicas",
        str(replicas),
        "--run-dir",
        str(tmp / "nginx"),
    ]
    # A job of its own, as in a terminal, so that Ctrl-C can be sent to the job as a whole.
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )
    stack = MakeUp(process, port, users_port, replicas, marker, log, tmp / "nginx")

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"make up exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        return answers(stack.url + "/users/ping") and all(
            answers(stack.instance_url(i) + "/users/ping") for i in range(replicas)
        )

    try:
        wait_for(ready, 120, "make up answering through the gateway")
    except TimeoutError:
        stack.stop()
        raise
    return stack


@contextlib.contextmanager
def users_table_locked(postgres: PrivatePostgres, database: str) -> Iterator[None]:
    """Hold an exclusive lock on the users table: every query on it waits (a slow request on
    demand, holding its pooled connection) until the block ends."""
    with postgres.connect(database) as conn:
        conn.execute("BEGIN")
        conn.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")


def lock_waiters(postgres: PrivatePostgres, database: str) -> int:
    rows = postgres.query(
        "postgres",
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
        database,
    )
    return int(rows[0][0])


# ---- accounts -------------------------------------------------------------------------------


def new_account(prefix: str = "user") -> dict[str, str]:
    tag = uuid.uuid4().hex[:10]
    return {
        "username": f"{prefix}-{tag}",
        "email": f"{prefix}-{tag}@reliability.example",
        "password": f"correct horse {tag}",
    }


def register(base_url: str, account: dict[str, str]) -> httpx.Response:
    return httpx.post(base_url + "/auth/register", json=account, timeout=30)


def login(base_url: str, account: dict[str, str]) -> httpx.Response:
    credentials = {"email": account["email"], "password": account["password"]}
    return httpx.post(base_url + "/auth/login", json=credentials, timeout=30)
