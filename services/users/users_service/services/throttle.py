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
from dataclasses import dataclass

from flask import current_app
from limits.storage import Storage

from ..settings import Settings

HOUR = 3600
log = logging.getLogger("users_service.throttle")


@dataclass(frozen=True)
class Throttled:
    retry_after: int


def _keys(email: str, ip: str) -> tuple[str, str, str]:
    # Hash the email: keys may be visible in Redis and must not list account names.
    account = hashlib.sha256(email.encode()).hexdigest()[:32]
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    return (
        f"{prefix}/login-fail/{account}/{ip}",
        f"{prefix}/login-lock/{account}/{ip}",
        f"{prefix}/login-fail-account/{account}",
    )


def _pending_key(email: str, ip: str) -> str:
    return _keys(email, ip)[0].replace("/login-fail/", "/login-pending/", 1)


# A reservation outlives any login; one left by a crashed worker expires on its own.
PENDING_SECONDS = 60


def _storage() -> Storage:
    return current_app.extensions["throttle_storage"]  # type: ignore[no-any-return]


def check_login_allowed(*, email: str, ip: str) -> Throttled | None:
    settings: Settings = current_app.extensions["settings"]
    if not settings.RATE_LIMIT_ENABLED:
        return None
    storage = _storage()
    fails_key, lock_key, account_key = _keys(email, ip)
    now = time.time()
    if storage.get(lock_key) > 0:
        return Throttled(max(1, math.ceil(storage.get_expiry(lock_key) - now)))
    if storage.get(account_key) >= settings.LOGIN_MAX_FAILURES_PER_HOUR:
        return Throttled(max(1, math.ceil(storage.get_expiry(account_key) - now)))
    # Reserve this attempt before the hash: attempts checked at the same moment (many threads,
    # workers and replicas) would otherwise all pass the check above before any of them has
    # recorded its failure. The counter is atomic in memory and in Redis.
    pending_key = _pending_key(email, ip)
    pending = storage.incr(pending_key, PENDING_SECONDS)
    # As many at once as failures remain before the lock; after a lock ran out, one at a time
    # (each further failure locks again, for longer).
    if pending > max(1, settings.LOGIN_FAILURES_BEFORE_LOCK - storage.get(fails_key)):
        storage.incr(pending_key, PENDING_SECONDS, amount=-1)
        # The attempts in flight decide: the next one may be allowed within a second.
        return Throttled(1)
    return None


def release_login_attempt(*, email: str, ip: str) -> None:
    """End the reservation ``check_login_allowed`` made (call it once the attempt is decided)."""
    settings: Settings = current_app.extensions["settings"]
    if not settings.RATE_LIMIT_ENABLED:
        return
    try:
        _storage().incr(_pending_key(email, ip), PENDING_SECONDS, amount=-1)
    except Exception:  # noqa: BLE001 - the attempt is decided; the reservation expires by itself
        log.warning("releasing a login reservation failed", extra={"event": "throttle_release_failed"})


def record_login_failure(*, email: str, ip: str) -> None:
    settings: Settings = current_app.extensions["settings"]
    if not settings.RATE_LIMIT_ENABLED:
        return
    storage = _storage()
    fails_key, lock_key, account_key = _keys(email, ip)
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


def clear_login_failures(*, email: str, ip: str) -> None:
    if not current_app.extensions["settings"].RATE_LIMIT_ENABLED:
        return  # nothing was recorded
    storage = _storage()
    fails_key, lock_key, _account = _keys(email, ip)
    storage.clear(fails_key)
    storage.clear(lock_key)
