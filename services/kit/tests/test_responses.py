"""JSON answers reach the WSGI server as their body itself, one bytes object in a list, which
granian writes in one call instead of pulling it from an iterator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from apiflask import APIFlask
from flask import Response
from werkzeug.test import EnvironBuilder

from service_kit.web.errors import fail
from service_kit.web.health import health_blueprint
from service_kit.web.ping import ping_blueprint
from service_kit.web.responses import success


def wsgi_answer(app: APIFlask, path: str, method: str = "GET") -> tuple[str, Any]:
    environ = EnvironBuilder(path=path, method=method).get_environ()
    started: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started.append(status)

    return_value = app(environ, start_response)
    return started[0], return_value


@pytest.fixture
def app(make_app: Callable[..., APIFlask], tmp_path: Path) -> APIFlask:
    app = make_app()
    app.register_blueprint(ping_blueprint("probe_service.web", api="probe"))
    app.register_blueprint(health_blueprint("probe_service.web", migrations=tmp_path))

    @app.get("/probe/answer")
    def answer() -> Response:
        return success(data={"answer": 42})

    @app.get("/probe/refusal")
    def refusal() -> Response:
        raise fail(409, "Taken.")

    return app


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/probe/ping", "200 OK", {"status": "success", "message": "pong!"}),
        ("/health/live", "200 OK", {"status": "success", "message": "alive"}),
        ("/probe/answer", "200 OK", {"status": "success", "data": {"answer": 42}}),
    ],
)
def test_a_json_answer_is_handed_over_as_one_body(app: APIFlask, path: str, status: str, body: Any) -> None:
    started, returned = wsgi_answer(app, path)
    assert started == status
    assert isinstance(returned, list) and len(returned) == 1
    assert orjson.loads(returned[0]) == body


def test_an_error_answer_is_handed_over_as_one_body_too(app: APIFlask) -> None:
    started, returned = wsgi_answer(app, "/probe/refusal")
    assert started.startswith("409")
    assert isinstance(returned, list) and len(returned) == 1
    assert orjson.loads(returned[0])["message"] == "Taken."


def test_a_head_request_still_gets_no_body(app: APIFlask) -> None:
    started, returned = wsgi_answer(app, "/probe/ping", method="HEAD")
    assert started == "200 OK"
    assert b"".join(returned) == b""
