"""Mail that tells an account's owner about a change to its security, sent once the change stands.

Each notice has a plain-text part and an HTML part with the same sentences. Every value that
comes from a user or a request (a username, an address, a user agent) is escaped in the HTML
part. No notice ever holds a password, a code, a token or a link that acts on the account.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from service_kit.db.database import after_commit
from sqlalchemy.orm import Session

from ..runtime.settings import Settings
from .mail import send_mail

_NOT_YOU = "If this was not you, change your password at once and contact the site's administrators."


def render(*, username: str, paragraphs: Sequence[str]) -> tuple[str, str]:
    """The text and the HTML part of a notice to ``username`` (paragraphs are plain text)."""
    lines = [f"Hello {username},", *paragraphs]
    text = "\n\n".join(lines) + "\n"
    body = "".join("<p>" + escape(line).replace("\n", "<br>") + "</p>" for line in lines)
    html = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body>{body}</body></html>'
    return text, html


def _send_after_commit(
    session: Session, settings: Settings, *, to: str, subject: str, username: str, paragraphs: Sequence[str]
) -> None:
    text, html = render(username=username, paragraphs=paragraphs)
    after_commit(session, lambda: send_mail(settings, to=to, subject=subject, body=text, html=html))


def email_changed(*, session: Session, settings: Settings, username: str, old: str, new: str, by_admin: bool) -> None:
    """To the old address: a change the owner did not make is their cue to act."""
    who = "An administrator" if by_admin else "Someone signed in to your account"
    paragraphs = [
        f"{who} changed the email address of your account from {old} to {new}.",
        "If this was you, there is nothing to do. If it was not, reply to this message or contact "
        "the site's administrators at once: whoever changed it can now reset your password.",
    ]
    _send_after_commit(
        session, settings, to=old, subject="Your email address was changed", username=username, paragraphs=paragraphs
    )


def password_changed(*, session: Session, settings: Settings, username: str, to: str, by_reset: bool) -> None:
    how = "with a password-reset link" if by_reset else "from a signed-in session"
    paragraphs = [
        f"The password of your account was changed {how}. Every other session was signed out.",
        f"If this was you, there is nothing to do. {_NOT_YOU}",
    ]
    _send_after_commit(
        session, settings, to=to, subject="Your password was changed", username=username, paragraphs=paragraphs
    )


def two_factor_changed(
    *, session: Session, settings: Settings, username: str, to: str, enabled: bool, by_admin: bool
) -> None:
    if enabled:
        subject = "Two-factor login was turned on"
        what = "Two-factor login was turned on for your account: signing in now needs a code as well."
    elif by_admin:
        subject = "Two-factor login was reset"
        what = "An administrator turned two-factor login off for your account: signing in needs only the password."
    else:
        subject = "Two-factor login was turned off"
        what = "Two-factor login was turned off for your account: signing in needs only the password."
    paragraphs = [what, f"If this was you (or you asked for it), there is nothing to do. {_NOT_YOU}"]
    _send_after_commit(session, settings, to=to, subject=subject, username=username, paragraphs=paragraphs)


def new_device(
    *,
    session: Session,
    settings: Settings,
    username: str,
    to: str,
    user_agent: str,
    address: str,
    when: datetime,
) -> None:
    paragraphs = [
        "Your account was signed in to from a device or browser it was not used from before.",
        f"Device: {user_agent or 'unknown'}\nAddress: {address}\nTime: {when:%Y-%m-%d %H:%M} UTC",
        f"If this was you, there is nothing to do. {_NOT_YOU}",
    ]
    _send_after_commit(
        session, settings, to=to, subject="A new sign-in to your account", username=username, paragraphs=paragraphs
    )


def email_change_requested(*, session: Session, settings: Settings, username: str, old: str, new: str) -> None:
    """To the old address, as soon as a change is asked for: it takes effect once the new
    address confirms it, and the owner may still act before that."""
    paragraphs = [
        f"Someone signed in to your account asked to change its email address from {old} to {new}. "
        f"The change takes effect once a link mailed to {new} is opened.",
        "If this was you, there is nothing to do. If it was not, change your password at once: that "
        "also cancels the change.",
    ]
    _send_after_commit(
        session,
        settings,
        to=old,
        subject="A change of your email address was requested",
        username=username,
        paragraphs=paragraphs,
    )
