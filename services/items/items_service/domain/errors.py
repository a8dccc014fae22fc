"""What the items rules refuse, as exceptions the web layer turns into answers.

Each message is written for the caller: the web layer passes it on as it is.
"""

from __future__ import annotations

EXPIRED = "Signature expired. Please log in again."
INVALID = "Invalid token. Please log in again."
NO_ITEM = "Item does not exist"


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TokenRejected(DomainError):
    """An access token that is malformed, expired, signed by no key of ours, or refused."""


class ItemNotFound(DomainError):
    """No such item, or not the caller's: the same answer, so existence does not leak."""

    def __init__(self) -> None:
        super().__init__(NO_ITEM)


class NotAllowed(DomainError):
    def __init__(self, message: str = "You do not have permission to do that.") -> None:
        super().__init__(message)
