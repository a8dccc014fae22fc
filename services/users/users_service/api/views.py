"""Turn models into the documented output shapes (never serialize a model directly)."""

from __future__ import annotations

from typing import Any

from ..models import User


def user_view(user: User, viewer: User | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": user.id,
        "username": user.username,
        "active": user.active,
        "created_date": user.created_date,
    }
    # Private fields: only for admins and for the user themself.
    if viewer is not None and (viewer.admin or viewer.id == user.id):
        data["email"] = user.email
        data["admin"] = user.admin
    return data
