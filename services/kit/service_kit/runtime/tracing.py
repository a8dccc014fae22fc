"""W3C trace context (``traceparent``) and, when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, the
OpenTelemetry SDK that exports this process's spans over OTLP/HTTP.

Without an endpoint nothing of the SDK runs: a request's trace id is read from its
``traceparent`` by one regular expression, and only when something asks for it (a log line,
an event written to the outbox), so requests that log nothing pay nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Tracer


# Version 00 (https://www.w3.org/TR/trace-context/#traceparent-header): lowercase hex, neither
# id all zeros. Later versions may append fields; this reads version 00 only, as the gateway does.
_TRACEPARENT = re.compile(r"00-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})")


class TraceContext(NamedTuple):
    """Where a piece of work sits in a trace: its trace id and the ``traceparent`` that work it
    causes (a request it makes, an event it writes) carries on."""

    trace_id: str
    traceparent: str


def parse_traceparent(value: str | None) -> TraceContext | None:
    """The trace context of a valid version 00 ``traceparent``, else None."""
    if not value:
        return None
    match = _TRACEPARENT.fullmatch(value)
    if match is None:
        return None
    return TraceContext(match.group(1), value)


def new_trace() -> TraceContext:
    """A trace of its own, for work that arrived without a valid ``traceparent``.

    Sampled (flags 01), as the gateway marks the traces it starts, so a service that exports
    spans records what follows from it."""
    trace_id, parent_id = os.urandom(16).hex(), os.urandom(8).hex()
    return TraceContext(trace_id, f"00-{trace_id}-{parent_id}-01")


def continue_trace(traceparent: str | None) -> TraceContext:
    """The incoming trace when ``traceparent`` is valid, else a new one."""
    return parse_traceparent(traceparent) or new_trace()


# The trace of the work running outside a request (background jobs, event consumers).
CURRENT_TRACE: ContextVar[TraceContext | None] = ContextVar("current_trace", default=None)


def current_trace() -> TraceContext | None:
    """The trace of the work outside a request that this thread runs, if any."""
    return CURRENT_TRACE.get()


@contextmanager
def _as_current_trace(context: TraceContext | None) -> Iterator[TraceContext | None]:
    """Make ``context`` the current trace of the work within the block, and restore the
    previous one after it."""
    token = CURRENT_TRACE.set(context)
    try:
        yield context
    finally:
        CURRENT_TRACE.reset(token)


class Tracing:
    """This process's tracer: an SDK ``TracerProvider`` exporting in batches over OTLP/HTTP to
    ``endpoint`` (``<endpoint>/v1/traces``, as the OTLP exporter's own variable means it), or
    nothing at all when ``endpoint`` is empty (the kit then imports nothing of OpenTelemetry)."""

    def __init__(self, service_name: str, endpoint: str) -> None:
        self.service_name = service_name
        self.provider: TracerProvider | None = None
        self.tracer: Tracer | None = None
        if not endpoint:
            return
        # Imported only when spans are exported: a process without an endpoint never loads the SDK.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        self.provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
        self.provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=traces_url(endpoint))))
        self.tracer = self.provider.get_tracer("service_kit")

    @property
    def enabled(self) -> bool:
        return self.tracer is not None

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Export the spans ended so far now (tests; the SDK also does it when the process exits)."""
        return self.provider.force_flush(timeout_millis) if self.provider is not None else True

    def shutdown(self) -> None:
        if self.provider is not None:
            self.provider.shutdown()

    @contextmanager
    def work(self, name: str, traceparent: str | None) -> Iterator[TraceContext]:
        """Run work that arrived from elsewhere (an event, a job) in the trace of ``traceparent``:
        log lines within carry its trace id and, when spans are exported, it is a consumer span
        ``name`` of that trace. Yields the work's trace context."""
        if self.tracer is None:
            context = continue_trace(traceparent)
            with _as_current_trace(context):
                yield context
            return
        from .spans import SpanKind, extract, span_trace_context

        with self.tracer.start_as_current_span(name, context=extract(traceparent), kind=SpanKind.CONSUMER) as span:
            context = span_trace_context(span)
            with _as_current_trace(context):
                yield context


def traces_url(endpoint: str) -> str:
    """Where OTLP/HTTP takes spans, for the base URL in ``OTEL_EXPORTER_OTLP_ENDPOINT``."""
    return endpoint.rstrip("/") + "/v1/traces"
