"""Counting and timing every answer by route, and serving ``GET /metrics``."""

from __future__ import annotations

import time
from typing import Any

from apiflask import APIFlask
from flask import Response, request

from ..runtime.metrics import CONTENT_TYPE, HTTP_LATENCY, HTTP_REQUESTS, render
from .middleware import request_started

# Requests that matched no route share one label value: raw paths would be unbounded.
UNMATCHED_ROUTE = "<unmatched>"
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def register_metrics(app: APIFlask) -> None:
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
        return Response(render(), mimetype=None, content_type=CONTENT_TYPE)
