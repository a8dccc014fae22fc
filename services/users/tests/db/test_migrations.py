"""The initial migration builds the schema from nothing and removes it again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask_migrate import downgrade, upgrade
from service_kit.testing import create_pg_database
from sqlalchemy import inspect, text

from tests.conftest import POSTGRES_SERVER
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
    "audit_events",
    "email_tokens",
    "known_devices",
}
SESSION_COLUMNS = {"session_started_at", "user_agent", "address"}


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


# SQLite cannot reflect expression indexes (the search indexes on lower(...)); SQLAlchemy warns
# and Alembic leaves them out of the comparison there. PostgreSQL compares them in full.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_models_match_the_migrations(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    database = database_of(create_app(load_settings(APP_ENV="testing", DATABASE_URL=database_url)))
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), database.metadata)
    database.dispose()
    assert diff == []


def test_migration_0003_adds_the_audit_log_and_session_details_and_removes_them(
    empty_database_factory: Callable[[], str],
) -> None:
    app = create_app(load_settings(APP_ENV="testing", DATABASE_URL=empty_database_factory()))
    engine = database_of(app).engine

    def refresh_token_columns() -> set[str]:
        return {column["name"] for column in inspect(engine).get_columns("refresh_tokens")}

    with app.app_context():
        upgrade(revision="0002")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, email, password_hash, active, admin, created_date, "
                    "token_version) VALUES (1, 'existing.user', 'e@example.com', 'x', true, false, "
                    "'2026-01-01 00:00:00+00:00', 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, family_expires_at) "
                    "VALUES ('h', 'f', 1, '2026-01-01 00:00:00+00:00', '2026-02-01 00:00:00+00:00')"
                )
            )
        assert "audit_events" not in inspect(engine).get_table_names()
        upgrade(revision="0003")
        assert "audit_events" in inspect(engine).get_table_names()
        assert refresh_token_columns() >= SESSION_COLUMNS
        with engine.connect() as connection:
            # A session from before the migration stays, with nothing known of it yet.
            row = connection.execute(text("SELECT family_id, user_agent, session_started_at FROM refresh_tokens"))
            assert row.one() == ("f", None, None)
        downgrade(revision="0002")
        assert "audit_events" not in inspect(engine).get_table_names()
        assert not refresh_token_columns() & SESSION_COLUMNS
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM refresh_tokens")).scalar_one() == 1
    engine.dispose()


def test_migration_0006_counts_existing_accounts_verified_and_new_ones_not(
    empty_database_factory: Callable[[], str],
) -> None:
    app = create_app(load_settings(APP_ENV="testing", DATABASE_URL=empty_database_factory()))
    engine = database_of(app).engine
    insert_user = (
        "INSERT INTO users (id, username, email, password_hash, active, admin, created_date, token_version) "
        "VALUES ({id}, 'user.{id}', 'u{id}@example.com', 'x', true, false, '2026-01-01 00:00:00+00:00', 0)"
    )
    with app.app_context():
        upgrade(revision="0004")
        with engine.begin() as connection:
            connection.execute(text(insert_user.format(id=1)))
        upgrade(revision="0006")
        assert "email_tokens" in inspect(engine).get_table_names()
        with engine.begin() as connection:
            # Its owner could log in until now: turning REQUIRE_VERIFIED_EMAIL on must not lock them out.
            connection.execute(text(insert_user.format(id=2)))
            rows = connection.execute(text("SELECT id, email_verified FROM users ORDER BY id")).all()
        assert [(row[0], bool(row[1])) for row in rows] == [(1, True), (2, False)]
        downgrade(revision="0004")
        assert "email_tokens" not in inspect(engine).get_table_names()
        assert "email_verified" not in {column["name"] for column in inspect(engine).get_columns("users")}
    engine.dispose()


def test_migration_0008_tunes_the_search_indexes_for_reading_on_postgresql() -> None:
    # On PostgreSQL whatever the suite runs on: these are PostgreSQL's index settings.
    url, drop = create_pg_database(POSTGRES_SERVER, "users_test")
    app = create_app(load_settings(APP_ENV="testing", DATABASE_URL=url))
    engine = database_of(app).engine
    settings = text(
        "SELECT c.relname, c.reloptions, a.attstattarget FROM pg_class c "
        "JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.relname LIKE 'ix_users_%_trgm' ORDER BY c.relname"
    )
    try:
        with app.app_context():
            upgrade()
            with engine.connect() as connection:
                tuned = [tuple(row) for row in connection.execute(settings)]
            assert tuned == [
                ("ix_users_email_trgm", ["fastupdate=off"], 1000),
                ("ix_users_username_trgm", ["fastupdate=off"], 1000),
            ]
            downgrade(revision="0007")
            with engine.connect() as connection:
                for _name, options, target in connection.execute(settings):
                    assert not options and target in (None, -1)
    finally:
        engine.dispose()
        drop()
