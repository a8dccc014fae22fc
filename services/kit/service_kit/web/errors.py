"""One JSON envelope for every failure: HTTP errors, validation, outages, and whatever a
service maps its own rules' refusals to (``fail``).

``{"status": "fail", "message": ..., "errors": {field: [messages]}, "request_id": ...}``
Nothing here ever echoes a traceback, SQL text or driver message to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from apiflask import APIFlask, HTTPError
from flask import Response, current_app, request
from limits.errors import StorageError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, TimeoutError
from werkzeug.exceptions import HTTPException

from ..db.deadline import DeadlineExceeded
from ..runtime.metrics import ServiceMetrics
from .edge import request_id as current_request_id
from .responses import json_response

log = logging.getLogger("service_kit.errors")

# Told of every failure answered, with its status and message (a service audits its 403s).
FailureListener = Callable[[int, str], None]

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


def answer(error: HTTPError) -> Response:
    """The envelope of ``error``, as APIFlask's error processor and every handler answer it."""
    status = error.status_code
    headers = dict(error.headers or {})
    errors: dict[str, list[str]] | None
    if error.detail and status in (400, 422):
        # Validation errors from webargs: normalise to the contract's 400.
        status, message, errors = 400, INVALID_PAYLOAD, _flatten_validation_detail(error.detail)
    else:
        message = error.message or ""
        if not message or message == HTTPError(status).message:
            message = DEFAULT_MESSAGES.get(status, message or "Request failed.")
        errors = error.extra_data.get("errors") if error.extra_data else None
    listener: FailureListener | None = current_app.extensions.get(_LISTENER)
    if listener is not None:
        listener(status, message)
    return json_response(envelope(message, errors), status, headers)


def _unavailable() -> Response:
    return answer(fail(503, headers={"Retry-After": RETRY_AFTER}))


_LISTENER = "failure_listener"


def register_error_handlers(app: APIFlask, metrics: ServiceMetrics, listener: FailureListener | None = None) -> None:
    """Answer every failure with the envelope; ``listener`` hears of each one."""
    app.config["VALIDATION_ERROR_STATUS_CODE"] = 400
    app.error_processor(answer)  # type: ignore[arg-type]
    if listener is not None:
        app.extensions[_LISTENER] = listener

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
        return answer(fail(code, headers=headers))

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(exc: IntegrityError) -> Response:
        # A race lost between a rule's check and the commit (a uniqueness, a foreign key).
        return answer(fail(409))

    @app.errorhandler(OperationalError)
    @app.errorhandler(TimeoutError)
    def handle_database_unavailable(exc: Exception) -> Response:
        if isinstance(exc, TimeoutError):
            # Every pooled connection was busy for DB_POOL_TIMEOUT seconds.
            metrics.db_pool_timeouts.inc()
        log.error("database unavailable", extra={"event": "db_unavailable", "error": type(exc).__name__})
        return _unavailable()

    @app.errorhandler(DeadlineExceeded)
    def handle_deadline(exc: DeadlineExceeded) -> Response:
        log.error("request deadline exceeded", extra={"event": "request_deadline_exceeded"})
        return _unavailable()

    @app.errorhandler(StorageError)
    @app.errorhandler(RedisError)
    def handle_shared_state_unavailable(exc: Exception) -> Response:
        # Limits that must hold fail closed: without their counters nothing bounds guessing.
        log.error("rate-limit store unavailable", extra={"event": "redis_unavailable", "error": type(exc).__name__})
        return _unavailable()

    @app.errorhandler(DBAPIError)
    def handle_database_error(exc: DBAPIError) -> Response:
        if exc.connection_invalidated:
            return _unavailable()
        log.error("database error", extra={"event": "db_error", "error": type(exc.orig).__name__})
        return answer(fail(500))

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> Response:
        log.exception("unhandled exception", extra={"event": "unhandled_exception"})
        return answer(fail(500))
