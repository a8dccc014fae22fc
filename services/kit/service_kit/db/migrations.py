"""Where the schema stands against the Alembic migrations shipped with this code, and the
Alembic environment every service's ``migrations/env.py`` runs."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from logging.config import fileConfig
from pathlib import Path
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from .database import Database

_log = logging.getLogger("alembic.env")


@cache
def head_revision(migrations: Path) -> str | None:
    """The newest migration in the ``migrations`` folder of a service's code."""
    return ScriptDirectory(str(migrations)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The migration the database was last brought to (``None`` on an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def run_migrations(database: Database, configure_args: Mapping[str, Any]) -> None:
    """The body of a service's Alembic ``env.py``: migrate ``database`` (its engine and every
    table), offline (SQL written out) or online, as the ``alembic`` command asked.

    ``configure_args`` are Flask-Migrate's (``current_app.extensions["migrate"].configure_args``).
    """
    config = context.config
    # Keep the application's loggers alive when migrations run inside the app process.
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    config.set_main_option(
        "sqlalchemy.url", database.engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"), target_metadata=database.metadata, literal_binds=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    def process_revision_directives(context_: Any, revision: Any, directives: list[Any]) -> None:
        # Do not write an empty migration when autogenerate finds no change.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            _log.info("No changes in schema detected.")

    conf_args = dict(configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    with database.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=database.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
