from __future__ import annotations

import logging
from typing import Any

from apiflask import APIBlueprint
from flask import Response
from sqlalchemy import text

from ..errors import DB_RETRY_AFTER, fail
from ..extensions import db
from ..lifecycle import draining
from ..schemas import HealthEnvelope

bp = APIBlueprint("health", __name__, tag="Health")
log = logging.getLogger("users_service.health")


_ALIVE = b'{"status":"success","message":"alive"}'


@bp.get("/health/live")
@bp.output(HealthEnvelope)
def live() -> Response:
    """Liveness probe

    Answers as long as the process can serve requests; never touches the database.
    """
    return Response(_ALIVE, mimetype="application/json")


@bp.get("/health/ready")
@bp.output(HealthEnvelope)
@bp.doc(responses={503: "Database unavailable"})
def ready() -> dict[str, Any]:
    """Readiness probe

    200 when the database answers, otherwise 503 with `Retry-After`.
    """
    # After SIGTERM: load balancers stop sending work while in-flight requests finish.
    if draining():
        raise fail(503, "Shutting down.", headers={"Retry-After": DB_RETRY_AFTER})
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        db.session.rollback()
        log.warning("database not ready", extra={"event": "db_not_ready", "error": type(exc).__name__})
        raise fail(503, "Database unavailable.", headers={"Retry-After": DB_RETRY_AFTER}) from None
    return {"status": "success", "message": "ready"}
