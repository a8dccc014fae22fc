"""Account rules: one account per email and username, the last-admin invariant, ending
sessions on deactivation."""

from __future__ import annotations

import string
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Row, bindparam, event, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..runtime.settings import Settings
from . import events, notices, verification
from .audit import audit
from .errors import DuplicateUser, InvalidInput, LastAdmin, NotAllowed
from .models import Caller, PasswordResetToken, RefreshToken, User, utcnow
from .passwords import hash_password, verify_password
from .throttle import EmailChangeLimit

# PostgreSQL ``integer`` ids: larger path values cannot exist and would overflow the query.
MAX_ID = 2**31 - 1

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def normalise_email(value: str) -> str:
    """Trim spaces and lower-case ASCII letters (length-preserving, so limits still hold)."""
    return value.strip(" ").translate(_ASCII_LOWER)


def get_user(*, session: Session, user_id: int) -> User | None:
    if not 0 < user_id <= MAX_ID:
        return None
    return session.get(User, user_id)


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


class Credentials(NamedTuple):
    """What a login checks and needs to start a session; never sent anywhere."""

    user_id: int
    password_hash: str
    active: bool
    token_version: int
    admin: bool
    two_factor_enabled: bool
    email_verified: bool


# Statements every login or page runs are built once: building one costs more than running it.
_CREDENTIALS = select(
    User.id,
    User.password_hash,
    User.active,
    User.token_version,
    User.admin,
    User.two_factor_enabled,
    User.email_verified,
).where(User.email == bindparam("email"))


def get_credentials(*, connection: Connection, email: str) -> Credentials | None:
    row = connection.execute(_CREDENTIALS, {"email": normalise_email(email)}).first()
    return Credentials(*row) if row else None


# The columns a listed user can show: never the password hash or token state.
LISTED_COLUMNS = (
    User.id,
    User.username,
    User.active,
    User.created_date,
    User.email,
    User.admin,
    User.two_factor_enabled,
    User.email_verified,
)

_LISTED = select(*LISTED_COLUMNS).where(User.id == bindparam("user_id"))
_PAGE = select(*LISTED_COLUMNS).order_by(User.id).limit(bindparam("limit"))
_PAGE_AT = _PAGE.offset(bindparam("offset"))
_PAGE_AFTER = _PAGE.where(User.id > bindparam("after"))
_COUNT = select(func.count()).select_from(User)


class _CachedTotal:
    """The number of users, counted at most once per ``max_age`` seconds per process.

    ``count(*)`` reads the whole table, which would make every page cost as much as the
    table is large. Writes through this process reset it at once (see ``_forget_total``);
    writes through another process show within ``max_age``.
    """

    def __init__(self) -> None:
        self.value = 0
        self.counted_at = -float("inf")

    def get(self, connection: Connection, max_age: float) -> int:
        now = time.monotonic()
        if now - self.counted_at >= max_age:
            self.value = connection.execute(_COUNT).scalar_one()
            self.counted_at = now
        return self.value

    def forget(self) -> None:
        self.counted_at = -float("inf")


total_users = _CachedTotal()


@event.listens_for(Session, "after_flush")
def _forget_total(session: Session, flush_context: Any) -> None:
    if any(isinstance(obj, User) for obj in (*session.new, *session.deleted)):
        total_users.forget()


def get_listed_user(
    *, connection: Connection, user_id: int
) -> Row[int, str, bool, datetime, str, bool, bool, bool] | None:
    """One user's ``LISTED_COLUMNS`` (attributes by name, like a ``User``)."""
    if not 0 < user_id <= MAX_ID:
        return None
    return connection.execute(_LISTED, {"user_id": user_id}).first()


def list_users(
    *, connection: Connection, page: int, per_page: int, after: int | None = None, total_max_age: float = 0
) -> tuple[Sequence[Sequence[Any]], int]:
    """One page of users in id order, as rows of ``LISTED_COLUMNS``, and the total.

    ``after`` (an id) pages by key: ``WHERE id > after`` costs the same at any depth, where
    ``page`` skips ``(page - 1) * per_page`` rows first.
    """
    if after is not None:
        rows = connection.execute(_PAGE_AFTER, {"after": after, "limit": per_page}).all()
    else:
        rows = connection.execute(_PAGE_AT, {"offset": (page - 1) * per_page, "limit": per_page}).all()
    return rows, total_users.get(connection, total_max_age)


class UserSearch(NamedTuple):
    """What narrows or orders a page of users; the caller's rights are the web layer's to check."""

    q: str | None = None
    # Whether ``q`` matches the email as well as the username (admins only).
    q_email: bool = False
    sort: str | None = None
    active: bool | None = None
    admin: bool | None = None
    # Whether the account's email address is verified.
    verified: bool | None = None


_SORT_COLUMNS: dict[str, Any] = {
    "id": User.id,
    "username": User.username,
    "email": User.email,
    "created_date": User.created_date,
}


def _like_pattern(q: str) -> str:
    # The caller's text is matched literally: %, _ and the escape character lose their meaning.
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_users(
    *, connection: Connection, search: UserSearch, page: int, per_page: int, after: int | None = None
) -> tuple[Sequence[Sequence[Any]], int]:
    """One page of the users that ``search`` keeps, in its order (id by default), and their number.

    Matching is on ``lower(column)``, the expression the search indexes cover (migration 0007).
    The pattern is rendered into the statement (escaped by SQLAlchemy) rather than bound: a
    prepared statement's generic plan cannot know how selective ``LIKE $1`` is, and on
    PostgreSQL it then walks the primary key past every row instead of using the indexes.
    """
    conditions: list[Any] = []
    if search.q is not None:
        pattern = literal(_like_pattern(search.q), literal_execute=True)
        matches = [func.lower(User.username).like(pattern, escape="\\")]
        if search.q_email:
            matches.append(func.lower(User.email).like(pattern, escape="\\"))
        conditions.append(or_(*matches))
    if search.active is not None:
        conditions.append(User.active.is_(search.active))
    if search.admin is not None:
        conditions.append(User.admin.is_(search.admin))
    if search.verified is not None:
        conditions.append(User.email_verified.is_(search.verified))
    name = (search.sort or "id").lstrip("-")
    column = _SORT_COLUMNS[name]
    descending = (search.sort or "").startswith("-")
    order = [column.desc() if descending else column.asc()]
    if name != "id":
        # created_date can tie; id keeps the order total so pages neither repeat nor skip.
        order.append(User.id.desc() if descending else User.id.asc())
    query = select(*LISTED_COLUMNS).where(*conditions).order_by(*order).limit(per_page)
    query = query.where(User.id > after) if after is not None else query.offset((page - 1) * per_page)
    rows = connection.execute(query).all()
    skipped = (page - 1) * per_page
    if after is None and len(rows) < per_page and (rows or skipped == 0):
        # A page that is not full ends the result, so it tells the total without counting.
        return rows, skipped + len(rows)
    total = connection.execute(select(func.count()).select_from(User).where(*conditions)).scalar_one()
    return rows, total


def _check_unique(session: Session, *, username: str | None, email: str | None, exclude_id: int | None = None) -> None:
    conditions = []
    if email is not None:
        conditions.append(User.email == email)
    if username is not None:
        conditions.append(User.username == username)
    if not conditions:
        return
    query = select(User.email, User.username).where(or_(*conditions))
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    for existing_email, _existing_username in session.execute(query):
        raise DuplicateUser("email" if existing_email == email else "username")


def _flush_unique(session: Session) -> None:
    """Flush, turning a lost uniqueness race into the same conflict as the pre-check."""
    try:
        session.flush()
    except IntegrityError:
        raise DuplicateUser("user") from None


def create_user(
    *,
    session: Session,
    settings: Settings,
    username: str,
    email: str,
    password: str,
    admin: bool = False,
    active: bool = True,
    email_verified: bool = False,
) -> User:
    email = normalise_email(email)
    _check_unique(session, username=username, email=email)
    user = User(
        username=username,
        email=email,
        password_hash=hash_password(settings, password),
        admin=admin,
        active=active,
        created_date=utcnow(),
        token_version=0,
        two_factor_enabled=False,
        email_verified=email_verified,
    )
    session.add(user)
    _flush_unique(session)
    return user


def lock_active_admins(session: Session) -> None:
    """Serialise admin changes (PostgreSQL row locks) so two admins cannot demote each other."""
    session.execute(select(User.id).where(User.admin.is_(True), User.active.is_(True)).with_for_update())


def _ensure_an_admin_remains(session: Session) -> None:
    session.flush()
    remaining = session.scalar(
        select(func.count()).select_from(User).where(User.admin.is_(True), User.active.is_(True))
    )
    if not remaining:
        raise LastAdmin


def lock_user(*, session: Session, user_id: int) -> User | None:
    """The account, read afresh and locked until the unit of work ends (PostgreSQL)."""
    return session.get(User, user_id, with_for_update=True, populate_existing=True)


def end_sessions(*, session: Session, user: User) -> list[str]:
    """Make every live access and refresh token of ``user``, and every reset link, stop working.

    The ids of the sessions that were live, for their ``session.revoked`` events.
    """
    # Locked first, as a refresh locks it before rotating (see tokens.rotate_refresh_token).
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    user.token_version += 1
    live = RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None)
    families = list(session.scalars(select(RefreshToken.family_id).where(*live).distinct().order_by("family_id")))
    session.execute(update(RefreshToken).where(*live).values(revoked_at=utcnow()))
    expire_reset_links(session=session, user_id=user.id)
    verification.expire_email_changes(session=session, user=user)
    return families


def sessions_revoked(
    *,
    session: Session,
    user_id: int,
    families: list[str],
    reason: events.RevocationReason,
    traceparent: str | None,
) -> None:
    for family_id in families:
        events.session_revoked(session, user_id=user_id, reason=reason, session_id=family_id, traceparent=traceparent)


def expire_reset_links(*, session: Session, user_id: int) -> None:
    """Outstanding password-reset links of the account stop working."""
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


class Updated(NamedTuple):
    user: User
    # The address an email change waits to be confirmed from; ``None`` when none was asked for.
    pending_email: str | None


def update_user(
    *,
    session: Session,
    settings: Settings,
    actor: Caller,
    user: User,
    changes: dict[str, Any],
    current_password: str | None = None,
    email_changes: EmailChangeLimit,
    traceparent: str | None = None,
) -> Updated:
    """Apply ``changes`` (username, email, admin, active) that ``actor`` asks for.

    Admins may change any field of anyone. Others may change their own username and email
    only, and their email only with their current password: a stolen access token must not
    be enough to take the account over through a password reset to a new address.

    One's own new email takes effect only once a link mailed to it is opened (the old
    address is told of the request at once). An admin's change of someone else's email
    takes effect at once, unverified, and the new address is mailed a verification link.
    """
    if not actor.admin:
        if actor.id != user.id:
            raise NotAllowed
        if any(field in changes and changes[field] != getattr(user, field) for field in ("admin", "active")):
            raise NotAllowed("Only admins can change the admin or active flags.")
    email = changes.pop("email", None)
    if email is not None:
        email = normalise_email(email)
    old_email = user.email
    email_changes_now = email is not None and email != old_email
    own_change = email_changes_now and actor.id == user.id
    if email_changes_now:
        if own_change and not (current_password and verify_password(settings, user.password_hash, current_password)):
            audit("email_change_refused", user_id=user.id)
            raise InvalidInput("current_password", ["Enter your current password to change your email."])
        email_changes.count(user.id)
    _check_unique(session, username=changes.get("username"), email=email, exclude_id=user.id)
    if email_changes_now and not own_change:
        changes["email"] = email
    touches_admin = ("admin" in changes and changes["admin"] != user.admin) or (
        "active" in changes and changes["active"] != user.active
    )
    if touches_admin and user.admin:
        lock_active_admins(session)
        session.refresh(user)
    was_active, was_admin = user.active, user.admin
    for field in ("username", "email", "admin", "active"):
        if field in changes:
            setattr(user, field, changes[field])
    ended: list[str] = []
    if was_active and not user.active:
        ended = end_sessions(session=session, user=user)
    if touches_admin:
        _ensure_an_admin_remains(session)
    _flush_unique(session)
    pending = None
    if own_change:
        assert email is not None
        pending = email
        # A reset link asked for before must not outlive the request (SECURITY row 68): the
        # request may come from someone holding a stolen session, racing the owner's reset.
        expire_reset_links(session=session, user_id=user.id)
        verification.request_email_change(session=session, settings=settings, user=user, new_email=email)
        notices.email_change_requested(
            session=session, settings=settings, username=user.username, old=old_email, new=email
        )
    elif email_changes_now:
        # A reset link mailed to the old address must not outlive the change.
        expire_reset_links(session=session, user_id=user.id)
        user.email_verified = False
        audit("email_changed", user_id=user.id, by_admin=True, actor_id=actor.id)
        notices.email_changed(
            session=session, settings=settings, username=user.username, old=old_email, new=user.email, by_admin=True
        )
        verification.send_verification(session=session, settings=settings, user=user)
    # Last: the events' turn is taken once every row change of the request is made.
    if user.admin != was_admin or (user.active and not was_active):
        data = {"admin": user.admin, "active": user.active}
        events.record(session, type=events.USER_UPDATED, user_id=user.id, data=data, traceparent=traceparent)
    # Who switched an account off or on again is a question the audit log must answer.
    if was_active != user.active:
        audit("user_activated" if user.active else "user_deactivated", user_id=user.id, actor_id=actor.id)
    if was_active and not user.active:
        sessions_revoked(session=session, user_id=user.id, families=ended, reason="admin", traceparent=traceparent)
        events.record(session, type=events.USER_DEACTIVATED, user_id=user.id, traceparent=traceparent)
    return Updated(user, pending)


def confirm_email(*, session: Session, token: str) -> tuple[User, str | None]:
    """Use a mailed link (``verification.confirm``): the account, and its previous address
    when the link changed it."""
    user, old_email = verification.confirm(session=session, token=token)
    if old_email is not None:
        _flush_unique(session)
        # A reset link mailed to the old address must not outlive the change.
        expire_reset_links(session=session, user_id=user.id)
    return user, old_email


def delete_user(
    *,
    session: Session,
    user: User,
    traceparent: str | None = None,
    actor_id: int | None = None,
    audit_event: str = "user_deleted",
) -> None:
    """Delete the account; its ``user.deleted`` event, in the same unit of work, has the other
    services delete what belongs to it. Its sessions go with it (foreign keys cascade)."""
    if user.admin and user.active:
        lock_active_admins(session)
    user_id = user.id
    session.delete(user)
    if user.admin:
        _ensure_an_admin_remains(session)
    session.flush()
    events.record(session, type=events.USER_DELETED, user_id=user_id, traceparent=traceparent)
    audit(audit_event, user_id=user_id, actor_id=actor_id)


def set_password(
    *,
    session: Session,
    settings: Settings,
    user: User,
    password: str,
    reason: events.RevocationReason,
    traceparent: str | None = None,
) -> None:
    """Set the password; every session ends (``reason`` in their events)."""
    user.password_hash = hash_password(settings, password)
    ended = end_sessions(session=session, user=user)
    sessions_revoked(session=session, user_id=user.id, families=ended, reason=reason, traceparent=traceparent)
    events.record(session, type=events.USER_PASSWORD_CHANGED, user_id=user.id, traceparent=traceparent)


def upsert_admin(
    *, session: Session, settings: Settings, username: str, email: str, password: str
) -> tuple[User, bool]:
    """Create the bootstrap admin, or bring an existing account (same email) up to date."""
    user = get_user_by_email(session=session, email=email)
    if user is None:
        # Verified: its address comes from the operator, who has no inbox link to open first.
        created = create_user(
            session=session,
            settings=settings,
            username=username,
            email=email,
            password=password,
            admin=True,
            email_verified=True,
        )
        return created, True
    _check_unique(session, username=username, email=None, exclude_id=user.id)
    promoted = not (user.admin and user.active)
    user.username, user.admin, user.active, user.email_verified = username, True, True, True
    set_password(session=session, settings=settings, user=user, password=password, reason="admin")
    if promoted:
        events.record(session, type=events.USER_UPDATED, user_id=user.id, data={"admin": True, "active": True})
    session.flush()
    return user, False
