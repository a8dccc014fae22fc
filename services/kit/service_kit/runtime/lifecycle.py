"""Instance lifecycle: once the instance is told to stop, every worker reports itself not ready;
a long-running command stops when its work in hand is done.

The server process (``service_kit.runtime.server``) owns SIGTERM. It marks the instance as
draining by creating a file that every worker can see (``SERVICE_DRAIN_FLAG``), keeps serving
for ``SHUTDOWN_DRAIN_SECONDS``, then stops its workers, which finish the requests they are
serving. From the first moment ``/health/ready`` answers 503, so a load balancer that still
probes this instance stops sending it new work while the instance can still answer.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from types import FrameType

DRAIN_FLAG_ENV = "SERVICE_DRAIN_FLAG"


def draining() -> bool:
    """Whether this instance has been told to stop."""
    flag = os.environ.get(DRAIN_FLAG_ENV)
    return flag is not None and flag != "" and os.path.exists(flag)


def start_draining() -> None:
    flag = os.environ.get(DRAIN_FLAG_ENV)
    if flag:
        Path(flag).touch()


def stop_on_signals() -> threading.Event:
    """An event set by the first SIGTERM or SIGINT, for a long-running command (the relay, the
    consumer) that finishes the work in hand, then returns."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # Event.set() takes the event's lock, which the interrupted main thread may hold
        # (inside Event.wait): set it from another thread, never inside the handler.
        threading.Thread(target=stop.set, name="stop").start()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop
