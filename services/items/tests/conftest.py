"""Fixtures: database -> users service's keys -> app -> client.

With ``DATABASE_TEST_URL`` set (PostgreSQL), the suite creates its own database on that
server (``items_test_<random>``) and drops it at the end; otherwise it uses a SQLite file.
Every test starts with empty tables. The users service is played by ``tests.keys``: keys
made by the tests, a JWKS served over real HTTP from a thread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from service_kit.db.database import Database
from service_kit.runtime.settings import normalise_database_url
from service_kit.testing import empty_databases, empty_tables
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from items_service import create_app
from items_service.db.base import Base
from items_service.runtime.settings import load_settings
from tests.keys import JwksServer, SigningKey

REFUSALS_BOUND = 0.05


def database_of(app: APIFlask) -> Database:
    return app.extensions["database"]  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def empty_database_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], str]]:
    """Creates empty databases (PostgreSQL with DATABASE_TEST_URL, else SQLite) and removes them."""
    with empty_databases(
        os.environ.get("DATABASE_TEST_URL"), "items_test", lambda: tmp_path_factory.mktemp("db")
    ) as factory:
        yield factory


def after_the_refusals_bound(app: APIFlask) -> None:
    """Wait until a refusal committed before now must be applied by ``app`` (domain.refusals)."""
    time.sleep(app.extensions["settings"].REFUSALS_REFRESH_INTERVAL)


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(load_settings(APP_ENV="testing", ITEMS_DATABASE_URL=url))
    with app.app_context():
        upgrade()
    database_of(app).dispose()


@pytest.fixture(scope="session")
def database_url(empty_database_factory: Callable[[], str]) -> str:
    """One migrated database for the whole session; tests empty its tables afterwards."""
    url = empty_database_factory()
    migrate(url)
    return url


@pytest.fixture(scope="session")
def cleanup_engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(normalise_database_url(database_url), poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def signing_key() -> SigningKey:
    return SigningKey()


@pytest.fixture
def jwks(signing_key: SigningKey) -> Iterator[JwksServer]:
    server = JwksServer(signing_key)
    yield server
    server.close()


@pytest.fixture
def make_app(database_url: str, cleanup_engine: Engine, jwks: JwksServer) -> Iterator[Callable[..., APIFlask]]:
    """Build an app with settings overrides, e.g. ``make_app(JWKS_REFRESH_INTERVAL=60)``."""
    apps: list[APIFlask] = []

    def factory(**overrides: Any) -> APIFlask:
        values: dict[str, Any] = {
            "APP_ENV": "testing",
            "ITEMS_DATABASE_URL": database_url,
            "REDIS_URL": "",
            "USERS_JWKS_URL": jwks.url,
            "JWKS_REFRESH_INTERVAL": 0,
            # A short bound for refusals to reach the app: tests that need one wait for it.
            "REFUSALS_REFRESH_INTERVAL": REFUSALS_BOUND,
        }
        values.update(overrides)
        app = create_app(load_settings(**values))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        database_of(app).dispose()
    empty_tables(cleanup_engine, Base.metadata)


@pytest.fixture
def app(make_app: Callable[..., APIFlask]) -> APIFlask:
    return make_app()


@pytest.fixture
def client(app: APIFlask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def bearer(signing_key: SigningKey) -> Callable[..., dict[str, str]]:
    """``bearer(user_id, admin=False, **claims)``: the Authorization header of a fresh token."""

    def header(user_id: int = 1, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {signing_key.token(user_id, **kwargs)}"}

    return header
