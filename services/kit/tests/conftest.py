"""A small service built on the kit, and an OTLP/HTTP collector that records what it is sent."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from apiflask import APIFlask
from flask import jsonify
from flask.typing import ResponseReturnValue
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from sqlalchemy import MetaData

from service_kit.runtime.metrics import ServiceMetrics
from service_kit.runtime.settings import ServiceSettings, load
from service_kit.web.app import create_service_app
from service_kit.web.tracing import trace_id, traceparent

# Prometheus refuses a metric name registered twice: one set for every app of the session.
METRICS = ServiceMetrics("probe")
log = logging.getLogger("probe_service.web")


@dataclass
class Collector:
    """An OTLP/HTTP trace receiver: every POST body, decoded."""

    port: int = 0
    paths: list[str] = field(default_factory=list)
    exports: list[ExportTraceServiceRequest] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spans(self) -> list[Any]:
        return [
            span
            for export in self.exports
            for resource_spans in export.resource_spans
            for scope_spans in resource_spans.scope_spans
            for span in scope_spans.spans
        ]

    def service_names(self) -> set[str]:
        return {
            attribute.value.string_value
            for export in self.exports
            for resource_spans in export.resource_spans
            for attribute in resource_spans.resource.attributes
            if attribute.key == "service.name"
        }


@pytest.fixture
def collector() -> Iterator[Collector]:
    received = Collector()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.paths.append(self.path)
            assert self.headers["Content-Type"] == "application/x-protobuf"
            export = ExportTraceServiceRequest()
            export.ParseFromString(body)
            received.exports.append(export)
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    received.port = int(server.server_address[1])
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield received
    server.shutdown()
    server.server_close()


def build_app(database_url: str, **overrides: Any) -> APIFlask:
    settings = load(ServiceSettings, APP_ENV="testing", DATABASE_URL=database_url, **overrides)
    app = create_service_app(
        "probe_service.web",
        settings=settings,
        metrics=METRICS,
        metadata=MetaData(),
        title="Probe service",
        description="A service of the tests",
    )

    @app.get("/probe/<int:number>")
    def probe(number: int) -> ResponseReturnValue:
        log.info("probed", extra={"event": "probed", "number": number})
        log.info("probed again", extra={"event": "probed_again"})
        return jsonify(trace_id=trace_id(), traceparent=traceparent())

    @app.get("/quiet")
    def quiet() -> ResponseReturnValue:
        return jsonify(traceparent=traceparent())

    return app


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., APIFlask]]:
    apps: list[APIFlask] = []

    def factory(**overrides: Any) -> APIFlask:
        app = build_app(f"sqlite:///{tmp_path / 'probe.db'}", **overrides)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["tracing"].shutdown()
        app.extensions["database"].dispose()
