from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response
from service_kit.web.bodies import require_json_body
from service_kit.web.database import autocommit, current_connection, current_session, transactional
from service_kit.web.errors import fail
from service_kit.web.responses import success

from ...domain import two_factor, users
from ...domain.models import User
from ..auth import auth, current_caller, optional_caller, require_admin
from ..context import email_change_limit, settings, traceparent
from ..schemas import MessageEnvelope, PaginationQuery, UserCreateIn, UserEnvelope, UserPageEnvelope, UserUpdateIn
from ..views import listed_user_views, user_view

bp = APIBlueprint("users", __name__, tag={"name": "Users", "description": "Accounts."})
bp.before_request(require_json_body)

MAX_PER_PAGE = 100
UPDATE_FAILURES = {
    403: "Not allowed",
    404: "User does not exist",
    409: "Duplicate or last admin",
    429: "Too many email changes",
}
NOT_FOUND = "User does not exist"


def _get_or_404(user_id: int) -> User:
    user = users.get_user(session=current_session(), user_id=user_id)
    if user is None:
        raise fail(404, NOT_FOUND)
    return user


@bp.get("/users")
@autocommit
@bp.input(PaginationQuery, location="query", arg_name="query")
@bp.output(UserPageEnvelope)
def list_users(query: dict[str, Any]) -> Response:
    """List users

    Public. `email` and `admin` are included only for admins and for the caller's own
    account (send a Bearer token to be recognised; an invalid token is treated as anonymous).
    Page with `page`, or by key with `after` (the previous page's `next_after`).
    """
    per_page = min(query["per_page"], MAX_PER_PAGE)
    viewer = optional_caller()
    rows, total = users.list_users(
        connection=current_connection(),
        page=query["page"],
        per_page=per_page,
        after=query["after"],
        total_max_age=settings().USER_COUNT_MAX_AGE,
    )
    page = {
        "users": listed_user_views(rows, viewer),
        "page": query["page"],
        "per_page": per_page,
        "total": total,
        "next_after": rows[-1][0] if len(rows) == per_page else None,
    }
    return success(data=page)


@bp.get("/users/<int:user_id>")
@autocommit
@bp.output(UserEnvelope)
@bp.doc(responses={404: "User does not exist"})
def get_user(user_id: int) -> Response:
    """Get one user

    Public; private fields as for the list.
    """
    user = users.get_listed_user(connection=current_connection(), user_id=user_id)
    if user is None:
        raise fail(404, NOT_FOUND)
    return success(data=user_view(user, optional_caller()))


@bp.post("/users")
@transactional
@bp.auth_required(auth)
@bp.input(UserCreateIn, arg_name="body")
@bp.output(UserEnvelope, status_code=201)
@bp.doc(responses={403: "Admins only", 409: "Email or username already exists"})
def create_user(body: dict[str, Any]) -> Response:
    """Create a user (admin)"""
    actor = current_caller()
    require_admin(actor)
    user = users.create_user(session=current_session(), settings=settings(), **body)
    return success(201, message=f"{user.email} was added!", data=user_view(user, actor))


@bp.route("/users/<int:user_id>", methods=["PUT", "PATCH"])
@transactional
@bp.auth_required(auth)
@bp.input(UserUpdateIn, arg_name="body")
@bp.output(UserEnvelope)
@bp.doc(
    responses={
        403: "Not allowed",
        404: "User does not exist",
        409: "Duplicate or last admin",
        429: "Too many email changes",
    }
)
def update_user(user_id: int, body: dict[str, Any]) -> Response:
    """Update a user

    `PUT` and `PATCH` alike: the fields sent change, the others keep their values. Admins
    may change any field; a user may change their own `username`, and their own `email`
    with `current_password`. The old address is told of an email change. The last active
    admin cannot be demoted or deactivated.
    """
    actor = current_caller()
    current_password = body.pop("current_password", None)
    user = users.update_user(
        session=current_session(),
        settings=settings(),
        actor=actor,
        user=_get_or_404(user_id),
        changes=body,
        current_password=current_password,
        email_changes=email_change_limit(),
        traceparent=traceparent(),
    )
    return success(message="User updated.", data=user_view(user, actor))


@bp.delete("/users/<int:user_id>")
@transactional
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
@bp.doc(responses={403: "Admins only", 404: "User does not exist", 409: "Last active admin"})
def delete_user(user_id: int) -> Response:
    """Delete a user (admin)

    The last active admin cannot be deleted.
    """
    actor = current_caller()
    require_admin(actor)
    user = _get_or_404(user_id)
    email = user.email
    users.delete_user(session=current_session(), user=user, traceparent=traceparent(), actor_id=actor.id)
    return success(message=f"{email} was deleted.")


@bp.delete("/users/<int:user_id>/2fa")
@transactional
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
@bp.doc(responses={403: "Admins only", 404: "User does not exist"})
def reset_two_factor(user_id: int) -> Response:
    """Reset a user's two-factor login (admin)

    Turns it off and removes the secret and the recovery codes, for a user who lost both.
    """
    actor = current_caller()
    require_admin(actor)
    two_factor.reset(session=current_session(), settings=settings(), actor=actor, user=_get_or_404(user_id))
    return success(message="Two-factor login was reset.")
