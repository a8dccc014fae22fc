"""Access tokens of the users service, verified here offline (SECURITY.md row 80).

The algorithm is pinned (EdDSA); the token's ``kid`` picks a key of our own key set
(``keys.KeySet``) and nothing else: a header that names or carries a key (``jku``, ``x5u``,
``jwk``, ``x5c``) or asks for extensions (``crit``) is refused outright, so no key is ever
fetched from, or chosen by, a token. Then the refusals the users service's events asked
for: a user's tokens issued before a point in time, a session, one token (``domain.refusals``,
held in memory).

A token that passed every check is remembered (``service_kit.tokens.VerifiedTokens``), so the
next request with it skips the signature while it has not expired and its ``kid`` still names
the key that verified it. The refusals are checked on every request, remembered token or not.
"""

from __future__ import annotations

from typing import Any

import jwt
from jwt import PyJWK
from service_kit.tokens import VerifiedTokens

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


def verified_tokens(keys: KeySet, issuer: str, audience: str) -> VerifiedTokens[PyJWK]:
    """The process's remembered tokens, verified in full against ``keys`` the first time."""
    return VerifiedTokens(lambda token: _verify(keys, token, issuer, audience), keys.key)


def caller_for_access_token(
    *, tokens: VerifiedTokens[PyJWK], refusals: Refusals, token: str
) -> tuple[Caller, dict[str, Any]]:
    """The caller a valid token speaks for, unless an event of the users service refused it."""
    claims = tokens.claims(token)
    caller = caller_of(claims)
    issued_at, sid, jti = refusal_claims(claims)
    if refusals.refused(user_id=caller.id, issued_at=issued_at, sid=sid, jti=jti):
        raise _rejected("revoked")
    return caller, claims
