"""Prometheus metrics: HTTP traffic by route, authentication events and database pool use.

Under gunicorn every worker keeps its own values; when ``PROMETHEUS_MULTIPROC_DIR`` is set
(gunicorn.conf.py sets it) they are written there and summed at scrape time, so one scrape
describes the whole instance whichever worker answers it.
"""

from __future__ import annotations

import os
import time
from typing import Any

from apiflask import APIFlask
from flask import Response, request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool

from .middleware import request_started

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Requests that matched no route share one label value: raw paths would be unbounded.
UNMATCHED_ROUTE = "<unmatched>"
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

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


def instrument_engine(engine: Engine) -> None:
    """Track checkouts of one engine's pool (one engine per worker process)."""
    pool = engine.pool
    if isinstance(pool, QueuePool):
        DB_POOL_SIZE.set(pool.size())
        DB_POOL_LIMIT.set(pool.size() + max(pool._max_overflow, 0))

    @event.listens_for(pool, "checkout")
    def on_checkout(*args: Any) -> None:
        DB_POOL_CHECKED_OUT.inc()

    @event.listens_for(pool, "checkin")
    def on_checkin(*args: Any) -> None:
        DB_POOL_CHECKED_OUT.dec()


def render() -> bytes:
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        from prometheus_client import REGISTRY

        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def register(app: APIFlask) -> None:
    """Count and time every request (from when it reached the WSGI layer) and serve ``GET /metrics``."""

    # Labelled children by (method, route, status): a bounded set, looked up once each.
    children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    @app.after_request
    def observe(response: Response) -> Response:
        rule = request.url_rule
        key = (request.method, rule.rule if rule is not None else UNMATCHED_ROUTE, response.status_code)
        pair = children.get(key)
        if pair is None:
            labels = {
                "method": key[0] if key[0] in _KNOWN_METHODS else "OTHER",
                "route": key[1],
                "status": str(key[2]),
            }
            pair = HTTP_REQUESTS.labels(**labels), HTTP_LATENCY.labels(**labels)
            if key[0] in _KNOWN_METHODS:
                children[key] = pair
        pair[0].inc()
        started = request_started()
        if started is not None:
            pair[1].observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    @app.doc(hide=True)
    def metrics() -> Response:
        """Prometheus metrics of this instance (text exposition format 0.0.4).

        Not part of the public API and not in the OpenAPI document: the gateway proxies only
        ``/users*`` and ``/auth*``, so this is reachable only on the service's own port
        (127.0.0.1:5001 locally, users:5000 in compose, the pod port in Kubernetes), where
        Prometheus scrapes it.
        """
        return Response(render(), mimetype=None, content_type=CONTENT_TYPE_PLAIN_0_0_4)
