"""The envelopes every service's answers share: ``{"status": "success", "message": ...}`` and
the error envelope (``HTTP_ERROR_SCHEMA``). Each is one component of a service's document."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Dict, List, String
from apiflask.validators import OneOf


class FailEnvelope(Schema):
    status = String(required=True, validate=OneOf(["fail"]))
    message = String(required=True)
    errors = Dict(
        keys=String(), values=List(String()), metadata={"description": "Field name to messages (validation failures)."}
    )
    request_id = String()


class MessageEnvelope(Schema):
    status = String(required=True, validate=OneOf(["success"]))
    message = String(required=True)
