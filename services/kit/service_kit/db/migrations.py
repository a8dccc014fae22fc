"""Where the schema stands against the Alembic migrations shipped with this code."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection


@cache
def head_revision(migrations: Path) -> str | None:
    """The newest migration in the ``migrations`` folder of a service's code."""
    return ScriptDirectory(str(migrations)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The migration the database was last brought to (``None`` on an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()
