"""Work a request hands off, so that its answer neither waits for it nor tells by its timing
what the work found (a password reset for an address that has an account, or not)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from sqlalchemy.orm import Session

from ..db.database import Database
from ..runtime.tracing import CURRENT_TRACE, TraceContext
from .edge import REQUEST_ID, request_id
from .tracing import current

log = logging.getLogger("service_kit.background")

Job = Callable[[Session], None]


class BackgroundWork:
    """A few threads per worker process, each job in a unit of work of its own."""

    def __init__(self, database: Database, threads: int = 2) -> None:
        self.database = database
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="background")
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()

    def submit(self, job: Job) -> None:
        """Run ``job`` after this request, with its logs under this request's id and trace."""
        future = self._executor.submit(self._run, job, request_id(), current())
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def wait(self, timeout: float = 10.0) -> bool:
        """Wait until every job submitted so far has ended; whether they all did in time."""
        with self._lock:
            pending = set(self._pending)
        _done, not_done = wait(pending, timeout=timeout)
        return not not_done

    def _run(self, job: Job, request: str, trace: TraceContext | None) -> None:
        token = REQUEST_ID.set(request)
        trace_token = CURRENT_TRACE.set(trace)
        try:
            with self.database.unit_of_work() as session:
                job(session)
        except Exception:
            log.exception("background job failed", extra={"event": "background_job_failed"})
        finally:
            CURRENT_TRACE.reset(trace_token)
            REQUEST_ID.reset(token)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)
