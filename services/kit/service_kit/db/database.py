"""The database: one engine per process, and the two ways to use it.

- ``Database.unit_of_work()``: a session whose work is one transaction, committed when the
  block ends normally and rolled back when it raises. Nothing else in the service calls
  ``commit()`` or ``rollback()``.
- ``Database.autocommit()``: a Core connection in the driver's autocommit mode, where each
  statement is a transaction of its own: no BEGIN and COMMIT round trips, and no session.
  For work that reads, or writes a single statement (a login's new session).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from ..runtime.metrics import ServiceMetrics
from ..runtime.settings import ServiceSettings
from .deadline import DeadlineExceeded, Watchdog


class KeepChanges(Exception):
    """Base for errors raised after changes that must stand although the call fails.

    A reused refresh token, for one, ends its whole session and is refused: the unit of work
    commits the ending, then lets the error through.
    """


# A unit of work's isolation: PostgreSQL's default, which the services' locking (SELECT ...
# FOR UPDATE, INSERT ... ON CONFLICT) is written for; SQLite has only this one (and AUTOCOMMIT).
TRANSACTION_ISOLATION = {"postgresql": "READ COMMITTED", "sqlite": "SERIALIZABLE"}


class Database:
    """The engine of one service process, and units of work over it.

    ``engine`` is transactional (units of work, migrations); ``autocommit_engine`` owns the
    pool that both share, so a listener for every statement goes on it. ``metadata`` holds
    the service's tables (for migrations); ``metrics`` counts pool use.
    """

    def __init__(self, settings: ServiceSettings, metadata: MetaData, metrics: ServiceMetrics) -> None:
        self.metadata = metadata
        # One pool, whose connections are in the driver's autocommit mode from the start:
        # reads and single writes, most requests, take one as it is. ``engine``, over the
        # same pool, is the transactional view (units of work, migrations): SQLAlchemy sets
        # its isolation level on each checkout and resets it on checkin, about 45 us that
        # only writes pay. The other way round, every read paid it (decision 14).
        options = _engine_options(settings)
        self.autocommit_engine = create_engine(settings.DATABASE_URL, isolation_level="AUTOCOMMIT", **options)
        dialect = self.autocommit_engine.dialect.name
        self.engine = self.autocommit_engine.execution_options(isolation_level=TRANSACTION_ISOLATION[dialect])
        if dialect == "sqlite":
            event.listen(self.autocommit_engine, "connect", _enforce_foreign_keys)
        self.watchdog: Watchdog | None = None
        if settings.REQUEST_DEADLINE > 0:
            # First: its checkout ping may refuse a connection before the pool gauges count it.
            self.watchdog = Watchdog(settings.REQUEST_DEADLINE)
            self.watchdog.watch(self.autocommit_engine)
        _count_pool_use(self.autocommit_engine, settings, metrics)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def unit_of_work(self) -> UnitOfWork:
        """``with database.unit_of_work() as session:`` a session whose work is committed when
        the block ends and rolled back if it raises.

        Under ``REQUEST_DEADLINE``, a database error after the deadline passed is raised as
        ``DeadlineExceeded`` (so in ``autocommit`` too).
        """
        return UnitOfWork(self._sessions, self.watchdog)

    def autocommit(self) -> Autocommit:
        """``with database.autocommit() as connection:`` statements that each commit on their own."""
        return Autocommit(self.autocommit_engine, self.watchdog)

    def dispose(self) -> None:
        self.autocommit_engine.dispose()


def _engine_options(settings: ServiceSettings) -> dict[str, Any]:
    url = settings.DATABASE_URL
    # With a request deadline, the watchdog pings connections on checkout, within the deadline.
    options: dict[str, Any] = {"pool_pre_ping": settings.REQUEST_DEADLINE <= 0}
    pool = {
        "pool_size": settings.DB_POOL_SIZE,
        "max_overflow": settings.DB_MAX_OVERFLOW,
        # A request waits at most this long for a connection, then gets 503 + Retry-After.
        "pool_timeout": settings.DB_POOL_TIMEOUT,
    }
    if url.startswith("postgresql"):
        options.update(
            pool,
            connect_args={
                "connect_timeout": settings.DB_CONNECT_TIMEOUT,
                # A stuck query must not hold a worker forever. Timestamps come back in UTC.
                "options": "-c statement_timeout=15000 -c TimeZone=UTC",
            },
        )
    elif url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # A SQLite file is pooled too (QueuePool): the same limits apply.
        options.update(pool)
    return options


def _enforce_foreign_keys(dbapi_connection: Any, connection_record: object) -> None:
    # SQLite leaves foreign keys unchecked unless asked, per connection: without this, rows
    # could point at deleted users in development where PostgreSQL refuses them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _count_pool_use(engine: Engine, settings: ServiceSettings, metrics: ServiceMetrics) -> None:
    """The pool gauges of /metrics (one engine per worker process; the instance sums them)."""
    if isinstance(engine.pool, QueuePool):
        metrics.db_pool_size.set(settings.DB_POOL_SIZE)
        metrics.db_pool_limit.set(settings.DB_POOL_SIZE + settings.DB_MAX_OVERFLOW)
    checked_out = metrics.db_pool_checked_out

    @event.listens_for(engine.pool, "checkout")
    def on_checkout(*args: object) -> None:
        checked_out.inc()

    @event.listens_for(engine.pool, "checkin")
    def on_checkin(*args: object) -> None:
        checked_out.dec()


class _Deadlined:
    """Arms the request deadline for the block and turns a database error past it into
    ``DeadlineExceeded``."""

    __slots__ = ("watchdog",)

    def __init__(self, watchdog: Watchdog | None) -> None:
        self.watchdog = watchdog

    def _arm(self) -> None:
        if self.watchdog is not None:
            self.watchdog.arm()

    def _disarm(self) -> None:
        if self.watchdog is not None:
            self.watchdog.disarm()

    def _raise_past_deadline(self, error: BaseException) -> None:
        if self.watchdog is not None and self.watchdog.expired():
            raise DeadlineExceeded from error


class UnitOfWork(_Deadlined):
    """See ``Database.unit_of_work``."""

    __slots__ = ("session", "sessions")

    def __init__(self, sessions: sessionmaker[Session], watchdog: Watchdog | None) -> None:
        super().__init__(watchdog)
        self.sessions = sessions

    def __enter__(self) -> Session:
        self._arm()
        self.session = self.sessions()
        return self.session

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        session = self.session
        completes = error is None or isinstance(error, KeepChanges)
        try:
            if completes:
                session.commit()
            else:
                session.rollback()
        except SQLAlchemyError as failure:
            self._raise_past_deadline(failure)
            raise
        finally:
            session.close()
            self._disarm()
        if isinstance(error, SQLAlchemyError):
            self._raise_past_deadline(error)
        if completes:
            for action in session.info.pop(_AFTER_COMMIT, ()):
                action()


class Autocommit(_Deadlined):
    """See ``Database.autocommit``."""

    __slots__ = ("connection", "engine")

    def __init__(self, engine: Engine, watchdog: Watchdog | None) -> None:
        super().__init__(watchdog)
        self.engine = engine

    def __enter__(self) -> Connection:
        self._arm()
        try:
            self.connection = self.engine.connect()
        except SQLAlchemyError as failure:
            self._disarm()
            self._raise_past_deadline(failure)
            raise
        return self.connection

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        try:
            self.connection.close()
        finally:
            self._disarm()
        if isinstance(error, SQLAlchemyError):
            self._raise_past_deadline(error)


_AFTER_COMMIT = "after_commit"


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once the unit of work that owns ``session`` has committed, and not at
    all if it rolls back (a mail about a change goes out only when the change stands)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)
