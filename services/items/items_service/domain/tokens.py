"""Access tokens of the users service, verified here offline (SECURITY.md row 80).

The algorithm is pinned (EdDSA); the token's ``kid`` picks a key of our own key set
(``keys.KeySet``) and nothing else: a header that names or carries a key (``jku``, ``x5u``,
``jwk``, ``x5c``) or asks for extensions (``crit``) is refused outright, so no key is ever
fetched from, or chosen by, a token. Then the refusals the users service's events asked
for: a user's tokens issued before a point in time, a session, one token (``domain.refusals``,
held in memory).

A token that passed every check is remembered (``VerifiedTokens``: the token's text -> its
claims and the key that verified it), so the next request with it skips the signature. Only
what would pass now is taken from there: its ``exp`` is checked on every use (an expired one
gets the same answer as before), and the key must still be the one the key set holds under its
``kid`` (a key removed, or replaced, from the set makes the tokens it signed verify again, and
fail). The refusals are checked on every request, remembered token or not.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt
from jwt import PyJWK

from ..runtime.metrics import TOKENS_REFUSED
from .errors import EXPIRED, INVALID, TokenRejected
from .items import MAX_ID
from .keys import ALGORITHM, KeySet
from .models import Caller
from .refusals import Refusals, refusal_claims

ACCESS_TYPE = "access"
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "sub", "jti", "iss", "aud", "typ"]
# Headers that would make a careless verifier fetch or choose keys: refuse them outright.
FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "crit"})


def _rejected(reason: str, message: str = INVALID) -> TokenRejected:
    TOKENS_REFUSED.labels(reason=reason).inc()
    return TokenRejected(message)


def verify_access_token(*, keys: KeySet, token: str, issuer: str, audience: str) -> dict[str, Any]:
    """The claims of a token the users service signed for this audience, still valid."""
    return _verify(keys, token, issuer, audience)[2]


def _verify(keys: KeySet, token: str, issuer: str, audience: str) -> tuple[str, PyJWK, dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise _rejected("invalid") from None
    kid = header.get("kid")
    if header.get("alg") != ALGORITHM or FORBIDDEN_HEADERS & set(header) or not isinstance(kid, str):
        raise _rejected("invalid")
    key = keys.key(kid)
    if key is None:
        raise _rejected("unknown_key")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise _rejected("expired", EXPIRED) from None
    except jwt.InvalidTokenError:
        raise _rejected("invalid") from None
    if claims.get("typ") != ACCESS_TYPE or not isinstance(claims.get("iat"), int):
        raise _rejected("invalid")
    return kid, key, claims


def caller_of(claims: dict[str, Any]) -> Caller:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.isdigit() or not 0 < int(sub) <= MAX_ID:
        raise _rejected("invalid")
    return Caller(id=int(sub), admin=claims.get("admin") is True)


@dataclass(frozen=True)
class Verified:
    """A token that passed every check: the key that verified it, its claims, its caller."""

    kid: str
    key: PyJWK
    claims: dict[str, Any]
    caller: Caller
    expires: float  # its exp


class VerifiedTokens:
    """The tokens of one process that passed every check, at most ``max_entries`` of them
    (the oldest entered go first), each kept until its ``exp``."""

    def __init__(self, keys: KeySet, issuer: str, audience: str, max_entries: int = 10_000) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.max_entries = max_entries
        self.entries: dict[str, Verified] = {}
        self.lock = threading.Lock()

    def verified(self, token: str) -> Verified:
        """The token's claims and caller, checked in full unless a copy that still holds is here."""
        held = self.entries.get(token)
        if held is not None:
            # As PyJWT decides (no leeway): expired once exp is not in the future.
            if held.expires <= time.time():
                self._forget(token)
                raise _rejected("expired", EXPIRED)
            # The key that verified it must still be the set's key for its kid (key() refetches
            # a set older than its max-age, as a full check would).
            if self.keys.key(held.kid) is held.key:
                return held
            self._forget(token)
        kid, key, claims = _verify(self.keys, token, self.issuer, self.audience)
        verified = Verified(kid=kid, key=key, claims=claims, caller=caller_of(claims), expires=float(claims["exp"]))
        with self.lock:
            while len(self.entries) >= self.max_entries:
                # dicts keep insertion order: the first key is the oldest entry.
                self.entries.pop(next(iter(self.entries)), None)
            self.entries[token] = verified
        return verified

    def _forget(self, token: str) -> None:
        # Under the lock: the eviction above iterates the dict.
        with self.lock:
            self.entries.pop(token, None)


def caller_for_access_token(*, tokens: VerifiedTokens, refusals: Refusals, token: str) -> tuple[Caller, dict[str, Any]]:
    """The caller a valid token speaks for, unless an event of the users service refused it."""
    verified = tokens.verified(token)
    issued_at, sid, jti = refusal_claims(verified.claims)
    if refusals.refused(user_id=verified.caller.id, issued_at=issued_at, sid=sid, jti=jti):
        raise _rejected("revoked")
    return verified.caller, verified.claims
