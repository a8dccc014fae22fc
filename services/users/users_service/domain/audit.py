"""Security events (login ok and failed, logout, token reuse, throttling...): one structured
log record each, counted in /metrics. The web layer adds the request id and address."""

from __future__ import annotations

import logging
from typing import Any

from service_kit.runtime.logging import SECRET_KEYS

from ..runtime.metrics import record_auth_event

audit_log = logging.getLogger("users_service.audit")


def audit(event: str, **fields: Any) -> None:
    safe = {key: value for key, value in fields.items() if key not in SECRET_KEYS}
    record_auth_event(event)
    audit_log.info(event, extra={"event": event, **safe})
