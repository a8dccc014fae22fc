"""``GET /metrics``: the kit's request metrics under this service's prefix, and refused tokens."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families


def _sample(client: FlaskClient, name: str, **labels: str) -> float:
    body = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                return sample.value
    return 0.0


def test_requests_are_counted_by_route(client: FlaskClient, bearer: Callable[..., dict[str, str]]) -> None:
    before = _sample(client, "items_http_requests_total", route="/items/<int:item_id>", status="404")
    client.get("/items/12345", headers=bearer(3))
    after = _sample(client, "items_http_requests_total", route="/items/<int:item_id>", status="404")
    assert after == before + 1


def test_refused_tokens_are_counted_by_reason(client: FlaskClient) -> None:
    before = _sample(client, "items_tokens_refused_total", reason="invalid")
    client.get("/items", headers={"Authorization": "Bearer not.a.token"})
    assert _sample(client, "items_tokens_refused_total", reason="invalid") == before + 1
