"""Bearer-token authentication and role checks for the HTTP layer."""

from __future__ import annotations

from typing import Any

from apiflask import HTTPTokenAuth
from flask import g, request
from service_kit.web.database import current_connection
from service_kit.web.errors import NO_TOKEN, fail

from ..domain.errors import TokenRejected
from ..domain.models import Caller
from ..domain.tokens import caller_for_access_token
from .context import settings

auth = HTTPTokenAuth(
    scheme="Bearer",
    security_scheme_name="BearerAuth",
    description="Access token (JWT) from `POST /auth/login`, `/auth/register` or `/auth/refresh`.",
)


@auth.verify_token
def verify_token(token: str) -> Caller | None:
    # Tokens are read from the Authorization header only; never from the URL (?token=).
    if not token:
        return None
    try:
        caller, claims = caller_for_access_token(connection=current_connection(), settings=settings(), token=token)
    except TokenRejected as rejected:
        raise fail(401, rejected.message) from None
    g.token_claims = claims
    return caller


def current_caller() -> Caller:
    caller = auth.current_user
    if not isinstance(caller, Caller):  # pragma: no cover - guarded by auth_required
        raise fail(401, NO_TOKEN)
    return caller


def token_claims() -> dict[str, Any]:
    claims: dict[str, Any] = g.get("token_claims", {})
    return claims


def optional_caller() -> Caller | None:
    """The caller on public endpoints: a valid token reveals more fields, an invalid one nothing."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        caller, _claims = caller_for_access_token(
            connection=current_connection(), settings=settings(), token=token.strip()
        )
    except TokenRejected:
        return None
    return caller


def require_admin(caller: Caller) -> None:
    # The role was read from the database for this request: a demoted admin's
    # still-valid token no longer grants anything.
    if not caller.admin:
        raise fail(403)
