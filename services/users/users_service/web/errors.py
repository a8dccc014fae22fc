"""How the account rules' refusals are answered, in the kit's one error envelope."""

from __future__ import annotations

from apiflask import APIFlask
from flask import Response
from service_kit.web.errors import answer, fail
from sqlalchemy.exc import IntegrityError

from ..domain.audit import audit
from ..domain.errors import (
    Conflict,
    DomainError,
    EmailTokenInvalid,
    InvalidInput,
    LoginFailed,
    NotAllowed,
    ResetTokenInvalid,
    Throttled,
    TokenRejected,
    TwoFactorCodeRejected,
)

# The answer to each refusal of the account rules.
_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidInput, 400),
    (ResetTokenInvalid, 400),
    (EmailTokenInvalid, 400),
    (TokenRejected, 401),
    (LoginFailed, 401),
    (TwoFactorCodeRejected, 401),
    (NotAllowed, 403),
    (Conflict, 409),
    (Throttled, 429),
)


def audit_refusals(status: int, message: str) -> None:
    """Every 403 is an attempt at something the caller may not do: a security event."""
    if status == 403:
        audit("access_denied", reason=message)


def register_domain_errors(app: APIFlask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError) -> Response:
        status = next(code for kind, code in _DOMAIN_STATUS if isinstance(exc, kind))
        if isinstance(exc, InvalidInput):
            return answer(fail(400, extra_data={"errors": exc.errors}))
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Throttled) else {}
        return answer(fail(status, exc.message, headers=headers))

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(exc: IntegrityError) -> Response:
        # A uniqueness race lost between the pre-check and the commit.
        return answer(fail(409, "Sorry. That user already exists."))
