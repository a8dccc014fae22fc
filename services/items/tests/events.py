"""The users service's side of events, played by the tests: events as it writes them, its
HTTP feed served from a thread, and its Redis stream."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import redis

REDIS_URL = "redis://127.0.0.1:6379/0"
FEED_TOKEN = "feed-token-for-tests"


def event(
    kind: str,
    user_id: int,
    *,
    data: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    event_id: str | None = None,
    trace_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": event_id or uuid.uuid4().hex,
        "type": kind,
        "user_id": user_id,
        "occurred_at": (occurred_at or datetime.now(UTC)).isoformat(),
        "data": data or {},
        "traceparent": f"00-{trace_id}-{'b' * 16}-01" if trace_id else None,
    }


class FeedServer:
    """``GET /internal/events?after=&limit=`` with ``Authorization: Bearer FEED_TOKEN``."""

    def __init__(self) -> None:
        self.events: list[tuple[int, Any]] = []
        self.afters: list[int] = []
        self.failing = False
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = parse_qs(url.query)
                if owner.failing:
                    return self._answer(503, {"status": "fail", "message": "unavailable"})
                if self.headers.get("Authorization") != f"Bearer {FEED_TOKEN}":
                    return self._answer(401, {"status": "fail", "message": "Provide a valid auth token."})
                after, limit = int(query["after"][0]), int(query.get("limit", ["100"])[0])
                owner.afters.append(after)
                page = [(position, e) for position, e in owner.events if position > after][:limit]
                body = {
                    "status": "success",
                    "data": {"events": [e for _, e in page], "next": page[-1][0] if page else after},
                }
                return self._answer(200, body)

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/internal/events"

    def publish(self, *events: Any) -> None:
        """Events get the next positions; anything else is served as it is (a malformed entry)."""
        for item in events:
            position = len(self.events) + 1
            self.events.append((position, {**item, "position": position} if isinstance(item, dict) else item))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def redis_stream() -> Iterator[tuple[redis.Redis, str]]:
    """A stream of its own on the real Redis, deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    name = f"items-test-{uuid.uuid4().hex}"
    try:
        yield client, name
    finally:
        client.delete(name)
        client.close()


def xadd(client: redis.Redis, stream: str, *events: dict[str, Any] | str) -> None:
    for item in events:
        client.xadd(stream, {"event": item if isinstance(item, str) else json.dumps(item)})
