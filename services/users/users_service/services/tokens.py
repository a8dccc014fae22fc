"""Access tokens (JWT) and refresh tokens (opaque, stored hashed, rotated on every use)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from flask import current_app
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..autocommit import execute_alone, fetch_all
from ..extensions import DbSession
from ..logging_setup import audit
from ..models import RefreshToken, RevokedToken, User, utcnow
from ..settings import Settings

log = logging.getLogger("users_service.tokens")

ALGORITHM = "HS256"  # pinned: the decoder never trusts the token's own "alg" header
ACCESS_TYPE = "access"
EXPIRED = "Signature expired. Please log in again."
INVALID = "Invalid token. Please log in again."
MALFORMED = "Provide a valid auth token."
# Headers that would make a careless verifier fetch or choose keys: refuse them outright.
_FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "kid", "crit"})


class TokenError(Exception):
    def __init__(self, message: str = INVALID) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str


def _settings() -> Settings:
    return current_app.extensions["settings"]  # type: ignore[no-any-return]


def _signing_key(settings: Settings) -> bytes:
    # A key derived for JWTs only, so Flask's SECRET_KEY uses never sign tokens.
    return hmac.new(settings.SECRET_KEY.encode(), b"users-service access token", hashlib.sha256).digest()


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# ---- access tokens --------------------------------------------------------------------


def issue_access_token(user_id: int, token_version: int, *, session_id: str | None = None) -> tuple[str, int]:
    settings = _settings()
    now = utcnow()
    ttl = settings.ACCESS_TOKEN_TTL
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=ttl),
        "jti": uuid.uuid4().hex,
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
        "typ": ACCESS_TYPE,
        "ver": token_version,
    }
    if session_id:
        claims["sid"] = session_id
    token = jwt.encode(claims, _signing_key(settings), algorithm=ALGORITHM, headers={"typ": "JWT"})
    return token, ttl


def decode_access_token(token: str) -> dict[str, Any]:
    settings = _settings()
    try:
        # One parse for header and claims (parsing is most of the cost of a check).
        decoded = jwt.decode_complete(
            token,
            _signing_key(settings),
            algorithms=[ALGORITHM],
            audience=settings.JWT_AUDIENCE,
            issuer=settings.JWT_ISSUER,
            options={"require": ["exp", "iat", "nbf", "sub", "jti", "iss", "aud", "typ"]},
        )
        header: dict[str, Any] = decoded["header"]
        claims: dict[str, Any] = decoded["payload"]
        if header.get("alg") != ALGORITHM or _FORBIDDEN_HEADERS & set(header):
            raise TokenError(INVALID)
    except jwt.ExpiredSignatureError:
        raise TokenError(EXPIRED) from None
    except jwt.InvalidSignatureError:
        raise TokenError(INVALID) from None
    except jwt.DecodeError:
        # Not a JWT at all (e.g. "x.y"): the caller did not provide a usable token.
        raise TokenError(MALFORMED) from None
    except jwt.InvalidTokenError:
        raise TokenError(INVALID) from None
    if claims.get("typ") != ACCESS_TYPE or not isinstance(claims.get("ver", 0), int):
        raise TokenError(INVALID)
    return claims


# The caller and whether the token was revoked (logout), in one round trip; built once. As
# columns for routes that only read the caller, as a User in the session for the others.
_TOKEN_REVOKED = select(RevokedToken.jti).where(RevokedToken.jti == bindparam("jti")).exists()
_CALLER_FIELDS = ("id", "username", "email", "active", "admin", "created_date", "token_version")
_CALLER_COLUMNS = select(*(getattr(User, field) for field in _CALLER_FIELDS), _TOKEN_REVOKED).where(
    User.id == bindparam("user_id")
)
_CALLER = select(User, _TOKEN_REVOKED).where(User.id == bindparam("user_id"))


def user_for_access_token(*, session: DbSession, token: str, detached: bool = False) -> tuple[User, dict[str, Any]]:
    """The active user a valid, unrevoked access token belongs to (role read fresh from the DB).

    With ``detached``, for routes that only read the caller: the user's columns are read
    outside the session (autocommit.py) into a ``User`` that is not in it, so it must not be
    changed; it costs about half as much as loading the user through the session.
    """
    claims = decode_access_token(token)
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError):
        raise TokenError(INVALID) from None
    if not 0 < user_id < 2**31:
        raise TokenError(INVALID)
    params = {"user_id": user_id, "jti": str(claims["jti"])[:64]}
    user: User
    if detached:
        rows = fetch_all(session, _CALLER_COLUMNS, params)
        if not rows:
            raise TokenError(INVALID)
        *columns, is_revoked = rows[0]
        user = User(**dict(zip(_CALLER_FIELDS, columns, strict=True)))
    else:
        row = session.execute(_CALLER, params).first()
        if row is None:
            raise TokenError(INVALID)
        user, is_revoked = row
    if is_revoked or not user.active or claims.get("ver", 0) != user.token_version:
        raise TokenError(INVALID)
    return user, claims


def revoke_access_token(*, session: DbSession, claims: dict[str, Any]) -> None:
    expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=utcnow().tzinfo)
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if session.get(RevokedToken, claims["jti"]) is None:
        session.add(RevokedToken(jti=claims["jti"], expires_at=expires_at))


# ---- refresh tokens -------------------------------------------------------------------


def _successor_value(settings: Settings, parent: str) -> str:
    """The value that replaces ``parent`` on rotation.

    Deterministic (HMAC of the parent under the server key) so that parallel refreshes
    with the same cookie within the grace window all receive the *same* successor,
    without the server ever storing a refresh value in clear.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), b"refresh successor:" + parent.encode(), hashlib.sha256)
    return digest.hexdigest()


# A plain Core INSERT, built once, not a new ORM object: nothing reads it back in the request,
# and the unit of work (or an ORM-enabled insert built per call) cost several times the statement.
_NEW_SESSION_FIELDS = ("token_hash", "family_id", "user_id", "created_at", "family_expires_at")
_INSERT_REFRESH_TOKEN = (
    insert(RefreshToken.__table__).values({field: bindparam(field) for field in _NEW_SESSION_FIELDS}).inline()
)


def _new_session(user_id: int) -> tuple[dict[str, Any], str]:
    """The refresh-token row that starts a session, and the value that goes in the cookie."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    row = {
        "token_hash": sha256(raw),
        "family_id": secrets.token_hex(16),
        "user_id": user_id,
        "created_at": now,
        "family_expires_at": now + timedelta(seconds=_settings().REFRESH_TOKEN_TTL),
    }
    return row, raw


def start_session(*, session: DbSession, user: User) -> IssuedTokens:
    """A new session (refresh-token family) for ``user``, written in the session's transaction."""
    row, raw = _new_session(user.id)
    session.connection().execute(_INSERT_REFRESH_TOKEN, row)
    access, ttl = issue_access_token(user.id, user.token_version, session_id=row["family_id"])
    return IssuedTokens(access, ttl, raw)


def start_committed_session(*, session: DbSession, user_id: int, token_version: int) -> IssuedTokens:
    """A new session for the user, committed on its own when this returns (autocommit.execute_alone).

    For a login, whose only write it is. Raises IntegrityError when the user no longer exists.
    """
    row, raw = _new_session(user_id)
    execute_alone(session, _INSERT_REFRESH_TOKEN, row)
    access, ttl = issue_access_token(user_id, token_version, session_id=row["family_id"])
    return IssuedTokens(access, ttl, raw)


def revoke_family(*, session: DbSession, family_id: str) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_refresh_value(*, session: DbSession, raw: str | None) -> None:
    if not raw:
        return
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == sha256(raw)))
    if row is not None:
        revoke_family(session=session, family_id=row.family_id)


def rotate_refresh_token(*, session: DbSession, raw: str) -> tuple[User, IssuedTokens]:
    """Exchange a refresh value for a new access token and a new refresh value.

    Reusing a value that was already rotated (outside the short grace window for parallel
    requests) means it was stolen or replayed: the whole session family is revoked.
    """
    settings = _settings()
    now = utcnow()
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == sha256(raw)))
    if row is None or row.revoked_at is not None:
        raise TokenError(INVALID)
    if row.family_expires_at <= now or row.created_at + timedelta(seconds=settings.REFRESH_IDLE_TTL) <= now:
        raise TokenError(EXPIRED)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise TokenError(INVALID)

    successor = _successor_value(settings, raw)
    if row.rotated_at is None:
        claimed = session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == row.id, RefreshToken.rotated_at.is_(None))
            .values(rotated_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            session.add(
                RefreshToken(
                    token_hash=sha256(successor),
                    family_id=row.family_id,
                    user_id=user.id,
                    created_at=now,
                    family_expires_at=row.family_expires_at,
                )
            )
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                raise TokenError(INVALID) from None
            access, ttl = issue_access_token(user.id, user.token_version, session_id=row.family_id)
            return user, IssuedTokens(access, ttl, successor)
        session.refresh(row)

    rotated_at = row.rotated_at or now
    if (now - rotated_at).total_seconds() <= settings.REFRESH_REUSE_GRACE:
        # A parallel request (or a retry after a lost response): same successor, same family.
        access, ttl = issue_access_token(user.id, user.token_version, session_id=row.family_id)
        return user, IssuedTokens(access, ttl, successor)

    revoke_family(session=session, family_id=row.family_id)
    session.commit()
    audit("authn_token_reuse", user_id=user.id, family=row.family_id[:8])
    raise TokenError(INVALID)
