from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from ..schemas import MessageEnvelope

bp = APIBlueprint("ping", __name__, tag="Ping")


@bp.get("/users/ping")
@bp.output(MessageEnvelope)
def ping() -> dict[str, Any]:
    """Ping the users API"""
    return {"status": "success", "message": "pong!"}
