"""``manage.py consume``: reads the users service's events and applies them (``events``).

Two sources, the same events:

- a Redis stream (``REDIS_URL`` set): ``XREAD`` from the stored cursor, the stream entry id;
- the users service's HTTP feed of its outbox (``USERS_EVENTS_URL`` with ``EVENTS_FEED_TOKEN``),
  polled every ``EVENTS_POLL_INTERVAL`` seconds; the cursor is the outbox position.

Each batch read (up to ``BATCH`` entries) is applied in one unit of work with the cursor
moved past it (``events.apply_events``): a database error on any of its events rolls the batch
back and it is read again from the stored cursor, so nothing is lost and the recorded event ids
keep a second delivery from applying anything twice. An entry that is not an event is logged
and skipped (the cursor moves past it with the rest of its batch); a source or database that
does not answer is retried with a growing pause (up to ``MAX_BACKOFF``). A full batch is
followed by the next read at once; the feed is polled again after ``EVENTS_POLL_INTERVAL``
only when it had nothing new. SIGTERM or SIGINT stops the loop between two batches.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from threading import Event as StopFlag
from typing import Any, Protocol

import redis
from service_kit.db.database import Database
from sqlalchemy.exc import SQLAlchemyError

from .events import Event, MalformedEvent, apply_events, cursor_of, forget_expired, move_cursor, parse_event

log = logging.getLogger("items_service.consumer")

BATCH = 100
MAX_BACKOFF = 10.0
FIRST_BACKOFF = 0.25
HOUSEKEEPING_EVERY = 300.0
FEED_TIMEOUT = 10.0
MAX_FEED_BYTES = 8 * 1024 * 1024


class SourceUnavailable(Exception):
    """The source of events did not answer (or answered with an error)."""


@dataclass(frozen=True)
class Entry:
    """One entry of a source: its position (the cursor after it) and its JSON text."""

    position: str
    payload: Any


class Source(Protocol):
    name: str
    start: str

    def read(self, after: str, stop: StopFlag) -> list[Entry]: ...


class RedisSource:
    """Entries of a Redis stream, field ``event``; blocks up to a second for new ones."""

    start = "0-0"

    def __init__(self, url: str, stream: str, block_ms: int = 1000) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3)
        self.stream = stream
        self.name = f"redis:{stream}"
        self.block_ms = block_ms

    def read(self, after: str, stop: StopFlag) -> list[Entry]:
        try:
            answer: Any = self.client.xread({self.stream: after}, count=BATCH, block=self.block_ms)
        except redis.RedisError as exc:
            raise SourceUnavailable(type(exc).__name__) from exc
        entries = []
        for _stream, messages in answer or ():
            for entry_id, fields in messages:
                raw = fields.get(b"event")
                entries.append(Entry(entry_id.decode(), raw.decode("utf-8", "replace") if raw is not None else None))
        return entries


class FeedSource:
    """Events of the users service's outbox feed, ``GET USERS_EVENTS_URL?after=&limit=``."""

    start = "0"

    def __init__(self, url: str, token: str, poll_interval: float) -> None:
        self.url = url
        self.token = token
        self.name = "feed"
        self.poll_interval = poll_interval

    def read(self, after: str, stop: StopFlag) -> list[Entry]:
        query = urllib.parse.urlencode({"after": after, "limit": BATCH})
        request = urllib.request.Request(  # noqa: S310 - http(s) only (settings)
            f"{self.url}?{query}", headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=FEED_TIMEOUT) as response:  # noqa: S310
                body = json.loads(response.read(MAX_FEED_BYTES))
            events = body["data"]["events"]
            if not isinstance(events, list):
                raise TypeError("events is not a list")
        except urllib.error.HTTPError as exc:
            raise SourceUnavailable(f"HTTP {exc.code}") from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SourceUnavailable(type(exc).__name__) from exc
        entries = [Entry(str(_position(event, after)), event) for event in events]
        if not entries:
            stop.wait(self.poll_interval)
        return entries


def _position(event: Any, after: str) -> int:
    position = event.get("position") if isinstance(event, dict) else None
    if isinstance(position, int) and not isinstance(position, bool):
        return position
    # An entry without a position cannot move the cursor; the feed's order still holds.
    return int(after)


class Consumer:
    """Reads ``source`` from the stored cursor and applies each batch in one unit of work."""

    def __init__(self, database: Database, source: Source, stop: StopFlag | None = None) -> None:
        self.database = database
        self.source = source
        self.stop = stop or StopFlag()
        self.backoff = FIRST_BACKOFF
        self.housekept_at = float("-inf")
        # The cursor as this process last committed it: read from the database at first and
        # after any failure, so a batch that was not committed is read again.
        self.position: str | None = None

    def run(self) -> None:
        log.info("consuming events", extra={"event": "consumer_started", "source": self.source.name})
        while not self.stop.is_set():
            try:
                self.step()
            except (SourceUnavailable, SQLAlchemyError) as exc:
                self.position = None
                log.warning(
                    "events source or database unavailable, retrying",
                    extra={"event": "consumer_backoff", "error": str(exc)[:200], "retry_in": self.backoff},
                )
                self.stop.wait(self.backoff)
                self.backoff = min(self.backoff * 2, MAX_BACKOFF)
        log.info("consumer stopped", extra={"event": "consumer_stopped", "source": self.source.name})

    def step(self) -> int:
        """Read one batch and apply it; how many entries it had."""
        self._housekeeping()
        if self.position is None:
            with self.database.unit_of_work() as session:
                self.position = cursor_of(session=session, source=self.source.name) or self.source.start
        entries = self.source.read(self.position, self.stop)
        self.backoff = FIRST_BACKOFF
        if entries:
            self.position = None
            self.handle(entries)
            self.position = entries[-1].position
        return len(entries)

    def handle(self, entries: list[Entry]) -> None:
        """Apply a batch of entries in one unit of work; entries that are not events are skipped."""
        events: list[tuple[Event, Entry]] = []
        for entry in entries:
            try:
                payload = json.loads(entry.payload) if isinstance(entry.payload, str) else entry.payload
                events.append((parse_event(payload), entry))
            except (MalformedEvent, ValueError) as exc:
                log.warning(
                    "malformed event skipped",
                    extra={"event": "event_malformed", "position": entry.position, "error": str(exc)[:200]},
                )
        with self.database.unit_of_work() as session:
            if events:
                outcomes = apply_events(
                    session=session,
                    events=[event for event, _ in events],
                    source=self.source.name,
                    position=entries[-1].position,
                )
            else:
                outcomes = []
                move_cursor(session=session, source=self.source.name, position=entries[-1].position)
        # Logged once committed: "applied" means it took effect.
        for (event, outcome), (_, entry) in zip(outcomes, events, strict=True):
            fields = {
                "event_id": event.id,
                "event_type": event.type,
                "trace_id": event.trace_id,
                "position": entry.position,
            }
            if outcome == "applied":
                log.info("event applied", extra={"event": "event_applied", **fields})
            elif outcome == "unknown":
                log.info("event of an unknown type skipped", extra={"event": "event_unknown_type", **fields})
            else:
                log.info("event already applied", extra={"event": "event_duplicate", **fields})

    def _housekeeping(self) -> None:
        if time.monotonic() - self.housekept_at < HOUSEKEEPING_EVERY:
            return
        with self.database.unit_of_work() as session:
            forget_expired(session=session)
        self.housekept_at = time.monotonic()
