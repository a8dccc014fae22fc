"""The event feed: the outbox read in position order, for consumers that run without Redis
(the embedded default under `make up`). The gateway never routes /internal: only services
on the same network reach it, with the feed's own bearer token (EVENTS_FEED_TOKEN)."""

from __future__ import annotations

import hmac
from typing import Any

from apiflask import APIBlueprint
from flask import Response, request
from service_kit.web.database import autocommit, current_connection
from service_kit.web.errors import fail
from service_kit.web.responses import success

from ...domain.events import events_after
from ..context import settings
from ..schemas import EventFeedQuery

# Not in the public API document: the gateway never routes /internal (docs/events.md has the contract).
bp = APIBlueprint("events", __name__, enable_openapi=False)


@bp.before_request
def feed_token_required() -> None:
    expected = settings().EVENTS_FEED_TOKEN
    # Off unless configured: answered like any unknown path.
    if not expected:
        raise fail(404)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    # Constant time: the answer's timing tells nothing about how much of a guess was right.
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise fail(401)


@bp.get("/internal/events")
@autocommit
@bp.input(EventFeedQuery, location="query", arg_name="query")
def feed(query: dict[str, Any]) -> Response:
    """Events after a position

    `after` is the last position the consumer applied (0 at first); at most `limit` events
    follow, in position order. `next` is the position to ask after next time.
    """
    found = events_after(connection=current_connection(), after=query["after"], limit=query["limit"])
    return success(data={"events": found, "next": found[-1]["position"] if found else query["after"]})
