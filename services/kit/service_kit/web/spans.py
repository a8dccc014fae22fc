"""Each request a server span: loaded only by a process that exports spans
(``OTEL_EXPORTER_OTLP_ENDPOINT`` set)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from opentelemetry.trace import Tracer

from ..runtime.spans import SpanKind, StatusCode, extract, span_trace_context
from .tracing import SPAN_KEY, TRACE_KEY

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class TracedRequests:
    """WSGI middleware, present only when spans are exported: each request is a server span
    continuing the incoming ``traceparent`` (``tracestate`` too), current while the app runs.

    The span ends when the app has returned its answer, whose body the services' JSON views
    have built by then.
    """

    def __init__(self, app: WSGIApp, tracer: Tracer) -> None:
        self.app = app
        self.tracer = tracer

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        with self.tracer.start_as_current_span(
            method,
            context=extract(environ.get("HTTP_TRACEPARENT"), environ.get("HTTP_TRACESTATE")),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": environ.get("PATH_INFO", "")},
        ) as span:
            environ[SPAN_KEY] = span
            environ[TRACE_KEY] = span_trace_context(span)

            def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                code = int(status[:3])
                span.set_attribute("http.response.status_code", code)
                if code >= 500:
                    span.set_status(StatusCode.ERROR)
                return start_response(status, headers, exc_info)

            return self.app(environ, start)
