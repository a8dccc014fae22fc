"""The outbox relay: ``python -m users_service.relay [--batch-size N] [--poll-interval S]``
(``manage.py relay`` runs it).

It publishes the outbox's events to the Redis stream EVENTS_STREAM (REDIS_URL) until SIGTERM
or SIGINT, which it answers by finishing the batch under way. It needs the database and the
domain only: without the web app, the process holds about 20 MB less.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from service_kit.db.database import Database
from service_kit.runtime.lifecycle import stop_on_signals
from service_kit.runtime.logging import configure_logging

from .db.base import Base
from .domain.relay import Relay
from .runtime.metrics import METRICS
from .runtime.settings import settings_or_exit


def _within(kind: type[int] | type[float], low: float, high: float) -> Callable[[str], float]:
    """An argument of ``kind`` from ``low`` to ``high``, or argparse's one-line error."""

    def parse(raw: str) -> float:
        try:
            value = kind(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{raw!r} is not a {kind.__name__}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{raw} is not between {low:g} and {high:g}")
        return value

    return parse


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m users_service.relay",
        description="Publish the outbox's events to the Redis stream EVENTS_STREAM until SIGTERM or SIGINT.",
    )
    parser.add_argument("--batch-size", type=_within(int, 1, 10_000), default=100, help="events per batch (100)")
    parser.add_argument(
        "--poll-interval",
        type=_within(float, 0.01, 60),
        default=0.1,
        help="seconds between looks at the outbox when it has nothing new (0.1)",
    )
    args = parser.parse_args(argv)
    config = settings_or_exit()
    if not config.REDIS_URL:
        sys.exit(
            "REDIS_URL is not set: the relay publishes to Redis (without it, consumers read GET /internal/events)."
        )
    configure_logging("users_service", config.LOG_LEVEL)
    # No retries inside the client: the relay backs off itself, with the rows kept in the outbox.
    client = Redis.from_url(config.REDIS_URL, socket_timeout=5, socket_connect_timeout=5, retry=Retry(NoBackoff(), 0))
    # The batch under way is finished and marked before the relay stops.
    stop = stop_on_signals()
    database = Database(config, Base.metadata, METRICS)
    try:
        Relay(
            database,
            client,
            stream=config.EVENTS_STREAM,
            batch_size=args.batch_size,
            poll_interval=args.poll_interval,
            audit_retention_days=config.AUDIT_RETENTION_DAYS,
        ).run(stop)
    finally:
        client.close()
        database.dispose()


if __name__ == "__main__":
    main()
