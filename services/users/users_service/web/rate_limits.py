"""Per-address rate limits, declared beside the routes that have one:

    @bp.post("/auth/login")
    @limited(AUTH)
    def login(): ...

Only those routes pay for a check. Counters live in the service's limits storage (process
memory, or Redis when REDIS_URL is set, so that every replica counts together). If that
storage fails, the check falls back to this process's memory rather than refusing everyone:
the per-account login throttle, which fails closed, still bounds password guessing.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage
from limits.strategies import FixedWindowRateLimiter
from service_kit.web.edge import client_ip, rate_limit_identity
from service_kit.web.errors import fail

from ..domain.audit import audit
from ..runtime.settings import Settings

log = logging.getLogger("users_service.rate_limits")

View = TypeVar("View", bound=Callable[..., Any])

# One bucket per address shared by every endpoint that accepts credentials.
AUTH = "auth"


class AddressLimits:
    def __init__(self, settings: Settings, storage: Storage) -> None:
        self.enabled = settings.RATE_LIMIT_ENABLED
        self.limits: dict[str, RateLimitItem] = {AUTH: parse(settings.RATE_LIMIT_AUTH)}
        self.shared = FixedWindowRateLimiter(storage)
        self.fallback = FixedWindowRateLimiter(MemoryStorage())

    def check(self, scope: str, address: str) -> None:
        """Count one request of ``address`` in ``scope``; 429 with Retry-After when over the limit."""
        if not self.enabled:
            return
        item = self.limits[scope]
        limiter = self.shared
        try:
            allowed = limiter.hit(item, scope, address)
        except StorageError:
            log.warning("rate-limit storage unavailable: counting in memory", extra={"event": "limits_fallback"})
            limiter = self.fallback
            allowed = limiter.hit(item, scope, address)
        if allowed:
            return
        audit("rate_limited", scope=f"{scope}_ip")
        reset_at = limiter.get_window_stats(item, scope, address).reset_time
        retry_after = max(1, math.ceil(reset_at - time.time()))
        raise fail(429, headers={"Retry-After": str(retry_after)})


def limited(scope: str) -> Callable[[View], View]:
    """Count each request of the decorated route against the caller's ``scope`` limit."""

    def decorate(view: View) -> View:
        @wraps(view)
        def check_then_run(*args: Any, **kwargs: Any) -> Any:
            limits: AddressLimits = current_app.extensions["address_limits"]
            limits.check(scope, rate_limit_identity(client_ip()))
            return view(*args, **kwargs)

        return check_then_run  # type: ignore[return-value]

    return decorate
