"""Security events (login ok and failed, logout, token reuse, throttling...): one structured
log record each, counted in /metrics, and kept in the ``audit_events`` table for
AUDIT_RETENTION_DAYS days (``GET /auth/audit``).

Storing: events wait in a scope: a ``recording`` block around each job the web layer hands
off, and for a request the scope the web layer opens once the request audits something (most
requests never do, and pay nothing for it; see ``scopes_from``). When a unit of work commits
within it, the waiting events are written by that commit: they stand or fall with the change
they describe. What is left when the scope closes, the events of a refused request whose
transaction rolled back (a failed login, a 403, a 429) or of a request without one, goes to the
scope's own writer, one statement of its own after the request's transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from service_kit.runtime.logging import SECRET_KEYS
from sqlalchemy import Connection, delete, event, func, insert, or_, select
from sqlalchemy.orm import Session

from ..runtime.metrics import record_auth_event
from .models import AuditEvent, utcnow

audit_log = logging.getLogger("users_service.audit")

# Never stored nor logged: the logger's secret names, and any field whose name says it holds
# a secret, a code or a token (a 2FA code, a recovery code, a reset token...).
_SECRET_PARTS = ("password", "token", "secret", "code", "cookie", "authorization", "otp", "hash", "key")
# The columns of a row, not details.
_COLUMNS = frozenset({"user_id", "actor_id", "target_user_id", "ip"})
_MAX_TEXT = 200
_MAX_DETAILS = 2000


def is_secret(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_KEYS or any(part in lowered for part in _SECRET_PARTS)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One event as the ``audit_events`` table stores it."""

    created_at: datetime
    event: str
    user_id: int | None
    target_user_id: int | None
    address: str | None
    request_id: str | None
    details: str


@dataclass(slots=True)
class AuditScope:
    """The events of one request (or job) not stored yet, and what they all share."""

    request_id: str | None = None
    address: str | None = None
    # The authenticated caller, once known: the actor of events that name nobody else.
    user_id: int | None = None
    pending: list[AuditRecord] = field(default_factory=list)

    def close(self, store_leftovers: Callable[[list[AuditRecord]], None]) -> None:
        """Hand the events no commit wrote to ``store_leftovers``, at the scope's end."""
        if self.pending:
            store_leftovers(list(self.pending))


_SCOPE: ContextVar[AuditScope | None] = ContextVar("audit_scope", default=None)
_TAKEN = "audit_records_taken"

# ``source(create)``: the scope of the current request, opened when ``create`` is true and
# there is none yet; None outside a request.
ScopeSource = Callable[[bool], AuditScope | None]
_outer_scopes: list[ScopeSource] = []


def scopes_from(source: ScopeSource) -> None:
    """Where events go when no ``recording`` block is open: the web layer's request scopes."""
    _outer_scopes[:] = [source]


def _scope(*, create: bool) -> AuditScope | None:
    scope = _SCOPE.get()
    if scope is None and _outer_scopes:
        return _outer_scopes[0](create)
    return scope


@contextmanager
def recording(
    store_leftovers: Callable[[list[AuditRecord]], None], *, request_id: str | None, address: str | None
) -> Iterator[AuditScope]:
    """Collect the events of the block; those no commit wrote go to ``store_leftovers`` at its end."""
    scope = AuditScope(request_id=request_id, address=address)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)
        scope.close(store_leftovers)


def identify(user_id: int) -> None:
    """The authenticated caller of the current scope (the actor when an event names nobody)."""
    scope = _scope(create=True)
    if scope is not None:
        scope.user_id = user_id


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _safe_details(fields: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    for name, value in fields.items():
        if name in _COLUMNS or is_secret(name):
            continue
        if isinstance(value, str):
            details[name] = value[:_MAX_TEXT]
        elif value is None or isinstance(value, bool | int | float):
            details[name] = value
        else:
            details[name] = str(value)[:_MAX_TEXT]
    return details


def audit(event: str, **fields: Any) -> None:
    """Log, count and (within a ``recording`` scope) store one security event.

    ``user_id`` (or ``actor_id``) is who acted, ``target_user_id`` whom it concerned; the
    other fields, secrets left out, are the row's ``details``.
    """
    safe = {key: value for key, value in fields.items() if not is_secret(key)}
    record_auth_event(event)
    audit_log.info(event, extra={"event": event, **safe})
    scope = _scope(create=True)
    if scope is None:
        return
    actor = _int_or_none(safe.get("actor_id"))
    subject = _int_or_none(safe.get("user_id"))
    target = _int_or_none(safe.get("target_user_id"))
    if actor is not None and subject is not None and actor != subject and target is None:
        # An admin acting on an account: the admin acted, the account was the target.
        target = subject
    who = actor if actor is not None else subject if subject is not None else scope.user_id
    details = json.dumps(_safe_details(safe), separators=(",", ":"), default=str)
    if len(details) > _MAX_DETAILS:
        details = json.dumps({"truncated": True})
    address = safe.get("ip") if isinstance(safe.get("ip"), str) else scope.address
    scope.pending.append(
        AuditRecord(
            created_at=utcnow(),
            event=event[:64],
            user_id=who,
            target_user_id=target,
            address=address[:64] if address else None,
            request_id=scope.request_id[:128] if scope.request_id else None,
            details=details,
        )
    )


_INSERT = insert(AuditEvent)


def store(connection: Connection | Session, records: Sequence[AuditRecord]) -> None:
    """Write ``records`` with the transaction of ``connection`` (or of a session)."""
    if records:
        connection.execute(_INSERT, [_row(record) for record in records])


def _row(record: AuditRecord) -> dict[str, Any]:
    return {
        "created_at": record.created_at,
        "event": record.event,
        "user_id": record.user_id,
        "target_user_id": record.target_user_id,
        "address": record.address,
        "request_id": record.request_id,
        "details": record.details,
    }


# The scope's waiting events join the unit of work that commits within it (Session events are
# SQLAlchemy's public hooks): written before the commit, and dropped from the scope only once
# the commit succeeded. A rollback leaves them waiting for the scope's own writer.
@event.listens_for(Session, "before_commit")
def _join_unit_of_work(session: Session) -> None:
    scope = _scope(create=False)
    if scope is None or not scope.pending:
        return
    taken = list(scope.pending)
    store(session, taken)
    session.info[_TAKEN] = (scope, taken)


@event.listens_for(Session, "after_commit")
def _forget_stored(session: Session) -> None:
    taken = session.info.pop(_TAKEN, None)
    if taken is not None:
        scope, records = taken
        stored = {id(record) for record in records}
        scope.pending[:] = [record for record in scope.pending if id(record) not in stored]


@event.listens_for(Session, "after_rollback")
def _keep_waiting(session: Session) -> None:
    session.info.pop(_TAKEN, None)


# ---- reading and pruning -------------------------------------------------------------------


def list_events(
    *, connection: Connection, page: int, per_page: int, user_id: int | None = None, event: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """A page of the log, newest first, and how many rows match. ``user_id`` matches the
    actor or the target."""
    conditions = []
    if user_id is not None:
        conditions.append(or_(AuditEvent.user_id == user_id, AuditEvent.target_user_id == user_id))
    if event is not None:
        conditions.append(AuditEvent.event == event)
    columns = (
        AuditEvent.id,
        AuditEvent.created_at,
        AuditEvent.event,
        AuditEvent.user_id,
        AuditEvent.target_user_id,
        AuditEvent.address,
        AuditEvent.request_id,
        AuditEvent.details,
    )
    rows = connection.execute(
        select(*columns)
        .where(*conditions)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    total = connection.execute(select(func.count()).select_from(AuditEvent).where(*conditions)).scalar_one()
    events = [
        {
            "id": row.id,
            "created_at": row.created_at,
            "event": row.event,
            "user_id": row.user_id,
            "target_user_id": row.target_user_id,
            "address": row.address,
            "request_id": row.request_id,
            "details": json.loads(row.details),
        }
        for row in rows
    ]
    return events, total


def prune(*, connection: Connection | Session, retention_days: int, now: datetime | None = None) -> int:
    """Delete the rows older than ``retention_days``; how many."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    result = connection.execute(delete(AuditEvent).where(AuditEvent.created_at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]
