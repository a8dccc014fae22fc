"""The collaborators of the app serving the current request, built once by ``create_app``."""

from __future__ import annotations

import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import current_app, request
from service_kit.db.database import Database
from service_kit.tokens import VerifiedTokens
from service_kit.web.background import BackgroundWork

from ..domain.throttle import EmailChangeLimit, LoginThrottle, VerificationMailLimit
from ..runtime.settings import Settings


def settings() -> Settings:
    return current_app.extensions["settings"]  # type: ignore[no-any-return]


def database() -> Database:
    return current_app.extensions["database"]  # type: ignore[no-any-return]


def verified_tokens() -> VerifiedTokens[Ed25519PublicKey]:
    return current_app.extensions["verified_tokens"]  # type: ignore[no-any-return]


def login_throttle() -> LoginThrottle:
    return current_app.extensions["login_throttle"]  # type: ignore[no-any-return]


def email_change_limit() -> EmailChangeLimit:
    return current_app.extensions["email_change_limit"]  # type: ignore[no-any-return]


def verification_mail_limit() -> VerificationMailLimit:
    return current_app.extensions["verification_mail_limit"]  # type: ignore[no-any-return]


def background_work() -> BackgroundWork:
    return current_app.extensions["background_work"]  # type: ignore[no-any-return]


# W3C Trace Context: version-traceid-parentid-flags, lower-case hex; version ff is invalid.
_TRACEPARENT = re.compile(r"(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}")


def traceparent() -> str | None:
    """The request's W3C ``traceparent`` header when it is well formed, for the events the
    request causes (one trace id from the gateway to the services that consume them)."""
    value = request.headers.get("traceparent", "").strip()
    return value if _TRACEPARENT.fullmatch(value) else None
