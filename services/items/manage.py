"""Operator commands: ``python manage.py serve | migrate | db upgrade | consume | wait-db | write-spec``."""

from __future__ import annotations

from flask.cli import FlaskGroup

from items_service import create_app
from items_service.runtime.settings import settings_or_exit


def _app_factory() -> object:
    return create_app(settings_or_exit())


cli = FlaskGroup(create_app=_app_factory, add_version_option=False, load_dotenv=False)

if __name__ == "__main__":
    cli()
