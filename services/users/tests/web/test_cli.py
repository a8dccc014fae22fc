from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from apiflask import APIFlask
from sqlalchemy import text

from tests.factories import PRODUCTION, database_of
from users_service import create_app
from users_service.domain.models import User
from users_service.runtime.settings import load_settings

STRONG = "an admin passphrase that is long"


def manage(service_root: Path, *args: str, **env: object) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ADMIN_", "DATABASE_", "SECRET_"))}
    environ.update({name: str(value) for name, value in env.items()})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=service_root, env=environ, capture_output=True, text=True, timeout=120
    )


def test_wait_db_succeeds_when_the_database_answers(service_root: Path, database_url: str) -> None:
    result = manage(service_root, "wait-db", "--timeout", "5", APP_ENV="testing", DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr


def test_wait_db_in_process(app: APIFlask, make_app: Any) -> None:
    assert app.test_cli_runner().invoke(args=["wait-db", "--timeout", "1"]).exit_code == 0
    down = make_app(DATABASE_URL="postgresql://postgres@127.0.0.1:1/users")
    result = down.test_cli_runner().invoke(args=["wait-db", "--timeout", "0.5"])
    assert result.exit_code == 1
    assert "(connection refused)" in result.output


def test_wait_db_fails_with_one_sentence_and_masked_password(service_root: Path) -> None:
    result = manage(
        service_root,
        "wait-db",
        "--timeout",
        "1",
        APP_ENV="testing",
        DATABASE_URL="postgresql://postgres:hunter2@127.0.0.1:1/users",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr
    assert result.stderr.strip() == (
        "Cannot reach the database at postgresql://postgres:***@127.0.0.1:1/users (connection refused): "
        "check DATABASE_URL or start PostgreSQL."
    )


# SECURITY row 24: default-accounts
def test_create_admin_refuses_a_weak_password_in_production(service_root: Path, database_url: str) -> None:
    result = manage(
        service_root,
        "create-admin",
        **PRODUCTION,
        DATABASE_URL=database_url,
        ADMIN_USERNAME="site.admin",
        ADMIN_EMAIL="root@example.com",
        ADMIN_PASSWORD="admin",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Refusing to create an admin with a weak password in production")


def test_create_admin_creates_then_updates(app: APIFlask) -> None:
    runner = app.test_cli_runner()
    env = {"ADMIN_USERNAME": "site.admin", "ADMIN_EMAIL": "Root@Example.com", "ADMIN_PASSWORD": STRONG}
    first = runner.invoke(args=["create-admin"], env=env)
    assert first.exit_code == 0, first.output
    assert "created" in first.output
    second = runner.invoke(args=["create-admin", "--username", "site.admin2"], env=env)
    assert "updated" in second.output
    with database_of(app).unit_of_work() as session:
        admins = session.query(User).filter_by(admin=True).all()
        assert [(u.username, u.email, u.email_verified) for u in admins] == [("site.admin2", "root@example.com", True)]


def test_create_admin_needs_credentials(app: APIFlask) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-admin"], env={"ADMIN_USERNAME": "", "ADMIN_EMAIL": "", "ADMIN_PASSWORD": ""}
    )
    assert result.exit_code == 1
    assert "Set ADMIN_EMAIL and ADMIN_PASSWORD" in result.output


def test_create_admin_without_username_uses_a_default(app: APIFlask) -> None:
    env = {"ADMIN_USERNAME": "", "ADMIN_EMAIL": "boss@example.com", "ADMIN_PASSWORD": STRONG}
    assert app.test_cli_runner().invoke(args=["create-admin"], env=env).exit_code == 0
    with database_of(app).unit_of_work() as session:
        assert session.query(User).one().username == "administrator"


@pytest.mark.parametrize("username, email", [("short", "boss@example.com"), ("site.admin", "not-an-email")])
def test_create_admin_refuses_invalid_names(app: APIFlask, username: str, email: str) -> None:
    env = {"ADMIN_USERNAME": username, "ADMIN_EMAIL": email, "ADMIN_PASSWORD": STRONG}
    result = app.test_cli_runner().invoke(args=["create-admin"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("Invalid admin")


# SECURITY row 24: a fresh install has no admin with a known password.
def test_a_freshly_migrated_database_has_no_accounts(service_root: Path, empty_database_factory: Any) -> None:
    url = empty_database_factory()
    migrated = manage(service_root, "db", "upgrade", APP_ENV="testing", DATABASE_URL=url)
    assert migrated.returncode == 0, migrated.stderr
    app = create_app(load_settings(APP_ENV="testing", DATABASE_URL=url))
    with database_of(app).unit_of_work() as session:
        assert session.query(User).count() == 0
        assert session.scalar(text("SELECT count(*) FROM alembic_version")) == 1  # really migrated
    database_of(app).dispose()


def test_seed_db_adds_demo_users_and_is_refused_in_production(app: APIFlask, make_app: object) -> None:
    result = app.test_cli_runner().invoke(args=["seed_db"])
    assert result.exit_code == 0, result.output
    with database_of(app).unit_of_work() as session:
        assert session.query(User).count() == 2
    assert callable(make_app)
    prod = make_app(**PRODUCTION)
    refused = prod.test_cli_runner().invoke(args=["seed_db"])
    assert refused.exit_code == 1
    assert "refused" in refused.output


@pytest.mark.parametrize("args", [["routes"], ["db", "current"]])
def test_flask_commands_are_available(service_root: Path, database_url: str, args: list[str]) -> None:
    result = manage(service_root, *args, APP_ENV="testing", DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
