"""``GET /<api>/ping``: the cheapest request a service serves, a constant answer."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response

from .responses import json_body
from .schemas import MessageEnvelope

# A constant answer, written once: no database, no serializer.
_PONG = b'{"status":"success","message":"pong!"}'


def ping_blueprint(import_name: str, *, api: str) -> APIBlueprint:
    """``GET /<api>/ping`` of the service whose routes live under ``/<api>`` (``users``, ``items``)."""
    bp = APIBlueprint("ping", import_name, tag={"name": "Ping", "description": f"Liveness of the {api} API."})

    @bp.get(f"/{api}/ping")
    @bp.output(MessageEnvelope)
    @bp.doc(summary=f"Ping the {api} API")
    def ping() -> Response:
        return json_body(_PONG)

    return bp
