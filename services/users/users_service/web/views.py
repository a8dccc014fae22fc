"""What a caller may see of an account: never a model serialized directly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol


class Account(Protocol):
    """What a user view reads: a ``User`` row or the request's ``Caller``."""

    @property
    def id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def admin(self) -> bool: ...
    @property
    def active(self) -> bool: ...
    @property
    def created_date(self) -> datetime: ...
    @property
    def two_factor_enabled(self) -> bool: ...
    @property
    def email_verified(self) -> bool: ...


def user_view(user: Account, viewer: Account | None) -> dict[str, Any]:
    row = (
        user.id,
        user.username,
        user.active,
        user.created_date,
        user.email,
        user.admin,
        user.two_factor_enabled,
        user.email_verified,
    )
    return listed_user_views([row], viewer)[0]


def listed_user_views(rows: Sequence[Sequence[Any]], viewer: Account | None) -> list[dict[str, Any]]:
    """The public view of every row of ``domain.users.LISTED_COLUMNS``, unpacked by position
    (the cheapest way to read a row, paid a hundred times a page)."""
    views = []
    # Private fields (email, admin, two_factor_enabled, email_verified): only for admins and
    # for the user themself.
    sees_all = viewer is not None and viewer.admin
    viewer_id = viewer.id if viewer is not None else None
    for user_id, username, active, created_date, email, admin, two_factor, verified in rows:
        data: dict[str, Any] = {"id": user_id, "username": username, "active": active, "created_date": created_date}
        if sees_all or user_id == viewer_id:
            data["email"] = email
            data["admin"] = admin
            data["two_factor_enabled"] = two_factor
            data["email_verified"] = verified
        views.append(data)
    return views
