"""The collaborators of the app serving the current request, built once by ``create_app``."""

from __future__ import annotations

from flask import Flask, current_app
from jwt import PyJWK
from service_kit.tokens import VerifiedTokens

from ..domain.keys import KeySet
from ..domain.refusals import Refusals
from ..runtime.settings import Settings


def settings() -> Settings:
    return current_app.extensions["settings"]  # type: ignore[no-any-return]


def key_set() -> KeySet:
    return key_set_of(current_app)


def key_set_of(app: Flask) -> KeySet:
    return app.extensions["key_set"]  # type: ignore[no-any-return]


def verified_tokens() -> VerifiedTokens[PyJWK]:
    return current_app.extensions["verified_tokens"]  # type: ignore[no-any-return]


def refusals() -> Refusals:
    return current_app.extensions["refusals"]  # type: ignore[no-any-return]
