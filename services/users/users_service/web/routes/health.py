from __future__ import annotations

from service_kit.web.health import health_blueprint

from ...runtime.settings import MIGRATIONS_DIR

bp = health_blueprint(__name__, migrations=MIGRATIONS_DIR)
