"""Verified emails: the single-use links that prove an account owns an address.

One kind of link serves two purposes. Its row names the address it was mailed to: when that
is the account's address, opening it verifies the address; when it differs, it is a pending
email change, and opening it makes that address the account's (verified, since the link
reached it). Only the SHA-256 of a link's token is stored, as for reset links.

Links carry the token after ``#``: browsers never send that part to a server, so no access
log along the way records it (the page reads it and posts it).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from service_kit.db.database import after_commit
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from ..runtime.settings import Settings
from .audit import audit
from .errors import DuplicateUser, EmailAlreadyVerified, EmailTokenInvalid, VerificationMailsThrottled
from .mail import send_mail
from .models import EmailToken, User, utcnow
from .throttle import VerificationMailLimit


def sha256(value: str) -> str:
    # As tokens.sha256 (which imports the account rules, as they import this module).
    return hashlib.sha256(value.encode()).hexdigest()


# How long a mailed link works.
LINK_TTL = timedelta(hours=24)


def _verification_body(username: str, link: str) -> str:
    return (
        f"Hello {username},\n\nPlease confirm that this is your email address by opening this link "
        f"within 24 hours:\n\n{link}\n\nThe link works once. If you did not create an account, ignore this message.\n"
    )


def _new_link(*, session: Session, settings: Settings, user: User, email: str) -> str:
    """Store a token for ``email`` (earlier unused links of the account for it stop working)
    and answer the link that carries it."""
    now = utcnow()
    session.execute(
        update(EmailToken).where(EmailToken.user_id == user.id, EmailToken.used_at.is_(None)).values(used_at=now)
    )
    raw = secrets.token_urlsafe(32)
    session.add(EmailToken(token_hash=sha256(raw), user_id=user.id, email=email, expires_at=now + LINK_TTL))
    return f"{settings.PUBLIC_URL.rstrip('/')}/verify-email#token={raw}"


def _mail(*, session: Session, settings: Settings, to: str, subject: str, body: str) -> None:
    # Only a token that was stored may be mailed.
    after_commit(session, lambda: send_mail(settings, to=to, subject=subject, body=body))


def send_verification(*, session: Session, settings: Settings, user: User) -> None:
    """Mail a link that verifies the account's current address."""
    link = _new_link(session=session, settings=settings, user=user, email=user.email)
    body = _verification_body(user.username, link)
    _mail(session=session, settings=settings, to=user.email, subject="Verify your email address", body=body)
    audit("email_verification_sent", user_id=user.id)


def send_verification_at_login(
    *, connection: Connection, settings: Settings, user_id: int, limit: VerificationMailLimit
) -> None:
    """A login refused for an unverified address mails a fresh link (within the per-account
    limit, silently beyond it): an owner whose link expired has no other way to a new one,
    since the resend endpoint needs a login."""
    try:
        limit.count(user_id)
    except VerificationMailsThrottled:
        return
    row = connection.execute(select(User.username, User.email).where(User.id == user_id)).first()
    if row is None:
        return
    username, email = row
    now = utcnow()
    connection.execute(
        update(EmailToken).where(EmailToken.user_id == user_id, EmailToken.used_at.is_(None)).values(used_at=now)
    )
    raw = secrets.token_urlsafe(32)
    connection.execute(
        insert(EmailToken).values(
            token_hash=sha256(raw), user_id=user_id, email=email, expires_at=now + LINK_TTL, used_at=None
        )
    )
    link = f"{settings.PUBLIC_URL.rstrip('/')}/verify-email#token={raw}"
    send_mail(settings, to=email, subject="Verify your email address", body=_verification_body(username, link))
    audit("email_verification_sent", user_id=user_id)


def resend_verification(*, session: Session, settings: Settings, user: User, limit: VerificationMailLimit) -> None:
    """Mail the verification link again: 409 when there is nothing to verify, 429 past the limit."""
    if user.email_verified:
        raise EmailAlreadyVerified
    limit.count(user.id)
    send_verification(session=session, settings=settings, user=user)


def request_email_change(*, session: Session, settings: Settings, user: User, new_email: str) -> None:
    """Mail the new address a link that makes it the account's; nothing changes until then."""
    link = _new_link(session=session, settings=settings, user=user, email=new_email)
    body = (
        f"Hello {user.username},\n\nSomeone signed in to your account asked to make {new_email} its email "
        f"address. To confirm the change, open this link within 24 hours:\n\n{link}\n\n"
        "The link works once. If you did not ask for this, ignore this message: nothing changes.\n"
    )
    _mail(session=session, settings=settings, to=new_email, subject="Confirm your new email address", body=body)
    audit("email_change_requested", user_id=user.id)


def expire_email_changes(*, session: Session, user: User) -> None:
    """Pending email changes of the account stop working (its password changed, it was
    deactivated): whoever asked for one may no longer be its owner."""
    session.execute(
        update(EmailToken)
        .where(EmailToken.user_id == user.id, EmailToken.used_at.is_(None), EmailToken.email != user.email)
        .values(used_at=utcnow())
    )


def confirm(*, session: Session, token: str) -> tuple[User, str | None]:
    """Use a link: the account, and its previous address when the link changed it.

    ``EmailTokenInvalid`` for an unknown, used, expired or superseded link, and for a link
    that no longer matches the account; ``DuplicateUser`` when the new address was taken
    meanwhile (the link then stays usable, should the other account let it go).
    """
    row = session.scalar(select(EmailToken).where(EmailToken.token_hash == sha256(token)).with_for_update())
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise EmailTokenInvalid
    user = session.get(User, row.user_id, with_for_update=True, populate_existing=True)
    if user is None or not user.active:
        raise EmailTokenInvalid
    old_email = user.email
    if row.email != old_email:
        taken = session.scalar(select(User.id).where(User.email == row.email, User.id != user.id))
        if taken is not None:
            raise DuplicateUser("email")
        user.email = row.email
    user.email_verified = True
    # Single use: this link and every other outstanding one of the account.
    session.execute(
        update(EmailToken).where(EmailToken.user_id == user.id, EmailToken.used_at.is_(None)).values(used_at=now)
    )
    if row.email != old_email:
        audit("email_changed", user_id=user.id, by_admin=False, actor_id=user.id)
        return user, old_email
    audit("email_verified", user_id=user.id)
    return user, None
