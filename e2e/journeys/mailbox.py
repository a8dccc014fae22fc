"""An SMTP server in the test process, so the journeys can read the mail the stack sends."""

from __future__ import annotations

import email
import re
import threading
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


class Mailbox:
    """Every message the SMTP server accepted, in the order they arrived."""

    def __init__(self) -> None:
        self._messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=default_policy)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self._messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def messages_to(self, address: str, subject: str | None = None) -> list[EmailMessage]:
        with self._arrived:
            return self._addressed_to(address, subject)

    def wait_for(self, address: str, subject: str | None = None, timeout: float = 15) -> EmailMessage:
        """The latest message to ``address`` (with ``subject``, when given), waiting for one to
        arrive when there is none yet. Security notices (a sign-in from a new browser, say) go
        to the same address: a journey that waits for one kind of mail names its subject."""
        with self._arrived:
            self._arrived.wait_for(lambda: self._addressed_to(address, subject), timeout)
            found = self._addressed_to(address, subject)
        assert found, f"no mail to {address} ({subject or 'any subject'}) arrived within {timeout} s"
        return found[-1]

    def _addressed_to(self, address: str, subject: str | None = None) -> list[EmailMessage]:
        """Messages whose To header names ``address`` (and of ``subject``); the caller holds the lock."""
        wanted = address.lower()
        return [
            message
            for message in self._messages
            if any(recipient.addr_spec.lower() == wanted for recipient in message["To"].addresses)
            and (subject is None or message["Subject"] == subject)
        ]


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the mail has no plain-text body"
    return str(part.get_content())


def link_in(message: EmailMessage, path: str) -> str:
    """The first link in the message's text that points at ``path``."""
    found = re.search(rf"https?://\S+{re.escape(path)}\S*", body_of(message))
    assert found, f"no link to {path} in the mail:\n{body_of(message)}"
    return found.group(0)


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.mailbox = Mailbox()
        self.port = port
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
