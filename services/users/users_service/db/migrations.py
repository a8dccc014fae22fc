"""Where the schema stands against the Alembic migrations shipped with this code."""

from __future__ import annotations

from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from ..runtime.settings import SERVICE_ROOT

MIGRATIONS_DIR = SERVICE_ROOT / "migrations"


@cache
def head_revision() -> str | None:
    """The newest migration of this code."""
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The migration the database was last brought to (``None`` on an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()
