"""A small, bounded load generator: a few threads on loopback, every answer recorded.

Load is bounded both ways (a request budget and a deadline) because the machine is shared;
the scenarios assert counts of outcomes, never how long anything took.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

CONNECTION_FAILED = 0  # status recorded when no HTTP answer arrived at all


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    json: dict[str, Any] | None = None
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class Outcome:
    request: Request
    status: int
    retry_after: str | None
    body: dict[str, Any] | None
    error: str = ""
    seconds: float = 0.0


def send(client: httpx.Client, request: Request) -> Outcome:
    started = time.monotonic()
    try:
        response = client.request(request.method, request.path, json=request.json, headers=request.headers)
    except httpx.HTTPError as error:
        return Outcome(
            request, CONNECTION_FAILED, None, None, type(error).__name__, time.monotonic() - started
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    elapsed = time.monotonic() - started
    return Outcome(request, response.status_code, response.headers.get("Retry-After"), body, seconds=elapsed)


@dataclass
class Load:
    """Threads that send ``next_request(i)`` for i = 0, 1, ... until stopped or out of budget."""

    base_url: str
    next_request: Callable[[int], Request]
    threads: int = 4
    budget: int = 2000
    deadline: float = 120.0
    pause: float = 0.0
    timeout: float = 20.0
    outcomes: list[Outcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._issued = 0
        self._workers: list[threading.Thread] = []

    def _take(self) -> int | None:
        with self._lock:
            if self._stop.is_set() or self._issued >= self.budget:
                return None
            self._issued += 1
            return self._issued - 1

    def _run(self, until: float) -> None:
        with httpx.Client(base_url=self.base_url, timeout=self.timeout) as client:
            while time.monotonic() < until and (index := self._take()) is not None:
                outcome = send(client, self.next_request(index))
                with self._lock:
                    self.outcomes.append(outcome)
                if self.pause:
                    self._stop.wait(self.pause)

    def start(self) -> Load:
        until = time.monotonic() + self.deadline
        self._workers = [
            threading.Thread(target=self._run, args=(until,), daemon=True) for _ in range(self.threads)
        ]
        for worker in self._workers:
            worker.start()
        return self

    def wait_for_answers(self, count: int, timeout: float = 60) -> None:
        """Block until ``count`` answers were recorded (the load keeps running)."""
        deadline = time.monotonic() + timeout
        while len(self.outcomes) < count and time.monotonic() < deadline and self.running():
            time.sleep(0.05)

    def running(self) -> bool:
        return any(worker.is_alive() for worker in self._workers)

    def stop(self) -> list[Outcome]:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=self.timeout + 5)
        with self._lock:
            return list(self.outcomes)

    def __enter__(self) -> Load:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def statuses(outcomes: list[Outcome], method: str | None = None) -> Counter[int]:
    return Counter(o.status for o in outcomes if method is None or o.request.method == method)


def describe(outcomes: list[Outcome]) -> str:
    """A compact summary for assertion messages: status counts per method and path."""
    counts = Counter((o.request.method, o.request.path.split("?")[0], o.status, o.error) for o in outcomes)
    return ", ".join(
        f"{m} {p} -> {s}{'/' + e if e else ''}: {n}" for (m, p, s, e), n in sorted(counts.items())
    )


def concurrently(requests: list[Request], base_url: str, timeout: float = 30.0) -> list[Outcome]:
    """Send every request at the same moment, one thread each (a barrier releases them)."""
    barrier = threading.Barrier(len(requests))
    results: list[Outcome | None] = [None] * len(requests)

    def one(index: int) -> None:
        with httpx.Client(base_url=base_url, timeout=timeout) as client:
            barrier.wait()
            results[index] = send(client, requests[index])

    workers = [threading.Thread(target=one, args=(i,)) for i in range(len(requests))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=timeout + 10)
    return [r for r in results if r is not None]
