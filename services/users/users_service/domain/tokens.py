"""Access tokens (JWT) and sessions: refresh tokens that are opaque, stored hashed and rotated
on every use. A session is one chain ("family") of refresh tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from service_kit.tokens import VerifiedTokens
from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..runtime.settings import Settings
from . import events
from .audit import audit
from .errors import RefreshTokenReused, TokenRejected
from .models import Caller, RefreshToken, RevokedToken, User, utcnow
from .users import MAX_ID, lock_user

ALGORITHM = "EdDSA"  # pinned: the decoder never trusts the token's own "alg" header
ACCESS_TYPE = "access"
EXPIRED = "Signature expired. Please log in again."
INVALID = "Invalid token. Please log in again."
# Headers that would make a careless verifier fetch or choose keys from the token itself:
# refused outright (SECURITY row 80). "kid" is allowed, and only ever looked up in our own set.
_FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "crit"})
_REQUIRED_CLAIMS = ["exp", "iat", "nbf", "sub", "jti", "iss", "aud", "typ"]


@dataclass(frozen=True)
class Client:
    """What the owner of a session is shown to recognise it: the browser and the address
    (as seen through TRUSTED_PROXIES) of its latest use."""

    user_agent: str | None = None
    address: str | None = None

    def clipped(self) -> dict[str, str | None]:
        return {
            "user_agent": self.user_agent[:USER_AGENT_MAX] if self.user_agent else None,
            "address": self.address[:64] if self.address else None,
        }


USER_AGENT_MAX = 256


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str
    user_id: int


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# ---- access tokens --------------------------------------------------------------------


def issue_access_token(
    settings: Settings, user_id: int, token_version: int, *, admin: bool, session_id: str | None = None
) -> tuple[str, int]:
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
        # What the account was when the token was issued, for services that cannot ask;
        # this service reads the role from its database on every request.
        "admin": admin,
    }
    if session_id:
        claims["sid"] = session_id
    key = settings.signing_keys.current
    token = jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"typ": "JWT", "kid": key.kid})
    return token, ttl


def decode_access_token(settings: Settings, token: str) -> dict[str, Any]:
    """The claims of a valid access token of ours (the full check, nothing remembered)."""
    return _verify(settings, token)[2]


def verified_tokens(settings: Settings) -> VerifiedTokens[Ed25519PublicKey]:
    """The process's remembered tokens: the signature is checked once per token, while the
    account and the revocations are read on every request (``caller_for_access_token``)."""
    keys = settings.signing_keys
    return VerifiedTokens(lambda token: _verify(settings, token), keys.verifying)


def _verify(settings: Settings, token: str) -> tuple[str, Ed25519PublicKey, dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
        # The key is found by name in our own set, or the token is refused: no key ever
        # comes from the token (jku, x5u, jwk, x5c), and an unknown kid is no key at all.
        if header.get("alg") != ALGORITHM or _FORBIDDEN_HEADERS & set(header):
            raise TokenRejected(INVALID)
        kid = header.get("kid")
        key = settings.signing_keys.verifying(kid)
        if key is None or not isinstance(kid, str):
            raise TokenRejected(INVALID)
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=settings.JWT_AUDIENCE,
            issuer=settings.JWT_ISSUER,
            options={"require": _REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise TokenRejected(EXPIRED) from None
    except jwt.InvalidTokenError:
        # Not a JWT at all ("not.a.token"), a bad signature, a foreign issuer or audience...
        raise TokenRejected(INVALID) from None
    if claims.get("typ") != ACCESS_TYPE or not isinstance(claims.get("ver", 0), int):
        raise TokenRejected(INVALID)
    return kid, key, claims


# The caller, and whether the token or its whole session was revoked, in one round trip.
_CALLER_FIELDS = (
    "id",
    "username",
    "email",
    "active",
    "admin",
    "created_date",
    "token_version",
    "two_factor_enabled",
    "email_verified",
)
_CALLER = select(
    *(getattr(User, field) for field in _CALLER_FIELDS),
    select(RevokedToken.jti).where(RevokedToken.jti == bindparam("jti")).exists(),
    select(RefreshToken.id)
    .where(RefreshToken.family_id == bindparam("sid"), RefreshToken.revoked_at.is_not(None))
    .exists(),
).where(User.id == bindparam("user_id"))


def caller_for_access_token(
    *, connection: Connection, tokens: VerifiedTokens[Ed25519PublicKey], token: str
) -> tuple[Caller, dict[str, Any]]:
    """The active account a valid, unrevoked access token belongs to, and the token's claims."""
    claims = tokens.claims(token)
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError):
        raise TokenRejected(INVALID) from None
    if not 0 < user_id <= MAX_ID:
        raise TokenRejected(INVALID)
    params = {"user_id": user_id, "jti": str(claims["jti"])[:64], "sid": str(claims.get("sid", ""))[:64]}
    row = connection.execute(_CALLER, params).first()
    if row is None:
        raise TokenRejected(INVALID)
    *columns, token_revoked, session_ended = row
    caller = Caller(*columns)
    # A session that ended (logout, reuse detection) takes its access tokens with it at once.
    if token_revoked or session_ended or not caller.active or claims.get("ver", 0) != caller.token_version:
        raise TokenRejected(INVALID)
    return caller, claims


def revoke_access_token(*, session: Session, claims: dict[str, Any]) -> None:
    expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=utcnow().tzinfo)
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if session.get(RevokedToken, claims["jti"]) is None:
        session.add(RevokedToken(jti=claims["jti"], expires_at=expires_at))


# ---- sessions (refresh tokens) ----------------------------------------------------------


def _successor_value(settings: Settings, parent: str) -> str:
    """The value that replaces ``parent`` on rotation.

    Deterministic (HMAC of the parent under the server key) so that parallel refreshes
    with the same cookie within the grace window all receive the *same* successor,
    without the server ever storing a refresh value in clear.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), b"refresh successor:" + parent.encode(), hashlib.sha256)
    return digest.hexdigest()


# A Core INSERT built once: nothing reads the new row back within the request.
_NEW_SESSION_FIELDS = (
    "token_hash",
    "family_id",
    "user_id",
    "created_at",
    "family_expires_at",
    "session_started_at",
    "user_agent",
    "address",
)
_INSERT_REFRESH_TOKEN = insert(RefreshToken).values({field: bindparam(field) for field in _NEW_SESSION_FIELDS})


def start_session(
    *,
    connection: Connection,
    settings: Settings,
    user_id: int,
    token_version: int,
    admin: bool,
    client: Client | None = None,
) -> IssuedTokens:
    """A new session for the user: its first refresh token, and an access token bound to it.

    Raises ``IntegrityError`` when the user no longer exists.
    """
    raw = secrets.token_urlsafe(32)
    family_id = secrets.token_hex(16)
    now = utcnow()
    row = {
        "token_hash": sha256(raw),
        "family_id": family_id,
        "user_id": user_id,
        "created_at": now,
        "family_expires_at": now + timedelta(seconds=settings.REFRESH_TOKEN_TTL),
        "session_started_at": now,
        **(client or Client()).clipped(),
    }
    connection.execute(_INSERT_REFRESH_TOKEN, row)
    access, ttl = issue_access_token(settings, user_id, token_version, admin=admin, session_id=family_id)
    return IssuedTokens(access, ttl, raw, user_id)


def start_user_session(*, session: Session, settings: Settings, user: User, client: Client | None) -> IssuedTokens:
    """A new session for a loaded user, in the unit of work's transaction."""
    return start_session(
        connection=session.connection(),
        settings=settings,
        user_id=user.id,
        token_version=user.token_version,
        admin=user.admin,
        client=client,
    )


def revoke_family(*, session: Session, family_id: str) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_refresh_value(*, session: Session, raw: str | None) -> str | None:
    """End the session of a refresh value; its id, or None when the value is no session's."""
    if not raw:
        return None
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == sha256(raw)))
    if row is None:
        return None
    revoke_family(session=session, family_id=row.family_id)
    return row.family_id


def rotate_refresh_token(
    *, session: Session, settings: Settings, raw: str, traceparent: str | None = None, client: Client | None = None
) -> tuple[User, IssuedTokens]:
    """Exchange a refresh value for a new access token and a new refresh value.

    Reusing a value that was already rotated (outside the short grace window for parallel
    requests) means it was stolen or replayed: the whole session is revoked.
    """
    now = utcnow()
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == sha256(raw)))
    if row is None:
        raise TokenRejected(INVALID)
    # The account row is locked before anything is decided, as a password change or a
    # deactivation locks it before ending sessions: a successor minted here is either seen
    # and revoked by that change, or this sees the change and refuses.
    user = lock_user(session=session, user_id=row.user_id)
    session.refresh(row)
    if user is None or not user.active or row.revoked_at is not None:
        raise TokenRejected(INVALID)
    if row.family_expires_at <= now or row.created_at + timedelta(seconds=settings.REFRESH_IDLE_TTL) <= now:
        raise TokenRejected(EXPIRED)

    successor = _successor_value(settings, raw)
    if row.rotated_at is None:
        claimed = session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == row.id, RefreshToken.rotated_at.is_(None))
            .values(rotated_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            seen = (client or Client()).clipped()
            session.add(
                RefreshToken(
                    token_hash=sha256(successor),
                    family_id=row.family_id,
                    user_id=user.id,
                    created_at=now,
                    family_expires_at=row.family_expires_at,
                    session_started_at=row.session_started_at or row.created_at,
                    user_agent=seen["user_agent"] or row.user_agent,
                    address=seen["address"] or row.address,
                )
            )
            try:
                session.flush()
            except IntegrityError:
                raise TokenRejected(INVALID) from None
            access, ttl = issue_access_token(
                settings, user.id, user.token_version, admin=user.admin, session_id=row.family_id
            )
            return user, IssuedTokens(access, ttl, successor, user.id)
        session.refresh(row)

    rotated_at = row.rotated_at or now
    if (now - rotated_at).total_seconds() <= settings.REFRESH_REUSE_GRACE:
        # A parallel request (or a retry after a lost response): same successor, same family.
        access, ttl = issue_access_token(
            settings, user.id, user.token_version, admin=user.admin, session_id=row.family_id
        )
        return user, IssuedTokens(access, ttl, successor, user.id)

    revoke_family(session=session, family_id=row.family_id)
    audit("authn_token_reuse", user_id=user.id, family=row.family_id[:8])
    events.session_revoked(session, user_id=user.id, reason="reuse", session_id=row.family_id, traceparent=traceparent)
    raise RefreshTokenReused(INVALID)


# ---- the owner's view of their sessions ---------------------------------------------------


@dataclass(frozen=True)
class ActiveSession:
    id: str
    created: datetime
    last_used: datetime
    user_agent: str | None
    address: str | None


def list_sessions(*, connection: Connection, settings: Settings, user_id: int) -> list[ActiveSession]:
    """The user's sessions that can still refresh, most recently used first.

    A session is shown by its latest link (the one not rotated yet): its ``created_at`` is
    the session's last refresh or its start.
    """
    now = utcnow()
    rows = connection.execute(
        select(
            RefreshToken.family_id,
            RefreshToken.session_started_at,
            RefreshToken.created_at,
            RefreshToken.user_agent,
            RefreshToken.address,
        )
        .where(
            RefreshToken.user_id == user_id,
            RefreshToken.revoked_at.is_(None),
            RefreshToken.rotated_at.is_(None),
            RefreshToken.family_expires_at > now,
            RefreshToken.created_at > now - timedelta(seconds=settings.REFRESH_IDLE_TTL),
        )
        .order_by(RefreshToken.created_at.desc(), RefreshToken.id.desc())
    ).all()
    return [
        ActiveSession(
            id=family_id,
            created=started or last_used,
            last_used=last_used,
            user_agent=user_agent,
            address=address,
        )
        for family_id, started, last_used, user_agent, address in rows
    ]


def end_sessions(
    *,
    session: Session,
    user_id: int,
    session_ids: list[str] | None = None,
    keep: str | None = None,
    traceparent: str | None = None,
) -> list[str]:
    """End the user's sessions ``session_ids`` (all of them when None) except ``keep``; the
    ids of those that ended. Their access tokens are refused from now on (the sid check of
    ``caller_for_access_token``), here and, through ``session.revoked``, in other services.
    """
    # Locked first, as a refresh locks it before rotating: a successor minted meanwhile is
    # either ended here, or the refresh sees its session ended.
    lock_user(session=session, user_id=user_id)
    query = select(RefreshToken.family_id).where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
    if session_ids is not None:
        query = query.where(RefreshToken.family_id.in_(session_ids))
    if keep is not None:
        query = query.where(RefreshToken.family_id != keep)
    families = sorted(set(session.scalars(query)))
    for family_id in families:
        revoke_family(session=session, family_id=family_id)
        events.session_revoked(session, user_id=user_id, reason="ended", session_id=family_id, traceparent=traceparent)
        audit("session_ended", user_id=user_id, session=family_id[:8])
    return families


def end_sessions_as_admin(
    *, session: Session, actor_id: int, user_id: int, traceparent: str | None = None
) -> list[str]:
    """An admin ends every session of an account (a lost laptop, a suspected takeover):
    each ends as if its owner had ended it, and the admin's act is audited too."""
    ended = end_sessions(session=session, user_id=user_id, traceparent=traceparent)
    audit("sessions_ended_by_admin", actor_id=actor_id, user_id=user_id, count=len(ended))
    return ended
