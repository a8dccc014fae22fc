"""The hottest statements, in autocommit mode straight on the database driver: the users
list's page, the caller's row on routes that only read it (/auth/status), and a login's
account and new session.

Through a Session, a page of 100 users cost twice what the query itself costs: SQLAlchemy's
transaction state, execution context and result rows, plus switching the connection to
autocommit and back. On PostgreSQL, ``fetch_all`` and ``execute_alone`` run the same Core
statement, compiled once, on a pooled psycopg connection in autocommit mode (no BEGIN,
COMMIT or ROLLBACK round trips); ``fetch_all`` returns the driver's plain tuples. Pool
events still fire, so the request deadline, the checkout ping and the pool metrics apply
as to any other query, and driver errors are raised as SQLAlchemy's own, so the error
handlers answer them as usual (503 + Retry-After for a lost database). Other databases
(SQLite) go through SQLAlchemy Core.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import scoped_session
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler

from .extensions import DbSession, db


def fetch_all(session: DbSession, statement: Executable, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
    """Every row of ``statement``, read outside any transaction.

    In a session that already holds a transaction, the rows are read through it, so that
    they include the session's own uncommitted writes. For prebuilt statements: each
    distinct statement object is compiled once and kept (the last 64).
    """
    engine = _driver_engine(session)
    if engine is None:
        return session.connection().execute(statement, params).all()
    return _run_on_driver(engine, statement, params, fetch=True)


def execute_alone(session: DbSession, statement: Executable, params: Mapping[str, Any]) -> None:
    """Run one write ``statement`` as a transaction of its own, committed when this returns.

    On PostgreSQL, outside any transaction of the session, that is one round trip in
    autocommit mode instead of three (BEGIN, the statement, COMMIT). Otherwise the statement
    runs through the session, which is then committed, with whatever else it holds.
    """
    engine = _driver_engine(session)
    if engine is None:
        session.connection().execute(statement, params)
        session.commit()
        return
    _run_on_driver(engine, statement, params, fetch=False)


def _driver_engine(session: DbSession) -> Engine | None:
    """The engine to run on the driver directly, or ``None`` to go through the session."""
    engine: object
    if session is db.session and not db.session.registry.has():
        # No session in this request yet: none is created just to find the engine.
        engine, in_transaction = db.engine, False
    else:
        plain = session() if isinstance(session, scoped_session) else session
        engine, in_transaction = plain.get_bind(), plain.in_transaction()
    if not isinstance(engine, Engine) or engine.dialect.driver != "psycopg" or in_transaction:
        return None
    return engine


def _run_on_driver(
    engine: Engine, statement: Executable, params: Mapping[str, Any], *, fetch: bool
) -> list[tuple[Any, ...]]:
    compiled = _compiled(engine.dialect, statement)
    sql, bound = compiled.string, compiled.construct_params(params)
    # What SQLAlchemy's execution context does with the values: the column types' own
    # conversions (UTCDateTime refuses naive datetimes, for one).
    for key, process in compiled._bind_processors.items():
        if bound is not None and key in bound:
            bound[key] = cast(Callable[[Any], Any], process)(bound[key])
    driver_error = engine.dialect.loaded_dbapi.Error
    try:
        pooled = engine.raw_connection()
    except driver_error as exc:  # the database is unreachable
        raise DBAPIError.instance(None, None, exc, driver_error, dialect=engine.dialect) from exc
    rows: list[tuple[Any, ...]] = []
    try:
        driver: Any = pooled.driver_connection
        try:
            driver.autocommit = True
            with driver.cursor(binary=True) as cursor:
                cursor.execute(sql, bound)
                if fetch:
                    rows = cursor.fetchall()
            driver.autocommit = False
        except driver_error as exc:
            raise _as_sqlalchemy_error(engine, pooled, sql, bound or {}, exc) from exc
    finally:
        pooled.close()
    return rows


@functools.lru_cache(maxsize=64)
def _compiled(dialect: Dialect, statement: Executable) -> SQLCompiler:
    # Prebuilt statements (services/users.py, services/tokens.py) compile once per process.
    return cast(SQLCompiler, cast(ClauseElement, statement).compile(dialect=dialect))


def _as_sqlalchemy_error(engine: Engine, pooled: Any, sql: str, params: Mapping[str, Any], exc: Any) -> BaseException:
    """What SQLAlchemy does with a driver error: wrap it, and on a lost connection drop the
    connection and every other one pooled before it (they share its fate: a restarted
    database), so that the next requests reconnect instead of failing one by one."""
    disconnect = engine.dialect.is_disconnect(exc, pooled.dbapi_connection, None)
    if disconnect:
        engine.pool._invalidate(pooled, exc)
    else:
        pooled.invalidate(exc)  # closed: it must not go back to the pool in autocommit mode
    error: BaseException = DBAPIError.instance(
        sql,
        dict(params),
        exc,
        engine.dialect.loaded_dbapi.Error,
        connection_invalidated=True,
        dialect=engine.dialect,
    )
    return error
