"""A unit of work that waits on the database past REQUEST_DEADLINE answers 503 and leaves the app usable.

The deadline needs a socket to cut, so these tests use PostgreSQL (``DATABASE_TEST_URL``, or
the local server) whatever database the rest of the suite runs on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import pytest
from apiflask import APIFlask
from service_kit.web.database import autocommit, current_connection, transactional
from sqlalchemy import text

from tests.factories import database_of
from tests.web.test_errors import assert_safe_envelope

POSTGRES_URL = os.environ.get("DATABASE_TEST_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"

Mode = Callable[[Callable[[], dict[str, str]]], Callable[[], dict[str, str]]]


def _add_stuck_route(app: APIFlask, mode: Mode = transactional) -> None:
    @mode
    def stuck() -> dict[str, str]:
        # Stands in for a database that stops answering mid-query.
        current_connection().execute(text("SELECT pg_sleep(30)"))
        return {"status": "success"}

    @mode
    def quick() -> dict[str, str]:
        current_connection().execute(text("SELECT 1"))
        return {"status": "success"}

    app.add_url_rule("/users/test-only-stuck", "stuck", stuck)
    app.add_url_rule("/users/test-only-quick", "quick", quick)


@pytest.mark.parametrize("mode", [transactional, autocommit], ids=["transaction", "autocommit"])
def test_query_past_its_deadline_is_a_503_with_retry_after(make_app: Callable[..., APIFlask], mode: Mode) -> None:
    app = make_app(DATABASE_URL=POSTGRES_URL, REQUEST_DEADLINE=0.5)
    _add_stuck_route(app, mode)
    client = app.test_client()

    started = time.monotonic()
    response = client.get("/users/test-only-stuck")

    assert_safe_envelope(response, 503)
    assert response.headers["Retry-After"]
    assert time.monotonic() - started < 10  # cut short, not waited out
    assert client.get("/users/test-only-quick").status_code == 200  # the pool recovered


def test_deadline_cuts_a_request_running_in_another_thread(make_app: Callable[..., APIFlask]) -> None:
    # Production servers run requests in worker threads, where signals cannot reach.
    app = make_app(DATABASE_URL=POSTGRES_URL, REQUEST_DEADLINE=0.5)
    _add_stuck_route(app)
    statuses: list[int] = []

    def call() -> None:
        statuses.append(app.test_client().get("/users/test-only-stuck").status_code)

    thread = threading.Thread(target=call)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert statuses == [503]


def test_quick_requests_are_not_cut(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(DATABASE_URL=POSTGRES_URL, REQUEST_DEADLINE=0.3)
    _add_stuck_route(app)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/users/test-only-quick").status_code == 200
        time.sleep(0.2)  # the whole series outlasts one deadline; each request does not
    watchdog = database_of(app).watchdog
    assert watchdog is not None and not watchdog.expired()


def test_no_deadline_when_disabled(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(REQUEST_DEADLINE=0)
    assert database_of(app).watchdog is None
    assert app.test_client().get("/users").status_code == 200
