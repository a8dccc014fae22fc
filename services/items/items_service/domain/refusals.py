"""The refusals the users service's events asked for, held in memory by each process.

A request's token is checked against them with no query. The consumer writes refusals
(``token_refusals``, ``revoked_tokens``) and, in the same transaction, moves the one-row
``refusal_sequence`` on, stamping the rows it wrote with the new value (``domain.events``).
Each process reads that one row at most once per ``REFUSALS_REFRESH_INTERVAL`` seconds, on the
first token check after the interval, and when it moved, reads only the rows stamped after
what it holds. The check waits for that read (a database that does not answer fails the request
as any query would: no token is let through on old data past the bound).

The bound: a refusal the consumer has committed is applied by every process from at most
``REFUSALS_REFRESH_INTERVAL`` seconds (0.5 by default) after the commit, plus one read of the
new rows; from then on, every matching token is refused. docs/events.md says the same.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from service_kit.db.database import Database
from sqlalchemy import Connection, select

from .events import refusal_sequence
from .models import RevokedToken, TokenRefusal

# How often the held copy drops the refusals no valid token can match any more.
PRUNE_EVERY = 300.0


class Refusals:
    """One process's copy of the refusals (see the module's description)."""

    def __init__(self, database: Database, refresh_interval: float) -> None:
        self.database = database
        self.refresh_interval = refresh_interval
        # user id -> (tokens issued before this POSIX second are refused, when that stops mattering)
        self.not_before: dict[int, tuple[float, float]] = {}
        # (kind "sid" or "jti", value) -> when that stops mattering
        self.revoked: dict[tuple[str, str], float] = {}
        self.sequence = -1  # nothing read yet: the first read takes every row
        self.checked_at = float("-inf")  # monotonic time of the last read of the sequence
        self.pruned_at = time.monotonic()
        self.reads = 0
        self.lock = threading.Lock()

    def refused(self, *, user_id: int, issued_at: int, sid: str | None, jti: str) -> bool:
        """Whether a user-level refusal, the token's session or the token itself stops it."""
        self.refresh()
        user = self.not_before.get(user_id)
        if user is not None and user[0] > issued_at:
            return True
        if sid is not None and ("sid", sid) in self.revoked:
            return True
        return ("jti", jti) in self.revoked

    def refresh(self) -> None:
        """Read what the consumer committed since the last read, once the interval is over."""
        if time.monotonic() - self.checked_at < self.refresh_interval:
            return
        with self.lock:
            started = time.monotonic()
            # Another thread may have read it while this one waited for the lock.
            if started - self.checked_at < self.refresh_interval:
                return
            with self.database.autocommit() as connection:
                self._read(connection)
            # The bound counts from before the read: what was committed by then is held now.
            self.checked_at = started
            if started - self.pruned_at >= PRUNE_EVERY:
                self._prune()
                self.pruned_at = started

    def _read(self, connection: Connection) -> None:
        self.reads += 1
        sequence = refusal_sequence(connection=connection)
        if sequence == self.sequence:
            return
        if sequence < self.sequence:
            # The sequence went back (its row was recreated): hold nothing older, read it all.
            self.not_before.clear()
            self.revoked.clear()
            self.sequence = -1
        # Rows written after the sequence was read have a larger stamp and are read again next time.
        now = datetime.now(UTC)
        users = connection.execute(
            select(TokenRefusal.user_id, TokenRefusal.not_before, TokenRefusal.expires_at).where(
                TokenRefusal.seq > self.sequence, TokenRefusal.expires_at >= now
            )
        )
        for user_id, not_before, expires_at in users:
            self.not_before[user_id] = (not_before.timestamp(), expires_at.timestamp())
        revoked = connection.execute(
            select(RevokedToken.kind, RevokedToken.value, RevokedToken.expires_at).where(
                RevokedToken.seq > self.sequence, RevokedToken.expires_at >= now
            )
        )
        for kind, value, expires_at in revoked:
            self.revoked[(kind, value)] = expires_at.timestamp()
        self.sequence = sequence

    def _prune(self) -> None:
        now = time.time()
        self.not_before = {user: held for user, held in self.not_before.items() if held[1] >= now}
        self.revoked = {key: expires for key, expires in self.revoked.items() if expires >= now}


def refusal_claims(claims: dict[str, Any]) -> tuple[int, str | None, str]:
    """What of a token's claims the refusals look at: its ``iat``, ``sid`` and ``jti``."""
    sid = claims.get("sid")
    return int(claims["iat"]), sid if isinstance(sid, str) else None, str(claims["jti"])
