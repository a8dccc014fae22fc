"""reads.fetch_all: the users list's query straight on the driver, outside any transaction.

The first test runs on the suite's database (the driver path on PostgreSQL, SQLAlchemy Core
on SQLite); the others need psycopg, so they use PostgreSQL (``DATABASE_TEST_URL``, or the
local server) whatever database the rest of the suite runs on.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import psycopg
import psycopg.sql
import pytest
from apiflask import APIFlask
from sqlalchemy import column, select, table, text
from sqlalchemy.exc import DataError, OperationalError

from tests.factories import AuthActions
from tests.test_deadline import POSTGRES_URL
from users_service import deadline
from users_service.extensions import db
from users_service.reads import fetch_all
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
        conn.execute(f"CREATE TABLE {name} (n integer)")
    yield name
    with pg_app.app_context():
        db.engine.dispose()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {name}")


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
    with psycopg.connect(POSTGRES_URL) as other:
        query = psycopg.sql.SQL("SELECT n FROM {}").format(psycopg.sql.Identifier(scratch_table))
        assert other.execute(query).fetchall() == [(1,)]


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
