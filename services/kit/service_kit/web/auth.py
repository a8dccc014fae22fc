"""Bearer-token authentication, the skeleton every service shares: the scheme in the OpenAPI
document (``BearerAuth``), the token read from the Authorization header, and the caller of the
request. What a token means is the service's own check."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from apiflask import HTTPTokenAuth

from .errors import NO_TOKEN, fail

Caller = TypeVar("Caller")


def bearer_auth(description: str, caller_for_token: Callable[[str], object]) -> HTTPTokenAuth:
    """``Authorization: Bearer <token>``, documented with ``description``.

    ``caller_for_token`` returns the caller of a token, or raises ``fail(401, message)``
    for a token it refuses; a route declares ``@auth.login_required``.
    """
    auth = HTTPTokenAuth(scheme="Bearer", security_scheme_name="BearerAuth", description=description)

    @auth.verify_token
    def verify_token(token: str) -> object | None:
        # Tokens are read from the Authorization header only; never from the URL (?token=).
        if not token:
            return None
        return caller_for_token(token)

    return auth


def authenticated(auth: HTTPTokenAuth, kind: type[Caller]) -> Caller:
    """The caller ``auth`` accepted for the current request."""
    caller = auth.current_user
    if not isinstance(caller, kind):  # pragma: no cover - guarded by auth_required
        raise fail(401, NO_TOKEN)
    return caller
