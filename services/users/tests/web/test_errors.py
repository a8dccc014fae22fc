"""One JSON envelope for every failure (SECURITY rows 45, 46)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from tests.factories import PRODUCTION, AuthActions, database_of
from users_service import create_app
from users_service.runtime.settings import load_settings


def assert_safe_envelope(response: Any, status: int) -> None:
    assert response.status_code == status
    assert response.content_type == "application/json"
    body = response.get_data(as_text=True)
    assert response.json["status"] == "fail"
    assert response.json["request_id"] == response.headers["X-Request-ID"]
    for leak in ("Traceback", "SELECT", "sqlalchemy", "psycopg", "File \\"):
        assert leak not in body


def _add_route(app: APIFlask, path: str, exc: Exception) -> None:
    def boom() -> None:
        raise exc

    app.add_url_rule(path, f"boom{abs(hash(path))}", boom)


# SECURITY row 46: forced-error-shape
@pytest.mark.parametrize(
    "exc, status",
    [
        (RuntimeError("secret internals"), 500),
        (OperationalError("SELECT secret", {}, Exception("server closed the connection")), 503),
        (ProgrammingError("SELECT secret", {}, Exception("syntax")), 500),
        (IntegrityError("INSERT secret", {}, Exception("duplicate key")), 409),
    ],
)
def test_unexpected_errors_become_json_without_internals(
    make_app: Callable[..., APIFlask], exc: Exception, status: int
) -> None:
    app = make_app(**PRODUCTION)
    _add_route(app, "/users/test-only-boom", exc)
    response = app.test_client().get("/users/test-only-boom")
    assert_safe_envelope(response, status)
    assert "secret" not in response.get_data(as_text=True)
    if status == 503:
        assert response.headers["Retry-After"]


def test_missing_table_is_a_json_error(empty_database_factory: Callable[[], str]) -> None:
    app = create_app(load_settings(**PRODUCTION, DATABASE_URL=empty_database_factory()))
    try:
        response = app.test_client().get("/users")
        assert response.status_code in (500, 503)
        assert_safe_envelope(response, response.status_code)
    finally:
        database_of(app).dispose()


def test_database_outage_is_503_with_retry_after(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", DB_CONNECT_TIMEOUT=1)
    response = app.test_client().get("/users")
    assert_safe_envelope(response, 503)
    assert response.headers["Retry-After"]
    login = app.test_client().post("/auth/login", json={"email": "a@example.com", "password": "x"})
    assert login.status_code == 503


def test_redis_outage_fails_the_login_throttle_closed(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().post("/auth/login", json={"email": "a@example.com", "password": "whatever pw"})
    assert_safe_envelope(response, 503)


def test_debugger_is_unreachable(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(**PRODUCTION)
    assert not app.debug
    client = app.test_client()
    for path in ("/console", "/users/ping?__debugger__=yes&cmd=resource&f=style.css"):
        response = client.get(path)
        assert "Werkzeug" not in response.get_data(as_text=True)
        assert "debugger" not in response.get_data(as_text=True).lower()


def test_duplicate_key_race_ends_in_409(
    auth: AuthActions, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulate losing the race between the uniqueness pre-check and the INSERT.
    from users_service.domain import users as users_service

    auth.create_user(email="taken@example.com", username="taken.name")
    monkeypatch.setattr(users_service, "_check_unique", lambda *a, **k: None)
    response = client.post(
        "/auth/register",
        json={"username": "taken.name", "email": "taken@example.com", "password": "correct horse battery staple"},
    )
    assert response.status_code == 409
    assert response.json["message"] == "Sorry. That user already exists."


def test_unsupported_media_type_and_body_limits_are_json(client: FlaskClient) -> None:
    assert_safe_envelope(client.post("/auth/login", data="a=b", content_type="application/x-www-form-urlencoded"), 415)
    assert_safe_envelope(
        client.post("/auth/login", data=b"x" * (1024 * 1024 + 1), content_type="application/json"), 413
    )
