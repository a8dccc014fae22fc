"""gunicorn settings for the users service (``gunicorn -c gunicorn.conf.py users_service.wsgi:app``)."""

import glob
import multiprocessing
import os
import shutil
import tempfile
from typing import Any

bind = os.environ.get("BIND", "127.0.0.1:5001")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 4)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Import the app once in the master: configuration errors stop startup before forking.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Only the local gateway may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Reject oversized request lines and headers early.
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = (
    '{"ts":"%(t)s","event":"http_access","remote":"%(h)s","method":"%(m)s","path":"%(U)s",'
    '"status":%(s)s,"bytes":"%(B)s","duration_us":%(D)s,"request_id":"%({x-request-id}o)s"}'
)


# Prometheus multiprocess mode: every worker writes its metric values to files in this
# directory and /metrics sums them. prometheus_client chooses its storage when it is first
# imported, which preload_app does before on_starting runs, so the directory is prepared
# here, at config load, and inherited by every worker.
_METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Set once per gunicorn instance, so a config reload (SIGHUP) keeps the same directory.
_METRICS_DIR_STATE_ENV = "USERS_METRICS_DIR_STATE"


def _prepare_metrics_dir() -> None:
    if os.environ.get(_METRICS_DIR_STATE_ENV):
        return
    given = os.environ.get(_METRICS_DIR_ENV)
    if given:
        os.makedirs(given, exist_ok=True)
        # Files of an earlier run would be added to this run's counters.
        for stale in glob.glob(os.path.join(given, "*.db")):
            os.remove(stale)
        os.environ[_METRICS_DIR_STATE_ENV] = "given"
    else:
        os.environ[_METRICS_DIR_ENV] = tempfile.mkdtemp(prefix="users-metrics-")
        os.environ[_METRICS_DIR_STATE_ENV] = "owned"


_prepare_metrics_dir()


# Seconds a worker keeps accepting requests after SIGTERM while /health/ready answers 503,
# so load balancers stop routing to it first. Drain plus the slowest request must fit in
# graceful_timeout.
_shutdown_drain = min(float(os.environ.get("SHUTDOWN_DRAIN_SECONDS", "0")), graceful_timeout / 2)


def post_worker_init(worker: Any) -> None:
    from users_service.lifecycle import install_sigterm_handler

    def stop() -> None:
        # What gunicorn's own SIGTERM handler does, plus a wake-up for a worker idle in select().
        worker.alive = False
        os.write(worker.PIPE[1], b"1")

    # Readiness turns 503 as soon as the master forwards SIGTERM; the worker then finishes
    # its in-flight requests and exits.
    install_sigterm_handler(_shutdown_drain, stop if _shutdown_drain > 0 else None)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    # Drops the dead worker's gauges; its counters and histograms still count.
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    # After a binary upgrade (USR2) the new master keeps using the directory.
    if os.environ.get(_METRICS_DIR_STATE_ENV) == "owned" and not server.reexec_pid:
        shutil.rmtree(os.environ[_METRICS_DIR_ENV], ignore_errors=True)
