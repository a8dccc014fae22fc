"""How a route touches the database, declared beside the route:

    @bp.get("/users")
    @autocommit
    def list_users(): ... current_connection() ...

- ``@transactional``: the route's work is one unit of work, a session committed when the
  view returns and rolled back when it raises (services raise domain errors; the web layer
  never commits). ``current_session()`` is its session.
- ``@autocommit``: the route reads, or writes one statement, on a Core connection where each
  statement commits on its own: no BEGIN and COMMIT round trips, no session.

``current_connection()`` is the route's connection in either mode. A route without a mode
never touches the database (ping, liveness) and pays nothing for it. The bearer-token check
reads the caller through the route's connection, so the mode decorator goes above
``auth_required``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from ..db.database import Database

View = TypeVar("View", bound=Callable[..., Any])


def database() -> Database:
    """The database of the app serving the current request (``app.extensions["database"]``)."""
    return current_app.extensions["database"]  # type: ignore[no-any-return]


_SESSION = "db_session"
_CONNECTION = "db_connection"


def transactional(view: View) -> View:
    """The route's database work is one transaction."""

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        with database().unit_of_work() as session:
            g.db_session = session
            try:
                return view(*args, **kwargs)
            finally:
                del g.db_session

    return run  # type: ignore[return-value]


def autocommit(view: View) -> View:
    """The route's statements run outside any transaction, each committed on its own."""

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        with database().autocommit() as connection:
            g.db_connection = connection
            try:
                return view(*args, **kwargs)
            finally:
                del g.db_connection

    return run  # type: ignore[return-value]


def current_session() -> Session:
    """The session of the current route's unit of work (``@transactional`` routes)."""
    session: Session | None = g.get(_SESSION)
    if session is None:
        raise RuntimeError("This route has no session: only @transactional routes do.")
    return session


def current_connection() -> Connection:
    """The current route's connection: its own under ``@autocommit``, its session's under ``@transactional``."""
    connection: Connection | None = g.get(_CONNECTION)
    if connection is not None:
        return connection
    session: Session | None = g.get(_SESSION)
    if session is None:
        raise RuntimeError("This route declares no database mode: add @transactional or @autocommit beside it.")
    return session.connection()
