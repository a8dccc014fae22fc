"""Turn models into the documented output shapes (never serialize a model directly)."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from sqlalchemy import Row

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


def listed_user_view(row: Row[Any], viewer: User | None) -> dict[str, Any]:
    """``user_view`` for a row of ``services.users.LISTED_COLUMNS``."""
    data: dict[str, Any] = {
        "id": row.id,
        "username": row.username,
        "active": row.active,
        "created_date": row.created_date,
    }
    if viewer is not None and (viewer.admin or viewer.id == row.id):
        data["email"] = row.email
        data["admin"] = row.admin
    return data


def json_response(payload: dict[str, Any], status: int = 200) -> Response:
    """A JSON answer serialized by orjson (datetimes as ISO 8601, like the schemas).

    For the hottest routes: the ``@output`` schema still documents the shape, and the
    schemathesis suite checks that the answers conform to it.
    """
    return Response(orjson.dumps(payload), status=status, mimetype="application/json")
