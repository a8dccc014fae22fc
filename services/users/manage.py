"""Operator commands: ``python manage.py run | db upgrade | create-admin | wait-db | ...``."""

from __future__ import annotations

from flask.cli import FlaskGroup

from users_service import create_app
from users_service.runtime.settings import settings_or_exit
from users_service.web.cli import generate_key


def _app_factory() -> object:
    return create_app(settings_or_exit())


cli = FlaskGroup(create_app=_app_factory, add_version_option=False, load_dotenv=False)
# Commands that need no app (nor valid settings).
cli.add_command(generate_key)

if __name__ == "__main__":
    cli()
