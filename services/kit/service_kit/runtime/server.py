"""A service's production server: granian (a Rust HTTP server) running its WSGI app.

Each service's ``server`` module calls ``serve`` (``python -m users_service.server
[--reload] [--app module:attribute]``). Chosen over gunicorn by measurement
(docs/decisions.md), and it keeps client connections alive. Settings come from the
environment:

- ``BIND`` (``127.0.0.1:5001``): address and port.
- ``WEB_CONCURRENCY`` (number of CPUs): worker processes.
- ``WEB_THREADS`` (4): request threads per worker. Each thread may hold one database
  connection. (The users service's argon2id hashes run on threads of their own, one per CPU
  of the worker's share, 19 MiB each.)
- ``ACCESS_LOG`` (off): ``-`` writes a JSON access log to stdout. Off by default: the gateway
  already logs every request, with the same request id.
- ``LOG_LEVEL`` (``info``).
- ``SHUTDOWN_DRAIN_SECONDS`` (0): after SIGTERM, keep serving this long with
  ``/health/ready`` answering 503, so load balancers stop routing here first.
- ``GRACEFUL_TIMEOUT`` (30): then the most seconds in-flight requests get to finish.
- ``PROMETHEUS_MULTIPROC_DIR``: where workers write their metrics (a private temporary
  directory when unset); ``/metrics`` sums them.

SIGTERM or SIGINT: readiness turns 503 at once, then the drain, then the workers finish what
they are serving and exit. A worker that dies is started again.
"""

from __future__ import annotations

import argparse
import gc
import glob
import importlib
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from granian.constants import Interfaces
from granian.log import LogLevels
from granian.server import Server

from .lifecycle import DRAIN_FLAG_ENV, start_draining

KIT = Path(__file__).resolve().parents[1]
METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
ACCESS_LOG_FORMAT = (
    '{"ts":"%(time)s","event":"http_access","remote":"%(addr)s","method":"%(method)s",'
    '"path":"%(path)s","status":%(status)d,"duration_ms":%(dt_ms).3f,'
    '"request_id":"%(header{x-request-id})s"}'
)


class _DrainingServer(Server):  # type: ignore[misc,valid-type]
    """granian's server, with readiness turning 503 for ``drain_seconds`` before the stop."""

    drain_seconds: float = 0.0
    draining = False
    main_pid = 0

    def signal_handler_interrupt(self, *args: Any, **kwargs: Any) -> None:
        if os.getpid() != self.main_pid:
            # A worker inherits this handler at fork and keeps it until it has loaded the app
            # and installed its own. A stop signal in that window must end it, not be lost
            # (the worker would then serve on, orphaned, after the server process exits).
            signum = args[0] if args else signal.SIGTERM
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if self.draining or self.drain_seconds <= 0:
            # No drain, or a second signal during the drain: stop now.
            start_draining()
            super().signal_handler_interrupt(*args, **kwargs)
            return
        self.draining = True
        start_draining()
        logging.getLogger("_granian").info("Draining for %.1f s before stopping", self.drain_seconds)
        timer = threading.Timer(self.drain_seconds, super().signal_handler_interrupt)
        timer.daemon = True
        timer.start()


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        sys.exit(f"{name} must be a whole number, not {raw!r}.")
    if value < 1:
        sys.exit(f"{name} must be at least 1, not {value}.")
    return value


def _bind() -> tuple[str, int]:
    raw = os.environ.get("BIND", "127.0.0.1:5001").strip()
    host, _, port = raw.rpartition(":")
    if not host or not port.isdigit():
        sys.exit(f"BIND must be host:port, not {raw!r}.")
    return host.strip("[]"), int(port)


def _prepare_run_dirs(name: str) -> list[str]:
    """Metrics directory and drain flag for this instance; returns what to remove at exit."""
    owned: list[str] = []
    given = os.environ.get(METRICS_DIR_ENV)
    if given:
        os.makedirs(given, exist_ok=True)
        # Files of an earlier run would be added to this run's counters.
        for stale in glob.glob(os.path.join(given, "*.db")):
            os.remove(stale)
    else:
        os.environ[METRICS_DIR_ENV] = tempfile.mkdtemp(prefix=f"{name}-metrics-")
        owned.append(os.environ[METRICS_DIR_ENV])
    run_dir = tempfile.mkdtemp(prefix=f"{name}-run-")
    owned.append(run_dir)
    os.environ[DRAIN_FLAG_ENV] = os.path.join(run_dir, "draining")
    return owned


def build_server(app: str, reload: bool = False, reload_paths: Sequence[Path] = ()) -> _DrainingServer:
    host, port = _bind()
    threads = _env_int("WEB_THREADS", 4)
    level = os.environ.get("LOG_LEVEL", "info").strip().lower() or "info"
    if level not in {member.value for member in LogLevels}:
        sys.exit(f"LOG_LEVEL must be one of {', '.join(m.value for m in LogLevels)}, not {level!r}.")
    server = _DrainingServer(
        target=app,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=1 if reload else _env_int("WEB_CONCURRENCY", os.cpu_count() or 1),
        # Requests beyond the threads wait in the server's queue for a free thread. (granian's
        # backpressure setting counts connections, idle keep-alive ones included, so it stays
        # at its default: capping it at the thread count stalls a gateway's pooled connections.)
        blocking_threads=threads,
        log_level=LogLevels(level),
        log_access=os.environ.get("ACCESS_LOG", "") != "",
        log_access_format=ACCESS_LOG_FORMAT,
        workers_kill_timeout=_env_int("GRACEFUL_TIMEOUT", 30),
        respawn_failed_workers=not reload,
        reload=reload,
        reload_paths=[*reload_paths, KIT] if reload else None,
    )
    # The drain and the slowest request must both fit in the orchestrator's stop timeout.
    drain = float(os.environ.get("SHUTDOWN_DRAIN_SECONDS", "0") or 0)
    server.drain_seconds = min(max(0.0, drain), _env_int("GRACEFUL_TIMEOUT", 30) / 2)
    server.main_pid = os.getpid()
    return server


def preload(module: str) -> None:
    """Import ``module`` (and so the libraries the app is built from) in the server process.

    The workers are forked from it, so they share those pages copy-on-write instead of each
    importing its own copy. The app itself is still built in each worker: nothing that holds a
    connection, a thread or a metric value is shared. ``gc.freeze`` keeps the collector of a
    worker from writing to the shared objects (and so copying their pages).
    """
    importlib.import_module(module)
    gc.freeze()


def serve(
    name: str,
    default_app: str,
    check_settings: Callable[[], object],
    package: Path,
    argv: Sequence[str] | None = None,
    *,
    shared_code: str | None = None,
) -> None:
    """Run service ``name``'s WSGI app (``default_app``, a ``module:attribute``).

    ``check_settings`` loads the service's settings, or exits with one sentence, before any
    worker starts; ``package`` is the code that ``--reload`` watches; ``shared_code`` is a
    module that imports what the app is made of without building it, loaded once before the
    workers fork (see ``preload``).
    """
    parser = argparse.ArgumentParser(prog=f"python -m {name}_service.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reload", action="store_true", help="one worker, restarted when the code changes (dev)")
    parser.add_argument("--app", default=default_app, help=f"WSGI app to serve (default {default_app})")
    args = parser.parse_args(argv)

    server = build_server(args.app, args.reload, [package])
    # Before anything imports prometheus_client, which picks its storage on import.
    owned = _prepare_run_dirs(name)
    try:
        check_settings()
        if shared_code and not args.reload:
            preload(shared_code)
        server.serve()
    finally:
        for path in owned:
            shutil.rmtree(path, ignore_errors=True)
