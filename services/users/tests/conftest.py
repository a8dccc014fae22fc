"""Fixtures: database -> app -> client -> auth helper.

With ``DATABASE_TEST_URL`` set (PostgreSQL), the suite creates its own database on that
server (``users_test_<random>``) and drops it at the end; otherwise it uses a SQLite file.
Every test starts with empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from apiflask import APIFlask
from flask.testing import FlaskClient
from service_kit.testing import create_pg_database, empty_databases, empty_tables
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from tests.factories import DEFAULT_PASSWORD, AuthActions, database_of
from tests.smtp import SMTPServer
from users_service import create_app
from users_service.db.base import Base
from users_service.runtime.settings import Settings, load_settings, normalise_database_url


@pytest.fixture(scope="session")
def database_server_url() -> str | None:
    return os.environ.get("DATABASE_TEST_URL") or None


@pytest.fixture(scope="session")
def empty_database_factory(
    database_server_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], str]]:
    """Creates empty databases (PostgreSQL or SQLite) and removes them at session end."""
    with empty_databases(database_server_url, "users_test", lambda: tmp_path_factory.mktemp("db")) as factory:
        yield factory


@pytest.fixture(scope="session")
def database_url(empty_database_factory: Callable[[], str]) -> str:
    """One migrated database for the whole session; tests empty its tables afterwards."""
    from flask_migrate import upgrade

    url = empty_database_factory()
    app = create_app(load_settings(APP_ENV="testing", DATABASE_URL=url))
    with app.app_context():
        upgrade()
    database_of(app).dispose()
    return url


@pytest.fixture(scope="session")
def cleanup_engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(normalise_database_url(database_url), poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def make_app(database_url: str, cleanup_engine: Engine) -> Iterator[Callable[..., APIFlask]]:
    """Build an app with settings overrides, e.g. ``make_app(RATE_LIMIT_AUTH="2 per minute")``."""
    apps: list[APIFlask] = []

    def factory(**overrides: Any) -> APIFlask:
        values: dict[str, Any] = {
            "APP_ENV": "testing",
            "DATABASE_URL": database_url,
            "REDIS_URL": "",
            "SMTP_URL": "",
            "CORS_ORIGINS": "",
            # Tests empty the tables behind the service's back: count users every time.
            "USER_COUNT_MAX_AGE": 0,
        }
        values.update(overrides)
        app = create_app(load_settings(**values))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        # Work handed off after an answer (a sign-in's device check) ends before the tables do.
        app.extensions["background_work"].wait()
        database_of(app).dispose()
    empty_tables(cleanup_engine, Base.metadata)


@pytest.fixture
def app(make_app: Callable[..., APIFlask]) -> APIFlask:
    return make_app()


POSTGRES_SERVER = os.environ.get("DATABASE_TEST_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def postgres_app(make_app: Callable[..., APIFlask], database_server_url: str | None) -> Iterator[APIFlask]:
    """An app on PostgreSQL whatever the suite runs on: for what only row locks decide."""
    if database_server_url:
        yield make_app()
        return
    from flask_migrate import upgrade

    url, drop = create_pg_database(POSTGRES_SERVER, "users_test")
    app = make_app(DATABASE_URL=url)
    with app.app_context():
        upgrade()
    yield app
    app.extensions["background_work"].wait()
    database_of(app).dispose()
    drop()


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    """A local SMTP server that keeps what it is sent (point SMTP_URL at ``smtp.url``)."""
    with SMTPServer() as server:
        yield server


@pytest.fixture
def settings(app: APIFlask) -> Settings:
    return app.extensions["settings"]  # type: ignore[no-any-return]


@pytest.fixture
def client(app: APIFlask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(app: APIFlask, client: FlaskClient) -> AuthActions:
    return AuthActions(app, client)


@pytest.fixture
def user(auth: AuthActions) -> Any:
    return auth.create_user(username="regular.user", email="user@example.com")


@pytest.fixture
def admin(auth: AuthActions) -> Any:
    return auth.create_user(username="admin.user", email="admin@example.com", admin=True)


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def service_root() -> Path:
    return Path(__file__).resolve().parent.parent
