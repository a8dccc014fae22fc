from __future__ import annotations

from service_kit.web.health import READY_DESCRIPTION, health_blueprint

from ...runtime.settings import MIGRATIONS_DIR

bp = health_blueprint(
    __name__,
    migrations=MIGRATIONS_DIR,
    # Tokens are checked offline: readiness does not depend on the users service.
    ready_description=READY_DESCRIPTION
    + " The users service is not consulted: items keeps\nserving valid tokens while it is down.",
)
