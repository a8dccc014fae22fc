"""A deadline for every unit of work, so a database that stops answering costs a request seconds.

When the network path to PostgreSQL turns into a black hole, pooled connections stay open
and nothing comes back: the driver would wait on its socket for as long as the kernel keeps
the connection, holding a request thread, and the client would get nothing. ``connect_timeout``
only covers new connections and ``statement_timeout`` is enforced by the server, which never
sees the query.

A watchdog thread per process keeps the deadline of every unit of work in flight and the
database connections each one's thread has checked out of the pool. When a unit of work runs
past its deadline, the watchdog shuts down the sockets of those connections: the driver's
wait ends at once with a connection error, the unit of work raises ``DeadlineExceeded``, and
the pool throws the broken connection away. It works whichever thread runs the request, so
it needs nothing from the server, and work that never touches the database pays nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

log = logging.getLogger("service_kit.deadline")

# A connection used within this many seconds is handed out without a ping.
PING_AFTER_IDLE = 1.0
_LAST_CHECKIN = "deadline.last_checkin"


class DeadlineExceeded(Exception):
    """A unit of work ran past its deadline; its connections were cut."""


class _Deadline:
    __slots__ = ("at", "expired")

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False


class Watchdog:
    """Per process: the deadlines of units of work in flight, and the connections their threads hold."""

    def __init__(self, seconds: float, tick: float = 0.05) -> None:
        self.seconds = seconds
        self.tick = min(tick, seconds / 4)
        self._lock = threading.Lock()
        self._deadlines: dict[int, _Deadline] = {}
        self._connections: dict[int, list[Any]] = {}
        self._current = threading.local()
        self._pid = 0

    def expired(self) -> bool:
        """Whether the current thread's unit of work ran past its deadline."""
        deadline: _Deadline | None = getattr(self._current, "deadline", None)
        return deadline is not None and deadline.expired

    def watch(self, engine: Engine) -> None:
        """Track the connections ``engine``'s pool hands out, and ping them within the deadline.

        The engine must be created without ``pool_pre_ping``, which runs before the checkout
        event and so outside the deadline: the ping is done here instead.
        """
        event.listen(engine.pool, "checkout", self._on_checkout(engine))
        event.listen(engine.pool, "checkin", self._on_checkin)
        event.listen(engine.pool, "close", self._on_close)

    def arm(self) -> None:
        """Start the current thread's deadline."""
        self._ensure_running()
        deadline = _Deadline(time.monotonic() + self.seconds)
        with self._lock:
            self._deadlines[threading.get_ident()] = deadline
        self._current.deadline = deadline

    def disarm(self) -> None:
        """End the current thread's deadline (``expired`` keeps its verdict until the next ``arm``)."""
        with self._lock:
            self._deadlines.pop(threading.get_ident(), None)

    def _ensure_running(self) -> None:
        # One thread per process; a forked worker starts its own.
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._deadlines.clear()
                    self._connections.clear()
                    threading.Thread(target=self._run, name="request-deadline", daemon=True).start()
                    self._pid = os.getpid()

    def _checked_out(self, dbapi_connection: Any) -> None:
        with self._lock:
            self._connections.setdefault(threading.get_ident(), []).append(dbapi_connection)

    def _checked_in(self, dbapi_connection: Any) -> None:
        with self._lock:
            for held in self._connections.values():
                if dbapi_connection in held:
                    held.remove(dbapi_connection)
                    break

    def _on_checkout(self, engine: Engine) -> Any:
        def on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
            self._checked_out(dbapi_connection)
            # The pessimistic ping: a connection that died while pooled is replaced (up to
            # three tries), and a ping that hangs is cut like any other query. A connection
            # used within the last PING_AFTER_IDLE seconds is not pinged: under load that
            # saves a round trip per request, and if the database went away meanwhile the
            # query fails instead, the request answers 503, and the pool drops every
            # connection older than the failure.
            if time.monotonic() - record.info.get(_LAST_CHECKIN, -PING_AFTER_IDLE) < PING_AFTER_IDLE:
                return
            try:
                # The dialect's own ping: outside a transaction, so it leaves the connection idle.
                engine.dialect.do_ping(dbapi_connection)
            except Exception as exc:
                self._checked_in(dbapi_connection)
                if self.expired():
                    raise DeadlineExceeded from exc
                raise DisconnectionError from exc

        return on_checkout

    def _on_checkin(self, dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None:
            self._checked_in(dbapi_connection)
            record.info[_LAST_CHECKIN] = time.monotonic()

    def _on_close(self, dbapi_connection: Any, record: Any) -> None:
        self._checked_in(dbapi_connection)

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
