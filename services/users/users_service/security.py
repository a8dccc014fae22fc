"""Bearer-token authentication and role checks for the HTTP layer."""

from __future__ import annotations

from typing import Any

from apiflask import HTTPTokenAuth
from flask import g, request

from .errors import NO_TOKEN, fail
from .extensions import db
from .models import User
from .services.tokens import TokenError, user_for_access_token

auth = HTTPTokenAuth(
    scheme="Bearer",
    security_scheme_name="BearerAuth",
    description="Access token (JWT) from `POST /auth/login`, `/auth/register` or `/auth/refresh`.",
)


# Routes that only read the caller: it is read outside the session (a detached ``User``).
CALLER_READ_ONLY_ENDPOINTS = frozenset({"auth.status", "users.list_users", "users.get_user"})


def _authenticate(token: str) -> User:
    try:
        user, claims = user_for_access_token(
            session=db.session, token=token, detached=request.endpoint in CALLER_READ_ONLY_ENDPOINTS
        )
    except TokenError as exc:
        raise fail(401, exc.message) from None
    g.token_claims = claims
    return user


@auth.verify_token
def verify_token(token: str) -> User | None:
    # Tokens are read from the Authorization header only; never from the URL (?token=).
    return _authenticate(token) if token else None


def current_user() -> User:
    user = auth.current_user
    if not isinstance(user, User):  # pragma: no cover - guarded by auth_required
        raise fail(401, NO_TOKEN)
    return user


def token_claims() -> dict[str, Any]:
    claims: dict[str, Any] = g.get("token_claims", {})
    return claims


def optional_viewer() -> User | None:
    """The caller on public endpoints: a valid token reveals more fields, an invalid one nothing."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        user, _claims = user_for_access_token(
            session=db.session, token=token.strip(), detached=request.endpoint in CALLER_READ_ONLY_ENDPOINTS
        )
    except TokenError:
        return None
    return user


def require_admin(user: User) -> None:
    # ``user`` was loaded from the database for this request: a demoted admin's
    # still-valid token no longer grants anything.
    if not user.admin:
        raise fail(403)
