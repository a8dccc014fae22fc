"""Probes: liveness never touches the database; readiness checks it and its migrations."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from service_kit.runtime.lifecycle import DRAIN_FLAG_ENV

from tests.conftest import database_of


def test_live_and_ready(client: FlaskClient) -> None:
    assert client.get("/health/live").json == {"status": "success", "message": "alive"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json["message"] == "ready"


def test_ready_is_503_on_an_unmigrated_database(make_app: Callable[..., APIFlask], tmp_path: Path) -> None:
    app = make_app(ITEMS_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.json["message"] == "Database schema is not up to date."
    assert response.headers["Retry-After"]
    database_of(app).dispose()


def test_ready_is_503_when_the_database_is_unreachable(make_app: Callable[..., APIFlask]) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    app = make_app(ITEMS_DATABASE_URL="postgresql://postgres@127.0.0.1:1/items")
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.json["message"] == "Database unavailable."


def test_ready_is_503_while_draining(client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flag = tmp_path / "draining"
    flag.touch()
    monkeypatch.setenv(DRAIN_FLAG_ENV, str(flag))
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json["message"] == "Shutting down."
    assert os.environ[DRAIN_FLAG_ENV]
