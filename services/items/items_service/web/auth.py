"""Bearer-token authentication for the HTTP layer: the users service's access tokens,
checked offline (domain.tokens)."""

from __future__ import annotations

from service_kit.web.auth import authenticated, bearer_auth
from service_kit.web.database import current_connection
from service_kit.web.errors import fail

from ..domain.errors import TokenRejected
from ..domain.models import Caller
from ..domain.tokens import caller_for_access_token
from .context import key_set, settings


def caller_of(token: str) -> Caller:
    config = settings()
    try:
        caller, _claims = caller_for_access_token(
            connection=current_connection(),
            keys=key_set(),
            token=token,
            issuer=config.JWT_ISSUER,
            audience=config.JWT_AUDIENCE,
        )
    except TokenRejected as rejected:
        raise fail(401, rejected.message) from None
    return caller


auth = bearer_auth(
    "Access token (JWT) of the users service: `POST /auth/login`, `/auth/register` or `/auth/refresh`.", caller_of
)


def current_caller() -> Caller:
    return authenticated(auth, Caller)
