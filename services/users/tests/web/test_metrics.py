"""GET /metrics: Prometheus text format, traffic by route, auth events, database pool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from users_service.web.spec import export_spec

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _samples(client: FlaskClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return _value(after, name, **labels) - _value(before, name, **labels)


def test_metrics_is_prometheus_text_format_0_0_4(client: FlaskClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    body = response.get_data(as_text=True)
    assert "# TYPE users_http_requests_total counter" in body
    assert "# TYPE users_http_request_duration_seconds histogram" in body


def test_request_counts_increase_by_url_rule_and_status(client: FlaskClient) -> None:
    before = _samples(client)
    for _ in range(3):
        assert client.get("/users/ping").status_code == 200
    assert client.get("/users/424242").status_code == 404
    after = _samples(client)

    ping = {"method": "GET", "route": "/users/ping", "status": "200"}
    assert _delta(before, after, "users_http_requests_total", **ping) == 3
    missing = {"method": "GET", "route": "/users/<int:user_id>", "status": "404"}
    assert _delta(before, after, "users_http_requests_total", **missing) == 1
    # The raw path never becomes a label value.
    assert not any(("route", "/users/424242") in labels for _, labels in after)


def test_latency_histogram_has_the_route_label(client: FlaskClient) -> None:
    client.get("/users/ping")
    samples = _samples(client)
    labels = {"method": "GET", "route": "/users/ping", "status": "200"}
    assert _value(samples, "users_http_request_duration_seconds_count", **labels) >= 1
    assert _value(samples, "users_http_request_duration_seconds_bucket", **labels, le="+Inf") >= 1


def test_unmatched_paths_and_odd_methods_share_bounded_labels(client: FlaskClient) -> None:
    before = _samples(client)
    client.get("/no/such/page/12345")
    client.open("/users/ping", method="PROPFIND")
    after = _samples(client)
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert _delta(before, after, "users_http_requests_total", **unmatched) == 1
    assert not any(("method", "PROPFIND") in labels for _, labels in after)


def test_failed_login_increments_the_auth_event_counter(client: FlaskClient, user: Any) -> None:
    before = _value(_samples(client), "users_auth_events_total", event="login_failed")
    response = client.post("/auth/login", json={"email": "user@example.com", "password": "not the password!"})
    assert response.status_code == 401
    after = _value(_samples(client), "users_auth_events_total", event="login_failed")
    assert after - before == 1


def test_successful_login_and_logout_are_counted(client: FlaskClient, user: Any, password: str) -> None:
    before = _samples(client)
    login = client.post("/auth/login", json={"email": "user@example.com", "password": password})
    assert login.status_code == 200
    token = login.json["auth_token"]
    assert client.post("/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    after = _samples(client)
    for event in ("login_succeeded", "logout"):
        assert _delta(before, after, "users_auth_events_total", event=event) == 1


def test_database_pool_gauges_are_exported(client: FlaskClient) -> None:
    samples = _samples(client)
    names = {name for name, _ in samples}
    assert {"users_db_pool_checked_out", "users_db_pool_size", "users_db_pool_limit"} <= names
    assert "users_db_pool_timeouts_total" in names


def test_metrics_is_not_in_the_openapi_document() -> None:
    assert "/metrics" not in export_spec()["paths"]


def test_multiprocess_mode_reads_the_shared_directory(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Workers write their values there; an empty directory means nothing to report yet.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "users_http_requests_total{" not in response.get_data(as_text=True)
