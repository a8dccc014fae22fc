"""Fixtures that run the real gateway (Nginx) in front of small real HTTP upstreams."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import Gateway, Upstream, start_gateway


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    up = Upstream("a")
    server = up.serve()
    yield up
    server.shutdown()


@pytest.fixture
def gateway(tmp_path: Path, upstream: Upstream) -> Iterator[Gateway]:
    process, port = start_gateway(tmp_path, [f"127.0.0.1:{upstream.port}"])
    yield Gateway(port, [upstream])
    process.terminate()
    process.wait(timeout=10)
