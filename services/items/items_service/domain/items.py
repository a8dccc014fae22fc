"""The items rules: each item belongs to one user; its owner and admins may read and change it.

Services take keyword arguments and a session or connection of the caller's unit of work;
they never commit.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select
from sqlalchemy.orm import Session

from .errors import ItemNotFound
from .models import Caller, Item, utcnow

# Ids are 32-bit integers in every database: a larger one names no item (and must not
# reach PostgreSQL, which would refuse it with an error instead of an empty answer).
MAX_ID = 2**31 - 1

ITEM_COLUMNS = (Item.id, Item.title, Item.description, Item.owner_id, Item.created_date, Item.updated_date)


# Built once: a page's statement is the same every time, only its parameters change.
_PAGE = (
    select(*ITEM_COLUMNS)
    .where(Item.owner_id == bindparam("owner_id"))
    .order_by(Item.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_COUNT = select(func.count()).select_from(Item).where(Item.owner_id == bindparam("owner_id"))


def list_items(
    *, connection: Connection, owner_id: int, page: int, per_page: int
) -> tuple[Sequence[Sequence[Any]], int]:
    """One page of ``owner_id``'s items, oldest first, and how many they have in all."""
    # One row more than the page: when nothing follows the first page, it is the whole list
    # and the count needs no second query.
    rows = connection.execute(
        _PAGE, {"owner_id": owner_id, "limit": per_page + 1, "offset": (page - 1) * per_page}
    ).all()
    if page == 1 and len(rows) <= per_page:
        return rows, len(rows)
    rows = rows[:per_page]
    total = connection.execute(_COUNT, {"owner_id": owner_id}).scalar_one()
    return rows, total


def get_item_row(*, connection: Connection, caller: Caller, item_id: int) -> Sequence[Any]:
    """The item, if ``caller`` owns it or is an admin."""
    if item_id > MAX_ID:
        raise ItemNotFound
    row = connection.execute(select(*ITEM_COLUMNS).where(Item.id == item_id)).first()
    if row is None or not _may_touch(caller, row.owner_id):
        raise ItemNotFound
    return row


def create_item(*, session: Session, caller: Caller, title: str, description: str = "") -> Item:
    now = utcnow()
    item = Item(owner_id=caller.id, title=title, description=description, created_date=now, updated_date=now)
    session.add(item)
    session.flush()
    return item


def _owned_item(session: Session, caller: Caller, item_id: int) -> Item:
    item = session.get(Item, item_id) if item_id <= MAX_ID else None
    if item is None or not _may_touch(caller, item.owner_id):
        raise ItemNotFound
    return item


def update_item(*, session: Session, caller: Caller, item_id: int, changes: dict[str, str]) -> Item:
    """Change the fields given (``title``, ``description``); the others keep their values."""
    item = _owned_item(session, caller, item_id)
    for field in ("title", "description"):
        if field in changes:
            setattr(item, field, changes[field])
    item.updated_date = utcnow()
    session.flush()
    return item


def delete_item(*, session: Session, caller: Caller, item_id: int) -> None:
    session.delete(_owned_item(session, caller, item_id))


def delete_items_of(*, session: Session, owner_ids: Collection[int]) -> int:
    """Remove every item of these users (they were deleted); how many there were."""
    if not owner_ids:
        return 0
    result = session.execute(delete(Item).where(Item.owner_id.in_(sorted(owner_ids))))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _may_touch(caller: Caller, owner_id: int) -> bool:
    return caller.admin or owner_id == caller.id
