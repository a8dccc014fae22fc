"""Prometheus metrics: HTTP traffic by route, authentication events and database pool use.

Each server worker process keeps its own values; when ``PROMETHEUS_MULTIPROC_DIR`` is set
(``users_service.server`` sets it) they are written there and summed at scrape time, so one
scrape describes the whole instance whichever worker answers it.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

HTTP_REQUESTS = Counter(
    "users_http_requests_total",
    "HTTP requests answered, by method, route (URL rule) and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "users_http_request_duration_seconds",
    "Time spent answering HTTP requests, by method, route (URL rule) and status.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
AUTH_EVENTS = Counter(
    "users_auth_events_total",
    "Authentication events (login_succeeded, login_failed, logout, authn_token_reuse, login_throttled, ...).",
    ["event"],
)
# livesum: the instance's value is the sum over its live workers.
DB_POOL_CHECKED_OUT = Gauge(
    "users_db_pool_checked_out",
    "Database connections currently checked out of the pool.",
    multiprocess_mode="livesum",
)
DB_POOL_SIZE = Gauge(
    "users_db_pool_size",
    "Connections the pool keeps open (pool_size).",
    multiprocess_mode="livesum",
)
DB_POOL_LIMIT = Gauge(
    "users_db_pool_limit",
    "Most connections the pool hands out at once (pool_size + max_overflow).",
    multiprocess_mode="livesum",
)
DB_POOL_TIMEOUTS = Counter(
    "users_db_pool_timeouts_total",
    "Requests refused with 503 because no pooled connection freed up within DB_POOL_TIMEOUT.",
)


def record_auth_event(event_name: str) -> None:
    AUTH_EVENTS.labels(event=event_name).inc()


def render() -> bytes:
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        from prometheus_client import REGISTRY

        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return generate_latest(registry)
