from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response
from service_kit.web.bodies import require_json_body
from service_kit.web.database import autocommit, current_connection, current_session, transactional
from service_kit.web.errors import fail
from service_kit.web.responses import success

from ...domain import tokens, two_factor, users, verification
from ...domain.models import User
from ..auth import auth, current_caller, optional_caller, require_admin
from ..context import email_change_limit, settings, traceparent
from ..schemas import MessageEnvelope, UserCreateIn, UserEnvelope, UserListQuery, UserPageEnvelope, UserUpdateIn
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


ADMIN_ONLY_FILTERS = ("sort", "active", "admin", "verified")
ADMIN_ONLY_MESSAGE = "Only admins may sort or filter users by sort, active, admin or verified; q searches usernames."


@bp.get("/users")
@autocommit
@bp.input(UserListQuery, location="query", arg_name="query")
@bp.output(UserPageEnvelope)
@bp.doc(responses={403: "sort, active, admin or verified sent by a caller who is not an admin"})
def list_users(query: dict[str, Any]) -> Response:
    """List users

    Public. `email` and `admin` are included only for admins and for the caller's own
    account (send a Bearer token to be recognised; an invalid token is treated as anonymous).
    Page with `page`, or by key with `after` (the previous page's `next_after`; id order only).

    Search with `q`: a case-insensitive substring of the username, and for admins of the
    email as well. `sort`, `active`, `admin` and `verified` are for admins; anyone else sending them
    gets 403. `total` counts the users the search keeps.
    """
    per_page = min(query["per_page"], MAX_PER_PAGE)
    viewer = optional_caller()
    is_admin = viewer is not None and viewer.admin
    if not is_admin and any(query[name] is not None for name in ADMIN_ONLY_FILTERS):
        raise fail(403, ADMIN_ONLY_MESSAGE)
    search = users.UserSearch(
        q=query["q"],
        q_email=is_admin,
        sort=query["sort"],
        active=query["active"],
        admin=query["admin"],
        verified=query["verified"],
    )
    if search == users.UserSearch(q_email=is_admin):  # nothing narrows or orders the list
        # The plain list keeps its prebuilt statements and cached total (it is benchmarked).
        rows, total = users.list_users(
            connection=current_connection(),
            page=query["page"],
            per_page=per_page,
            after=query["after"],
            total_max_age=settings().USER_COUNT_MAX_AGE,
        )
    else:
        rows, total = users.search_users(
            connection=current_connection(),
            search=search,
            page=query["page"],
            per_page=per_page,
            after=query["after"],
        )
    page = {
        "users": listed_user_views(rows, viewer),
        "page": query["page"],
        "per_page": per_page,
        "total": total,
        "next_after": rows[-1][0] if len(rows) == per_page and search.sort in (None, "id") else None,
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
    """Create a user (admin)

    The account starts with `email_verified` false; its address is mailed a verification link.
    """
    actor = current_caller()
    require_admin(actor)
    user = users.create_user(session=current_session(), settings=settings(), **body)
    verification.send_verification(session=current_session(), settings=settings(), user=user)
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
    with `current_password`. One's own new email takes effect once a link mailed to it is
    opened (`POST /auth/verify-email`); the old address is told at once, and the answer
    still shows the old one. An admin's change of someone else's email takes effect at
    once, with `email_verified` false and a verification link mailed to the new address.
    The last active admin cannot be demoted or deactivated.
    """
    actor = current_caller()
    current_password = body.pop("current_password", None)
    user, pending_email = users.update_user(
        session=current_session(),
        settings=settings(),
        actor=actor,
        user=_get_or_404(user_id),
        changes=body,
        current_password=current_password,
        email_changes=email_change_limit(),
        traceparent=traceparent(),
    )
    if pending_email is not None:
        message = f"Check {pending_email}: your new email address takes effect once you open the link we mailed it."
        return success(message=message, data=user_view(user, actor))
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


@bp.delete("/users/<int:user_id>/sessions")
@transactional
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
@bp.doc(responses={403: "Admins only", 404: "User does not exist"})
def end_user_sessions(user_id: int) -> Response:
    """End all of a user's sessions (admin)

    Every refresh token of the user stops working and their access tokens are refused at
    once, here and in the other services (`session.revoked`), as when the user ends them.
    """
    actor = current_caller()
    require_admin(actor)
    user = _get_or_404(user_id)
    ended = tokens.end_sessions_as_admin(
        session=current_session(), actor_id=actor.id, user_id=user.id, traceparent=traceparent()
    )
    noun = "session" if len(ended) == 1 else "sessions"
    return success(message=f"Ended {len(ended)} {noun} of {user.username}.")
