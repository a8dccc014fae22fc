from __future__ import annotations

from flask.testing import FlaskClient


def test_ping_answers_pong_without_a_token(client: FlaskClient) -> None:
    response = client.get("/items/ping")
    assert response.status_code == 200
    assert response.json == {"status": "success", "message": "pong!"}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
