from __future__ import annotations

from flask.testing import FlaskClient

from tests.factories import PRODUCTION


def test_ping_answers_pong(client: FlaskClient) -> None:
    response = client.get("/users/ping")
    assert response.status_code == 200
    assert response.json == {"status": "success", "message": "pong!"}


# SECURITY row 45: headers-cors-methods
def test_api_responses_carry_security_headers(client: FlaskClient) -> None:
    response = client.get("/users/ping")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_in_production(make_app: object) -> None:
    assert callable(make_app)
    app = make_app(**PRODUCTION)
    response = app.test_client().get("/users/ping")
    max_age = int(response.headers["Strict-Transport-Security"].split("max-age=")[1].split(";")[0])
    assert max_age >= 31_536_000


# SECURITY row 45: TRACE and unsupported methods
def test_trace_and_wrong_methods_get_405_json(client: FlaskClient) -> None:
    for method, path in (("TRACE", "/"), ("TRACE", "/users/ping"), ("PUT", "/users/ping")):
        response = client.open(path, method=method)
        assert response.status_code == 405, (method, path)
        assert response.json["status"] == "fail"
        assert response.json["message"] == "Method not allowed."


def test_request_id_is_echoed_or_generated(client: FlaskClient) -> None:
    echoed = client.get("/users/ping", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    generated = client.get("/users/ping", headers={"X-Request-ID": "bad id <script>"})
    assert len(generated.headers["X-Request-ID"]) == 32


def test_unknown_path_is_json_404(client: FlaskClient) -> None:
    response = client.get("/users/ping/nope")
    assert response.status_code == 404
    assert response.json["status"] == "fail"
