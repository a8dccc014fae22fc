"""Access tokens of the users service, verified here offline (SECURITY.md row 80).

The algorithm is pinned (EdDSA); the token's ``kid`` picks a key of our own key set
(``keys.KeySet``) and nothing else: a header that names or carries a key (``jku``, ``x5u``,
``jwk``, ``x5c``) or asks for extensions (``crit``) is refused outright, so no key is ever
fetched from, or chosen by, a token. Then the refusals the users service's events asked
for: a user's tokens issued before a point in time, a session, one token.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jwt
from sqlalchemy import Connection, bindparam, or_, select

from ..runtime.metrics import TOKENS_REFUSED
from .errors import EXPIRED, INVALID, TokenRejected
from .items import MAX_ID
from .keys import ALGORITHM, KeySet
from .models import Caller, RevokedToken, TokenRefusal

ACCESS_TYPE = "access"
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "sub", "jti", "iss", "aud", "typ"]
# Headers that would make a careless verifier fetch or choose keys: refuse them outright.
FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "crit"})


def _rejected(reason: str, message: str = INVALID) -> TokenRejected:
    TOKENS_REFUSED.labels(reason=reason).inc()
    return TokenRejected(message)


def verify_access_token(*, keys: KeySet, token: str, issuer: str, audience: str) -> dict[str, Any]:
    """The claims of a token the users service signed for this audience, still valid."""
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
    return claims


def caller_of(claims: dict[str, Any]) -> Caller:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.isdigit() or not 0 < int(sub) <= MAX_ID:
        raise _rejected("invalid")
    return Caller(id=int(sub), admin=claims.get("admin") is True)


# Whether a user-level refusal, the session or the token itself stops the token: one round trip.
_REFUSED = select(
    select(TokenRefusal.user_id)
    .where(TokenRefusal.user_id == bindparam("user_id"), TokenRefusal.not_before > bindparam("issued_at"))
    .exists()
    | select(RevokedToken.value)
    .where(
        or_(
            (RevokedToken.kind == "sid") & (RevokedToken.value == bindparam("sid")),
            (RevokedToken.kind == "jti") & (RevokedToken.value == bindparam("jti")),
        )
    )
    .exists()
)


def caller_for_access_token(
    *, connection: Connection, keys: KeySet, token: str, issuer: str, audience: str
) -> tuple[Caller, dict[str, Any]]:
    """The caller a valid token speaks for, unless an event of the users service refused it."""
    claims = verify_access_token(keys=keys, token=token, issuer=issuer, audience=audience)
    caller = caller_of(claims)
    sid = claims.get("sid")
    refused = connection.execute(
        _REFUSED,
        {
            "user_id": caller.id,
            "issued_at": datetime.fromtimestamp(claims["iat"], UTC),
            "sid": sid if isinstance(sid, str) else "",
            "jti": str(claims["jti"]),
        },
    ).scalar()
    if refused:
        raise _rejected("revoked")
    return caller, claims
