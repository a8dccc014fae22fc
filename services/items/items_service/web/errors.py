"""How the items rules' refusals are answered, in the kit's one error envelope."""

from __future__ import annotations

from apiflask import APIFlask
from flask import Response
from service_kit.web.errors import answer, fail

from ..domain.errors import DomainError, ItemNotFound, NotAllowed, TokenRejected

_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (TokenRejected, 401),
    (NotAllowed, 403),
    (ItemNotFound, 404),
)


def register_domain_errors(app: APIFlask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError) -> Response:
        status = next(code for kind, code in _DOMAIN_STATUS if isinstance(exc, kind))
        return answer(fail(status, exc.message))
