"""The items service's server: ``python -m items_service.server [--reload] [--app module:attribute]``.

granian with this service's app; service_kit.runtime.server says which environment
variables set it up (BIND, WEB_CONCURRENCY, WEB_THREADS, ACCESS_LOG, SHUTDOWN_DRAIN_SECONDS...).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from service_kit.runtime.server import serve


def _check_settings() -> None:
    # Imported here: the server sets up the metrics directory before prometheus_client loads.
    from .runtime.settings import settings_or_exit

    settings_or_exit()


def main(argv: Sequence[str] | None = None) -> None:
    serve(
        "items",
        "items_service.wsgi:app",
        _check_settings,
        Path(__file__).resolve().parent,
        argv,
        shared_code="items_service.web.app",
    )


if __name__ == "__main__":
    main()
