from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from users_service.extensions import db


def test_liveness_is_200(client: FlaskClient) -> None:
    assert client.get("/health/live").json == {"status": "success", "message": "alive"}


def test_readiness_is_200_when_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200


def test_readiness_is_503_with_retry_after_when_the_database_is_down(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.json["status"] == "fail"


def test_readiness_reports_an_unreachable_server(make_app: Any) -> None:
    app = make_app(DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", DB_CONNECT_TIMEOUT=1)
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert "connection" not in response.get_data(as_text=True).lower()


def test_readiness_is_503_while_shutting_down_and_liveness_stays_200(client: FlaskClient) -> None:
    from users_service.lifecycle import shutting_down

    shutting_down.set()
    try:
        ready = client.get("/health/ready")
        assert ready.status_code == 503
        assert ready.headers["Retry-After"]
        assert ready.json["status"] == "fail"
        assert client.get("/health/live").status_code == 200
    finally:
        shutting_down.clear()
    assert client.get("/health/ready").status_code == 200


def test_sigterm_handler_sets_the_flag_and_chains_to_the_previous_handler() -> None:
    import os
    import signal

    from users_service.lifecycle import install_sigterm_handler, shutting_down

    received: list[int] = []
    original = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    try:
        install_sigterm_handler()
        os.kill(os.getpid(), signal.SIGTERM)
        assert shutting_down.is_set()
        assert received == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, original)
        shutting_down.clear()


def test_sigterm_with_a_drain_delay_stops_only_after_the_delay() -> None:
    import os
    import signal
    import threading

    from users_service.lifecycle import install_sigterm_handler, shutting_down

    stopped = threading.Event()
    original = signal.getsignal(signal.SIGTERM)
    try:
        install_sigterm_handler(0.2, stop=stopped.set)
        os.kill(os.getpid(), signal.SIGTERM)
        assert shutting_down.is_set()
        assert not stopped.is_set()
        assert stopped.wait(timeout=10)
    finally:
        signal.signal(signal.SIGTERM, original)
        shutting_down.clear()
