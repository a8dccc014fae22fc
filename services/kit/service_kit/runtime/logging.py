"""Structured JSON logs on stdout, with secrets redacted from every record."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

KIT_LOGGER = "service_kit"

# Keys that must never reach a log record, even if a caller passes them by mistake.
SECRET_KEYS = frozenset(
    {
        "password",
        "new_password",
        "current_password",
        "token",
        "auth_token",
        "refresh_token",
        "password_hash",
        "secret",
        # Two-factor login: the TOTP secret's URI, codes and the login challenge.
        "otpauth_uri",
        "code",
        "recovery_code",
        "recovery_codes",
        "mfa_token",
        "authorization",
        "cookie",
    }
)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key in SECRET_KEYS & set(record.__dict__):
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


def configure_logging(service: str, level: str, *context: logging.Filter) -> None:
    """Send the records of the ``service`` package's loggers (and this kit's) to stdout as
    JSON, each passed through ``context`` filters (which add fields such as the request id)
    and then redacted.

    Idempotent: app factories run many times in tests.
    """
    handler = StdoutHandler()
    handler.setFormatter(UTCJsonFormatter("%(message)s", json_ensure_ascii=True))
    for context_filter in context:
        handler.addFilter(context_filter)
    handler.addFilter(RedactSecrets())
    for name in (service, KIT_LOGGER):
        root = logging.getLogger(name)
        root.setLevel(level.upper())
        root.propagate = True
        for old in [existing for existing in root.handlers if isinstance(existing, StdoutHandler)]:
            root.removeHandler(old)
        root.addHandler(handler)
