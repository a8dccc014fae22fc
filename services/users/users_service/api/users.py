from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response, current_app

from ..errors import fail
from ..extensions import db
from ..models import User
from ..schemas import MessageEnvelope, PaginationQuery, UserCreateIn, UserEnvelope, UserPageEnvelope, UserUpdateIn
from ..security import auth, current_user, optional_viewer, require_admin
from ..services import users as users_service
from .views import json_response, listed_user_views, user_view

bp = APIBlueprint("users", __name__, tag="Users")

MAX_PER_PAGE = 100
NOT_FOUND = "User does not exist"


def _get_or_404(user_id: int) -> User:
    user = users_service.get_user(session=db.session, user_id=user_id)
    if user is None:
        raise fail(404, NOT_FOUND)
    return user


@bp.get("/users")
@bp.input(PaginationQuery, location="query", arg_name="query")
@bp.output(UserPageEnvelope)
def list_users(query: dict[str, Any]) -> Response:
    """List users

    Public. `email` and `admin` are included only for admins and for the caller's own
    account (send a Bearer token to be recognised; an invalid token is treated as anonymous).
    Page with `page`, or by key with `after` (the previous page's `next_after`).
    """
    per_page = min(query["per_page"], MAX_PER_PAGE)
    viewer = optional_viewer()
    rows, total = users_service.list_users(
        session=db.session,
        page=query["page"],
        per_page=per_page,
        after=query["after"],
        total_max_age=current_app.extensions["settings"].USER_COUNT_MAX_AGE,
    )
    return json_response(
        {
            "status": "success",
            "data": {
                "users": listed_user_views(rows, viewer),
                "page": query["page"],
                "per_page": per_page,
                "total": total,
                "next_after": rows[-1][0] if len(rows) == per_page else None,
            },
        }
    )


@bp.get("/users/<int:user_id>")
@bp.output(UserEnvelope)
@bp.doc(responses={404: "User does not exist"})
def get_user(user_id: int) -> dict[str, Any]:
    """Get one user

    Public; private fields as for the list.
    """
    return {"status": "success", "data": user_view(_get_or_404(user_id), optional_viewer())}


@bp.post("/users")
@bp.auth_required(auth)
@bp.input(UserCreateIn, arg_name="body")
@bp.output(UserEnvelope, status_code=201)
@bp.doc(responses={403: "Admins only", 409: "Email or username already exists"})
def create_user(body: dict[str, Any]) -> dict[str, Any]:
    """Create a user (admin)"""
    actor = current_user()
    require_admin(actor)
    user = users_service.create_user(session=db.session, **body)
    db.session.commit()
    return {"status": "success", "message": f"{user.email} was added!", "data": user_view(user, actor)}


def _update(user_id: int, body: dict[str, Any]) -> dict[str, Any]:
    actor = current_user()
    target = _get_or_404(user_id)
    if not actor.admin:
        if actor.id != target.id:
            raise fail(403)
        if any(field in body and body[field] != getattr(target, field) for field in ("admin", "active")):
            raise fail(403, "Only admins can change the admin or active flags.")
    user = users_service.update_user(session=db.session, user=target, changes=body)
    db.session.commit()
    return {"status": "success", "message": "User updated.", "data": user_view(user, actor)}


@bp.put("/users/<int:user_id>")
@bp.auth_required(auth)
@bp.input(UserUpdateIn, arg_name="body")
@bp.output(UserEnvelope)
@bp.doc(responses={403: "Not allowed", 404: "User does not exist", 409: "Duplicate or last admin"})
def replace_user(user_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Update a user

    Admins may change any field; a user may change their own `username` and `email`.
    The last active admin cannot be demoted or deactivated.
    """
    return _update(user_id, body)


@bp.patch("/users/<int:user_id>")
@bp.auth_required(auth)
@bp.input(UserUpdateIn(partial=True), arg_name="body")
@bp.output(UserEnvelope)
@bp.doc(responses={403: "Not allowed", 404: "User does not exist", 409: "Duplicate or last admin"})
def patch_user(user_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Partly update a user

    Same rules as `PUT`.
    """
    return _update(user_id, body)


@bp.delete("/users/<int:user_id>")
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
@bp.doc(responses={403: "Admins only", 404: "User does not exist", 409: "Last active admin"})
def delete_user(user_id: int) -> dict[str, Any]:
    """Delete a user (admin)

    The last active admin cannot be deleted.
    """
    require_admin(current_user())
    user = _get_or_404(user_id)
    email = user.email
    users_service.delete_user(session=db.session, user=user)
    db.session.commit()
    return {"status": "success", "message": f"{email} was deleted."}
