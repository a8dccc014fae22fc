"""What a caller sees of an item: never a model serialized directly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..domain.models import Item


def item_view(item: Item) -> dict[str, Any]:
    row = (item.id, item.title, item.description, item.owner_id, item.created_date, item.updated_date)
    return item_views([row])[0]


def item_views(rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows of ``domain.items.ITEM_COLUMNS``, unpacked by position."""
    return [
        {
            "id": item_id,
            "title": title,
            "description": description,
            "owner_id": owner_id,
            "created_date": created,
            "updated_date": updated,
        }
        for item_id, title, description, owner_id, created, updated in rows
    ]
