"""The service's tables (SQLAlchemy 2 typed models). Never serialized directly: the web layer
picks the fields each caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service_kit.db.types import UTCDateTime, utcnow
from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base

__all__ = [
    "AuditEvent",
    "Base",
    "Caller",
    "EmailToken",
    "KnownDevice",
    "MfaChallenge",
    "OutboxEvent",
    "PasswordResetToken",
    "RecoveryCode",
    "RefreshToken",
    "RevokedToken",
    "TotpSecret",
    "User",
    "utcnow",
]


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # GET /users?q= matches lower(column) LIKE '%q%': on PostgreSQL a trigram index answers
        # that without reading every row (migration 0007; bench/README.md has the figure).
        Index(
            "ix_users_username_trgm",
            text("lower(username)"),
            postgresql_using="gin",
            postgresql_ops={"lower(username)": "gin_trgm_ops"},
        ),
        Index(
            "ix_users_email_trgm",
            text("lower(email)"),
            postgresql_using="gin",
            postgresql_ops={"lower(email)": "gin_trgm_ops"},
        ),
        Index("ix_users_created_date", "created_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    # Stored normalised (trimmed, lower case) so "Alice@x.io" and "alice@x.io" collide.
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_date: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped on password change, reset and deactivation: access tokens carry the
    # version they were issued under and stop working once it moves on.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    # On once a TOTP enrolment is confirmed: a login then needs a code as well.
    two_factor_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # On once the owner opened a link mailed to ``email`` (or the account is the bootstrap admin).
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    refresh_tokens: Mapped[list[RefreshToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RefreshToken(Base):
    """One link in a refresh-token chain ("family" = one login session)."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the opaque value; the value itself is only ever in the cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Absolute end of the session, copied along the chain.
    family_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # What the owner sees of the session (GET /auth/sessions), copied along the chain: when
    # it started (null on rows older than these columns: then the link's own created_at),
    # and the browser and address of its latest use. Each link's created_at is that use.
    session_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(256), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)

    user: Mapped[User] = relationship(back_populates="refresh_tokens")


class RevokedToken(Base):
    """Denylist of access-token ids revoked before their expiry (logout)."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PasswordResetToken(Base):
    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class EmailToken(Base):
    """A single-use link mailed to ``email``: it verifies the account's address, or, when
    ``email`` differs from it, makes that pending address the account's (an email change)."""

    __tablename__ = "email_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the value; the value itself is only in the mailed link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TotpSecret(Base):
    """The TOTP secret of an account: pending until a code confirms it (``User.two_factor_enabled``)."""

    __tablename__ = "totp_secrets"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Base32, as authenticator apps read it; it must be readable to check codes, so not hashed.
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The time step of the last code accepted: a code is never accepted twice (RFC 6238, 5.2).
    last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class RecoveryCode(Base):
    """One single-use recovery code of an account, stored as its SHA-256 only."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MfaChallenge(Base):
    """The second step of a login whose password was right: short-lived and single-use."""

    __tablename__ = "mfa_challenges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class KnownDevice(Base):
    """A browser or app an account has signed in from, as the SHA-256 of its user agent (the
    agent itself is not kept): a sign-in from any other one is told to the owner by mail."""

    __tablename__ = "known_devices"
    __table_args__ = (UniqueConstraint("user_id", "device_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    device_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxEvent(Base):
    """A change other services care about, written by the unit of work that makes the change
    (the transactional outbox): published to Redis by ``manage.py relay``, or read from the
    feed ``GET /internal/events``. The contract is in docs/events.md."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        # What the relay looks for: small, whatever the size of the history.
        Index(
            "ix_outbox_events_unpublished",
            "position",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
        # SQLite: never reuse a position, even the highest one after a delete.
        {"sqlite_autoincrement": True},
    )

    # The order of the events; a consumer of the feed keeps the last one it applied.
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    # No foreign key: the event of a deletion outlives its user.
    user_id: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[str] = mapped_column(Text)  # JSON
    traceparent: Mapped[str | None] = mapped_column(String(55), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEvent(Base):
    """One security event (``domain.audit.audit``), kept AUDIT_RETENTION_DAYS days."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_created_at", "created_at"),
        Index("ix_audit_events_user_id", "user_id"),
        Index("ix_audit_events_target_user_id", "target_user_id"),
        Index("ix_audit_events_event", "event"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    event: Mapped[str] = mapped_column(String(64))
    # Who acted, and whom it concerned. No foreign keys: the log outlives deleted accounts.
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    details: Mapped[str] = mapped_column(Text)  # JSON object of the event's safe fields


@dataclass(frozen=True, slots=True)
class Caller:
    """The account an access token belongs to, as read for this request (never stale: the
    role and the active flag come from the database, not from the token)."""

    id: int
    username: str
    email: str
    active: bool
    admin: bool
    created_date: datetime
    token_version: int
    two_factor_enabled: bool
    email_verified: bool
