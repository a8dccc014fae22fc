"""Two-factor login: TOTP codes (RFC 6238) and single-use recovery codes.

A login whose password is right, on an account with two-factor on, gets a short-lived,
single-use challenge (``mfa_token``) instead of a session; the challenge and a code then
start the session. Wrong codes count against the account like wrong passwords (the same
``LoginThrottle``), and a right password alone never clears that count: otherwise logging
in again would reset the number of code guesses (SECURITY row 79).
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.orm import Session

from ..runtime.settings import Settings
from . import notices
from .audit import audit
from .errors import (
    InvalidInput,
    MfaTokenInvalid,
    TokenRejected,
    TwoFactorCodeRejected,
    TwoFactorConflict,
)
from .models import Caller, MfaChallenge, RecoveryCode, TotpSecret, User, utcnow
from .passwords import verify_password
from .throttle import LoginThrottle
from .tokens import Client, IssuedTokens, sha256, start_user_session
from .users import lock_user

MFA_TOKEN_TTL = 300
RECOVERY_CODE_COUNT = 10
# Codes a step early or late still count, for clocks that drift (RFC 6238, 5.2).
ALLOWED_DRIFT_STEPS = 1
_TOTP_CODE = re.compile(r"[0-9]{6}")
# 16 hex digits (64 random bits), shown in groups of four; dashes and spaces are ignored.
_RECOVERY_CODE = re.compile(r"[0-9a-f]{16}")
ALREADY_ON = "Two-factor login is already on."
NOT_ON = "Two-factor login is not on."
NOT_STARTED = "Start the two-factor setup first."
INVALID_CODE = "Invalid code."


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str


@dataclass(frozen=True)
class MfaRequired:
    """A login whose password was right and which now needs a code."""

    mfa_token: str
    expires_in: int


def _account(session: Session, caller: Caller) -> User:
    # Locked: the secret, its last step and the recovery codes change one request at a time.
    user = lock_user(session=session, user_id=caller.id)
    if user is None:
        raise TokenRejected("Invalid token. Please log in again.")
    return user


def start_setup(*, session: Session, settings: Settings, caller: Caller) -> Enrolment:
    """A new pending secret for the caller; it takes effect once a code confirms it."""
    user = _account(session, caller)
    if user.two_factor_enabled:
        raise TwoFactorConflict(ALREADY_ON)
    secret = pyotp.random_base32()
    session.execute(delete(TotpSecret).where(TotpSecret.user_id == user.id))
    session.add(TotpSecret(user_id=user.id, secret=secret, created_at=utcnow(), last_step=None))
    audit("2fa_setup_started", user_id=user.id)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=settings.TWO_FACTOR_ISSUER)
    return Enrolment(secret=secret, otpauth_uri=uri)


def confirm_setup(
    *, session: Session, settings: Settings, throttle: LoginThrottle, caller: Caller, code: str, ip: str
) -> list[str]:
    """Turn two-factor login on with a code of the pending secret; the recovery codes, in clear
    this once (only their hashes are stored)."""
    user = _account(session, caller)
    if user.two_factor_enabled:
        raise TwoFactorConflict(ALREADY_ON)
    totp = session.get(TotpSecret, user.id)
    if totp is None:
        raise TwoFactorConflict(NOT_STARTED)
    with throttle.guess(email=user.email, ip=ip, user_id=user.id, action="2fa"):
        if not _accept_totp(totp, code):
            raise InvalidInput("code", [INVALID_CODE])
    user.two_factor_enabled = True
    codes = _new_recovery_codes(session, user.id)
    audit("2fa_enabled", user_id=user.id)
    notices.two_factor_changed(
        session=session, settings=settings, username=user.username, to=user.email, enabled=True, by_admin=False
    )
    return codes


def disable(
    *, session: Session, settings: Settings, throttle: LoginThrottle, caller: Caller, password: str, code: str, ip: str
) -> None:
    """Turn two-factor login off: the password and a code (or a recovery code) are both needed."""
    user = _account(session, caller)
    if not user.two_factor_enabled:
        raise TwoFactorConflict(NOT_ON)
    with throttle.guess(email=user.email, ip=ip, user_id=user.id, action="2fa"):
        if not verify_password(settings, user.password_hash, password):
            raise InvalidInput("password", ["Password is incorrect."])
        if not check_code(session=session, user=user, code=code):
            raise InvalidInput("code", [INVALID_CODE])
    _remove(session, user)
    audit("2fa_disabled", user_id=user.id)
    notices.two_factor_changed(
        session=session, settings=settings, username=user.username, to=user.email, enabled=False, by_admin=False
    )


def check_code(*, session: Session, user: User, code: str) -> bool:
    """Whether ``code`` is a fresh TOTP code or an unused recovery code of the account (spent if so)."""
    totp = session.get(TotpSecret, user.id)
    return (totp is not None and _accept_totp(totp, code)) or _use_recovery_code(session, user.id, code)


def reset(*, session: Session, settings: Settings, actor: Caller, user: User) -> None:
    """An admin turns a user's two-factor login off (a lost phone and lost recovery codes)."""
    # Locked, as a login's second step locks it: a code checked meanwhile waits for this.
    lock_user(session=session, user_id=user.id)
    was_on = user.two_factor_enabled
    _remove(session, user)
    audit("2fa_reset", user_id=user.id, actor_id=actor.id, was_enabled=was_on)
    if was_on:
        notices.two_factor_changed(
            session=session, settings=settings, username=user.username, to=user.email, enabled=False, by_admin=True
        )


def _remove(session: Session, user: User) -> None:
    for model in (TotpSecret, RecoveryCode, MfaChallenge):
        session.execute(delete(model).where(model.user_id == user.id))
    user.two_factor_enabled = False


# ---- the second step of a login ---------------------------------------------------------


def challenge(*, connection: Connection, user_id: int) -> MfaRequired:
    """Store a new single-use challenge for ``user_id`` (its hash only) and hand out its value."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    # The account's expired challenges go as new ones come: the table stays small.
    connection.execute(delete(MfaChallenge).where(MfaChallenge.user_id == user_id, MfaChallenge.expires_at <= now))
    connection.execute(
        insert(MfaChallenge).values(
            token_hash=sha256(raw), user_id=user_id, expires_at=now + timedelta(seconds=MFA_TOKEN_TTL)
        )
    )
    return MfaRequired(mfa_token=raw, expires_in=MFA_TOKEN_TTL)


def verify(
    *,
    session: Session,
    settings: Settings,
    throttle: LoginThrottle,
    mfa_token: str,
    code: str | None,
    recovery_code: str | None,
    ip: str,
    client: Client | None = None,
) -> IssuedTokens:
    """The session of a login whose challenge and code are right."""
    now = utcnow()
    found = session.scalar(select(MfaChallenge).where(MfaChallenge.token_hash == sha256(mfa_token)))
    if found is None or found.used_at is not None or found.expires_at <= now:
        raise MfaTokenInvalid
    user = lock_user(session=session, user_id=found.user_id)
    if user is None or not user.active or not user.two_factor_enabled:
        raise MfaTokenInvalid
    totp = session.get(TotpSecret, user.id)
    with throttle.guess(email=user.email, ip=ip, user_id=user.id, action="2fa"):
        if recovery_code is not None:
            if not _use_recovery_code(session, user.id, recovery_code):
                raise TwoFactorCodeRejected
            audit("recovery_code_used", user_id=user.id)
        elif code is None or totp is None or not _accept_totp(totp, code):
            raise TwoFactorCodeRejected
        # Single use, also against a parallel request with the same challenge.
        claimed = session.execute(
            update(MfaChallenge)
            .where(MfaChallenge.id == found.id, MfaChallenge.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise MfaTokenInvalid
    issued = start_user_session(session=session, settings=settings, user=user, client=client)
    audit("login_succeeded", user_id=user.id, second_factor="recovery_code" if recovery_code is not None else "totp")
    return issued


# ---- codes ----------------------------------------------------------------------------


def _accept_totp(totp: TotpSecret, code: str) -> bool:
    """Whether ``code`` is the secret's code of a time step near now that was not used yet;
    the step is then remembered, so the same code is refused for the rest of its window."""
    code = code.strip().replace(" ", "")
    if not _TOTP_CODE.fullmatch(code):
        return False
    otp = pyotp.TOTP(totp.secret)
    current = int(time.time()) // otp.interval
    for step in range(current - ALLOWED_DRIFT_STEPS, current + ALLOWED_DRIFT_STEPS + 1):
        if hmac.compare_digest(otp.generate_otp(step), code):
            if totp.last_step is not None and step <= totp.last_step:
                return False
            totp.last_step = step
            return True
    return False


def _normalise_recovery_code(value: str) -> str:
    return value.strip().lower().replace("-", "").replace(" ", "")


def _use_recovery_code(session: Session, user_id: int, value: str) -> bool:
    """Spend one unused recovery code of the account; whether there was one."""
    code = _normalise_recovery_code(value)
    if not _RECOVERY_CODE.fullmatch(code):
        return False
    spent = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == sha256(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(spent.rowcount == 1)  # type: ignore[attr-defined]


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [secrets.token_hex(8) for _ in range(RECOVERY_CODE_COUNT)]
    # SHA-256 is enough: each code is 64 random bits, and guesses are throttled.
    session.add_all(RecoveryCode(user_id=user_id, code_hash=sha256(code)) for code in codes)
    return ["-".join(code[i : i + 4] for i in range(0, 16, 4)) for code in codes]
