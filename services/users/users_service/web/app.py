"""Application factory: the Flask app of the users service and its collaborators."""

from __future__ import annotations

from apiflask import APIFlask
from flask_cors import CORS
from limits.storage import Storage, storage_from_string
from service_kit.web.app import create_service_app
from service_kit.web.background import BackgroundWork

from .. import __doc__ as package_doc
from ..db.base import Base
from ..domain.throttle import EmailChangeLimit, LoginThrottle, VerificationMailLimit
from ..domain.tokens import verified_tokens
from ..runtime.metrics import METRICS
from ..runtime.settings import MIGRATIONS_DIR, Settings, load_settings
from .audit_trail import record_audit_events
from .errors import audit_refusals, register_domain_errors
from .rate_limits import AddressLimits
from .spec import RequiredAlternatives, finish_spec


def create_app(settings: Settings | None = None) -> APIFlask:
    settings = settings or load_settings()
    app = create_service_app(
        __name__,
        settings=settings,
        metrics=METRICS,
        metadata=Base.metadata,
        title="Users service",
        description=package_doc or "",
        migrations=MIGRATIONS_DIR,
        finish_spec=finish_spec,
        on_failure=audit_refusals,
    )
    app.config["SECRET_KEY"] = settings.SECRET_KEY
    app.spec_plugins.append(RequiredAlternatives())
    database = app.extensions["database"]
    # Rate-limit and failed-login counters: shared by every replica when REDIS_URL is set.
    limits_storage = _limits_storage(settings)
    app.extensions.update(
        address_limits=AddressLimits(settings, limits_storage),
        verified_tokens=verified_tokens(settings),
        login_throttle=LoginThrottle(limits_storage, settings),
        email_change_limit=EmailChangeLimit(limits_storage, settings),
        verification_mail_limit=VerificationMailLimit(limits_storage, settings),
        background_work=BackgroundWork(database),
    )
    if settings.cors_origins:
        CORS(app, origins=settings.cors_origins, supports_credentials=True, resources={r"/(users|auth)(/.*)?": {}})
    register_domain_errors(app)
    record_audit_events(app)
    _register_blueprints(app)

    from .cli import register_commands

    register_commands(app)
    return app


def _limits_storage(settings: Settings) -> Storage:
    storage = storage_from_string(settings.REDIS_URL or "memory://", wrap_exceptions=True)
    assert isinstance(storage, Storage)  # a URL of a synchronous storage
    return storage


def _register_blueprints(app: APIFlask) -> None:
    from .routes.auth import bp as auth_bp
    from .routes.events import bp as events_bp
    from .routes.health import bp as health_bp
    from .routes.ping import bp as ping_bp
    from .routes.users import bp as users_bp

    for blueprint in (ping_bp, users_bp, auth_bp, health_bp, events_bp):
        app.register_blueprint(blueprint)
