"""Each request in the trace its ``traceparent`` names (W3C; the gateway always sends one).

- ``trace_id()`` and ``traceparent()`` tell the current request's trace (in background work,
  the trace of the request that handed it off): the log filter adds the first to every record,
  and work the request causes elsewhere (an event in the outbox) carries the second on.
- When spans are exported (``OTEL_EXPORTER_OTLP_ENDPOINT``), ``TracedRequests`` makes each
  request a server span of that trace, named after its route. Otherwise no span exists and the
  trace is read from the header only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import has_request_context, request
from opentelemetry.trace import Span, SpanKind, StatusCode, Tracer

from ..runtime.tracing import PROPAGATOR, TraceContext, continue_trace, current_trace, span_trace_context

TRACE_KEY = "service.trace"
SPAN_KEY = "service.span"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def request_trace(environ: dict[str, Any]) -> TraceContext:
    """The trace of the request of ``environ``: its server span's, or the one its
    ``traceparent`` continues (a new one when that is missing or malformed), read once."""
    found: TraceContext | None = environ.get(TRACE_KEY)
    if found is None:
        found = environ[TRACE_KEY] = continue_trace(environ.get("HTTP_TRACEPARENT"))
    return found


def current() -> TraceContext | None:
    """The trace of the current request, or of the work outside a request this thread runs."""
    if has_request_context():
        return request_trace(request.environ)
    return current_trace()


def trace_id() -> str:
    """The current trace id (32 hex), or "" outside any request or traced work."""
    found = current()
    return found.trace_id if found is not None else ""


def traceparent() -> str | None:
    """The ``traceparent`` that work caused by the current request carries on (for example the
    outbox row of an event it writes), or None outside any request or traced work."""
    found = current()
    return found.traceparent if found is not None else None


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
        carrier = {}
        if "HTTP_TRACEPARENT" in environ:
            carrier["traceparent"] = environ["HTTP_TRACEPARENT"]
            if "HTTP_TRACESTATE" in environ:
                carrier["tracestate"] = environ["HTTP_TRACESTATE"]
        method = environ.get("REQUEST_METHOD", "GET")
        with self.tracer.start_as_current_span(
            method,
            context=PROPAGATOR.extract(carrier),
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


def name_span(environ: dict[str, Any], method: str, route: str | None) -> None:
    """Name the request's span after the route that answered it (``GET /users/<int:user_id>``)."""
    span: Span | None = environ.get(SPAN_KEY)
    if span is not None and route is not None:
        span.update_name(f"{method} {route}")
        span.set_attribute("http.route", route)
