"""The collaborators of the app serving the current request, built once by ``create_app``."""

from __future__ import annotations

from flask import Flask, current_app

from ..domain.keys import KeySet
from ..runtime.settings import Settings


def settings() -> Settings:
    return current_app.extensions["settings"]  # type: ignore[no-any-return]


def key_set() -> KeySet:
    return key_set_of(current_app)


def key_set_of(app: Flask) -> KeySet:
    return app.extensions["key_set"]  # type: ignore[no-any-return]
