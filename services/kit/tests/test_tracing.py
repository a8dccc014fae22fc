"""Every request continues the trace of its traceparent: log lines carry its trace id, and when
OTEL_EXPORTER_OTLP_ENDPOINT is set each request is a span exported over OTLP/HTTP."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from apiflask import APIFlask
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from service_kit.runtime.settings import ConfigError, ServiceSettings, load
from service_kit.runtime.tracing import continue_trace, parse_traceparent
from service_kit.web.background import BackgroundWork
from service_kit.web.edge import REQUEST_ID_KEY

from .conftest import Collector

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE}-{PARENT}-01"
HEX32 = re.compile(r"^[0-9a-f]{32}$")
KIT = Path(__file__).resolve().parents[1]


def records(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def probed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [record for record in records(capsys) if record.get("event", "").startswith("probed")]


def test_log_lines_carry_the_incoming_trace_id_and_request_id(
    make_app: Callable[..., APIFlask], capsys: pytest.CaptureFixture[str]
) -> None:
    client = make_app().test_client()
    capsys.readouterr()
    response = client.get("/probe/1", headers={"traceparent": TRACEPARENT, "X-Request-ID": "req-1"})
    assert response.status_code == 200
    lines = probed(capsys)
    assert [(line["trace_id"], line["request_id"]) for line in lines] == [(TRACE, "req-1"), (TRACE, "req-1")]
    # Without spans of its own, the service hands the incoming traceparent on as it came.
    assert response.json == {"trace_id": TRACE, "traceparent": TRACEPARENT}


@pytest.mark.parametrize(
    "malformed",
    [
        None,
        "nonsense",
        f"00-{'0' * 32}-{PARENT}-01",
        f"00-{TRACE}-{'0' * 16}-01",
        f"00-{TRACE.upper()}-{PARENT}-01",
        f"01-{TRACE}-{PARENT}-01",
        f"00-{TRACE}-{PARENT}-01-extra",
        f"00-{TRACE}-{PARENT}-1",
    ],
)
def test_a_malformed_traceparent_gets_a_new_trace_id(
    make_app: Callable[..., APIFlask], capsys: pytest.CaptureFixture[str], malformed: str | None
) -> None:
    client = make_app().test_client()
    capsys.readouterr()
    headers = {"traceparent": malformed} if malformed is not None else {}
    first = client.get("/probe/1", headers=headers)
    second = client.get("/probe/2", headers=headers)
    lines = probed(capsys)
    ids = [line["trace_id"] for line in lines]
    assert all(HEX32.match(found) for found in ids), ids
    assert TRACE not in ids
    # One trace per request, the same in each of its lines and in what it hands on.
    assert ids[0] == ids[1] == first.json["trace_id"]  # type: ignore[index]
    assert ids[2] == ids[3] == second.json["trace_id"]  # type: ignore[index]
    assert ids[0] != ids[2]
    assert parse_traceparent(first.json["traceparent"]) == (ids[0], first.json["traceparent"])  # type: ignore[index]


def test_work_handed_off_logs_under_the_request_and_its_trace(
    make_app: Callable[..., APIFlask], capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app()
    work = BackgroundWork(app.extensions["database"], threads=1)
    capsys.readouterr()
    # A bare request context: what the edge middleware would have set, set by hand.
    with app.test_request_context("/", headers={"traceparent": TRACEPARENT}, environ_base={REQUEST_ID_KEY: "req-bg"}):
        work.submit(lambda session: _job_log())
    assert work.wait()
    (line,) = probed(capsys)
    assert (line["trace_id"], line["request_id"]) == (TRACE, "req-bg")


def _job_log() -> None:
    logging.getLogger("probe_service.web.job").info("job", extra={"event": "probed_job"})


def test_traced_work_outside_requests_logs_its_trace_id(
    make_app: Callable[..., APIFlask], capsys: pytest.CaptureFixture[str]
) -> None:
    tracing = make_app().extensions["tracing"]
    capsys.readouterr()
    with tracing.work("event apply", TRACEPARENT) as context:
        _job_log()
    with tracing.work("event apply", None) as fresh:
        _job_log()
    _job_log()
    lines = probed(capsys)
    assert context.trace_id == TRACE
    assert [line.get("trace_id") for line in lines] == [TRACE, fresh.trace_id, None]


def test_each_request_is_an_exported_span_of_the_incoming_trace(
    make_app: Callable[..., APIFlask], collector: Collector, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(OTEL_EXPORTER_OTLP_ENDPOINT=collector.endpoint)
    client = app.test_client()
    capsys.readouterr()
    response = client.get("/probe/7", headers={"traceparent": TRACEPARENT, "X-Request-ID": "req-7"})
    fresh = client.get("/probe/8", headers={"traceparent": "garbage"})
    assert app.extensions["tracing"].force_flush()

    assert collector.paths and set(collector.paths) == {"/v1/traces"}
    assert collector.service_names() == {"probe"}
    spans = {span.trace_id.hex(): span for span in collector.spans()}
    assert set(spans) == {TRACE, fresh.json["trace_id"]}  # type: ignore[index]
    span = spans[TRACE]
    assert span.name == "GET /probe/<int:number>"
    assert span.kind == Span.SpanKind.SPAN_KIND_SERVER
    assert span.parent_span_id.hex() == PARENT
    attributes = {a.key: a.value for a in span.attributes}
    assert attributes["http.route"].string_value == "/probe/<int:number>"
    assert attributes["http.response.status_code"].int_value == 200
    # What the request hands on names its own span as the parent.
    assert response.json["traceparent"] == f"00-{TRACE}-{span.span_id.hex()}-01"  # type: ignore[index]
    # A malformed traceparent: a new trace, whose first span is the request's.
    fresh_id = fresh.json["trace_id"]  # type: ignore[index]
    assert HEX32.match(fresh_id) and spans[fresh_id].parent_span_id == b""
    assert [line["trace_id"] for line in probed(capsys)] == [TRACE, TRACE, fresh_id, fresh_id]


def test_an_unmatched_path_and_a_failure_are_spans_too(make_app: Callable[..., APIFlask], collector: Collector) -> None:
    app = make_app(OTEL_EXPORTER_OTLP_ENDPOINT=collector.endpoint + "/")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    client = app.test_client()
    assert client.get("/nowhere", headers={"traceparent": TRACEPARENT}).status_code == 404
    assert client.get("/boom", headers={"traceparent": TRACEPARENT}).status_code == 500
    assert app.extensions["tracing"].force_flush()
    by_name = {span.name: span for span in collector.spans()}
    assert set(by_name) == {"GET", "GET /boom"}
    assert by_name["GET /boom"].status.code == by_name["GET /boom"].status.STATUS_CODE_ERROR
    assert collector.paths[0] == "/v1/traces"


def test_traced_work_outside_requests_is_a_span_when_exported(
    make_app: Callable[..., APIFlask], collector: Collector
) -> None:
    tracing = make_app(OTEL_EXPORTER_OTLP_ENDPOINT=collector.endpoint).extensions["tracing"]
    with tracing.work("user.deleted apply", TRACEPARENT) as context:
        pass
    assert tracing.force_flush()
    (span,) = collector.spans()
    assert (span.name, span.trace_id.hex(), span.parent_span_id.hex()) == ("user.deleted apply", TRACE, PARENT)
    assert span.kind == Span.SpanKind.SPAN_KIND_CONSUMER
    assert context.traceparent == f"00-{TRACE}-{span.span_id.hex()}-01"


def test_without_an_endpoint_nothing_is_sent_and_the_sdk_is_never_loaded(collector: Collector, tmp_path: Path) -> None:
    """In a process of its own, so that no other test has loaded the SDK's tracing (redis loads
    its metrics part, which this is not about); the exporter's own
    variables point at the collector, so anything the SDK would export would arrive there."""
    script = textwrap.dedent(
        f"""
        import sys
        from tests.conftest import build_app
        app = build_app("sqlite:///{tmp_path / "quiet.db"}")
        client = app.test_client()
        for number in range(5):
            assert client.get(f"/probe/{{number}}", headers={{"traceparent": "{TRACEPARENT}"}}).status_code == 200
        assert not app.extensions["tracing"].enabled
        tracing_sdk = ("opentelemetry.sdk.trace", "opentelemetry.exporter", "opentelemetry.trace.propagation.")
        loaded = sorted(name for name in sys.modules if name.startswith(tracing_sdk))
        assert loaded == [], loaded
        """
    )
    environment = os.environ | {
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": collector.endpoint + "/v1/traces",
        "OTEL_TRACES_EXPORTER": "otlp",
    }
    environment.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=KIT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert collector.exports == []


def test_the_endpoint_must_be_a_url() -> None:
    with pytest.raises(ConfigError, match="OTEL_EXPORTER_OTLP_ENDPOINT"):
        load(ServiceSettings, OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318")
    assert (
        load(ServiceSettings, OTEL_EXPORTER_OTLP_ENDPOINT=" http://c:4318 ").OTEL_EXPORTER_OTLP_ENDPOINT
        == "http://c:4318"
    )


def test_continue_trace_reads_version_00_only() -> None:
    assert continue_trace(TRACEPARENT).trace_id == TRACE
    made = continue_trace(f"ff-{TRACE}-{PARENT}-01")
    assert made.trace_id != TRACE and parse_traceparent(made.traceparent) == made
