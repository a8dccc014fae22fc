from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response

from ..schemas import MessageEnvelope

bp = APIBlueprint("ping", __name__, tag="Ping")

_PONG = b'{"status":"success","message":"pong!"}'


@bp.get("/users/ping")
@bp.output(MessageEnvelope)
def ping() -> Response:
    """Ping the users API"""
    # A constant answer, built once: the cheapest request the service serves.
    return Response(_PONG, mimetype="application/json")
