"""Known devices: a sign-in from a user agent the account has not signed in from before is
mailed to its owner.

A device is the SHA-256 of its user agent string: enough to tell "the same browser again"
from "something new", without keeping what the agent says. The address is left out on
purpose: it changes with every network a phone joins, and a notice that comes every day is
one nobody reads. An account's first device (its registration, or its first sign-in since
devices are remembered) is remembered without a notice: there is nothing to compare it with.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..runtime.settings import Settings
from . import notices
from .audit import audit
from .models import KnownDevice, User, utcnow
from .tokens import sha256

# Longer agents are cut before hashing and mailing: nobody needs more, and mail stays small.
MAX_AGENT = 512


# Built once: nearly every sign-in asks it, most of them from a device the account knows.
_KNOWN = select(KnownDevice.id).where(
    KnownDevice.user_id == bindparam("user_id"), KnownDevice.device_hash == bindparam("device_hash")
)


def device_hash(user_agent: str) -> str:
    return sha256(user_agent[:MAX_AGENT])


def is_known(*, connection: Connection, user_id: int, user_agent: str) -> bool:
    """Whether the account has signed in from this user agent before: one indexed read."""
    device = {"user_id": user_id, "device_hash": device_hash(user_agent)}
    return connection.execute(_KNOWN, device).first() is not None


def remember(*, session: Session, user_id: int, user_agent: str) -> bool:
    """Remember the device of ``user_agent`` for the account; whether it was new.

    Two sign-ins from one new device at once insert it once (the unique constraint decides).
    """
    values = {"user_id": user_id, "device_hash": device_hash(user_agent), "first_seen_at": utcnow()}
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(KnownDevice).values(values)
    # RETURNING, not the row count: drivers report the count of a skipped insert differently.
    inserted = session.execute(statement.on_conflict_do_nothing().returning(KnownDevice.id))
    return inserted.first() is not None


def note_sign_in(*, session: Session, settings: Settings, user_id: int, user_agent: str, address: str) -> None:
    """After a sign-in from a device ``is_known`` did not find: remember it, and tell the owner
    when it is new (a sign-in from the same device at once may have remembered it meanwhile)."""
    # FOR KEY SHARE (PostgreSQL), the lock the device's foreign key takes anyway, taken first:
    # an account deleted meanwhile is then not found, rather than failing the insert.
    user = session.get(User, user_id, with_for_update={"key_share": True})
    if user is None:
        return
    if not remember(session=session, user_id=user_id, user_agent=user_agent):
        return
    known = session.scalar(select(func.count()).select_from(KnownDevice).where(KnownDevice.user_id == user_id))
    if (known or 0) < 2:
        return
    audit("new_device_sign_in", user_id=user_id)
    notices.new_device(
        session=session,
        settings=settings,
        username=user.username,
        to=user.email,
        user_agent=user_agent[:MAX_AGENT],
        address=address,
        when=utcnow(),
    )
