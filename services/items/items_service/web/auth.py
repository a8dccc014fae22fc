"""Bearer-token authentication for the HTTP layer: the users service's access tokens,
checked offline (domain.tokens), against the refusals each process holds (domain.refusals):
no query per request."""

from __future__ import annotations

from service_kit.web.auth import authenticated, bearer_auth
from service_kit.web.errors import fail

from ..domain.errors import TokenRejected
from ..domain.models import Caller
from ..domain.tokens import caller_for_access_token
from .context import refusals, verified_tokens


def caller_of(token: str) -> Caller:
    try:
        caller, _claims = caller_for_access_token(tokens=verified_tokens(), refusals=refusals(), token=token)
    except TokenRejected as rejected:
        raise fail(401, rejected.message) from None
    return caller


auth = bearer_auth(
    "Access token (JWT) of the users service: `POST /auth/login`, `/auth/register` or `/auth/refresh`.", caller_of
)


def current_caller() -> Caller:
    return authenticated(auth, Caller)
