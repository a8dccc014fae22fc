"""The events consumer: ``python -m items_service.consumer`` (``manage.py consume`` runs it).

It applies the users service's events to the items database until SIGTERM or SIGINT: from
the Redis stream EVENTS_STREAM when REDIS_URL is set, else from the users service's feed at
USERS_EVENTS_URL (EVENTS_FEED_TOKEN). It needs the database and the domain only: without the
web app, the process holds about 30 MB less.
"""

from __future__ import annotations

import sys

from service_kit.db.database import Database
from service_kit.runtime.lifecycle import stop_on_signals
from service_kit.runtime.logging import configure_logging

from .db.base import Base
from .domain.consumer import Consumer, FeedSource, RedisSource, Source
from .runtime.metrics import METRICS
from .runtime.settings import Settings, settings_or_exit


def events_source(config: Settings) -> Source:
    if config.events_source == "redis":
        return RedisSource(config.REDIS_URL, config.EVENTS_STREAM)
    return FeedSource(config.USERS_EVENTS_URL, config.EVENTS_FEED_TOKEN, config.EVENTS_POLL_INTERVAL)


def main() -> None:
    config = settings_or_exit()
    if config.events_source == "feed" and not config.EVENTS_FEED_TOKEN:
        sys.exit("Set REDIS_URL (the Redis stream) or EVENTS_FEED_TOKEN (the users feed) to consume events.")
    configure_logging("items_service", config.LOG_LEVEL)
    stop = stop_on_signals()
    database = Database(config, Base.metadata, METRICS)
    try:
        Consumer(database, events_source(config), stop).run()
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
