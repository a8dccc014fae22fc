"""How a route touches the database, declared beside the route:

    @bp.get("/users")
    @autocommit
    def list_users(): ... current_session() ...

- ``@transactional``: the route's work is one unit of work, committed when the view returns
  and rolled back when it raises (services raise domain errors; the web layer never commits).
- ``@autocommit``: each statement commits on its own, without BEGIN and COMMIT round trips.
  For routes that only read, or that write a single statement.

A route without either never touches the database (ping, liveness) and pays nothing for it;
``current_session()`` refuses to run there. The bearer-token check reads the caller through
the route's session, so the mode decorator goes above ``auth_required``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g
from sqlalchemy.orm import Session

from .context import database

View = TypeVar("View", bound=Callable[..., Any])

_SESSION = "db_session"


def _in_unit_of_work(view: View, *, autocommit: bool) -> View:
    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        with database().unit_of_work(autocommit=autocommit) as session:
            setattr(g, _SESSION, session)
            try:
                return view(*args, **kwargs)
            finally:
                delattr(g, _SESSION)

    return run  # type: ignore[return-value]


def transactional(view: View) -> View:
    """The route's database work is one transaction."""
    return _in_unit_of_work(view, autocommit=False)


def autocommit(view: View) -> View:
    """The route's statements run outside any transaction, each committed on its own."""
    return _in_unit_of_work(view, autocommit=True)


def current_session() -> Session:
    """The session of the unit of work the current route declared."""
    session: Session | None = g.get(_SESSION)
    if session is None:
        raise RuntimeError("This route declares no database mode: add @transactional or @autocommit beside it.")
    return session
