"""One JSON envelope for every failure: HTTP errors, validation, domain rules, outages.

``{"status": "fail", "message": ..., "errors": {field: [messages]}, "request_id": ...}``
Nothing here ever echoes a traceback, SQL text or driver message to the caller.
"""

from __future__ import annotations

import logging
from typing import Any

from apiflask import APIFlask, HTTPError
from flask import Response, request
from limits.errors import StorageError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, TimeoutError
from werkzeug.exceptions import HTTPException

from ..db.deadline import DeadlineExceeded
from ..domain.audit import audit
from ..domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    LoginFailed,
    NotAllowed,
    ResetTokenInvalid,
    Throttled,
    TokenRejected,
)
from ..runtime.metrics import DB_POOL_TIMEOUTS
from .middleware import request_id as current_request_id
from .responses import json_response

log = logging.getLogger("users_service.errors")

INVALID_PAYLOAD = "Invalid payload."
NO_TOKEN = "Provide a valid auth token."  # noqa: S105 - a message, not a credential
FORBIDDEN = "You do not have permission to do that."
RETRY_AFTER = "5"

DEFAULT_MESSAGES: dict[int, str] = {
    400: INVALID_PAYLOAD,
    401: NO_TOKEN,
    403: FORBIDDEN,
    404: "Resource not found.",
    405: "Method not allowed.",
    409: "Conflict with the current state of the resource.",
    413: "Request body too large.",
    415: "Content-Type must be application/json.",
    429: "Too many requests. Please try again later.",
    500: "Internal server error.",
    503: "Service temporarily unavailable. Please try again shortly.",
}

# The answer to each refusal of the account rules.
_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidInput, 400),
    (ResetTokenInvalid, 400),
    (TokenRejected, 401),
    (LoginFailed, 401),
    (NotAllowed, 403),
    (Conflict, 409),
    (Throttled, 429),
)
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def fail(status_code: int, message: str | None = None, **kwargs: Any) -> HTTPError:
    return HTTPError(status_code, message or DEFAULT_MESSAGES.get(status_code), **kwargs)


def _flatten_validation_detail(detail: Any) -> dict[str, list[str]]:
    """webargs reports ``{location: {field: [msg]}}``; callers want ``{field: [msg]}``."""
    errors: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            errors.setdefault(prefix or "_schema", []).extend(value)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            errors.setdefault(prefix or "_schema", []).append(str(value))

    if isinstance(detail, dict):
        for location_errors in detail.values():
            walk("", location_errors)
    return errors


def envelope(message: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": "fail", "message": message}
    if errors:
        body["errors"] = errors
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    return body


def error_processor(error: HTTPError) -> Response:
    status = error.status_code
    headers = dict(error.headers or {})
    if error.detail and status in (400, 422):
        # Validation errors from webargs: normalise to the contract's 400.
        return json_response(envelope(INVALID_PAYLOAD, _flatten_validation_detail(error.detail)), 400, headers)
    message = error.message
    if not message or message == HTTPError(status).message:
        message = DEFAULT_MESSAGES.get(status, message or "Request failed.")
    if status == 403:
        audit("access_denied", reason=message)
    errors = error.extra_data.get("errors") if error.extra_data else None
    return json_response(envelope(message, errors), status, headers)


def _unavailable() -> Response:
    return error_processor(fail(503, headers={"Retry-After": RETRY_AFTER}))


def register_error_handlers(app: APIFlask) -> None:
    app.config["VALIDATION_ERROR_STATUS_CODE"] = 400
    app.error_processor(error_processor)  # type: ignore[arg-type]

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException) -> Response:
        code = exc.code or 500
        # TRACE, CONNECT and other unrouted verbs are methods we do not allow anywhere.
        if code == 404 and request.method not in _KNOWN_METHODS:
            code = 405
        headers: dict[str, str] = {}
        if code == 405:
            allow = exc.get_response().headers.get("Allow")
            if allow:
                headers["Allow"] = allow
        return error_processor(fail(code, headers=headers))

    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError) -> Response:
        status = next(code for kind, code in _DOMAIN_STATUS if isinstance(exc, kind))
        if isinstance(exc, InvalidInput):
            return error_processor(fail(400, extra_data={"errors": exc.errors}))
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Throttled) else {}
        return error_processor(fail(status, exc.message, headers=headers))

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(exc: IntegrityError) -> Response:
        # A uniqueness race lost between a pre-check and the commit.
        return error_processor(fail(409, "Sorry. That user already exists."))

    @app.errorhandler(OperationalError)
    @app.errorhandler(TimeoutError)
    def handle_database_unavailable(exc: Exception) -> Response:
        if isinstance(exc, TimeoutError):
            # Every pooled connection was busy for DB_POOL_TIMEOUT seconds.
            DB_POOL_TIMEOUTS.inc()
        log.error("database unavailable", extra={"event": "db_unavailable", "error": type(exc).__name__})
        return _unavailable()

    @app.errorhandler(DeadlineExceeded)
    def handle_deadline(exc: DeadlineExceeded) -> Response:
        log.error("request deadline exceeded", extra={"event": "request_deadline_exceeded"})
        return _unavailable()

    @app.errorhandler(StorageError)
    @app.errorhandler(RedisError)
    def handle_shared_state_unavailable(exc: Exception) -> Response:
        # Login throttling fails closed: without its counters we cannot bound guessing.
        log.error("rate-limit store unavailable", extra={"event": "redis_unavailable", "error": type(exc).__name__})
        return _unavailable()

    @app.errorhandler(DBAPIError)
    def handle_database_error(exc: DBAPIError) -> Response:
        if exc.connection_invalidated:
            return _unavailable()
        log.error("database error", extra={"event": "db_error", "error": type(exc.orig).__name__})
        return error_processor(fail(500))

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> Response:
        log.exception("unhandled exception", extra={"event": "unhandled_exception"})
        return error_processor(fail(500))
