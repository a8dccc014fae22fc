"""Each request in the trace its ``traceparent`` names (W3C; the gateway always sends one).

- ``trace_id()`` and ``traceparent()`` tell the current request's trace (in background work,
  the trace of the request that handed it off): the log filter adds the first to every record,
  and work the request causes elsewhere (an event in the outbox) carries the second on.
- When spans are exported (``OTEL_EXPORTER_OTLP_ENDPOINT``), ``spans.TracedRequests`` makes
  each request a server span of that trace, named after its route (``name_span``). Otherwise
  no span exists, the kit imports nothing of OpenTelemetry, and the trace is read from the header only when
  asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import has_request_context, request

from ..runtime.tracing import TraceContext, continue_trace, current_trace

if TYPE_CHECKING:
    from opentelemetry.trace import Span

TRACE_KEY = "service.trace"
SPAN_KEY = "service.span"


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


def name_span(environ: dict[str, Any], method: str, route: str | None) -> None:
    """Name the request's span after the route that answered it (``GET /users/<int:user_id>``)."""
    span: Span | None = environ.get(SPAN_KEY)
    if span is not None and route is not None:
        span.update_name(f"{method} {route}")
        span.set_attribute("http.route", route)
