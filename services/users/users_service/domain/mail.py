"""Outgoing mail through SMTP_URL; in development without SMTP, the message goes to the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import time
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from ..runtime.settings import Settings

log = logging.getLogger("users_service.mail")


# The delivery threads still running (see wait_for_deliveries).
_in_flight: set[threading.Thread] = set()
_in_flight_lock = threading.Lock()


class MailError(Exception):
    pass


def send_mail(
    settings: Settings, *, to: str, subject: str, body: str, html: str | None = None, background: bool = True
) -> None:
    """Send ``body`` as plain text, with ``html`` (already escaped by its author) as the
    alternative part that mail programs show instead when they can."""
    message = EmailMessage()
    message["From"] = settings.MAIL_FROM
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if html is not None:
        # multipart/alternative: the text part first, the preferred (HTML) part last (RFC 2046).
        message.add_alternative(html, subtype="html")
    if not settings.SMTP_URL:
        if settings.APP_ENV == "development":
            # Development only: the body holds a live reset link.
            log.info(
                "mail not sent (no SMTP_URL): development copy follows",
                extra={"event": "mail_logged", "subject": subject, "body": body},
            )
        else:
            log.warning("mail not sent: SMTP_URL is not set", extra={"event": "mail_not_configured"})
        return
    if background:
        # Sending off the request thread keeps the reset endpoint's timing independent
        # of whether the account exists (and of a slow mail server).
        thread = threading.Thread(target=_deliver_logged, args=(settings.SMTP_URL, message), daemon=True)
        with _in_flight_lock:
            _in_flight.add(thread)
        thread.start()
    else:
        _deliver(settings.SMTP_URL, message)


def wait_for_deliveries(timeout: float = 10.0) -> bool:
    """Wait until the mails handed to background threads so far are delivered (or failed),
    e.g. before a mail server goes away; whether they all ended in time."""
    with _in_flight_lock:
        threads = list(_in_flight)
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(thread.is_alive() for thread in threads)


def _deliver_logged(url: str, message: EmailMessage) -> None:
    try:
        _deliver(url, message)
    except Exception as exc:  # noqa: BLE001 - a background thread has nobody to raise to
        log.error("mail delivery failed", extra={"event": "mail_failed", "error": type(exc).__name__})
    finally:
        with _in_flight_lock:
            _in_flight.discard(threading.current_thread())


def _deliver(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    host = parts.hostname or "localhost"
    timeout = 10
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, parts.port or 465, timeout=timeout, context=ssl.create_default_context()
        )
    elif parts.scheme == "smtp":
        client = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
    else:
        raise MailError(f"unsupported SMTP_URL scheme {parts.scheme!r}")
    with client:
        if parts.scheme == "smtp" and options.get("starttls", ["false"])[0].lower() in ("1", "true", "yes"):
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
    log.info("mail sent", extra={"event": "mail_sent", "subject": message["Subject"]})
