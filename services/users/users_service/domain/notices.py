"""Mail that tells an account's owner about a change to its security, sent once the change stands."""

from __future__ import annotations

from service_kit.db.database import after_commit
from sqlalchemy.orm import Session

from ..runtime.settings import Settings
from .mail import send_mail


def email_changed(*, session: Session, settings: Settings, username: str, old: str, new: str, by_admin: bool) -> None:
    """To the old address: a change the owner did not make is their cue to act."""
    who = "An administrator" if by_admin else "Someone signed in to your account"
    body = (
        f"Hello {username},\n\n{who} changed the email address of your account from {old} to {new}.\n\n"
        "If this was you, there is nothing to do. If it was not, reply to this message or contact "
        "the site's administrators at once: whoever changed it can now reset your password.\n"
    )
    after_commit(session, lambda: send_mail(settings, to=old, subject="Your email address was changed", body=body))


def email_change_requested(*, session: Session, settings: Settings, username: str, old: str, new: str) -> None:
    """To the old address, as soon as a change is asked for: it takes effect once the new
    address confirms it, and the owner may still act before that."""
    body = (
        f"Hello {username},\n\nSomeone signed in to your account asked to change its email address from "
        f"{old} to {new}. The change takes effect once a link mailed to {new} is opened.\n\n"
        "If this was you, there is nothing to do. If it was not, change your password at once: that "
        "also cancels the change.\n"
    )
    after_commit(
        session, lambda: send_mail(settings, to=old, subject="A change of your email address was requested", body=body)
    )
