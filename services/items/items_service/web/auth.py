"""Bearer-token authentication for the HTTP layer: the users service's access tokens,
checked offline (domain.tokens)."""

from __future__ import annotations

from apiflask import HTTPTokenAuth
from service_kit.web.database import current_connection
from service_kit.web.errors import NO_TOKEN, fail

from ..domain.errors import TokenRejected
from ..domain.models import Caller
from ..domain.tokens import caller_for_access_token
from .context import key_set, settings

auth = HTTPTokenAuth(
    scheme="Bearer",
    security_scheme_name="BearerAuth",
    description="Access token (JWT) of the users service: `POST /auth/login`, `/auth/register` or `/auth/refresh`.",
)


@auth.verify_token
def verify_token(token: str) -> Caller | None:
    # Tokens are read from the Authorization header only; never from the URL (?token=).
    if not token:
        return None
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


def current_caller() -> Caller:
    caller = auth.current_user
    if not isinstance(caller, Caller):  # pragma: no cover - guarded by auth_required
        raise fail(401, NO_TOKEN)
    return caller
