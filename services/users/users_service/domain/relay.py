"""The relay: publishes the outbox's events to a Redis stream (``python manage.py relay``).

Rows are taken in position order, a batch at a time, and sent with ``XADD`` (the stream
trimmed to about ``maxlen`` entries); a batch is marked published in the same transaction
that read it, after Redis accepted it. A crash between the two sends that batch again on the
next start: delivery is at least once, and consumers drop the event ids they already applied.
Rows are read ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), so a second relay takes other rows
instead of waiting.

The relay is also the service's one long-running worker: it prunes the audit log of rows older
than AUDIT_RETENTION_DAYS at start and then hourly (``manage.py prune-audit`` does it on demand).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from service_kit.db.database import Database
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError

from . import audit
from .events import EVENT_COLUMNS, event_json
from .models import OutboxEvent, utcnow

log = logging.getLogger("users_service.relay")

STREAM_MAXLEN = 100_000
PRUNE_EVERY = 3600.0  # seconds between two prunings of the audit log

_UNPUBLISHED = (
    select(OutboxEvent.position, *EVENT_COLUMNS)
    .where(OutboxEvent.published_at.is_(None))
    .order_by(OutboxEvent.position)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)


class Relay:
    def __init__(
        self,
        database: Database,
        client: Redis,
        *,
        stream: str,
        batch_size: int = 100,
        poll_interval: float = 0.1,
        max_backoff: float = 30.0,
        maxlen: int = STREAM_MAXLEN,
        audit_retention_days: int | None = None,
    ) -> None:
        self.database = database
        self.client = client
        self.stream = stream
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.maxlen = maxlen
        self.audit_retention_days = audit_retention_days
        self._next_prune = 0.0

    def publish_batch(self) -> int:
        """Publish the oldest unpublished events, at most ``batch_size``; how many.

        Raises ``RedisError`` (or a database error) with nothing marked published.
        """
        with self.database.unit_of_work() as session:
            rows = session.execute(_UNPUBLISHED, {"limit": self.batch_size}).all()
            if not rows:
                return 0
            self.send(rows)
            published = [row[0] for row in rows]
            session.execute(
                update(OutboxEvent).where(OutboxEvent.position.in_(published)).values(published_at=utcnow())
            )
        return len(rows)

    def prune_when_due(self) -> None:
        """Prune the audit log when an hour has passed since the last time (failures are retried then)."""
        if self.audit_retention_days is None or time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY
        try:
            with self.database.unit_of_work() as session:
                removed = audit.prune(connection=session, retention_days=self.audit_retention_days)
        except SQLAlchemyError as error:
            log.warning("audit log not pruned", extra={"event": "audit_prune_failed", "error": type(error).__name__})
            return
        if removed:
            log.info("audit log pruned", extra={"event": "audit_pruned", "count": removed})

    def send(self, rows: Sequence[Any]) -> None:
        """XADD each row's event, in order, in one round trip."""
        pipeline = self.client.pipeline(transaction=False)
        for row in rows:
            event = json.dumps(event_json(*row[1:]), separators=(",", ":"))
            pipeline.xadd(self.stream, {"event": event}, maxlen=self.maxlen, approximate=True)
        pipeline.execute()

    def run(self, stop: threading.Event) -> None:
        """Publish until ``stop`` is set; a batch under way is finished first."""
        log.info("relay started", extra={"event": "relay_started", "stream": self.stream})
        backoff = 0.0
        while not stop.is_set():
            self.prune_when_due()
            try:
                published = self.publish_batch()
            except (RedisError, SQLAlchemyError) as error:
                # Whatever failed keeps its rows unpublished: they go out once it is back.
                backoff = min(self.max_backoff, max(self.poll_interval, backoff * 2 or 0.5))
                log.warning(
                    "relay cannot publish; retrying",
                    extra={"event": "relay_retry", "error": type(error).__name__, "retry_in": backoff},
                )
                stop.wait(backoff)
                continue
            if backoff:
                log.info("relay publishing again", extra={"event": "relay_resumed"})
                backoff = 0.0
            if published:
                log.debug("events published", extra={"event": "relay_published", "count": published})
            if published < self.batch_size:
                stop.wait(self.poll_interval)
        log.info("relay stopped", extra={"event": "relay_stopped"})
