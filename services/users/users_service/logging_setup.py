"""Structured JSON logs; every record carries the request id of the request it belongs to."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from .extensions import client_ip
from .metrics import record_auth_event
from .middleware import request_id as current_request_id

# Keys that must never reach a log record, even if a caller passes them by mistake.
_SECRET_KEYS = frozenset(
    {
        "password",
        "new_password",
        "current_password",
        "token",
        "auth_token",
        "refresh_token",
        "password_hash",
        "secret",
        "authorization",
        "cookie",
    }
)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = current_request_id() or "-"
            if not hasattr(record, "ip"):
                record.ip = client_ip()
            record.method = request.method
            record.path = request.path
        for key in _SECRET_KEYS & set(record.__dict__):
            setattr(record, key, "[redacted]")
        return True


class UTCJsonFormatter(JsonFormatter):
    def add_fields(self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["ts"] = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        log_record["level"] = record.levelname
        log_record["logger"] = record.name
        log_record.pop("taskName", None)


class StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stdout`` is at emit time (survives stream swaps in tests)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(level: str) -> None:
    """Send JSON records to stdout. Idempotent: app factories may run many times in tests."""
    root = logging.getLogger("users_service")
    root.setLevel(level.upper())
    root.propagate = True
    for handler in list(root.handlers):
        if getattr(handler, "_users_service", False):
            root.removeHandler(handler)
    handler = StdoutHandler()
    handler.setFormatter(UTCJsonFormatter("%(message)s", json_ensure_ascii=True))
    handler.addFilter(RequestContextFilter())
    handler._users_service = True  # type: ignore[attr-defined]
    root.addHandler(handler)


audit_log = logging.getLogger("users_service.audit")


def audit(event: str, **fields: Any) -> None:
    """One record per authentication event (login ok/failed, logout, refresh reuse, throttled)."""
    context: dict[str, Any] = {}
    if has_request_context():
        context = {"request_id": current_request_id() or "-", "ip": client_ip()}
    safe = {k: v for k, v in fields.items() if k not in _SECRET_KEYS}
    record_auth_event(event)
    audit_log.info(event, extra={"event": event, **context, **safe})
