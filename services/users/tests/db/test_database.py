"""Database.unit_of_work: the one place that commits or rolls back.

These run on the suite's database; the autocommit checks that need a second connection's
view use PostgreSQL (``DATABASE_TEST_URL``, or the local server) whatever the suite runs on.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import psycopg
import psycopg.sql
import pytest
from apiflask import APIFlask
from service_kit.db import deadline
from service_kit.db.database import Database, KeepChanges, after_commit
from sqlalchemy import column, select, table, text
from sqlalchemy.exc import OperationalError

from tests.db.test_deadline import POSTGRES_URL
from tests.factories import AuthActions, database_of
from users_service.domain.models import User


class StandingRefusal(KeepChanges):
    pass


def _count_users(database: Database) -> int:
    with database.unit_of_work() as session:
        return len(session.scalars(select(User.id)).all())


def test_work_is_committed_when_the_block_ends(app: APIFlask, auth: AuthActions) -> None:
    user = auth.create_user()
    database = database_of(app)
    with database.unit_of_work() as session:
        found = session.get(User, user.id)
        assert found is not None
        found.username = "renamed.user"
    with database.unit_of_work() as session:
        assert session.get(User, user.id).username == "renamed.user"  # type: ignore[union-attr]


def test_work_is_rolled_back_when_the_block_raises(app: APIFlask, auth: AuthActions) -> None:
    user = auth.create_user()
    database = database_of(app)
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        session.delete(session.get(User, user.id))
        session.flush()
        raise RuntimeError("a rule refused the change")
    assert _count_users(database) == 1


def test_keep_changes_errors_commit_before_they_propagate(app: APIFlask, auth: AuthActions) -> None:
    user = auth.create_user()
    database = database_of(app)
    with pytest.raises(StandingRefusal), database.unit_of_work() as session:
        session.delete(session.get(User, user.id))
        raise StandingRefusal
    assert _count_users(database) == 0


def test_after_commit_runs_only_when_the_work_stands(app: APIFlask) -> None:
    database = database_of(app)
    ran: list[str] = []
    with database.unit_of_work() as session:
        after_commit(session, lambda: ran.append("committed"))
        assert ran == []  # not before the commit
    assert ran == ["committed"]
    with pytest.raises(RuntimeError), database.unit_of_work() as session:
        after_commit(session, lambda: ran.append("rolled back"))
        raise RuntimeError
    assert ran == ["committed"]


# ---- autocommit: PostgreSQL, seen from another connection ---------------------------------


@pytest.fixture
def pg_database(make_app: Callable[..., APIFlask]) -> Database:
    # One pooled connection, so that every unit of work below reuses (or replaces) the same one.
    return database_of(make_app(DATABASE_URL=POSTGRES_URL, DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0))


@pytest.fixture
def scratch_table(pg_database: Database) -> Iterator[str]:
    name = f"uow_test_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {name} (n integer PRIMARY KEY)")
    yield name
    pg_database.dispose()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {name}")


def _rows(name: str) -> list[tuple[object, ...]]:
    """The table's numbers, as another connection sees them."""
    query = psycopg.sql.SQL("SELECT n FROM {} ORDER BY n").format(psycopg.sql.Identifier(name))
    with psycopg.connect(POSTGRES_URL) as other:
        return other.execute(query).fetchall()


def test_autocommit_statements_stand_at_once_and_a_rollback_cannot_undo_them(
    pg_database: Database, scratch_table: str
) -> None:
    numbers = table(scratch_table, column("n"))
    with pytest.raises(RuntimeError), pg_database.autocommit() as connection:
        connection.execute(numbers.insert().values(n=1))
        assert _rows(scratch_table) == [(1,)]  # visible to others before the block ends
        raise RuntimeError
    assert _rows(scratch_table) == [(1,)]


def test_a_transaction_is_invisible_to_others_until_it_commits(pg_database: Database, scratch_table: str) -> None:
    numbers = table(scratch_table, column("n"))
    with pg_database.unit_of_work() as session:
        session.execute(numbers.insert().values(n=2))
        assert _rows(scratch_table) == []
    assert _rows(scratch_table) == [(2,)]


def test_the_pooled_connection_is_transactional_again_after_autocommit(
    pg_database: Database, scratch_table: str
) -> None:
    numbers = table(scratch_table, column("n"))
    with pg_database.autocommit() as connection:
        connection.execute(numbers.insert().values(n=3))
    with pytest.raises(RuntimeError), pg_database.unit_of_work() as session:
        session.execute(numbers.insert().values(n=4))
        raise RuntimeError
    assert _rows(scratch_table) == [(3,)]


def test_autocommit_sends_no_begin(pg_database: Database) -> None:
    with pg_database.autocommit() as connection:
        connection.execute(text("SELECT 1"))
        autocommitted = connection.connection.driver_connection.info.transaction_status
    with pg_database.unit_of_work() as session:
        session.execute(text("SELECT 1"))
        in_a_transaction = session.connection().connection.driver_connection.info.transaction_status
    assert autocommitted == psycopg.pq.TransactionStatus.IDLE
    assert in_a_transaction == psycopg.pq.TransactionStatus.INTRANS


def test_pooled_connections_rest_in_autocommit_mode(pg_database: Database) -> None:
    """A read takes a pooled connection as it is: only a unit of work changes its mode (and
    pays for setting it), and it gives the connection back as it found it."""
    with pg_database.unit_of_work() as session:
        session.execute(text("SELECT 1"))
    with pg_database.autocommit() as connection:
        connection.execute(text("SELECT 1"))
    pooled = pg_database.engine.raw_connection()
    try:
        assert pooled.driver_connection.autocommit is True
    finally:
        pooled.close()


def test_a_lost_connection_fails_once_and_is_then_replaced(
    pg_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No checkout ping (it would replace the dead connection before the query): the query
    # itself must find out, as it does under load.
    monkeypatch.setattr(deadline, "PING_AFTER_IDLE", 3600)
    with pg_database.autocommit() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(OperationalError), pg_database.autocommit() as connection:
        connection.execute(text("SELECT 1"))
    with pg_database.autocommit() as connection:
        new_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert new_pid != pid
