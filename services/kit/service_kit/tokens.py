"""Access tokens that passed every check, remembered by the process that checked them.

An Ed25519 signature check costs far more than the rest of a small request, and a client sends
the same token until it expires. So a token that passed is remembered (its text -> its claims
and the key that verified it), and the next request with it skips the signature. Only what
would pass now is taken from there: the token must not have expired, and its ``kid`` must still
name the very key that verified it (a key removed or replaced sends the token through the
full check again, where it fails or passes afresh). A refused token is never remembered.

Whatever else a service checks per request (revocations, the account) it still checks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

Key = TypeVar("Key")


@dataclass(frozen=True)
class _Verified(Generic[Key]):
    kid: str
    key: Key
    claims: dict[str, Any]
    expires: float  # its exp


class VerifiedTokens(Generic[Key]):
    """The tokens of one process that passed ``verify``, at most ``max_entries`` of them (the
    oldest entered go first), each kept until its ``exp``.

    ``verify(token)`` is the full check: it returns the token's ``kid``, the key that verified it
    and its claims (which must hold a numeric ``exp``), or raises. ``key_named(kid)`` is the key
    the service holds under that name now, or None. The claims returned are shared by every
    request with the token: read them, never change them.
    """

    def __init__(
        self,
        verify: Callable[[str], tuple[str, Key, dict[str, Any]]],
        key_named: Callable[[str], Key | None],
        max_entries: int = 10_000,
    ) -> None:
        self.verify = verify
        self.key_named = key_named
        self.max_entries = max_entries
        self.entries: dict[str, _Verified[Key]] = {}
        self.lock = threading.Lock()

    def claims(self, token: str) -> dict[str, Any]:
        """The token's claims, checked in full unless a copy that still holds is remembered."""
        held = self.entries.get(token)
        if held is not None:
            # As PyJWT decides (no leeway): expired once exp is not in the future. An expired
            # or re-keyed token goes through the full check, which gives its own answer.
            if held.expires > time.time() and self.key_named(held.kid) is held.key:
                return held.claims
            with self.lock:
                self.entries.pop(token, None)
        kid, key, claims = self.verify(token)
        verified = _Verified(kid=kid, key=key, claims=claims, expires=float(claims["exp"]))
        with self.lock:
            while len(self.entries) >= self.max_entries:
                # dicts keep insertion order: the first key is the oldest entry.
                self.entries.pop(next(iter(self.entries)), None)
            self.entries[token] = verified
        return claims
