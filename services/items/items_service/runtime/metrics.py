"""The items service's Prometheus metrics: the ones every service keeps (HTTP traffic by
route, database pool use) and the access tokens it refuses."""

from __future__ import annotations

from prometheus_client import Counter
from service_kit.runtime.metrics import ServiceMetrics

METRICS = ServiceMetrics("items")

TOKENS_REFUSED = Counter(
    "items_tokens_refused_total",
    "Access tokens refused, by reason (invalid, expired, unknown_key, revoked).",
    ["reason"],
)
