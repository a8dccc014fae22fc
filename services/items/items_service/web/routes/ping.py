from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response

from ..schemas import MessageEnvelope

bp = APIBlueprint("ping", __name__, tag={"name": "Ping", "description": "Liveness of the items API."})

# A constant answer, written once.
_PONG = b'{"status":"success","message":"pong!"}'


@bp.get("/items/ping")
@bp.output(MessageEnvelope)
def ping() -> Response:
    """Ping the items API"""
    return Response(_PONG, mimetype="application/json")
