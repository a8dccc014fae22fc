"""The WSGI application of the items service: ``items_service.wsgi:app`` (granian).

Each worker fetches the users service's key set as it starts (or reads the stored copy).
"""

from __future__ import annotations

from .runtime.settings import settings_or_exit
from .web.app import create_app
from .web.context import key_set_of

app = create_app(settings_or_exit())
key_set_of(app).start()
