"""Prometheus metrics every service keeps: HTTP traffic by route, and database pool use.

Each server worker process keeps its own values; when ``PROMETHEUS_MULTIPROC_DIR`` is set
(the server sets it) they are written there and summed at scrape time, so one scrape
describes the whole instance whichever worker answers it.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4


class ServiceMetrics:
    """The metrics of one service, their names prefixed with the service's name (``users_...``).

    Create one per process, at import: Prometheus refuses a name registered twice.
    """

    def __init__(self, prefix: str) -> None:
        labels = ["method", "route", "status"]
        self.http_requests = Counter(
            f"{prefix}_http_requests_total", "HTTP requests answered, by method, route (URL rule) and status.", labels
        )
        self.http_latency = Histogram(
            f"{prefix}_http_request_duration_seconds",
            "Time spent answering HTTP requests, by method, route (URL rule) and status.",
            labels,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )
        # livesum: the instance's value is the sum over its live workers.
        self.db_pool_checked_out = Gauge(
            f"{prefix}_db_pool_checked_out",
            "Database connections currently checked out of the pool.",
            multiprocess_mode="livesum",
        )
        self.db_pool_size = Gauge(
            f"{prefix}_db_pool_size", "Connections the pool keeps open (pool_size).", multiprocess_mode="livesum"
        )
        self.db_pool_limit = Gauge(
            f"{prefix}_db_pool_limit",
            "Most connections the pool hands out at once (pool_size + max_overflow).",
            multiprocess_mode="livesum",
        )
        self.db_pool_timeouts = Counter(
            f"{prefix}_db_pool_timeouts_total",
            "Requests refused with 503 because no pooled connection freed up within DB_POOL_TIMEOUT.",
        )


def render() -> bytes:
    """Every metric of this instance, in the text exposition format."""
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        from prometheus_client import REGISTRY

        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return generate_latest(registry)
