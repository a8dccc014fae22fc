"""A deadline for every request, so a database that stops answering costs a request seconds.

When the network path to PostgreSQL turns into a black hole, pooled connections stay open
and nothing comes back: the driver would wait on its socket for as long as the kernel keeps
the connection, holding a request thread, and the client would get nothing. ``connect_timeout``
only covers new connections and ``statement_timeout`` is enforced by the server, which never
sees the query.

A watchdog thread per process keeps the deadline of every request in flight and the database
connections each request's thread has checked out of the pool. When a request runs past
``REQUEST_DEADLINE`` seconds, the watchdog shuts down the sockets of those connections: the
driver's wait ends at once with a connection error, the error handler sees that the deadline
expired and answers 503 + Retry-After, and the pool throws the broken connection away. It
works whichever thread runs the request, so it needs nothing from the server.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from flask import Flask, g, has_app_context
from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

log = logging.getLogger("users_service.deadline")

PING_AFTER_IDLE = 1.0
_LAST_CHECKIN = "deadline.last_checkin"


class RequestDeadlineExceeded(Exception):
    """The request ran past REQUEST_DEADLINE seconds."""


class _Deadline:
    __slots__ = ("at", "expired")

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False


class Watchdog:
    """Per process: deadlines of requests in flight, and the connections their threads hold."""

    def __init__(self, seconds: float, tick: float = 0.05) -> None:
        self.seconds = seconds
        self.tick = min(tick, seconds / 4)
        self._lock = threading.Lock()
        self._deadlines: dict[int, _Deadline] = {}
        self._connections: dict[int, list[Any]] = {}
        self._pid = 0

    def _ensure_running(self) -> None:
        # One thread per process; a forked worker starts its own.
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._deadlines.clear()
                    self._connections.clear()
                    threading.Thread(target=self._run, name="request-deadline", daemon=True).start()
                    self._pid = os.getpid()

    def arm(self) -> _Deadline:
        self._ensure_running()
        deadline = _Deadline(time.monotonic() + self.seconds)
        with self._lock:
            self._deadlines[threading.get_ident()] = deadline
        return deadline

    def disarm(self) -> None:
        with self._lock:
            self._deadlines.pop(threading.get_ident(), None)

    def checked_out(self, dbapi_connection: Any) -> None:
        with self._lock:
            self._connections.setdefault(threading.get_ident(), []).append(dbapi_connection)

    def checked_in(self, dbapi_connection: Any) -> None:
        with self._lock:
            for held in self._connections.values():
                if dbapi_connection in held:
                    held.remove(dbapi_connection)
                    break

    def _run(self) -> None:
        while True:
            time.sleep(self.tick)
            now = time.monotonic()
            with self._lock:
                for ident, deadline in list(self._deadlines.items()):
                    if deadline.at <= now:
                        deadline.expired = True
                        del self._deadlines[ident]
                        for connection in self._connections.get(ident, ()):
                            _break(connection)


def _break(dbapi_connection: Any) -> None:
    """Shut the connection's socket down, which ends any wait on it in another thread."""
    try:
        if getattr(dbapi_connection, "closed", True):
            return
        fd = dbapi_connection.fileno()
    except Exception:  # noqa: BLE001 - not a socket-backed driver (SQLite), or already gone
        return
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        log.debug("shutting down a database socket failed", exc_info=True)


def expired() -> bool:
    """Whether the current request ran past its deadline."""
    deadline: _Deadline | None = g.get("request_deadline")
    return deadline is not None and deadline.expired


def check() -> None:
    """Raise ``RequestDeadlineExceeded`` if the current request ran past its deadline."""
    if expired():
        raise RequestDeadlineExceeded


def register(app: Flask, engine: Engine, seconds: float) -> None:
    """Give every request of ``app`` a ``seconds`` deadline on ``engine``'s connections.

    With a deadline, the engine must be created without ``pool_pre_ping``: the ping is done here.
    """
    if seconds <= 0:
        return
    watchdog = Watchdog(seconds)
    app.extensions["request_deadline"] = watchdog

    @event.listens_for(engine.pool, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        watchdog.checked_out(dbapi_connection)
        # The pessimistic ping (instead of pool_pre_ping, which runs before this event and so
        # outside the deadline): a connection that died while pooled is replaced (up to three
        # tries), and a ping that hangs is cut like any other query. A connection used within
        # the last PING_AFTER_IDLE seconds is not pinged: under load that saves a round trip
        # per request, and if the database went away meanwhile the query fails instead, the
        # request answers 503, and the pool drops every connection older than the failure.
        if time.monotonic() - record.info.get(_LAST_CHECKIN, -PING_AFTER_IDLE) < PING_AFTER_IDLE:
            return
        try:
            # The dialect's own ping: outside a transaction, so it leaves the connection idle.
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            watchdog.checked_in(dbapi_connection)
            if has_app_context() and expired():
                raise RequestDeadlineExceeded from exc
            raise DisconnectionError from exc

    @event.listens_for(engine.pool, "checkin")
    def on_checkin(dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None:
            watchdog.checked_in(dbapi_connection)
            record.info[_LAST_CHECKIN] = time.monotonic()

    @event.listens_for(engine.pool, "close")
    def on_close(dbapi_connection: Any, record: Any) -> None:
        watchdog.checked_in(dbapi_connection)

    @app.before_request
    def arm_deadline() -> None:
        g.request_deadline = watchdog.arm()

    @app.teardown_request
    def disarm_deadline(exc: BaseException | None) -> None:
        watchdog.disarm()
