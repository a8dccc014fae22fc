"""Authentication rules: registration, login, password change and reset."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import DbSession
from ..logging_setup import audit
from ..models import PasswordResetToken, User, utcnow
from ..passwords import burn_dummy_hash, hash_password, needs_rehash, verify_password
from ..passwords_policy import password_problems
from ..schemas import normalise_email
from ..settings import Settings
from . import throttle
from .mail import send_mail
from .tokens import IssuedTokens, sha256, start_committed_session, start_session
from .users import Credentials, create_user, end_sessions, get_credentials, get_user_by_email, set_password


class LoginFailed(Exception):
    """Any bad credential: unknown email, wrong password, deactivated account."""


@dataclass(frozen=True)
class LoginThrottled(Exception):
    retry_after: int


class ResetTokenInvalid(Exception):
    pass


def _settings() -> Settings:
    return current_app.extensions["settings"]  # type: ignore[no-any-return]


def register(*, session: DbSession, username: str, email: str, password: str) -> tuple[User, IssuedTokens]:
    user = create_user(session=session, username=username, email=email, password=password)
    tokens = start_session(session=session, user=user)
    session.commit()
    audit("user_registered", user_id=user.id)
    return user, tokens


def login(*, session: DbSession, email: str, password: str, ip: str) -> IssuedTokens:
    email = normalise_email(email)
    # Throttle first: a locked account must not cost us a hash computation.
    blocked = throttle.check_login_allowed(email=email, ip=ip)
    if blocked:
        audit("login_throttled", retry_after=blocked.retry_after)
        raise LoginThrottled(blocked.retry_after)
    try:
        found = get_credentials(session=session, email=email)
        if found is None:
            # Same work as a real check, so response time does not reveal unknown emails.
            burn_dummy_hash(password)
            ok = False
        else:
            ok = verify_password(found.password_hash, password) and found.active
        if not ok or found is None:
            _login_failed(email=email, ip=ip, found=found)
        throttle.clear_login_failures(email=email, ip=ip)
        tokens: IssuedTokens | None
        try:
            if needs_rehash(found.password_hash):
                tokens = _rehash_and_start_session(session=session, user_id=found.user_id, password=password)
            else:
                tokens = start_committed_session(
                    session=session, user_id=found.user_id, token_version=found.token_version
                )
        except IntegrityError:  # the account was deleted since it was read
            session.rollback()
            tokens = None
        if tokens is None:
            _login_failed(email=email, ip=ip, found=None)
    finally:
        throttle.release_login_attempt(email=email, ip=ip)
    audit("login_succeeded", user_id=found.user_id)
    return tokens


def _login_failed(*, email: str, ip: str, found: Credentials | None) -> NoReturn:
    throttle.record_login_failure(email=email, ip=ip)
    audit(
        "login_failed",
        user_id=found.user_id if found else None,
        reason="inactive" if found is not None and not found.active else "bad_credentials",
    )
    raise LoginFailed


def _rehash_and_start_session(*, session: DbSession, user_id: int, password: str) -> IssuedTokens | None:
    """Upgrade a legacy bcrypt (or weaker argon2) hash, in the same transaction as the new
    session; ``None`` when the account no longer exists."""
    user = session.get(User, user_id)
    if user is None:
        return None
    user.password_hash = hash_password(password)
    tokens = start_session(session=session, user=user)
    session.commit()
    return tokens


def change_password(*, session: DbSession, user: User, current_password: str, new_password: str) -> IssuedTokens | None:
    """Returns fresh tokens for the caller's session; ``None`` when ``current_password`` is wrong."""
    if not verify_password(user.password_hash, current_password):
        audit("password_change_failed", user_id=user.id)
        return None
    set_password(session=session, user=user, password=new_password)
    tokens = start_session(session=session, user=user)
    session.commit()
    audit("password_changed", user_id=user.id)
    return tokens


def request_password_reset(*, session: DbSession, email: str) -> None:
    settings = _settings()
    user = get_user_by_email(session=session, email=email)
    if user is None or not user.active:
        burn_dummy_hash(email)
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
    session.commit()
    audit("password_reset_requested", user_id=user.id)
    link = f"{settings.PUBLIC_URL.rstrip('/')}/reset-password?token={raw}"
    minutes = settings.PASSWORD_RESET_TTL // 60
    send_mail(
        settings,
        to=user.email,
        subject="Reset your password",
        body=(
            f"Hello {user.username},\n\nSomeone asked to reset the password of your account. "
            f"To choose a new password, open this link within {minutes} minutes:\n\n{link}\n\n"
            "The link works once. If you did not ask for this, ignore this message: "
            "your password stays the same.\n"
        ),
    )


def confirm_password_reset(*, session: DbSession, token: str, password: str) -> User:
    row = session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == sha256(token)))
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise ResetTokenInvalid
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise ResetTokenInvalid
    problems = password_problems(password, username=user.username, email=user.email)
    if problems:
        raise ValueError(problems)
    # Single use: this token and every other outstanding one for the account.
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    set_password(session=session, user=user, password=password)
    session.commit()
    audit("password_reset_completed", user_id=user.id)
    return user


def deactivate(*, session: DbSession, user: User) -> None:
    user.active = False
    end_sessions(session=session, user=user)
