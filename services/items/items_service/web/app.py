"""Application factory: the Flask app of the items service and its collaborators."""

from __future__ import annotations

from apiflask import APIFlask
from service_kit.web.app import create_service_app

from .. import __doc__ as package_doc
from ..db.base import Base
from ..domain.keys import KeySet
from ..domain.refusals import Refusals
from ..domain.tokens import verified_tokens
from ..runtime.metrics import METRICS
from ..runtime.settings import MIGRATIONS_DIR, Settings, load_settings
from .errors import register_domain_errors
from .spec import finish_spec


def create_app(settings: Settings | None = None) -> APIFlask:
    settings = settings or load_settings()
    app = create_service_app(
        __name__,
        settings=settings,
        metrics=METRICS,
        metadata=Base.metadata,
        title="Items service",
        description=package_doc or "",
        migrations=MIGRATIONS_DIR,
        finish_spec=finish_spec,
    )
    database = app.extensions["database"]
    # Fetched when the process starts (wsgi.py, manage.py serve) or on the first token.
    keys = KeySet(settings.USERS_JWKS_URL, settings.JWKS_REFRESH_INTERVAL, database)
    app.extensions["key_set"] = keys
    app.extensions["verified_tokens"] = verified_tokens(keys, settings.JWT_ISSUER, settings.JWT_AUDIENCE)
    app.extensions["refusals"] = Refusals(database, settings.REFUSALS_REFRESH_INTERVAL)
    register_domain_errors(app)
    _register_blueprints(app)

    from .cli import register_commands

    register_commands(app)
    return app


def _register_blueprints(app: APIFlask) -> None:
    from .routes.health import bp as health_bp
    from .routes.items import bp as items_bp
    from .routes.ping import bp as ping_bp

    for blueprint in (ping_bp, items_bp, health_bp):
        app.register_blueprint(blueprint)
