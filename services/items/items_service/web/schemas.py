"""Request and response schemas; also the source of the OpenAPI document.

Families: ``ItemCreateIn`` / ``ItemUpdateIn`` for request bodies, ``ItemPublic`` for output,
``*Envelope`` for the ``{"status", "message", "data"}`` wrapper. Unknown input fields are
ignored (never assigned): ``owner_id`` or ``id`` in a body has no effect.
"""

from __future__ import annotations

import re
from typing import Any

from apiflask import Schema
from apiflask.fields import DateTime, Integer, List, Nested, String
from apiflask.validators import Length, Range
from marshmallow import EXCLUDE, ValidationError, validates_schema
from service_kit.web.schemas import MessageEnvelope as MessageEnvelope  # re-exported for the routes
from service_kit.web.schemas import PageFields, SuccessEnvelope

from ..domain.items import MAX_ID
from ..domain.models import DESCRIPTION_MAX, TITLE_MAX

MAX_PER_PAGE = 100
# Whitespace, spelled out so that Python and the spec's (ECMA) regular expressions agree.
_BLANK = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# At least one character that is not whitespace; no NUL anywhere.
TITLE_PATTERN = rf"^[^\x00]*[^\x00{_BLANK}][^\x00]*$"
_TITLE = re.compile(TITLE_PATTERN)


def _storable(value: str) -> None:
    # JSON may carry lone UTF-16 surrogates ("\ud800"), which no database stores.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Not valid Unicode text.") from None
    if "\x00" in value:
        raise ValidationError("Must not contain NUL characters.")


def _not_blank(value: str) -> None:
    if "\x00" not in value and not _TITLE.fullmatch(value):
        raise ValidationError("Must not be blank.")


def title_field(required: bool) -> String:
    return String(
        required=required,
        validate=[Length(min=1, max=TITLE_MAX), _not_blank, _storable],
        metadata={"description": f"1-{TITLE_MAX} characters, not only whitespace.", "pattern": TITLE_PATTERN},
    )


def description_field(**options: Any) -> String:
    return String(
        validate=[Length(max=DESCRIPTION_MAX), _storable],
        metadata={"description": f"Up to {DESCRIPTION_MAX} characters.", "pattern": r"^[^\x00]*$"},
        **options,
    )


class ItemCreateIn(Schema):
    class Meta:
        unknown = EXCLUDE

    title = title_field(required=True)
    description = description_field(load_default="")


class ItemUpdateIn(Schema):
    """The fields to change; those left out keep their values."""

    class Meta:
        unknown = EXCLUDE

    title = title_field(required=False)
    description = description_field()

    @validates_schema
    def _something_to_change(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Provide at least one of title, description.", field_name="_body")


class ItemsQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    page = Integer(load_default=1, validate=Range(min=1, max=1_000_000))
    per_page = Integer(
        load_default=10,
        validate=Range(min=1),
        metadata={"description": f"Page size; values above {MAX_PER_PAGE} count as {MAX_PER_PAGE}."},
    )
    owner_id = Integer(
        validate=Range(min=1, max=MAX_ID),
        metadata={"description": "Admins only: that user's items instead of the caller's own."},
    )


# ---- output --------------------------------------------------------------------------


class ItemPublic(Schema):
    id = Integer(required=True)
    title = String(required=True)
    description = String(required=True)
    owner_id = Integer(required=True)
    created_date = DateTime(required=True, metadata={"description": "ISO 8601, UTC."})
    updated_date = DateTime(required=True, metadata={"description": "ISO 8601, UTC."})


class ItemEnvelope(SuccessEnvelope):
    message = String()
    data = Nested(ItemPublic, required=True)


class ItemPage(PageFields):
    items = List(Nested(ItemPublic), required=True)
    total = Integer(required=True, metadata={"description": "All the owner's items."})


class ItemPageEnvelope(SuccessEnvelope):
    data = Nested(ItemPage, required=True)
