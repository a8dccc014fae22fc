"""The collaborators of the app serving the current request, built once by ``create_app``."""

from __future__ import annotations

from flask import current_app

from ..db.database import Database
from ..domain.throttle import LoginThrottle
from ..runtime.settings import Settings


def settings() -> Settings:
    return current_app.extensions["settings"]  # type: ignore[no-any-return]


def database() -> Database:
    return current_app.extensions["database"]  # type: ignore[no-any-return]


def login_throttle() -> LoginThrottle:
    return current_app.extensions["login_throttle"]  # type: ignore[no-any-return]
