"""Application factory: the Flask app of the users service and its collaborators."""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask
from flask import Flask, Request, Response, request
from flask.sessions import NullSession, SessionInterface, SessionMixin
from flask_cors import CORS
from flask_migrate import Migrate
from limits.storage import Storage, storage_from_string

from .. import __doc__ as package_doc
from ..db.database import Database
from ..db.migrations import MIGRATIONS_DIR
from ..domain.throttle import EmailChangeLimit, LoginThrottle
from ..runtime.logging import configure_logging
from ..runtime.settings import Settings, load_settings
from .background import BackgroundWork
from .errors import register_error_handlers
from .metrics import RequestMetrics, serve_metrics
from .middleware import GatewayEdge, RequestContextFilter, request_started
from .rate_limits import AddressLimits
from .schemas import FailEnvelope
from .spec import finish_spec

API_TITLE = "Users service"
API_VERSION = "1.0.0"


class UsersApp(APIFlask):
    """APIFlask, counting every answer in the request metrics as Flask hands it over.

    ``process_response`` is Flask's documented place for that: it runs for every answer,
    errors included, without the cost of one more ``after_request`` hook per request.
    """

    request_metrics = RequestMetrics()

    def process_response(self, response: Response) -> Response:
        rule = request.url_rule
        self.request_metrics.observe(
            request.method, rule.rule if rule is not None else None, response.status_code, request_started()
        )
        return super().process_response(response)


def create_app(settings: Settings | None = None) -> APIFlask:
    settings = settings or load_settings()
    configure_logging(settings.LOG_LEVEL, RequestContextFilter())

    app = UsersApp(
        __name__,
        title=API_TITLE,
        version=API_VERSION,
        docs_path=None,
        static_folder=None,  # type: ignore[arg-type]
        spec_path="/openapi.json",
    )
    app.config.update(_flask_config(settings))
    # No Flask session cookie: the API is stateless (bearer tokens; the refresh cookie is set by hand).
    app.session_interface = _NoSessions()
    app.wsgi_app = GatewayEdge(  # type: ignore[method-assign]
        app.wsgi_app, _security_headers(settings), settings.trusted_networks
    )

    database = Database(settings)
    # Rate-limit and failed-login counters: shared by every replica when REDIS_URL is set.
    limits_storage = _limits_storage(settings)
    app.extensions.update(
        settings=settings,
        database=database,
        address_limits=AddressLimits(settings, limits_storage),
        login_throttle=LoginThrottle(limits_storage, settings),
        email_change_limit=EmailChangeLimit(limits_storage, settings),
        background_work=BackgroundWork(database),
    )
    Migrate(app, database, directory=str(MIGRATIONS_DIR))
    if settings.cors_origins:
        CORS(app, origins=settings.cors_origins, supports_credentials=True, resources={r"/(users|auth)(/.*)?": {}})

    register_error_handlers(app)
    serve_metrics(app)
    _register_blueprints(app)
    app.spec_processor(finish_spec)  # type: ignore[arg-type]

    from .cli import register_commands

    register_commands(app)
    return app


def _limits_storage(settings: Settings) -> Storage:
    storage = storage_from_string(settings.REDIS_URL or "memory://", wrap_exceptions=True)
    assert isinstance(storage, Storage)  # a URL of a synchronous storage
    return storage


def _flask_config(settings: Settings) -> dict[str, Any]:
    return {
        "SECRET_KEY": settings.SECRET_KEY,
        "TESTING": settings.APP_ENV == "testing",
        "DEBUG": False,
        "PROPAGATE_EXCEPTIONS": False,
        "MAX_CONTENT_LENGTH": settings.MAX_CONTENT_LENGTH,
        # OpenAPI
        "VALIDATION_ERROR_STATUS_CODE": 400,
        "VALIDATION_ERROR_DESCRIPTION": "Invalid payload",
        "HTTP_ERROR_SCHEMA": FailEnvelope,
        "VALIDATION_ERROR_SCHEMA": FailEnvelope,
        "AUTO_SERVERS": False,
        # Relative: "Try it out" calls the gateway that serves Swagger UI, wherever it runs.
        "SERVERS": [{"url": "/", "description": "The gateway serving this page"}],
        "AUTO_404_RESPONSE": True,
        "DESCRIPTION": package_doc,
        "INFO": {"license": {"name": "MIT", "identifier": "MIT"}},
    }


class _NoSessions(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> NullSession:
        return NullSession()

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


def _register_blueprints(app: APIFlask) -> None:
    from .routes.auth import bp as auth_bp
    from .routes.health import bp as health_bp
    from .routes.ping import bp as ping_bp
    from .routes.users import bp as users_bp

    for blueprint in (ping_bp, users_bp, auth_bp, health_bp):
        app.register_blueprint(blueprint)
