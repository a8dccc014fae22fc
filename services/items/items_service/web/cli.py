"""Operator commands (``python manage.py <command>``): serve, migrate, consume, wait-db, write-spec."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from apiflask import APIFlask
from flask.cli import with_appcontext
from flask_migrate import upgrade
from service_kit.web.commands import wait_db_command

from .spec import SPEC_FILE, write_spec


def register_commands(app: APIFlask) -> None:
    @app.cli.command("serve", context_settings={"ignore_unknown_options": True})
    @click.argument("server_args", nargs=-1, type=click.UNPROCESSED)
    def serve(server_args: tuple[str, ...]) -> None:
        """Run the server (``python -m items_service.server``; BIND, WEB_CONCURRENCY, ...)."""
        os.execv(sys.executable, [sys.executable, "-m", "items_service.server", *server_args])  # noqa: S606

    @app.cli.command("migrate")
    @with_appcontext
    def migrate() -> None:
        """Bring the database to the newest migration (as ``db upgrade``)."""
        upgrade()

    app.cli.add_command(wait_db_command("ITEMS_DATABASE_URL"))

    @app.cli.command("consume")
    def consume() -> None:
        """Apply the users service's events (Redis stream when REDIS_URL is set, else its feed)
        until SIGTERM or SIGINT: ``python -m items_service.consumer``, which loads no web app."""
        os.execv(sys.executable, [sys.executable, "-m", "items_service.consumer"])  # noqa: S606

    @app.cli.command("write-spec")
    @click.option("--output", type=click.Path(path_type=Path), default=SPEC_FILE, show_default=True)
    def write_spec_command(output: Path) -> None:
        """Write the OpenAPI document of the code (services/swagger/items.json)."""
        click.echo(f"Wrote {write_spec(output)}")
