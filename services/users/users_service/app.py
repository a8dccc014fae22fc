"""Application factory."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apiflask import APIFlask
from flask import Flask, Request, Response, request
from flask.sessions import NullSession, SessionInterface, SessionMixin
from flask_cors import CORS
from limits.storage import storage_from_string
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from . import __doc__ as package_doc
from . import deadline, metrics
from .errors import fail, register_error_handlers
from .extensions import db, limiter, migrate
from .logging_setup import configure_logging
from .middleware import ResponseDefaults
from .schemas import FailEnvelope
from .settings import Settings, load_settings

API_TITLE = "Users service"
API_VERSION = "1.0.0"
MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")
_NO_DATABASE_PATHS = frozenset({"/users/ping", "/health/live"})
_JSON_MIMETYPE = re.compile(r"^application/([a-z0-9.+-]+\+)?json$")


class UsersApp(APIFlask):
    """APIFlask, remembering which view and hook functions are coroutines.

    Flask asks ``inspect`` that for every hook of every request (ten per request here), a
    sizeable part of a small request; the answer never changes for a function.
    """

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        checked: dict[Callable[..., Any], Callable[..., Any]] = self.__dict__.setdefault("_ensured_sync", {})
        try:
            return checked[func]
        except KeyError:
            checked[func] = ensured = super().ensure_sync(func)
            return ensured
        except TypeError:  # unhashable callable
            return super().ensure_sync(func)


def create_app(settings: Settings | None = None) -> APIFlask:
    settings = settings or load_settings()
    configure_logging(settings.LOG_LEVEL)

    app = UsersApp(
        __name__,
        title=API_TITLE,
        version=API_VERSION,
        docs_path=None,
        static_folder=None,  # type: ignore[arg-type]
        spec_path="/openapi.json",
    )
    app.config.update(_flask_config(settings))
    app.extensions["settings"] = settings
    # No Flask session cookie: the API is stateless (bearer tokens; the refresh cookie is set by hand).
    app.session_interface = _NoSessions()
    # Exactly one proxy (the gateway) sits in front of us: only its hop is trusted.
    app.wsgi_app = ResponseDefaults(  # type: ignore[method-assign]
        ProxyFix(app.wsgi_app, x_for=1, x_proto=1), _security_headers(settings)
    )

    db.init_app(app)
    with app.app_context():
        # First: its checkout ping may refuse a connection before the pool gauges count it.
        deadline.register(app, db.engine, settings.REQUEST_DEADLINE)
        metrics.instrument_engine(db.engine)
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _enforce_foreign_keys)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    limiter.init_app(app)
    # Only decorated routes (the /auth endpoints) carry limits, and their decorators check
    # them; no default or application-wide limits are configured. The limiter's
    # every-request hook would only resolve an empty set, at a cost of about 0.1 ms.
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
    # Failed-login counters: shared by every replica when REDIS_URL is set.
    app.extensions["throttle_storage"] = storage_from_string(settings.REDIS_URL or "memory://")
    if settings.cors_origins:
        CORS(app, origins=settings.cors_origins, supports_credentials=True, resources={r"/(users|auth)(/.*)?": {}})

    register_error_handlers(app)
    metrics.register(app)
    _register_request_hooks(app, settings)
    _register_blueprints(app)
    app.spec_processor(_finish_spec)  # type: ignore[arg-type]

    from .cli import register_commands

    register_commands(app)
    return app


def _enforce_foreign_keys(dbapi_connection: Any, connection_record: object) -> None:
    # SQLite leaves foreign keys unchecked unless asked, per connection: without this, rows
    # could point at deleted users in development where PostgreSQL refuses them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _flask_config(settings: Settings) -> dict[str, Any]:
    url = settings.DATABASE_URL
    # With a request deadline, deadline.py pings connections on checkout, within the deadline.
    engine_options: dict[str, Any] = {"pool_pre_ping": settings.REQUEST_DEADLINE <= 0}
    pool_options = {
        "pool_size": settings.DB_POOL_SIZE,
        "max_overflow": settings.DB_MAX_OVERFLOW,
        # A request waits at most this long for a connection, then gets 503 + Retry-After.
        "pool_timeout": settings.DB_POOL_TIMEOUT,
    }
    if url.startswith("postgresql"):
        engine_options.update(
            pool_options,
            connect_args={
                "connect_timeout": settings.DB_CONNECT_TIMEOUT,
                # A stuck query must not hold a worker forever. Timestamps come back in UTC,
                # which psycopg also converts fastest.
                "options": "-c statement_timeout=15000 -c TimeZone=UTC",
            },
        )
    elif url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # A SQLite file is pooled too (QueuePool): the same limits apply.
        engine_options.update(pool_options)
    return {
        "SECRET_KEY": settings.SECRET_KEY,
        "TESTING": settings.APP_ENV == "testing",
        "DEBUG": False,
        "PROPAGATE_EXCEPTIONS": False,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "MAX_CONTENT_LENGTH": settings.MAX_CONTENT_LENGTH,
        "JSON_SORT_KEYS": False,
        "RATELIMIT_ENABLED": settings.RATE_LIMIT_ENABLED,
        "RATELIMIT_STORAGE_URI": settings.REDIS_URL or "memory://",
        "RATELIMIT_KEY_PREFIX": "users-limiter",
        "RATELIMIT_HEADERS_ENABLED": False,
        # The per-IP limiter fails open to process memory if Redis is down; the per-account
        # login throttle fails closed (503), see services/throttle.py.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # OpenAPI
        "VALIDATION_ERROR_STATUS_CODE": 400,
        "VALIDATION_ERROR_DESCRIPTION": "Invalid payload",
        "HTTP_ERROR_SCHEMA": FailEnvelope,
        "VALIDATION_ERROR_SCHEMA": FailEnvelope,
        "AUTO_SERVERS": False,
        "AUTO_404_RESPONSE": True,
        "DESCRIPTION": package_doc,
        "INFO": {"license": {"name": "MIT", "identifier": "MIT"}},
        "TAGS": [
            {"name": "Ping", "description": "Liveness of the users API."},
            {"name": "Users", "description": "Accounts."},
            {"name": "Auth", "description": "Registration, login, tokens and passwords."},
            {"name": "Health", "description": "Probes for orchestrators."},
        ],
    }


class _NoSessions(SessionInterface):
    _session = NullSession()

    def open_session(self, app: Flask, request: Request) -> NullSession:
        return self._session

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


def _security_headers(settings: Settings) -> dict[str, str]:
    headers = {
        "Cache-Control": "no-store",
        "Pragma": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if settings.is_production_like:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


# Routes that only read through the session: their queries run outside a transaction, which
# saves the BEGIN and ROLLBACK round trips (each about as costly as the query itself on
# loopback). The users list and /auth/status read outside the session altogether (autocommit.py).
READ_ONLY_ENDPOINTS = frozenset({"users.get_user"})


def _register_request_hooks(app: APIFlask, settings: Settings) -> None:
    @app.before_request
    def autocommit_reads() -> None:
        if request.endpoint in READ_ONLY_ENDPOINTS:
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    @app.before_request
    def require_json_body() -> None:
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        length = request.content_length
        if length is not None and length > settings.MAX_CONTENT_LENGTH:
            raise fail(413)
        has_body = bool(length) or "Transfer-Encoding" in request.headers
        if (has_body or request.mimetype) and not _JSON_MIMETYPE.match(request.mimetype or ""):
            # Also refuses cross-site "simple" requests (text/plain, form posts): no CSRF.
            raise fail(415)
        view = app.view_functions.get(request.endpoint or "")
        expects_body = bool(getattr(view, "_spec", {}).get("body"))
        if expects_body and not has_body:
            raise fail(400, extra_data={"errors": {"_body": ["A JSON request body is required."]}})


def _finish_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Details APIFlask does not emit: JSON bodies are required, and every route may be
    refused with 413/415 (body), 429 (rate limit) or 503 (database unavailable)."""
    for path, path_item in spec.get("paths", {}).items():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                operation["requestBody"]["required"] = True
                responses.setdefault("413", _error_response("Request body too large"))
            if method in ("post", "put", "patch"):
                responses.setdefault("415", _error_response("Content-Type is not application/json"))
            if path not in _NO_DATABASE_PATHS:
                responses.setdefault("503", _error_response("Database unavailable; retry after `Retry-After` seconds"))
            for code in ("400", "401", "403", "404", "409", "413", "415", "429", "503"):
                if code in responses:
                    responses[code]["content"] = {
                        "application/json": {"schema": {"$ref": "#/components/schemas/FailEnvelope"}}
                    }
    return spec


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FailEnvelope"}}},
    }


def _register_blueprints(app: APIFlask) -> None:
    from .api.auth import bp as auth_bp
    from .api.health import bp as health_bp
    from .api.ping import bp as ping_bp
    from .api.users import bp as users_bp

    for blueprint in (ping_bp, users_bp, auth_bp, health_bp):
        app.register_blueprint(blueprint)
