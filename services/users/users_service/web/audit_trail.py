"""Every request's security events are kept in the audit log (``domain.audit``): the events a
committed unit of work did not take, those of refused requests among them, are written after
the request's own transaction, in one statement of their own."""

from __future__ import annotations

import logging
from contextlib import ExitStack

from flask import Flask, g
from service_kit.web.background import Job
from service_kit.web.database import database
from service_kit.web.edge import client_ip, request_id
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..domain import audit

log = logging.getLogger("users_service.audit")


def store_leftovers(records: list[audit.AuditRecord]) -> None:
    try:
        # One INSERT of its own, in autocommit mode: no BEGIN and COMMIT round trips.
        with database().autocommit() as connection:
            audit.store(connection, records)
    except SQLAlchemyError as error:
        # The log record of each event was written already; the answer has been decided.
        log.warning(
            "audit events not stored",
            extra={"event": "audit_store_failed", "count": len(records), "error": type(error).__name__},
        )


def _open_scope() -> None:
    scope = ExitStack()
    scope.enter_context(audit.recording(store_leftovers, request_id=request_id() or None, address=client_ip()))
    g.audit_scope = scope


def _close_scope(error: BaseException | None) -> None:
    scope: ExitStack | None = g.pop("audit_scope", None)
    if scope is not None:
        scope.close()


def record_audit_events(app: Flask) -> None:
    # An app-wide hook runs before the blueprints' (require_json_body): their refusals count.
    app.before_request(_open_scope)
    app.teardown_request(_close_scope)


def in_audit_scope(job: Job, *, address: str | None) -> Job:
    """``job`` (a ``BackgroundWork`` job) with its events stored in its own unit of work."""
    requested_by = request_id() or None

    def run(session: Session) -> None:
        with audit.recording(lambda records: audit.store(session, records), request_id=requested_by, address=address):
            job(session)

    return run
