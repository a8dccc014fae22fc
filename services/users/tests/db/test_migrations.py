"""The initial migration builds the schema from nothing and removes it again."""

from __future__ import annotations

from collections.abc import Callable

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.factories import database_of
from users_service import create_app
from users_service.runtime.settings import load_settings

TABLES = {
    "users",
    "refresh_tokens",
    "revoked_tokens",
    "password_reset_tokens",
    "outbox_events",
    "totp_secrets",
    "recovery_codes",
    "mfa_challenges",
}


def test_migrations_upgrade_an_empty_database_to_head_and_back(empty_database_factory: Callable[[], str]) -> None:
    app = create_app(load_settings(APP_ENV="testing", DATABASE_URL=empty_database_factory()))
    engine = database_of(app).engine
    with app.app_context():
        upgrade()
        assert set(inspect(engine).get_table_names()) >= TABLES
        downgrade(revision="base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_models_match_the_migrations(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    database = database_of(create_app(load_settings(APP_ENV="testing", DATABASE_URL=database_url)))
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), database.metadata)
    database.dispose()
    assert diff == []
