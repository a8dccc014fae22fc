"""Counting and timing every answer by route, and serving ``GET /metrics``."""

from __future__ import annotations

import time
from typing import Any

from apiflask import APIFlask
from flask import Response

from ..runtime.metrics import CONTENT_TYPE, ServiceMetrics, render

# Requests that matched no route share one label value: raw paths would be unbounded.
UNMATCHED_ROUTE = "<unmatched>"
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetrics:
    """Counts and times answers by method, URL rule and status (from when the request reached
    the WSGI layer). The labelled children of each combination, a bounded set, are looked up
    once and kept."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self.metrics = metrics
        self.children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, rule: str | None, status: int, started: float | None) -> None:
        key = (method, rule or UNMATCHED_ROUTE, status)
        pair = self.children.get(key)
        if pair is None:
            labels = {"method": method if method in _KNOWN_METHODS else "OTHER", "route": key[1], "status": str(status)}
            pair = self.metrics.http_requests.labels(**labels), self.metrics.http_latency.labels(**labels)
            if method in _KNOWN_METHODS:
                self.children[key] = pair
        pair[0].inc()
        if started is not None:
            pair[1].observe(time.perf_counter() - started)


def serve_metrics(app: APIFlask) -> None:
    """``GET /metrics``: Prometheus metrics of this instance (text exposition format 0.0.4).

    Not part of the public API and not in the OpenAPI document: the gateway never routes it,
    so it is reachable only on the service's own port (127.0.0.1:5001 locally, users:5000 in
    compose, the pod port in Kubernetes), where Prometheus scrapes it.
    """

    @app.get("/metrics")
    @app.doc(hide=True)
    def metrics() -> Response:
        """Prometheus metrics of this instance"""
        return Response(render(), mimetype=None, content_type=CONTENT_TYPE)
