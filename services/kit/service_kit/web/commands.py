"""Operator commands every service has (``python manage.py <command>``)."""

from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool


def wait_db_command(setting: str = "DATABASE_URL") -> click.Command:
    """``wait-db``: wait until the database of the ``setting`` environment variable accepts
    connections (a start script's first step), or give up with one sentence."""

    @click.command("wait-db")
    @click.option("--timeout", default=30.0, show_default=True, help="Seconds to keep trying.")
    @with_appcontext
    def wait_db(timeout: float) -> None:
        """Wait until the database accepts connections."""
        url: str = current_app.extensions["settings"].DATABASE_URL
        engine = create_engine(url, **_probe_options(url))
        deadline = time.monotonic() + timeout
        last: BaseException | None = None
        try:
            while True:
                try:
                    with engine.connect() as conn:
                        conn.execute(text("SELECT 1"))
                    click.echo(f"Database at {masked_url(url, setting)} is ready.")
                    return
                except SQLAlchemyError as exc:
                    last = exc
                if time.monotonic() >= deadline:
                    break
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        finally:
            engine.dispose()
        click.echo(
            f"Cannot reach the database at {masked_url(url, setting)} ({_reason(last) if last else 'no answer'}): "
            f"check {setting} or start PostgreSQL.",
            err=True,
        )
        sys.exit(1)

    return wait_db


def masked_url(url: str, setting: str = "DATABASE_URL") -> str:
    """``url`` without its password (and without the driver name the settings add)."""
    try:
        return make_url(url).render_as_string(hide_password=True).replace("+psycopg", "")
    except Exception:  # noqa: BLE001 - a URL we cannot parse is shown as a placeholder
        return f"<unparseable {setting}>"


def _reason(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", exc) or exc).lower()
    for needle, reason in (
        ("connection refused", "connection refused"),
        ("does not exist", "database does not exist"),
        ("password authentication failed", "authentication failed"),
        ("timeout", "timed out"),
        ("could not translate host name", "unknown host"),
        ("name or service not known", "unknown host"),
        ("unable to open database file", "cannot open the file"),
    ):
        if needle in text_:
            return reason
    return type(getattr(exc, "orig", exc)).__name__


def _probe_options(url: str) -> dict[str, object]:
    # No pool: each probe is a fresh connection attempt.
    if url.startswith("postgresql"):
        return {"connect_args": {"connect_timeout": 3}, "poolclass": NullPool}
    return {"poolclass": NullPool}
