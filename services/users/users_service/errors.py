"""One JSON envelope for every failure: HTTP errors, validation, integrity, outages.

``{"status": "fail", "message": ..., "errors": {field: [messages]}, "request_id": ...}``
Nothing here ever echoes a traceback, SQL text or driver message to the caller.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from apiflask import APIFlask, HTTPError
from flask import request
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, TimeoutError
from werkzeug.exceptions import HTTPException

from . import deadline
from .deadline import RequestDeadlineExceeded
from .extensions import db, limiter
from .logging_setup import audit
from .metrics import DB_POOL_TIMEOUTS
from .middleware import request_id as current_request_id

log = logging.getLogger("users_service.errors")

INVALID_PAYLOAD = "Invalid payload."
NO_TOKEN = "Provide a valid auth token."  # noqa: S105 - a message, not a credential
FORBIDDEN = "You do not have permission to do that."
DB_RETRY_AFTER = "5"

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


class ConflictError(Exception):
    """Raised by services for a rule that a concurrent change would break (409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


def envelope(status_code: int, message: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": "fail", "message": message}
    if errors:
        body["errors"] = errors
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    return body


def error_processor(error: HTTPError) -> ResponseReturnValue:
    status = error.status_code
    headers = dict(error.headers or {})
    if error.detail and status in (400, 422):
        # Validation errors from webargs: normalise to the contract's 400.
        status = 400
        return envelope(status, INVALID_PAYLOAD, _flatten_validation_detail(error.detail)), status, headers
    message = error.message
    if not message or message == HTTPError(status).message:
        message = DEFAULT_MESSAGES.get(status, message or "Request failed.")
    if status == 403:
        audit("access_denied", reason=message)
    if status == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = _limiter_retry_after()
    errors = error.extra_data.get("errors") if error.extra_data else None
    return envelope(status, message, errors), status, headers


def _limiter_retry_after() -> str:
    current = limiter.current_limit
    if current is not None:
        return str(max(1, int(current.reset_at - time.time())))
    return "60"


def register_error_handlers(app: APIFlask) -> None:
    app.config["VALIDATION_ERROR_STATUS_CODE"] = 400
    app.error_processor(error_processor)  # type: ignore[arg-type]

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException) -> ResponseReturnValue:
        code = exc.code or 500
        # TRACE, CONNECT and other unrouted verbs are methods we do not allow anywhere.
        if code == 404 and request.method not in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}:
            code = 405
        headers: dict[str, str] = {}
        if code == 405:
            response = exc.get_response()
            allow = response.headers.get("Allow")
            if allow:
                headers["Allow"] = allow
        message = None
        description = getattr(exc, "description", None)
        if code == 429 and description:
            message = DEFAULT_MESSAGES[429]
        return error_processor(fail(code, message, headers=headers))

    @app.errorhandler(ConflictError)
    def handle_conflict(exc: ConflictError) -> ResponseReturnValue:
        db.session.rollback()
        return error_processor(fail(409, exc.message))

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(exc: IntegrityError) -> ResponseReturnValue:
        # A uniqueness race lost between our pre-check and the commit.
        db.session.rollback()
        return error_processor(fail(409, "Sorry. That user already exists."))

    @app.errorhandler(OperationalError)
    @app.errorhandler(TimeoutError)
    def handle_database_unavailable(exc: Exception) -> ResponseReturnValue:
        if deadline.expired():
            return _deadline_exceeded()
        _safe_rollback()
        if isinstance(exc, TimeoutError):
            # Every pooled connection was busy for DB_POOL_TIMEOUT seconds.
            DB_POOL_TIMEOUTS.inc()
        log.error("database unavailable", extra={"event": "db_unavailable", "error": type(exc).__name__})
        return error_processor(fail(503, headers={"Retry-After": DB_RETRY_AFTER}))

    @app.errorhandler(RequestDeadlineExceeded)
    def handle_deadline(exc: RequestDeadlineExceeded) -> ResponseReturnValue:
        return _deadline_exceeded()

    @app.errorhandler(RedisError)
    def handle_shared_state_unavailable(exc: RedisError) -> ResponseReturnValue:
        # Login throttling fails closed: without its counters we cannot bound guessing.
        log.error("rate-limit store unavailable", extra={"event": "redis_unavailable", "error": type(exc).__name__})
        return error_processor(fail(503, headers={"Retry-After": DB_RETRY_AFTER}))

    @app.errorhandler(DBAPIError)
    def handle_database_error(exc: DBAPIError) -> ResponseReturnValue:
        if deadline.expired():
            return _deadline_exceeded()
        _safe_rollback()
        if exc.connection_invalidated:
            return error_processor(fail(503, headers={"Retry-After": DB_RETRY_AFTER}))
        log.error("database error", extra={"event": "db_error", "error": type(exc.orig).__name__})
        return error_processor(fail(500))

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> ResponseReturnValue:
        if deadline.expired():
            return _deadline_exceeded()
        _safe_rollback()
        log.exception("unhandled exception", extra={"event": "unhandled_exception"})
        return error_processor(fail(500))


def _deadline_exceeded() -> ResponseReturnValue:
    # The connection may be stuck mid-query: drop it without another round trip.
    try:
        db.session().invalidate()
    except Exception:
        log.debug("invalidating the session failed", exc_info=True)
    log.error("request deadline exceeded", extra={"event": "request_deadline_exceeded"})
    return error_processor(fail(503, headers={"Retry-After": DB_RETRY_AFTER}))


def _safe_rollback() -> None:
    try:
        db.session.rollback()
    except Exception:
        log.debug("rollback failed", exc_info=True)
