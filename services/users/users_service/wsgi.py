"""The WSGI application of the users service: ``users_service.wsgi:app`` (granian, gunicorn)."""

from __future__ import annotations

from .runtime.settings import settings_or_exit
from .web.app import create_app

app = create_app(settings_or_exit())
