"""The service's tables (SQLAlchemy 2 typed models). Never serialized directly: the web layer
picks the fields each caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service_kit.db.types import UTCDateTime, utcnow
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base

__all__ = ["Base", "Caller", "PasswordResetToken", "RefreshToken", "RevokedToken", "User", "utcnow"]


class User(Base):
    __tablename__ = "users"

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
