"""WSGI app for tests/test_server.py whose workers take seconds to load it."""

from __future__ import annotations

import time

time.sleep(3)

from users_service.wsgi import app  # noqa: E402

__all__ = ["app"]
