"""The users service's events, applied to this service's data (at least once, idempotently).

A batch of events is applied, their ids recorded (``processed_events``) and the source's
cursor moved past the batch, in one unit of work: a crash, or a database error on any event of
the batch, rolls all of it back and the whole batch is read again (at least once; the recorded
ids make a second delivery a no-op).

- ``user.deleted``: the user's items are deleted and every token of theirs is refused.
- ``user.deactivated``, ``user.updated``, ``user.password_changed``: the user's tokens issued
  before the event (``iat`` < the event's whole second; users' ``iat`` is whole seconds) are
  refused, so a token issued after it works (a reactivated account, a new role).
- ``session.revoked``: tokens of that session (``sid``) or that token (``jti``) are refused.

Refusals are kept until every token they match has expired (``TOKEN_LIFETIME``). Each
transaction that writes refusals moves ``refusal_sequence`` on and stamps the rows it writes
with the new value, so that the web workers, which hold the refusals in memory
(``domain.refusals``), read only what is new.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.orm import Session

from .items import MAX_ID, delete_items_of
from .models import EventCursor, ProcessedEvent, RefusalSequence, RevokedToken, TokenRefusal, utcnow

log = logging.getLogger("items_service.events")

# The longest an access token of the users service lives (the upper bound of its
# ACCESS_TOKEN_TTL): a refusal older than that matches no token still valid.
TOKEN_LIFETIME = timedelta(days=1)
# How long applied event ids are remembered against redelivery.
PROCESSED_RETENTION = timedelta(days=7)

USER_DELETED = "user.deleted"
REFUSE_EARLIER_TOKENS = frozenset({"user.deactivated", "user.updated", "user.password_changed"})
SESSION_REVOKED = "session.revoked"
KNOWN_TYPES = frozenset({USER_DELETED, SESSION_REVOKED, *REFUSE_EARLIER_TOKENS})

_EVENT_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
_TRACEPARENT = re.compile(r"[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}")


Outcome = Literal["applied", "duplicate", "unknown"]


class MalformedEvent(ValueError):
    """Something on the stream that is not an event of the users service."""


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    user_id: int
    occurred_at: datetime
    data: dict[str, Any]
    traceparent: str | None

    @property
    def trace_id(self) -> str | None:
        """The W3C trace id of the request that caused the event (from its ``traceparent``)."""
        match = _TRACEPARENT.fullmatch(self.traceparent or "")
        if match is None or match.group(1) == "0" * 32:
            return None
        return match.group(1)


def parse_event(raw: Any) -> Event:
    """An event from its JSON object, or ``MalformedEvent`` saying what is wrong."""
    if not isinstance(raw, dict):
        raise MalformedEvent("not a JSON object")
    event_id, kind, user_id = raw.get("id"), raw.get("type"), raw.get("user_id")
    if not isinstance(event_id, str) or not _EVENT_ID.fullmatch(event_id):
        raise MalformedEvent("no valid id")
    if not isinstance(kind, str) or not kind or len(kind) > 64:
        raise MalformedEvent("no valid type")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id <= MAX_ID:
        raise MalformedEvent("no valid user_id")
    try:
        occurred_at = datetime.fromisoformat(raw["occurred_at"])
    except (KeyError, TypeError, ValueError):
        raise MalformedEvent("no valid occurred_at") from None
    if occurred_at.tzinfo is None:
        raise MalformedEvent("occurred_at has no time zone")
    data = raw.get("data") if raw.get("data") is not None else {}
    if not isinstance(data, dict):
        raise MalformedEvent("data is not an object")
    traceparent = raw.get("traceparent")
    return Event(
        id=event_id,
        type=kind,
        user_id=user_id,
        occurred_at=occurred_at.astimezone(UTC),
        data=data,
        traceparent=traceparent if isinstance(traceparent, str) else None,
    )


def apply_events(*, session: Session, events: list[Event], source: str, position: str) -> list[tuple[Event, Outcome]]:
    """Apply each event of a batch unless it was applied before, and move ``source``'s cursor
    to ``position`` (past the whole batch); each event's outcome, in order.

    An event of a type this service does not know is recorded as processed and skipped.
    """
    move_cursor(session=session, source=source, position=position)
    ids = {event.id for event in events}
    # One query for the batch: which of its events were applied before.
    seen = set(session.scalars(select(ProcessedEvent.event_id).where(ProcessedEvent.event_id.in_(ids))))
    fresh = [event for event in events if event.id not in seen and event.type in KNOWN_TYPES]
    stamp = _next_refusal_stamp(session) if fresh else 0
    user_ids = {event.user_id for event in fresh if event.type != SESSION_REVOKED}
    # The batch's users' refusals, read at once: each event finds its user's row without a query.
    refusals = (
        {row.user_id: row for row in session.scalars(select(TokenRefusal).where(TokenRefusal.user_id.in_(user_ids)))}
        if user_ids
        else {}
    )
    outcomes: list[tuple[Event, Outcome]] = []
    processed: list[ProcessedEvent] = []
    deleted: set[int] = set()
    for event in events:
        if event.id in seen:
            outcomes.append((event, "duplicate"))
            continue
        # The same event twice in one batch is applied once, too.
        seen.add(event.id)
        processed.append(ProcessedEvent(event_id=event.id, event_type=event.type))
        if event.type not in KNOWN_TYPES:
            outcomes.append((event, "unknown"))
            continue
        _apply(session, event, stamp, refusals)
        if event.type == USER_DELETED:
            deleted.add(event.user_id)
        outcomes.append((event, "applied"))
    # One statement for the batch's deleted users' items (their order within it does not matter).
    delete_items_of(session=session, owner_ids=deleted)
    # The whole batch takes effect at its commit: its events say so, once the work is done.
    applied_at = utcnow()
    for row in processed:
        row.applied_at = applied_at
    session.add_all(processed)
    return outcomes


def _apply(session: Session, event: Event, stamp: int, refusals: dict[int, TokenRefusal]) -> None:
    if event.type == USER_DELETED:
        # Every token the user holds was issued no later than this second.
        not_before = _whole_second(event.occurred_at) + timedelta(seconds=1)
        _refuse_user_tokens(session, refusals, event.user_id, not_before, stamp)
    elif event.type in REFUSE_EARLIER_TOKENS:
        _refuse_user_tokens(session, refusals, event.user_id, _whole_second(event.occurred_at), stamp)
    else:
        expires_at = event.occurred_at + TOKEN_LIFETIME
        for kind, key in (("sid", "session_id"), ("jti", "jti")):
            value = event.data.get(key)
            if isinstance(value, str) and value:
                session.merge(RevokedToken(kind=kind, value=value[:128], expires_at=expires_at, seq=stamp))


def _next_refusal_stamp(session: Session) -> int:
    """Move ``refusal_sequence`` on, in the caller's transaction (its row stays locked until
    the commit, which orders concurrent consumers); the new value."""
    moved = session.execute(
        update(RefusalSequence).where(RefusalSequence.id == 1).values(value=RefusalSequence.value + 1)
    )
    if not moved.rowcount:  # type: ignore[attr-defined]
        # No row yet: the first writer makes it (a second one at the same moment fails on the
        # key and its batch is read again).
        session.add(RefusalSequence(id=1, value=1))
        session.flush()
        return 1
    return int(session.execute(select(RefusalSequence.value).where(RefusalSequence.id == 1)).scalar_one())


def refusal_sequence(*, connection: Connection) -> int:
    """Where ``refusal_sequence`` stands (0 before any refusal)."""
    value = connection.execute(select(RefusalSequence.value).where(RefusalSequence.id == 1)).scalar()
    return int(value or 0)


def move_cursor(*, session: Session, source: str, position: str) -> None:
    cursor = session.get(EventCursor, source)
    if cursor is None:
        session.add(EventCursor(source=source, position=position))
    else:
        cursor.position = position


def cursor_of(*, session: Session, source: str) -> str | None:
    return session.execute(select(EventCursor.position).where(EventCursor.source == source)).scalar()


def forget_expired(*, session: Session) -> None:
    """Drop refusals no valid token can match any more, and event ids too old to come back."""
    now = utcnow()
    session.execute(delete(TokenRefusal).where(TokenRefusal.expires_at < now))
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
    session.execute(delete(ProcessedEvent).where(ProcessedEvent.applied_at < now - PROCESSED_RETENTION))


def _whole_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _refuse_user_tokens(
    session: Session, refusals: dict[int, TokenRefusal], user_id: int, not_before: datetime, stamp: int
) -> None:
    expires_at = not_before + TOKEN_LIFETIME
    refusal = refusals.get(user_id)
    if refusal is None:
        refusals[user_id] = TokenRefusal(user_id=user_id, not_before=not_before, expires_at=expires_at, seq=stamp)
        session.add(refusals[user_id])
        return
    # Events may arrive out of order: the latest point in time wins.
    refusal.not_before = max(refusal.not_before, not_before)
    refusal.expires_at = max(refusal.expires_at, expires_at)
    refusal.seq = stamp
