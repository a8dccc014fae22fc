"""autocommit.fetch_all and autocommit.execute_alone: statements straight on the driver, outside any
transaction (the users list's page, the caller on /auth/status, a login's user and session).

The first test runs on the suite's database (the driver path on PostgreSQL, SQLAlchemy Core
on SQLite); the others need psycopg, so they use PostgreSQL (``DATABASE_TEST_URL``, or the
local server) whatever database the rest of the suite runs on.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import datetime

import psycopg
import psycopg.sql
import pytest
from apiflask import APIFlask
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, column, select, table, text
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from tests.factories import AuthActions
from tests.test_deadline import POSTGRES_URL
from users_service import deadline
from users_service.autocommit import execute_alone, fetch_all
from users_service.extensions import db
from users_service.models import UTCDateTime
from users_service.services.users import LISTED_COLUMNS


def test_rows_are_those_of_sqlalchemy_core(app: APIFlask, auth: AuthActions) -> None:
    for _ in range(3):
        auth.create_user()
    page = select(*LISTED_COLUMNS).order_by(LISTED_COLUMNS[0])
    with app.app_context():
        expected = [tuple(row) for row in db.session.execute(page)]
        db.session.rollback()
        assert [tuple(row) for row in fetch_all(db.session, page, {})] == expected
    assert len(expected) == 3
    assert all(row[3].utcoffset() is not None for row in expected)  # created_date is aware


@pytest.fixture
def pg_app(make_app: Callable[..., APIFlask]) -> APIFlask:
    # One pooled connection, so that every call below reuses (or replaces) the same one.
    return make_app(DATABASE_URL=POSTGRES_URL, DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0)


@pytest.fixture
def scratch_table(pg_app: APIFlask) -> Iterator[str]:
    name = f"reads_test_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {name} (n integer PRIMARY KEY, at timestamptz)")
    yield name
    with pg_app.app_context():
        db.engine.dispose()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {name}")


def _rows(name: str) -> list[tuple[object, ...]]:
    """The table's numbers, as another connection sees them."""
    query = psycopg.sql.SQL("SELECT n FROM {} ORDER BY n").format(psycopg.sql.Identifier(name))
    with psycopg.connect(POSTGRES_URL) as other:
        return other.execute(query).fetchall()


def test_runs_outside_a_transaction_and_returns_the_connection_as_it_was(pg_app: APIFlask, scratch_table: str) -> None:
    with pg_app.app_context():
        # In a transaction, the pool's rollback at checkin would undo this: in autocommit
        # mode it stays.
        numbers = table(scratch_table, column("n"))
        fetch_all(db.session, numbers.insert().values(n=1).returning(numbers.c.n), {})
        assert not db.session().in_transaction()  # the session was not involved
        # The same pooled connection, back in the session: transactional again.
        assert db.session.connection().connection.driver_connection.autocommit is False
        db.session.rollback()
    assert _rows(scratch_table) == [(1,)]


def test_inside_a_session_transaction_it_reads_through_the_session(pg_app: APIFlask, scratch_table: str) -> None:
    numbers = table(scratch_table, column("n"))
    with pg_app.app_context():
        db.session.execute(numbers.insert().values(n=7))  # not committed
        assert [tuple(row) for row in fetch_all(db.session, select(numbers.c.n), {})] == [(7,)]
        db.session.rollback()
        assert list(fetch_all(db.session, select(numbers.c.n), {})) == []


def test_a_failed_statement_raises_sqlalchemys_error_and_the_pool_carries_on(pg_app: APIFlask) -> None:
    with pg_app.app_context():
        with pytest.raises(DataError):
            fetch_all(db.session, text("SELECT 1 / 0"), {})
        assert fetch_all(db.session, text("SELECT :n + 1"), {"n": 1}) == [(2,)]


def test_a_lost_connection_fails_once_and_is_then_replaced(pg_app: APIFlask, monkeypatch: pytest.MonkeyPatch) -> None:
    # No checkout ping (it would replace the dead connection before the query): the query
    # itself must find out, as it does under load.
    monkeypatch.setattr(deadline, "PING_AFTER_IDLE", 3600)
    with pg_app.app_context():
        ((pid,),) = fetch_all(db.session, text("SELECT pg_backend_pid()"), {})
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(OperationalError):
            fetch_all(db.session, text("SELECT 1"), {})
        ((new_pid,),) = fetch_all(db.session, text("SELECT pg_backend_pid()"), {})
    assert new_pid != pid


def test_execute_alone_commits_on_its_own(pg_app: APIFlask, scratch_table: str) -> None:
    numbers = table(scratch_table, column("n"))
    with pg_app.app_context():
        execute_alone(db.session, numbers.insert().values(n=bindparam("n")), {"n": 5})
        assert not db.session().in_transaction()  # the session was not involved
        # Committed at once: another connection sees it, and a rollback cannot undo it.
        assert _rows(scratch_table) == [(5,)]
        db.session.rollback()
    assert _rows(scratch_table) == [(5,)]


def test_execute_alone_in_a_session_transaction_commits_it_too(pg_app: APIFlask, scratch_table: str) -> None:
    numbers = table(scratch_table, column("n"))
    with pg_app.app_context():
        db.session.execute(numbers.insert().values(n=1))  # pending in the session's transaction
        execute_alone(db.session, numbers.insert().values(n=bindparam("n")), {"n": 2})
        assert not db.session().in_transaction()
    assert _rows(scratch_table) == [(1,), (2,)]


def test_execute_alone_applies_the_column_types_and_raises_sqlalchemys_errors(
    pg_app: APIFlask, scratch_table: str
) -> None:
    stamped = Table(scratch_table, MetaData(), Column("n", Integer), Column("at", UTCDateTime))
    insert = stamped.insert().values(n=bindparam("n"), at=bindparam("at")).inline()
    aware = datetime.fromisoformat("2030-01-01T00:00:00+02:00")
    with pg_app.app_context():
        # UTCDateTime refuses naive datetimes before anything reaches the database.
        with pytest.raises(ValueError, match="naive"):
            execute_alone(db.session, insert, {"n": 1, "at": datetime(2030, 1, 1)})
        execute_alone(db.session, insert, {"n": 2, "at": aware})
        with pytest.raises(IntegrityError):
            execute_alone(db.session, insert, {"n": 2, "at": aware})
        assert fetch_all(db.session, select(stamped.c.n, stamped.c.at), {}) == [(2, aware)]
