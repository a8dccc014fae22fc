"""Events for other services, through the transactional outbox.

Each change another service cares about writes its event row in the same unit of work as the
change itself: both stand, or neither does. ``manage.py relay`` publishes the rows to a Redis
stream (``relay.py``); without Redis, consumers read them from ``GET /internal/events``.
The event's JSON is the same in both; docs/events.md is the contract for consumers.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, func, insert, select
from sqlalchemy.orm import Session

from .models import OutboxEvent, utcnow

USER_DELETED = "user.deleted"
USER_DEACTIVATED = "user.deactivated"
USER_UPDATED = "user.updated"
SESSION_REVOKED = "session.revoked"
USER_PASSWORD_CHANGED = "user.password_changed"  # noqa: S105 - an event name

RevocationReason = Literal["logout", "reuse", "ended", "password", "reset", "admin"]

# PostgreSQL: writers of events take turns from their event's insert to their commit, so
# positions become visible in increasing order and a feed reader that keeps the last
# position it saw never skips a row committed late (SQLite has one writer at a time anyway).
_OUTBOX_LOCK = 0x7573_6572_735F_6F62  # "users_ob": any constant key, the same everywhere

_INSERT = insert(OutboxEvent).values(
    {
        name: bindparam(name)
        for name in ("event_id", "type", "user_id", "occurred_at", "data", "traceparent", "published_at")
    }
)


def record(
    session: Session,
    *,
    type: str,
    user_id: int,
    data: dict[str, Any] | None = None,
    traceparent: str | None = None,
) -> None:
    """Add one event to the unit of work of ``session``."""
    # Pending row changes first: they take their row locks before the outbox's turn is
    # taken, so that no writer waits on a row while holding the turn.
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_OUTBOX_LOCK)))
    session.execute(
        _INSERT,
        {
            "event_id": uuid.uuid4().hex,
            "type": type,
            "user_id": user_id,
            "occurred_at": utcnow(),
            "data": json.dumps(data or {}, separators=(",", ":")),
            "traceparent": traceparent,
            "published_at": None,
        },
    )


def session_revoked(
    session: Session,
    *,
    user_id: int,
    reason: RevocationReason,
    session_id: str | None = None,
    jti: str | None = None,
    traceparent: str | None = None,
) -> None:
    record(
        session,
        type=SESSION_REVOKED,
        user_id=user_id,
        data={"session_id": session_id, "jti": jti, "reason": reason},
        traceparent=traceparent,
    )


def event_json(
    event_id: str, type: str, user_id: int, occurred_at: datetime, data: str, traceparent: str | None
) -> dict[str, Any]:
    """An event as consumers receive it (the same in the Redis stream and in the feed)."""
    return {
        "id": event_id,
        "type": type,
        "user_id": user_id,
        # Microseconds always written, so every event's time has the same shape.
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "data": json.loads(data),
        "traceparent": traceparent,
    }


EVENT_COLUMNS = (
    OutboxEvent.event_id,
    OutboxEvent.type,
    OutboxEvent.user_id,
    OutboxEvent.occurred_at,
    OutboxEvent.data,
    OutboxEvent.traceparent,
)

_FEED = (
    select(OutboxEvent.position, *EVENT_COLUMNS)
    .where(OutboxEvent.position > bindparam("after"))
    .order_by(OutboxEvent.position)
    .limit(bindparam("limit"))
)


def events_after(*, connection: Connection, after: int, limit: int) -> list[dict[str, Any]]:
    """The events past position ``after``, in position order, each with its ``position``."""
    rows: Sequence[Any] = connection.execute(_FEED, {"after": after, "limit": limit}).all()
    return [{**event_json(*row[1:]), "position": row[0]} for row in rows]
