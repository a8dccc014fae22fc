"""Every pooled connection held: a request waits DB_POOL_TIMEOUT, then gets 503 + Retry-After."""

from __future__ import annotations

import time
from collections.abc import Callable

from apiflask import APIFlask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from tests.factories import database_of


def _metric(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def test_exhausted_pool_answers_503_with_retry_after_within_the_pool_timeout(
    make_app: Callable[..., APIFlask],
) -> None:
    app = make_app(DB_POOL_SIZE=1, DB_MAX_OVERFLOW=1, DB_POOL_TIMEOUT=1)
    client: FlaskClient = app.test_client()
    timeouts_before = _metric("users_db_pool_timeouts_total")
    engine = database_of(app).engine
    with app.app_context():
        checked_out_before = _metric("users_db_pool_checked_out")
        held = [engine.connect() for _ in range(2)]  # pool_size + max_overflow
        try:
            assert _metric("users_db_pool_checked_out") - checked_out_before == 2
            started = time.monotonic()
            response = client.get("/users")
            elapsed = time.monotonic() - started
            ready = client.get("/health/ready")
        finally:
            for conn in held:
                conn.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.json["status"] == "fail"
    assert "QueuePool" not in response.get_data(as_text=True)
    # DB_POOL_TIMEOUT is 1 s; generous margin for a loaded machine.
    assert elapsed < 10
    assert ready.status_code == 503
    assert ready.headers["Retry-After"]
    assert _metric("users_db_pool_timeouts_total") - timeouts_before == 1
    # Connections are usable again once released.
    assert client.get("/users").status_code == 200
