"""The OpenTelemetry side of tracing, loaded only by a process that exports spans
(``OTEL_EXPORTER_OTLP_ENDPOINT`` set; see ``tracing.Tracing``)."""

from __future__ import annotations

from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind, StatusCode, format_span_id, format_trace_id
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from .tracing import TraceContext

__all__ = ["Span", "SpanKind", "StatusCode", "extract", "span_trace_context"]

PROPAGATOR = TraceContextTextMapPropagator()


def extract(traceparent: str | None, tracestate: str | None = None) -> Context:
    """The OpenTelemetry context continuing ``traceparent`` (an empty one, so a new trace,
    when it is missing or invalid)."""
    carrier = {}
    if traceparent:
        carrier["traceparent"] = traceparent
        if tracestate:
            carrier["tracestate"] = tracestate
    return PROPAGATOR.extract(carrier)


def span_trace_context(span: Span) -> TraceContext:
    """The trace context under ``span``: its trace id, and a ``traceparent`` naming it as parent."""
    context = span.get_span_context()
    trace_id = format_trace_id(context.trace_id)
    return TraceContext(trace_id, f"00-{trace_id}-{format_span_id(context.span_id)}-{context.trace_flags:02x}")
