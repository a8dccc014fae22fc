"""A service's Flask app with everything the services share wired in: the edge middleware,
JSON logs with request and trace ids, tracing (spans exported when an OTLP endpoint is set),
the error envelope, request metrics and ``GET /metrics``, the database, no Flask session, and
the OpenAPI settings every service's document uses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from apiflask import APIFlask
from flask import Flask, Request, Response, request
from flask.sessions import NullSession, SessionInterface, SessionMixin
from flask_migrate import Migrate
from sqlalchemy import MetaData

from ..db.database import Database
from ..runtime.logging import configure_logging
from ..runtime.metrics import ServiceMetrics
from ..runtime.settings import ServiceSettings
from ..runtime.tracing import Tracing
from .edge import GatewayEdge, RequestContextFilter, request_started
from .errors import FailureListener, register_error_handlers
from .metrics import RequestMetrics, serve_metrics
from .schemas import FailEnvelope
from .tracing import name_span

SpecProcessor = Callable[[dict[str, Any]], dict[str, Any]]


class ServiceApp(APIFlask):
    """APIFlask, counting every answer in the request metrics as Flask hands it over (and,
    when spans are exported, naming the request's span after its route).

    ``process_response`` is Flask's documented place for that: it runs for every answer,
    errors included, without the cost of one more ``after_request`` hook per request.
    """

    request_metrics: RequestMetrics
    traced = False

    def process_response(self, response: Response) -> Response:
        rule = request.url_rule
        route = rule.rule if rule is not None else None
        self.request_metrics.observe(request.method, route, response.status_code, request_started())
        if self.traced:
            name_span(request.environ, request.method, route)
        return super().process_response(response)


def create_service_app(
    import_name: str,
    *,
    settings: ServiceSettings,
    metrics: ServiceMetrics,
    metadata: MetaData,
    title: str,
    description: str,
    on_failure: FailureListener | None = None,
    migrations: Path | None = None,
    finish_spec: SpecProcessor | None = None,
) -> ServiceApp:
    """The app of service ``import_name`` (its package's name); its routes are added after.

    ``migrations`` is the service's Alembic folder (the ``db`` commands of Flask-Migrate,
    whose ``env.py`` calls ``service_kit.db.migrations.run_migrations``); ``finish_spec``
    completes the OpenAPI document with what the routes' declarations do not say.
    """
    package = import_name.partition(".")[0]
    configure_logging(package, settings.LOG_LEVEL, RequestContextFilter())
    app = ServiceApp(
        import_name,
        title=title,
        version="1.0.0",
        docs_path=None,
        static_folder=None,  # type: ignore[arg-type]
        spec_path="/openapi.json",
    )
    app.request_metrics = RequestMetrics(metrics)
    app.config.update(_flask_config(settings, description))
    # No Flask session cookie: the APIs are stateless (bearer tokens).
    app.session_interface = _NoSessions()
    # Without an endpoint, no span and no middleware: the trace id is read when a log line asks.
    tracing = Tracing(package.removesuffix("_service"), settings.OTEL_EXPORTER_OTLP_ENDPOINT)
    if tracing.tracer is not None:
        from .spans import TracedRequests

        app.wsgi_app = TracedRequests(app.wsgi_app, tracing.tracer)  # type: ignore[method-assign]
        app.traced = True
    app.wsgi_app = GatewayEdge(  # type: ignore[method-assign]
        app.wsgi_app, security_headers(settings), settings.trusted_networks
    )
    app.extensions.update(settings=settings, database=Database(settings, metadata, metrics), tracing=tracing)
    register_error_handlers(app, metrics, on_failure)
    serve_metrics(app)
    if migrations is not None:
        Migrate(app, app.extensions["database"], directory=str(migrations))
    if finish_spec is not None:
        app.spec_processor(finish_spec)  # type: ignore[arg-type]
    return app


def security_headers(settings: ServiceSettings) -> dict[str, str]:
    """What every API answer carries (the gateway sets the same; a direct call gets them too)."""
    headers = {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if settings.is_production_like:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def _flask_config(settings: ServiceSettings, description: str) -> dict[str, Any]:
    return {
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
        "DESCRIPTION": description,
        "INFO": {"license": {"name": "MIT", "identifier": "MIT"}},
    }


class _NoSessions(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> NullSession:
        return NullSession()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None
