"""The migrations create exactly the tables the models describe, and go back down."""

from __future__ import annotations

from collections.abc import Callable

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from items_service import create_app
from items_service.db.base import Base
from items_service.runtime.settings import load_settings
from tests.conftest import database_of


def test_migrations_match_the_models_and_downgrade(empty_database_factory: Callable[[], str]) -> None:
    app = create_app(load_settings(APP_ENV="testing", ITEMS_DATABASE_URL=empty_database_factory()))
    engine = database_of(app).engine
    with app.app_context():
        upgrade()
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            assert differences == []
            assert set(inspect(connection).get_table_names()) >= {
                "items",
                "processed_events",
                "event_cursor",
                "token_refusals",
                "revoked_tokens",
                "jwks_cache",
            }
        downgrade(revision="base")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    database_of(app).dispose()
