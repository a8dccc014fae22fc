"""Every request's security events are kept in the audit log (``domain.audit``): the events a
committed unit of work did not take, those of refused requests among them, are written after
the request's own transaction, in one statement of their own."""

from __future__ import annotations

import logging

from flask import Flask, g, has_request_context
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


def _request_scope(create: bool) -> audit.AuditScope | None:
    """The current request's scope, in ``g``: opened by the first event (or caller) it has."""
    if not has_request_context():
        return None
    scope: audit.AuditScope | None = g.get("audit_scope")
    if scope is None and create:
        scope = g.audit_scope = audit.AuditScope(request_id=request_id() or None, address=client_ip())
    return scope


def _store_what_is_left(error: BaseException | None) -> None:
    scope: audit.AuditScope | None = g.pop("audit_scope", None)
    if scope is not None:
        scope.close(store_leftovers)


def record_audit_events(app: Flask) -> None:
    # A request that audits nothing (a ping, a public page) opens no scope at all.
    audit.scopes_from(_request_scope)
    app.teardown_request(_store_what_is_left)


def in_audit_scope(job: Job, *, address: str | None) -> Job:
    """``job`` (a ``BackgroundWork`` job) with its events stored in its own unit of work."""
    requested_by = request_id() or None

    def run(session: Session) -> None:
        with audit.recording(lambda records: audit.store(session, records), request_id=requested_by, address=address):
            job(session)

    return run
