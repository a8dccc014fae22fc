"""The probes every service answers for orchestrators: ``GET /health/live`` and ``GET /health/ready``."""

from __future__ import annotations

import logging
from pathlib import Path

from apiflask import APIBlueprint
from flask import Response

from ..db.migrations import current_revision, head_revision
from ..runtime.lifecycle import draining
from .database import database
from .errors import RETRY_AFTER, fail
from .responses import json_body, success
from .schemas import MessageEnvelope

READY_DESCRIPTION = (
    "200 when the database answers and its schema is at this code's newest migration,\n"
    "otherwise 503 with `Retry-After`."
)
# A constant answer, written once.
_ALIVE = b'{"status":"success","message":"alive"}'


def health_blueprint(import_name: str, *, migrations: Path, ready_description: str = READY_DESCRIPTION) -> APIBlueprint:
    """The probes of service ``import_name`` (a module of its package), ready once its
    database is at the newest migration of the ``migrations`` folder."""
    bp = APIBlueprint("health", import_name, tag={"name": "Health", "description": "Probes for orchestrators."})
    log = logging.getLogger(f"{import_name.partition('.')[0]}.health")

    @bp.get("/health/live")
    @bp.output(MessageEnvelope)
    def live() -> Response:
        """Liveness probe

        Answers as long as the process can serve requests; never touches the database.
        """
        return json_body(_ALIVE)

    @bp.get("/health/ready")
    @bp.output(MessageEnvelope)
    @bp.doc(description=ready_description, responses={503: "Database unavailable"})
    def ready() -> Response:
        """Readiness probe"""
        # After SIGTERM: load balancers stop sending work while in-flight requests finish.
        if draining():
            raise fail(503, "Shutting down.", headers={"Retry-After": RETRY_AFTER})
        try:
            # Its own unit of work, so that any failure of the database is caught right here.
            with database().autocommit() as connection:
                revision = current_revision(connection)
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            log.warning("database not ready", extra={"event": "db_not_ready", "error": type(exc).__name__})
            raise fail(503, "Database unavailable.", headers={"Retry-After": RETRY_AFTER}) from None
        # New code must not serve before its migrations ran (a rollout, a first deploy).
        if revision != head_revision(migrations):
            log.warning("schema not migrated", extra={"event": "db_not_migrated", "revision": revision})
            raise fail(503, "Database schema is not up to date.", headers={"Retry-After": RETRY_AFTER})
        return success(message="ready")

    return bp
