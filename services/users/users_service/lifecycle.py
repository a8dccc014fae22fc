"""Worker lifecycle: once told to stop, a worker reports itself not ready.

gunicorn forwards SIGTERM from its master to every worker; the worker then finishes the
requests it is serving (up to ``graceful_timeout``). From the moment the signal arrives
``/health/ready`` answers 503, so a load balancer that still probes this instance stops
sending it new work. With a drain delay the worker keeps accepting requests for that long
before it starts to stop, which gives the load balancer time to notice.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

shutting_down = threading.Event()


def install_sigterm_handler(drain_seconds: float = 0, stop: Callable[[], None] | None = None) -> None:
    """Set ``shutting_down`` on SIGTERM, then stop: at once, or after ``drain_seconds``.

    ``stop`` defaults to the SIGTERM handler that was installed before (gunicorn's).
    """
    previous = signal.getsignal(signal.SIGTERM)

    def stop_now(signum: int, frame: FrameType | None) -> None:
        if stop is not None:
            stop()
        elif callable(previous):
            previous(signum, frame)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        shutting_down.set()
        if drain_seconds > 0:
            timer = threading.Timer(drain_seconds, stop_now, args=(signum, None))
            timer.daemon = True
            timer.start()
        else:
            stop_now(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)
    # signal.signal() makes the signal interrupt system calls; keep gunicorn's restart behaviour.
    signal.siginterrupt(signal.SIGTERM, False)
