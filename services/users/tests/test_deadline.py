"""A request that runs past REQUEST_DEADLINE answers 503 and leaves the worker usable."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from apiflask import APIFlask
from sqlalchemy.exc import ProgrammingError

from tests.test_errors import assert_safe_envelope
from users_service.deadline import RequestDeadlineExceeded


def _add_stuck_route(app: APIFlask) -> None:
    def stuck() -> dict[str, str]:
        # Stands in for a driver waiting on a socket that never answers.
        time.sleep(30)
        return {"status": "success"}

    app.add_url_rule("/users/test-only-stuck", "stuck", stuck)


def test_request_past_its_deadline_is_a_503_with_retry_after(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(REQUEST_DEADLINE=0.3)
    _add_stuck_route(app)
    client = app.test_client()

    started = time.monotonic()
    response = client.get("/users/test-only-stuck")

    assert_safe_envelope(response, 503)
    assert response.headers["Retry-After"]
    assert time.monotonic() - started < 10  # interrupted, not waited out
    assert client.get("/users").status_code == 200  # the next request works


def test_deadline_is_disarmed_after_each_request(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(REQUEST_DEADLINE=5)
    assert app.test_client().get("/users/ping").status_code == 200
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_deadline_when_disabled(make_app: Callable[..., APIFlask]) -> None:
    app = make_app(REQUEST_DEADLINE=0)
    before = signal.getsignal(signal.SIGALRM)
    assert app.test_client().get("/users/ping").status_code == 200
    assert signal.getsignal(signal.SIGALRM) is before


def test_driver_error_after_the_deadline_is_still_a_503(make_app: Callable[..., APIFlask]) -> None:
    # psycopg may replace the interrupt with its own error about the half-used connection.
    app = make_app(REQUEST_DEADLINE=0.3)

    def stuck_then_driver_error() -> None:
        try:
            time.sleep(30)
        except RequestDeadlineExceeded:
            raise ProgrammingError("SELECT 1", {}, Exception("another command is already in progress")) from None

    app.add_url_rule("/users/test-only-driver", "driver", stuck_then_driver_error)
    response = app.test_client().get("/users/test-only-driver")
    assert_safe_envelope(response, 503)
