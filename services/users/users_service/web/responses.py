"""Every JSON body the service sends is written here, by orjson: the one serializer.

Routes declare their answers with ``@bp.output`` schemas, which document them in the OpenAPI
spec; ``tests/web/test_spec_conformance.py`` checks a real answer of every operation against
that spec. Datetimes are written as ISO 8601, like the schemas say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import orjson
from flask import Response


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


def json_response(payload: Mapping[str, Any], status: int = 200, headers: Mapping[str, Any] | None = None) -> Response:
    return Response(orjson.dumps(payload), status=status, headers=headers, mimetype="application/json")


def success(status: int = 200, **fields: Any) -> Response:
    """``{"status": "success", **fields}``."""
    return json_response({"status": "success", **fields}, status)


def user_view(user: Account, viewer: Account | None) -> dict[str, Any]:
    row = (user.id, user.username, user.active, user.created_date, user.email, user.admin)
    return listed_user_views([row], viewer)[0]


def listed_user_views(rows: Sequence[Sequence[Any]], viewer: Account | None) -> list[dict[str, Any]]:
    """The public view of every row of ``domain.users.LISTED_COLUMNS``, unpacked by position
    (the cheapest way to read a row, paid a hundred times a page)."""
    views = []
    # Private fields (email, admin): only for admins and for the user themself.
    sees_all = viewer is not None and viewer.admin
    viewer_id = viewer.id if viewer is not None else None
    for user_id, username, active, created_date, email, admin in rows:
        data: dict[str, Any] = {"id": user_id, "username": username, "active": active, "created_date": created_date}
        if sees_all or user_id == viewer_id:
            data["email"] = email
            data["admin"] = admin
        views.append(data)
    return views
