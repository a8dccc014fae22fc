"""A deadline for every request, so a database that stops answering costs a worker seconds.

When the network path to PostgreSQL turns into a black hole, pooled connections stay open
and nothing comes back: the driver waits on its socket until gunicorn kills the worker
(``timeout``), and the client gets a dropped connection instead of a 503. ``connect_timeout``
only covers new connections and ``statement_timeout`` is enforced by the server, which never
sees the query. A real-time interval timer interrupts the wait from inside the worker: psycopg
checks for signals while it waits, so the handler's exception surfaces in the request, the
error handler answers 503 + Retry-After, and the broken connection is thrown away.

Signals reach only a process's main thread, which is where gunicorn's sync workers (and the
Flask test client) run requests; under threaded servers the deadline is not armed.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from flask import Flask, g


class RequestDeadlineExceeded(Exception):
    """The request ran past REQUEST_DEADLINE seconds."""


def _expire(signum: int, frame: FrameType | None) -> None:
    # Remembered because the driver may replace this exception with its own error about
    # the connection it was interrupted on.
    g.request_deadline_expired = True
    raise RequestDeadlineExceeded


def expired() -> bool:
    """Whether the current request ran past its deadline."""
    return bool(g.get("request_deadline_expired", False))


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def register(app: Flask, seconds: float) -> None:
    """Arm a ``seconds`` timer at the start of each request and disarm it at the end."""
    if seconds <= 0:
        return

    @app.before_request
    def arm_deadline() -> None:
        if _in_main_thread():
            signal.signal(signal.SIGALRM, _expire)
            signal.setitimer(signal.ITIMER_REAL, seconds)

    @app.teardown_request
    def disarm_deadline(exc: BaseException | None) -> None:
        if _in_main_thread():
            signal.setitimer(signal.ITIMER_REAL, 0)
