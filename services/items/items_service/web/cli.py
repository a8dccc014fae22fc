"""Operator commands (``python manage.py <command>``): serve, migrate, consume, wait-db."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from threading import Event as StopFlag
from types import FrameType

import click
from apiflask import APIFlask
from flask.cli import with_appcontext
from flask_migrate import upgrade
from service_kit.web.commands import wait_db_command

from ..domain.consumer import Consumer, FeedSource, RedisSource, Source
from ..runtime.settings import Settings
from .context import settings
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
    @with_appcontext
    def consume() -> None:
        """Apply the users service's events (Redis stream when REDIS_URL is set, else its feed)
        until SIGTERM or SIGINT."""
        from service_kit.web.database import database

        config = settings()
        if config.events_source == "feed" and not config.EVENTS_FEED_TOKEN:
            click.echo(
                "Set REDIS_URL (the Redis stream) or EVENTS_FEED_TOKEN (the users feed) to consume events.", err=True
            )
            sys.exit(1)
        stop = StopFlag()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            # Event.set() takes the event's lock, which the interrupted main thread may hold
            # (inside Event.wait): set it from another thread, never inside the handler.
            threading.Thread(target=stop.set, name="stop").start()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        Consumer(database(), events_source(config), stop).run()

    @app.cli.command("write-spec")
    @click.option("--output", type=click.Path(path_type=Path), default=SPEC_FILE, show_default=True)
    def write_spec_command(output: Path) -> None:
        """Write the OpenAPI document of the code (services/swagger/items.json)."""
        click.echo(f"Wrote {write_spec(output)}")


def events_source(config: Settings) -> Source:
    if config.events_source == "redis":
        return RedisSource(config.REDIS_URL, config.EVENTS_STREAM)
    return FeedSource(config.USERS_EVENTS_URL, config.EVENTS_FEED_TOKEN, config.EVENTS_POLL_INTERVAL)
