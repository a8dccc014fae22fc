"""Bearer-token authentication and role checks for the HTTP layer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from service_kit.web.auth import authenticated, bearer_auth
from service_kit.web.database import current_connection
from service_kit.web.edge import client_ip
from service_kit.web.errors import fail

from ..domain import audit
from ..domain.errors import TokenRejected
from ..domain.models import Caller
from ..domain.tokens import Client, caller_for_access_token
from .context import verified_tokens


def caller_of(token: str) -> Caller:
    try:
        caller, claims = caller_for_access_token(connection=current_connection(), tokens=verified_tokens(), token=token)
    except TokenRejected as rejected:
        raise fail(401, rejected.message) from None
    g.token_claims = claims
    audit.identify(caller.id)
    return caller


auth = bearer_auth("Access token (JWT) from `POST /auth/login`, `/auth/register` or `/auth/refresh`.", caller_of)


def current_caller() -> Caller:
    return authenticated(auth, Caller)


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
            connection=current_connection(), tokens=verified_tokens(), token=token.strip()
        )
    except TokenRejected:
        return None
    return caller


def client() -> Client:
    """The browser and address of this request, as its session shows them to their owner."""
    return Client(user_agent=request.headers.get("User-Agent"), address=client_ip())


def require_admin(caller: Caller) -> None:
    # The role was read from the database for this request: a demoted admin's
    # still-valid token no longer grants anything.
    if not caller.admin:
        raise fail(403)


View = TypeVar("View", bound=Callable[..., Any])


def admin_required(view: View) -> View:
    """Admins only, checked before the input is read: a non-admin learns nothing of the
    parameters' rules, only that they may not (403). Goes below ``auth_required``."""

    @wraps(view)
    def check_then_run(*args: Any, **kwargs: Any) -> Any:
        require_admin(current_caller())
        return view(*args, **kwargs)

    return check_then_run  # type: ignore[return-value]
