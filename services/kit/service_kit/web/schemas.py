"""The envelopes every service's answers share: ``{"status": "success", "message": ...}`` and
the error envelope (``HTTP_ERROR_SCHEMA``). Each is one component of a service's document."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Dict, Integer, List, String
from apiflask.validators import OneOf


class FailEnvelope(Schema):
    status = String(required=True, validate=OneOf(["fail"]))
    message = String(required=True)
    errors = Dict(
        keys=String(), values=List(String()), metadata={"description": "Field name to messages (validation failures)."}
    )
    request_id = String()


class SuccessEnvelope(Schema):
    """The envelope of a success; each subclass declares what it carries (``message``, ``data``)."""

    status = String(required=True, validate=OneOf(["success"]))


class MessageEnvelope(SuccessEnvelope):
    message = String(required=True)


class PageFields(Schema):
    """Where one page of a list stands; each subclass adds the page's rows and their total."""

    page = Integer(required=True)
    per_page = Integer(required=True)
