"""The users service's Prometheus metrics: the ones every service keeps (HTTP traffic by
route, database pool use) and authentication events."""

from __future__ import annotations

from prometheus_client import Counter
from service_kit.runtime.metrics import ServiceMetrics

METRICS = ServiceMetrics("users")

AUTH_EVENTS = Counter(
    "users_auth_events_total",
    "Authentication events (login_succeeded, login_failed, logout, authn_token_reuse, login_throttled, ...).",
    ["event"],
)


def record_auth_event(event_name: str) -> None:
    AUTH_EVENTS.labels(event=event_name).inc()
