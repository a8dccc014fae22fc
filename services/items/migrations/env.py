"""Alembic environment: runs against the items database (ITEMS_DATABASE_URL)."""

from flask import current_app
from service_kit.db.migrations import run_migrations

migrate = current_app.extensions["migrate"]
run_migrations(migrate.db, migrate.configure_args)
