from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response

from ..schemas import MessageEnvelope

bp = APIBlueprint("ping", __name__, tag={"name": "Ping", "description": "Liveness of the users API."})

# A constant answer, written once: the cheapest request the service serves.
_PONG = b'{"status":"success","message":"pong!"}'


@bp.get("/users/ping")
@bp.output(MessageEnvelope)
def ping() -> Response:
    """Ping the users API"""
    return Response(_PONG, mimetype="application/json")
