from __future__ import annotations

import logging

from apiflask import APIBlueprint
from flask import Response
from service_kit.db.migrations import current_revision, head_revision
from service_kit.runtime.lifecycle import draining
from service_kit.web.database import database
from service_kit.web.errors import RETRY_AFTER, fail
from service_kit.web.responses import success

from ...runtime.settings import MIGRATIONS_DIR
from ..schemas import MessageEnvelope

bp = APIBlueprint("health", __name__, tag={"name": "Health", "description": "Probes for orchestrators."})
log = logging.getLogger("items_service.health")


@bp.get("/health/live")
@bp.output(MessageEnvelope)
def live() -> Response:
    """Liveness probe

    Answers as long as the process can serve requests; never touches the database.
    """
    return success(message="alive")


@bp.get("/health/ready")
@bp.output(MessageEnvelope)
@bp.doc(responses={503: "Database unavailable"})
def ready() -> Response:
    """Readiness probe

    200 when the database answers and its schema is at this code's newest migration,
    otherwise 503 with `Retry-After`. The users service is not consulted: items keeps
    serving valid tokens while it is down.
    """
    if draining():
        raise fail(503, "Shutting down.", headers={"Retry-After": RETRY_AFTER})
    try:
        with database().autocommit() as connection:
            revision = current_revision(connection)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        log.warning("database not ready", extra={"event": "db_not_ready", "error": type(exc).__name__})
        raise fail(503, "Database unavailable.", headers={"Retry-After": RETRY_AFTER}) from None
    if revision != head_revision(MIGRATIONS_DIR):
        log.warning("schema not migrated", extra={"event": "db_not_migrated", "revision": revision})
        raise fail(503, "Database schema is not up to date.", headers={"Retry-After": RETRY_AFTER})
    return success(message="ready")
