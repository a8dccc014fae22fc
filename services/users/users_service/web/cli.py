"""Operator commands (``python manage.py <command>``), compatible with the original manage.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from apiflask import APIFlask
from flask.cli import with_appcontext
from flask_migrate import upgrade
from service_kit.web.commands import wait_db_command
from sqlalchemy import text

from ..domain import audit
from ..domain.errors import Conflict
from ..domain.password_policy import password_problems
from ..domain.users import create_user, get_user_by_email, upsert_admin
from ..runtime.keys import generate_pem
from ..runtime.settings import SERVICE_ROOT
from .context import database, settings
from .schemas import RegisterIn

DEFAULT_ADMIN_USERNAME = "administrator"

# Demo accounts for local development only (seed_db refuses to run in production).
DEMO_USERS = (
    ("demo.admin", "admin@example.com", "demo admin passphrase", True),
    ("demo.user", "user@example.com", "demo user passphrase", False),
)


@click.command("generate-key")
def generate_key() -> None:
    """Print a new Ed25519 private key (PEM) for JWT_PRIVATE_KEYS.

    Needs no settings, so it works where the service would refuse to start without a key.
    """
    click.echo(generate_pem(), nl=False)


def register_commands(app: APIFlask) -> None:
    app.cli.add_command(wait_db_command())

    @app.cli.command("create-admin")
    @click.option(
        "--username",
        default=lambda: os.environ.get("ADMIN_USERNAME", ""),
        help=f"Defaults to ADMIN_USERNAME, else the existing name or {DEFAULT_ADMIN_USERNAME!r}.",
    )
    @click.option("--email", default=lambda: os.environ.get("ADMIN_EMAIL", ""))
    @click.option(
        "--password",
        default=lambda: os.environ.get("ADMIN_PASSWORD", ""),
        help="Defaults to ADMIN_PASSWORD (prefer the environment over the command line).",
    )
    @with_appcontext
    def create_admin(username: str, email: str, password: str) -> None:
        """Create the admin account, or update it when the email exists."""
        config = settings()
        if not (email and password):
            _die("Set ADMIN_EMAIL and ADMIN_PASSWORD (or pass --email/--password).")
        with database().unit_of_work() as session:
            existing = get_user_by_email(session=session, email=email)
            username = username or (existing.username if existing else DEFAULT_ADMIN_USERNAME)
        invalid = RegisterIn(only=("username", "email")).validate({"username": username, "email": email})
        for field, messages in sorted(invalid.items()):
            _die(f"Invalid admin {field}: {messages[0]}")
        problems = password_problems(password, username=username, email=email)
        if problems and config.APP_ENV not in ("development", "testing"):
            _die(f"Refusing to create an admin with a weak password in {config.APP_ENV}: {problems[0]}")
        if problems:
            click.echo(f"Warning: weak admin password accepted only in {config.APP_ENV}: {problems[0]}", err=True)
        try:
            with database().unit_of_work() as session:
                user, created = upsert_admin(
                    session=session, settings=config, username=username, email=email, password=password
                )
        except Conflict as exc:
            _die(f"Cannot create the admin: {exc.message}")
        click.echo(f"Admin {user.email} {'created' if created else 'updated'}.")

    @app.cli.command("relay", context_settings={"ignore_unknown_options": True, "help_option_names": []})
    @click.argument("relay_args", nargs=-1, type=click.UNPROCESSED)
    def relay(relay_args: tuple[str, ...]) -> None:
        """Publish the outbox's events to the Redis stream EVENTS_STREAM, until SIGTERM or SIGINT:
        ``python -m users_service.relay [--batch-size N] [--poll-interval S]``, which loads no web app."""
        os.execv(sys.executable, [sys.executable, "-m", "users_service.relay", *relay_args])  # noqa: S606

    @app.cli.command("prune-audit")
    @click.option(
        "--days",
        type=click.IntRange(1, 36_500),
        default=None,
        help="Keep this many days of the audit log (defaults to AUDIT_RETENTION_DAYS).",
    )
    @with_appcontext
    def prune_audit(days: int | None) -> None:
        """Delete the audit log's rows older than AUDIT_RETENTION_DAYS (the relay does it hourly too)."""
        retention = days or settings().AUDIT_RETENTION_DAYS
        with database().unit_of_work() as session:
            removed = audit.prune(connection=session, retention_days=retention)
        click.echo(f"Removed {removed} audit events older than {retention} days.")

    @app.cli.command("recreate_db")
    @with_appcontext
    def recreate_db() -> None:
        """Drop every table and migrate an empty schema (development only)."""
        _refuse_in_production("recreate_db")
        engine = database().engine
        database().metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        click.echo("Database recreated.")

    @app.cli.command("seed_db")
    @with_appcontext
    def seed_db() -> None:
        """Add demo users (development only): see DEMO_USERS for the credentials."""
        _refuse_in_production("seed_db")
        with database().unit_of_work() as session:
            for username, email, password, admin in DEMO_USERS:
                if get_user_by_email(session=session, email=email) is None:
                    create_user(
                        session=session,
                        settings=settings(),
                        username=username,
                        email=email,
                        password=password,
                        admin=admin,
                    )
                    click.echo(f"Added {email} / {password}")

    @app.cli.command("test", context_settings={"ignore_unknown_options": True})
    @click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
    def test(pytest_args: tuple[str, ...]) -> None:
        """Run the test suite."""
        sys.exit(_pytest(list(pytest_args)))

    @app.cli.command("test-cov", context_settings={"ignore_unknown_options": True})
    @click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
    def test_cov(pytest_args: tuple[str, ...]) -> None:
        """Run the test suite with branch coverage (fails under 90 %)."""
        sys.exit(_pytest(["--cov=users_service", "--cov-report=term-missing", "--cov-fail-under=90", *pytest_args]))


def _pytest(args: list[str]) -> int:
    # Arguments come from the operator's own command line.
    return subprocess.call([sys.executable, "-m", "pytest", *args], cwd=Path(SERVICE_ROOT))  # noqa: S603


def _refuse_in_production(command: str) -> None:
    if settings().is_production_like:
        _die(f"{command} is refused when APP_ENV is {settings().APP_ENV}.")


def _die(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)
