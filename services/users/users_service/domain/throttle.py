"""Failed-login throttling, checked before any password hash is computed.

* account + IP: after LOGIN_FAILURES_BEFORE_LOCK failures, that pair is locked for
  LOGIN_LOCK_BASE_SECONDS, doubling with each further failure up to LOGIN_LOCK_MAX_SECONDS.
  An attacker on another address therefore cannot lock the owner out (ASVS V6.1.1).
* account: at most LOGIN_MAX_FAILURES_PER_HOUR failures per hour across all addresses
  (a bounded, documented lock for distributed guessing).

Counters live in their own limits storage: process memory, or Redis when REDIS_URL is set,
so every replica shares them.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

from limits import parse
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

from ..runtime.settings import Settings
from .audit import audit
from .errors import (
    EmailChangesThrottled,
    InvalidInput,
    LoginThrottled,
    TwoFactorCodeRejected,
    VerificationMailsThrottled,
)

HOUR = 3600
# A reservation outlives any login; one left by a crashed worker expires on its own.
PENDING_SECONDS = 60
log = logging.getLogger("users_service.throttle")


class LoginThrottle:
    """Failed-login counters of one service, in ``storage`` (process memory, or Redis)."""

    def __init__(self, storage: Storage, settings: Settings, key_prefix: str = "users-limiter") -> None:
        self.storage = storage
        self.settings = settings
        self.key_prefix = key_prefix

    def check(self, *, email: str, ip: str) -> None:
        """Raise ``LoginThrottled`` if this attempt must wait; otherwise reserve it.

        Call ``release`` once the attempt is decided.
        """
        settings = self.settings
        if not settings.RATE_LIMIT_ENABLED:
            return
        storage = self.storage
        fails_key, lock_key, account_key, pending_key = self._keys(email, ip)
        now = time.time()
        if storage.get(lock_key) > 0:
            raise LoginThrottled(max(1, math.ceil(storage.get_expiry(lock_key) - now)))
        if storage.get(account_key) >= settings.LOGIN_MAX_FAILURES_PER_HOUR:
            raise LoginThrottled(max(1, math.ceil(storage.get_expiry(account_key) - now)))
        # Reserve this attempt before the hash: attempts checked at the same moment (many
        # threads, workers and replicas) would otherwise all pass the check above before any
        # of them has recorded its failure. The counter is atomic in memory and in Redis.
        pending = storage.incr(pending_key, PENDING_SECONDS)
        # As many at once as failures remain before the lock; after a lock ran out, one at a
        # time (each further failure locks again, for longer).
        if pending > max(1, settings.LOGIN_FAILURES_BEFORE_LOCK - storage.get(fails_key)):
            storage.incr(pending_key, PENDING_SECONDS, amount=-1)
            # The attempts in flight decide: the next one may be allowed within a second.
            raise LoginThrottled(1)

    def release(self, *, email: str, ip: str) -> None:
        """End the reservation ``check`` made."""
        if not self.settings.RATE_LIMIT_ENABLED:
            return
        try:
            self.storage.incr(self._keys(email, ip)[3], PENDING_SECONDS, amount=-1)
        except Exception:  # noqa: BLE001 - the attempt is decided; the reservation expires by itself
            log.warning("releasing a login reservation failed", extra={"event": "throttle_release_failed"})

    def record_failure(self, *, email: str, ip: str) -> None:
        settings = self.settings
        if not settings.RATE_LIMIT_ENABLED:
            return
        storage = self.storage
        fails_key, lock_key, account_key, _pending = self._keys(email, ip)
        storage.incr(account_key, HOUR)
        failures = storage.incr(fails_key, HOUR)
        over = failures - settings.LOGIN_FAILURES_BEFORE_LOCK
        if over >= 0:
            seconds = min(settings.LOGIN_LOCK_BASE_SECONDS * 2 ** min(over, 20), settings.LOGIN_LOCK_MAX_SECONDS)
            storage.clear(lock_key)
            storage.incr(lock_key, seconds)
            # Keep the failure count at least as long as the lock, so backoff keeps growing.
            if storage.get_expiry(fails_key) < time.time() + seconds:
                storage.clear(fails_key)
                storage.incr(fails_key, max(HOUR, seconds), amount=failures)

    def clear_failures(self, *, email: str, ip: str) -> None:
        if not self.settings.RATE_LIMIT_ENABLED:
            return  # nothing was recorded
        fails_key, lock_key, _account, _pending = self._keys(email, ip)
        self.storage.clear(fails_key)
        self.storage.clear(lock_key)

    @contextmanager
    def guess(self, *, email: str, ip: str, user_id: int, action: str) -> Iterator[None]:
        """A check of the account's password or code outside a login, counted like a login.

        While the account is throttled the block does not run (``LoginThrottled``, audited as
        ``<action>_throttled``). A wrong answer, raised in the block as ``InvalidInput`` or
        ``TwoFactorCodeRejected``, counts as a failed login (``<action>_failed``); a right one
        clears the failures. So a stolen access token guesses no faster than a login could.
        """
        try:
            self.check(email=email, ip=ip)
        except LoginThrottled as throttled:
            audit(f"{action}_throttled", user_id=user_id, retry_after=throttled.retry_after)
            raise
        try:
            yield
        except (InvalidInput, TwoFactorCodeRejected) as wrong:
            self.record_failure(email=email, ip=ip)
            reason = next(iter(wrong.errors)) if isinstance(wrong, InvalidInput) else "code"
            audit(f"{action}_failed", user_id=user_id, reason=reason)
            raise
        else:
            self.clear_failures(email=email, ip=ip)
        finally:
            self.release(email=email, ip=ip)

    def _keys(self, email: str, ip: str) -> tuple[str, str, str, str]:
        # Hash the email: keys may be visible in Redis and must not list account names.
        account = hashlib.sha256(email.encode()).hexdigest()[:32]
        prefix = self.key_prefix
        return (
            f"{prefix}/login-fail/{account}/{ip}",
            f"{prefix}/login-lock/{account}/{ip}",
            f"{prefix}/login-fail-account/{account}",
            f"{prefix}/login-pending/{account}/{ip}",
        )


class EmailChangeLimit:
    """At most RATE_LIMIT_EMAIL_CHANGE email changes per account.

    Each attempt tells whether an address is taken, so the changes of one account are no
    quicker a way to learn that than registrations are.
    """

    def __init__(self, storage: Storage, settings: Settings) -> None:
        self.enabled = settings.RATE_LIMIT_ENABLED
        self.limit = parse(settings.RATE_LIMIT_EMAIL_CHANGE)
        self.limiter = FixedWindowRateLimiter(storage)

    def count(self, user_id: int) -> None:
        """Count one change of the account's email; ``EmailChangesThrottled`` when over the limit."""
        if not self.enabled or self.limiter.hit(self.limit, "email-change", str(user_id)):
            return
        reset_at = self.limiter.get_window_stats(self.limit, "email-change", str(user_id)).reset_time
        raise EmailChangesThrottled(max(1, math.ceil(reset_at - time.time())))


class VerificationMailLimit:
    """At most RATE_LIMIT_VERIFICATION_MAIL verification links mailed again per account:
    each one is a mail to an address, and nobody's inbox is to be flooded through us."""

    def __init__(self, storage: Storage, settings: Settings) -> None:
        self.enabled = settings.RATE_LIMIT_ENABLED
        self.limit = parse(settings.RATE_LIMIT_VERIFICATION_MAIL)
        self.limiter = FixedWindowRateLimiter(storage)

    def count(self, user_id: int) -> None:
        """Count one mail; ``VerificationMailsThrottled`` when over the limit."""
        if not self.enabled or self.limiter.hit(self.limit, "verification-mail", str(user_id)):
            return
        reset_at = self.limiter.get_window_stats(self.limit, "verification-mail", str(user_id)).reset_time
        raise VerificationMailsThrottled(max(1, math.ceil(reset_at - time.time())))
