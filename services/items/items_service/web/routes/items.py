from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response
from service_kit.web.bodies import require_json_body
from service_kit.web.database import autocommit, current_connection, current_session, transactional
from service_kit.web.errors import fail
from service_kit.web.responses import success

from ...domain import items
from ...domain.errors import NO_ITEM
from ..auth import auth, current_caller
from ..schemas import (
    MAX_PER_PAGE,
    ItemCreateIn,
    ItemEnvelope,
    ItemPageEnvelope,
    ItemsQuery,
    ItemUpdateIn,
    MessageEnvelope,
)
from ..views import item_view, item_views

bp = APIBlueprint("items", __name__, tag={"name": "Items", "description": "Each user's items."})
bp.before_request(require_json_body)


@bp.get("/items")
@autocommit
@bp.auth_required(auth)
@bp.input(ItemsQuery, location="query", arg_name="query")
@bp.output(ItemPageEnvelope)
@bp.doc(responses={403: "`owner_id` is for admins only"})
def list_items(query: dict[str, Any]) -> Response:
    """List items

    The caller's own items, oldest first. Admins may pass `owner_id` to list that user's.
    """
    caller = current_caller()
    owner_id = query.get("owner_id")
    if owner_id is not None and not caller.admin:
        raise fail(403)
    per_page = min(query["per_page"], MAX_PER_PAGE)
    rows, total = items.list_items(
        connection=current_connection(),
        owner_id=caller.id if owner_id is None else owner_id,
        page=query["page"],
        per_page=per_page,
    )
    page = {"items": item_views(rows), "page": query["page"], "per_page": per_page, "total": total}
    return success(data=page)


@bp.post("/items")
@transactional
@bp.auth_required(auth)
@bp.input(ItemCreateIn, arg_name="body")
@bp.output(ItemEnvelope, status_code=201)
def create_item(body: dict[str, Any]) -> Response:
    """Add an item

    The item belongs to the caller.
    """
    item = items.create_item(session=current_session(), caller=current_caller(), **body)
    return success(201, message="Item was added!", data=item_view(item))


@bp.get("/items/<int:item_id>")
@autocommit
@bp.auth_required(auth)
@bp.output(ItemEnvelope)
@bp.doc(responses={404: NO_ITEM})
def get_item(item_id: int) -> Response:
    """Get one item

    Its owner's and admins' only; anyone else gets 404.
    """
    row = items.get_item_row(connection=current_connection(), caller=current_caller(), item_id=item_id)
    return success(data=item_views([row])[0])


@bp.patch("/items/<int:item_id>")
@transactional
@bp.auth_required(auth)
@bp.input(ItemUpdateIn, arg_name="body")
@bp.output(ItemEnvelope)
@bp.doc(responses={404: NO_ITEM})
def update_item(item_id: int, body: dict[str, Any]) -> Response:
    """Change an item

    The fields sent change, the others keep their values. Its owner's and admins' only.
    """
    item = items.update_item(session=current_session(), caller=current_caller(), item_id=item_id, changes=body)
    return success(message="Item was updated.", data=item_view(item))


@bp.delete("/items/<int:item_id>")
@transactional
@bp.auth_required(auth)
@bp.output(MessageEnvelope)
@bp.doc(responses={404: NO_ITEM})
def delete_item(item_id: int) -> Response:
    """Delete an item

    Its owner's and admins' only.
    """
    items.delete_item(session=current_session(), caller=current_caller(), item_id=item_id)
    return success(message="Item was deleted.")
