"""A real SMTP server (aiosmtpd) on a free local port, collecting delivered messages."""

from __future__ import annotations

import re
import socket
import time
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from users_service.domain.mail import wait_for_deliveries


class _Collector:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SMTPServer:
    def __init__(self) -> None:
        self.collector = _Collector()
        self.port = free_port()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Message]:
        return self.collector.messages

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # Mails still on their way (notices sent after a test's last request) arrive first.
        wait_for_deliveries()
        self.controller.stop()


def link_token(message: Message) -> str:
    """The token of the verification (or email-change) link in a mailed message."""
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    match = re.search(r"/verify-email#token=([A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)
