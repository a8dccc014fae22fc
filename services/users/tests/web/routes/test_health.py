from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from service_kit.db.migrations import head_revision

from tests.factories import database_of
from users_service.runtime.settings import MIGRATIONS_DIR


def test_liveness_is_200(client: FlaskClient) -> None:
    assert client.get("/health/live").json == {"status": "success", "message": "alive"}


def test_readiness_is_200_when_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200


def test_readiness_is_503_with_retry_after_when_the_database_is_unreachable(make_app: Any) -> None:
    app = make_app(DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", DB_CONNECT_TIMEOUT=1)
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.json["status"] == "fail"
    assert "connection" not in response.get_data(as_text=True).lower()


def test_readiness_is_503_while_draining_and_liveness_stays_200(
    client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service_kit.runtime.lifecycle import DRAIN_FLAG_ENV, draining, start_draining

    monkeypatch.setenv(DRAIN_FLAG_ENV, str(tmp_path / "draining"))
    assert not draining()
    assert client.get("/health/ready").status_code == 200

    start_draining()  # what the server process does on SIGTERM
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.headers["Retry-After"]
    assert ready.json["status"] == "fail"
    assert client.get("/health/live").status_code == 200


def test_not_draining_without_a_flag_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from service_kit.runtime.lifecycle import DRAIN_FLAG_ENV, draining, start_draining

    monkeypatch.delenv(DRAIN_FLAG_ENV, raising=False)
    start_draining()
    assert not draining()


def test_readiness_is_503_until_the_schema_is_at_the_newest_migration(
    make_app: Any, empty_database_factory: Any
) -> None:
    # A first deploy or a rollout: the new code's pods must not serve before its migrations.
    from flask_migrate import downgrade, upgrade

    app = make_app(DATABASE_URL=empty_database_factory())
    client = app.test_client()
    not_migrated = client.get("/health/ready")
    assert not_migrated.status_code == 503
    assert not_migrated.json["message"] == "Database schema is not up to date."
    assert not_migrated.headers["Retry-After"]
    with app.app_context():
        upgrade()
    assert client.get("/health/ready").status_code == 200
    with app.app_context():
        downgrade(revision="base")
    assert client.get("/health/ready").status_code == 503
    assert head_revision(MIGRATIONS_DIR) is not None
    database_of(app).dispose()
