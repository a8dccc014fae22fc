"""Authentication rules: registration, login, logout, password change and reset."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from service_kit.db.database import after_commit
from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..runtime.settings import Settings
from . import devices, events, notices, tokens, two_factor, verification
from .audit import audit
from .errors import EmailNotVerified, InvalidInput, LoginFailed, LoginThrottled, ResetTokenInvalid, TokenRejected
from .mail import send_mail
from .models import Caller, PasswordResetToken, User, utcnow
from .password_policy import password_problems
from .passwords import burn_dummy_hash, hash_password, needs_rehash, verify_password
from .throttle import LoginThrottle, VerificationMailLimit
from .tokens import Client, IssuedTokens, sha256, start_session, start_user_session
from .users import (
    Credentials,
    create_user,
    delete_user,
    get_credentials,
    get_user_by_email,
    lock_active_admins,
    lock_user,
    normalise_email,
    set_password,
)


def register(
    *, session: Session, settings: Settings, username: str, email: str, password: str, client: Client | None = None
) -> tuple[User, IssuedTokens | None]:
    """Create the account and mail it a verification link; its first session, unless a login
    needs a verified address (REQUIRE_VERIFIED_EMAIL): then ``None``, and the owner logs in
    once the link was opened."""
    user = create_user(session=session, settings=settings, username=username, email=email, password=password)
    verification.send_verification(session=session, settings=settings, user=user)
    issued = None
    if not settings.REQUIRE_VERIFIED_EMAIL:
        issued = start_user_session(session=session, settings=settings, user=user, client=client)
    # The first device: later sign-ins from others are told to the owner.
    devices.remember(session=session, user_id=user.id, user_agent=(client.user_agent if client else None) or "")
    audit("user_registered", user_id=user.id)
    return user, issued


def login(
    *,
    connection: Connection,
    settings: Settings,
    throttle: LoginThrottle,
    email: str,
    password: str,
    ip: str,
    client: Client | None = None,
    verification_mails: VerificationMailLimit | None = None,
) -> IssuedTokens | two_factor.MfaRequired:
    """Check the credentials and start a session; ``LoginFailed`` for any bad credential.

    With two-factor login on, a right password gives a challenge for the code instead.
    With REQUIRE_VERIFIED_EMAIL on, a right password of an unverified account gives
    ``EmailNotVerified`` (and a fresh link by mail); a wrong one never tells.
    """
    email = normalise_email(email)
    # Throttle first: a locked account must not cost us a hash computation.
    try:
        throttle.check(email=email, ip=ip)
    except LoginThrottled as throttled:
        audit("login_throttled", retry_after=throttled.retry_after)
        raise
    try:
        found = get_credentials(connection=connection, email=email)
        if found is None:
            # Same work as a real check, so response time does not reveal unknown emails.
            burn_dummy_hash(settings, password)
        issued = None
        if found is not None and verify_password(settings, found.password_hash, password) and found.active:
            if settings.REQUIRE_VERIFIED_EMAIL and not found.email_verified:
                # Only now, after the password: the refusal must not tell a guesser anything.
                throttle.clear_failures(email=email, ip=ip)
                audit("login_refused_unverified", user_id=found.user_id)
                if verification_mails is not None:
                    verification.send_verification_at_login(
                        connection=connection, settings=settings, user_id=found.user_id, limit=verification_mails
                    )
                raise EmailNotVerified
            issued = _start_session(
                connection=connection, settings=settings, found=found, password=password, client=client
            )
        if found is None or issued is None:
            throttle.record_failure(email=email, ip=ip)
            inactive = found is not None and not found.active
            audit(
                "login_failed",
                user_id=found.user_id if found else None,
                reason="inactive" if inactive else "bad_credentials",
            )
            raise LoginFailed
        if isinstance(issued, two_factor.MfaRequired):
            # The failures stay counted until a code is right too: a right password must not
            # reset the count of code guesses (SECURITY row 79).
            audit("login_mfa_required", user_id=found.user_id)
            return issued
        throttle.clear_failures(email=email, ip=ip)
    finally:
        throttle.release(email=email, ip=ip)
    audit("login_succeeded", user_id=found.user_id)
    return issued


def _start_session(
    *, connection: Connection, settings: Settings, found: Credentials, password: str, client: Client | None
) -> IssuedTokens | two_factor.MfaRequired | None:
    """The new session of a successful login (or its two-factor challenge); ``None`` when the
    account was deleted meanwhile.

    A legacy bcrypt (or weaker argon2) hash is upgraded along the way.
    """
    try:
        if needs_rehash(settings, found.password_hash):
            rehashed = connection.execute(
                update(User).where(User.id == found.user_id).values(password_hash=hash_password(settings, password))
            )
            if rehashed.rowcount == 0:
                return None
        if found.two_factor_enabled:
            return two_factor.challenge(connection=connection, user_id=found.user_id)
        return start_session(
            connection=connection,
            settings=settings,
            user_id=found.user_id,
            token_version=found.token_version,
            admin=found.admin,
            client=client,
        )
    except IntegrityError:  # the session's row points at a user that no longer exists
        return None


def logout(
    *, session: Session, claims: dict[str, Any], refresh_value: str | None, traceparent: str | None = None
) -> None:
    """Revoke the access token and end its session (and the one of the refresh cookie sent along)."""
    user_id = int(claims["sub"])
    # Locked first, as a refresh locks it before rotating: a successor minted meanwhile is
    # either ended here, or the refresh sees its session ended.
    lock_user(session=session, user_id=user_id)
    tokens.revoke_access_token(session=session, claims=claims)
    session_id = str(claims["sid"]) if claims.get("sid") else None
    if session_id:
        tokens.revoke_family(session=session, family_id=session_id)
    cookie_session = tokens.revoke_refresh_value(session=session, raw=refresh_value)
    audit("logout", user_id=user_id)
    events.session_revoked(
        session,
        user_id=user_id,
        reason="logout",
        session_id=session_id,
        jti=str(claims["jti"]),
        traceparent=traceparent,
    )
    if cookie_session is not None and cookie_session != session_id:
        events.session_revoked(
            session, user_id=user_id, reason="logout", session_id=cookie_session, traceparent=traceparent
        )


def change_password(
    *,
    session: Session,
    settings: Settings,
    throttle: LoginThrottle,
    caller: Caller,
    current_password: str,
    new_password: str,
    ip: str,
    traceparent: str | None = None,
    client: Client | None = None,
) -> IssuedTokens:
    """Set a new password, ending every session; fresh tokens for the caller's new one.

    A wrong current password is a password guess: it counts against the account like a
    failed login, so a stolen access token cannot guess the password faster than a login.
    """
    problems = password_problems(new_password, username=caller.username, email=caller.email)
    if problems:
        raise InvalidInput("new_password", problems)
    with throttle.guess(email=caller.email, ip=ip, user_id=caller.id, action="password_change"):
        user = session.get(User, caller.id)
        if user is None or not verify_password(settings, user.password_hash, current_password):
            raise InvalidInput("current_password", ["Current password is incorrect."])
    set_password(
        session=session, settings=settings, user=user, password=new_password, reason="password", traceparent=traceparent
    )
    issued = start_user_session(session=session, settings=settings, user=user, client=client)
    audit("password_changed", user_id=user.id)
    notices.password_changed(session=session, settings=settings, username=user.username, to=user.email, by_reset=False)
    return issued


def request_password_reset(*, session: Session, settings: Settings, email: str) -> None:
    """Store a single-use reset token for an active account with that email, and mail its link.

    The link carries the token after ``#``: browsers never send that part to a server, so
    no access log along the way records it (the page reads it and posts it).
    """
    user = get_user_by_email(session=session, email=email)
    if user is None or not user.active:
        audit("password_reset_requested", user_id=None)
        return
    raw = secrets.token_urlsafe(32)
    session.add(
        PasswordResetToken(
            token_hash=sha256(raw),
            user_id=user.id,
            expires_at=utcnow() + timedelta(seconds=settings.PASSWORD_RESET_TTL),
        )
    )
    audit("password_reset_requested", user_id=user.id)
    link = f"{settings.PUBLIC_URL.rstrip('/')}/reset-password#token={raw}"
    minutes = settings.PASSWORD_RESET_TTL // 60
    body = (
        f"Hello {user.username},\n\nSomeone asked to reset the password of your account. "
        f"To choose a new password, open this link within {minutes} minutes:\n\n{link}\n\n"
        "The link works once. If you did not ask for this, ignore this message: "
        "your password stays the same.\n"
    )
    # Only a token that was stored may be mailed.
    to = user.email
    after_commit(
        session, lambda: send_mail(settings, to=to, subject="Reset your password", body=body, background=False)
    )


def confirm_password_reset(
    *, session: Session, settings: Settings, token: str, password: str, traceparent: str | None = None
) -> User:
    row = session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == sha256(token)))
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise ResetTokenInvalid
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise ResetTokenInvalid
    problems = password_problems(password, username=user.username, email=user.email)
    if problems:
        raise InvalidInput("password", problems)
    # Single use: this token and every other outstanding one for the account.
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    set_password(
        session=session, settings=settings, user=user, password=password, reason="reset", traceparent=traceparent
    )
    audit("password_reset_completed", user_id=user.id)
    notices.password_changed(session=session, settings=settings, username=user.username, to=user.email, by_reset=True)
    return user


CODE_NEEDED = "Enter a code of your authenticator app, or a recovery code."


def delete_account(
    *,
    session: Session,
    settings: Settings,
    throttle: LoginThrottle,
    caller: Caller,
    password: str,
    code: str | None,
    ip: str,
    traceparent: str | None = None,
) -> None:
    """Delete the caller's own account: the password, and a code when two-factor login is on.

    A wrong password or code is a guess: it counts against the account like a failed login.
    The last active admin cannot delete itself (``LastAdmin``).
    """
    if caller.admin:
        # The admins first, in the order every admin change takes them: two admins deleting
        # themselves at once must not each hold their own row and wait for the other's.
        lock_active_admins(session)
    user = lock_user(session=session, user_id=caller.id)
    if user is None:
        raise TokenRejected("Invalid token. Please log in again.")
    if user.two_factor_enabled and not code:
        raise InvalidInput("code", [CODE_NEEDED])
    with throttle.guess(email=user.email, ip=ip, user_id=user.id, action="account_delete"):
        if not verify_password(settings, user.password_hash, password):
            raise InvalidInput("password", ["Password is incorrect."])
        if user.two_factor_enabled and not two_factor.check_code(session=session, user=user, code=code or ""):
            raise InvalidInput("code", [two_factor.INVALID_CODE])
    delete_user(session=session, user=user, traceparent=traceparent, audit_event="account_deleted")
