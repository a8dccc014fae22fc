"""The service's tables (SQLAlchemy 2 typed models): the items, and what it keeps of the
users service's events (the ids applied, where the source stands, the tokens to refuse)
and of its key set. Never serialized directly: the web layer picks the fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service_kit.db.types import UTCDateTime, utcnow
from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base

__all__ = [
    "Base",
    "Caller",
    "EventCursor",
    "Item",
    "JwksCache",
    "ProcessedEvent",
    "RefusalSequence",
    "RevokedToken",
    "TokenRefusal",
    "utcnow",
]

TITLE_MAX = 200
DESCRIPTION_MAX = 2000


class Item(Base):
    __tablename__ = "items"
    # A page of one owner's items, in id order, is one index range.
    __table_args__ = (Index("ix_items_owner_id_id", "owner_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The users service's user id: another database, so no foreign key. Events keep it honest.
    owner_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    created_date: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_date: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProcessedEvent(Base):
    """An event of the users service already applied: delivery is at least once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class EventCursor(Base):
    """Where reading a source of events stands (a Redis stream id, a feed position)."""

    __tablename__ = "event_cursor"

    source: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[str] = mapped_column(String(64))


class TokenRefusal(Base):
    """A user's access tokens issued before ``not_before`` are refused (deactivation,
    deletion, a password change, a change of role). Kept until they would have expired."""

    __tablename__ = "token_refusals"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The refusal_sequence value of the transaction that last wrote the row (see RefusalSequence).
    seq: Mapped[int] = mapped_column(Integer, index=True, default=0, server_default="0")


class RevokedToken(Base):
    """Access tokens refused one session (``kind`` "sid") or one token ("jti") at a time."""

    __tablename__ = "revoked_tokens"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    seq: Mapped[int] = mapped_column(Integer, index=True, default=0, server_default="0")


class RefusalSequence(Base):
    """One row, moved on by every transaction of the consumer that writes refusals; those rows
    carry the new value (``seq``). A worker that has read up to N reads ``seq > N`` once the
    value passes N. The row lock orders the writers: a value is visible only once every
    smaller one is committed."""

    __tablename__ = "refusal_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class JwksCache(Base):
    """The last key set fetched from a URL, so a restart while users is down still verifies."""

    __tablename__ = "jwks_cache"

    url: Mapped[str] = mapped_column(String(512), primary_key=True)
    keys: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class Caller:
    """Whoever a verified access token speaks for, as the users service said when it signed it."""

    id: int
    admin: bool
