"""The collaborators of the app serving the current request, built once by ``create_app``."""

from __future__ import annotations

from flask import current_app
from service_kit.db.database import Database
from service_kit.web.background import BackgroundWork

from ..domain.throttle import EmailChangeLimit, LoginThrottle
from ..runtime.settings import Settings


def settings() -> Settings:
    return current_app.extensions["settings"]  # type: ignore[no-any-return]


def database() -> Database:
    return current_app.extensions["database"]  # type: ignore[no-any-return]


def login_throttle() -> LoginThrottle:
    return current_app.extensions["login_throttle"]  # type: ignore[no-any-return]


def email_change_limit() -> EmailChangeLimit:
    return current_app.extensions["email_change_limit"]  # type: ignore[no-any-return]


def background_work() -> BackgroundWork:
    return current_app.extensions["background_work"]  # type: ignore[no-any-return]
