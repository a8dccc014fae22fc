"""The trace context the gateway sends the services: the client's valid traceparent goes on
unchanged, anything else is replaced by one made from the request id; the access log names
the trace of each request."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest

from .harness import Gateway, Upstream

CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c"
CLIENT_TRACEPARENT = f"00-{CLIENT_TRACE}-b7ad6b7169203331-01"
MADE_BY_THE_GATEWAY = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-01$")


def access_log(tmp_path: Path, count: int) -> list[dict[str, object]]:
    """The first ``count`` lines of the local target's access log (Nginx writes each at the
    request's end, just after the answer)."""
    path = tmp_path / "nginx" / "access.log"
    deadline = time.monotonic() + 5
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return [json.loads(line) for line in lines]
        time.sleep(0.02)


Headers = dict[str, str] | list[tuple[str, str]]


def forwarded(gateway: Gateway, headers: Headers) -> tuple[dict[str, str], str]:
    """What the service received (its headers), and the request id the client was given."""
    response = httpx.get(gateway.url + "/users/ping", headers=headers)
    assert response.status_code == 200
    sent: dict[str, str] = response.json()["headers"]
    return {name.lower(): value for name, value in sent.items()}, sent["X-Request-ID"]


def test_a_valid_client_traceparent_goes_on_unchanged(gateway: Gateway, tmp_path: Path) -> None:
    sent, _ = forwarded(gateway, {"traceparent": CLIENT_TRACEPARENT, "tracestate": "vendor=abc"})
    assert sent["traceparent"] == CLIENT_TRACEPARENT
    assert sent["tracestate"] == "vendor=abc"
    assert access_log(tmp_path, 1)[0]["trace_id"] == CLIENT_TRACE


@pytest.mark.parametrize(
    "traceparent",
    [
        None,
        "",
        "garbage",
        f"01-{CLIENT_TRACE}-b7ad6b7169203331-01",  # a version this gateway does not read
        f"00-{'0' * 32}-b7ad6b7169203331-01",  # all-zero trace id
        f"00-{CLIENT_TRACE}-{'0' * 16}-01",  # all-zero parent id
        f"00-{CLIENT_TRACE.upper()}-b7ad6b7169203331-01",  # hex must be lowercase
        f"00-{CLIENT_TRACE[:-1]}-b7ad6b7169203331-01",  # 31 hex
        f"00-{CLIENT_TRACE}-b7ad6b716920333-01",  # 15 hex
        f"00-{CLIENT_TRACE}-b7ad6b7169203331-01-extra",
        # Two traceparent headers (Nginx joins them): W3C says neither counts.
        [CLIENT_TRACEPARENT, f"00-{CLIENT_TRACE}-00f067aa0ba902b7-01"],
    ],
)
def test_anything_else_starts_a_trace_from_the_request_id(
    gateway: Gateway, tmp_path: Path, traceparent: str | list[str] | None
) -> None:
    given = [] if traceparent is None else [traceparent] if isinstance(traceparent, str) else traceparent
    headers = [("traceparent", value) for value in given] + [("tracestate", "vendor=abc")]
    sent, request_id = forwarded(gateway, headers)
    made = MADE_BY_THE_GATEWAY.match(sent["traceparent"])
    assert made, sent["traceparent"]
    assert made.group(1) == request_id
    assert made.group(2) != "0" * 16
    # The client's tracestate belonged to the trace it does not continue.
    assert "tracestate" not in sent
    (line,) = access_log(tmp_path, 1)
    assert line["trace_id"] == request_id == line["request_id"]


def test_each_request_gets_its_own_trace(gateway: Gateway, upstream: Upstream, tmp_path: Path) -> None:
    first, _ = forwarded(gateway, {})
    second, _ = forwarded(gateway, {})
    assert first["traceparent"] != second["traceparent"]
    assert [line["trace_id"] for line in access_log(tmp_path, 2)] == [
        first["traceparent"][3:35],
        second["traceparent"][3:35],
    ]


def test_the_gateways_own_answers_log_a_trace_id_too(gateway: Gateway, tmp_path: Path) -> None:
    httpx.get(gateway.url + "/health", headers={"traceparent": CLIENT_TRACEPARENT})
    httpx.get(gateway.url + "/health")
    logged = access_log(tmp_path, 2)
    assert logged[0]["trace_id"] == CLIENT_TRACE
    assert logged[1]["trace_id"] == logged[1]["request_id"]
