"""Redis, started with the command line of each stack, keeps the event stream through a crash.

The relay marks an outbox row published once Redis has taken the event, so a Redis that
forgets loses events. These tests run the local ``redis-server`` with the exact options the
compose files and the Kubernetes manifest give the container (only the data directory and the
listening socket differ), kill it with SIGKILL, start it again on the same directory, and read
the stream back.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from conftest import COMPOSE_FILES, of_kind

STREAM = "users.events"


def server_arguments(arguments: list[str], directory: Path, socket: Path) -> list[str]:
    """The container's redis-server options, with this test's directory and a Unix socket."""
    options = arguments[1:] if arguments[0] == "redis-server" else list(arguments)
    assert "--dir" in options, "the command line names no data directory"
    options[options.index("--dir") + 1] = str(directory)
    return [*options, "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700"]


@contextmanager
def redis_server(arguments: list[str], socket: Path) -> Iterator[tuple[redis.Redis, subprocess.Popen[bytes]]]:
    executable = shutil.which("redis-server")
    assert executable, "redis-server is not installed (the CI image and README's setup provide it)"
    process = subprocess.Popen([executable, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(unix_socket_path=str(socket), decode_responses=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, f"redis-server {' '.join(arguments)} exited"
            try:
                if client.ping():
                    break
            except redis.exceptions.ConnectionError:
                # Not listening yet.
                pass
            except redis.exceptions.BusyLoadingError:
                # Still reading its append-only file.
                pass
            assert time.monotonic() < deadline, "redis-server did not answer in 10 s"
            time.sleep(0.05)
        yield client, process
    finally:
        client.close()
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def crash_and_restart_keeps_the_stream(arguments: list[str], tmp_path: Path) -> None:
    directory = tmp_path / "data"
    directory.mkdir()
    # A short path: Unix socket names are limited to about 100 bytes.
    with tempfile.TemporaryDirectory(prefix="redis-") as sockets:
        socket = Path(sockets) / "redis.sock"
        options = server_arguments(arguments, directory, socket)
        event = '{"id": "0123456789abcdef0123456789abcdef", "type": "user.deleted"}'
        with redis_server(options, socket) as (client, process):
            entry = client.xadd(STREAM, {"event": event}, maxlen=100000, approximate=True)
            # Killed at once, as a crash would: nothing gets the chance to save on the way out.
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        with redis_server(options, socket) as (client, _):
            assert client.xrange(STREAM) == [(entry, {"event": event})], "the restart lost the stream"


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_redis_keeps_the_event_stream_through_a_crash(
    compose: dict[str, dict[str, Any]], name: str, tmp_path: Path
) -> None:
    crash_and_restart_keeps_the_stream(compose[name]["services"]["redis"]["command"], tmp_path)


@pytest.mark.parametrize("environment", ["base", "dev", "prod"])
def test_kubernetes_redis_keeps_the_event_stream_through_a_crash(
    rendered: dict[str, list[dict[str, Any]]], environment: str, tmp_path: Path
) -> None:
    redis_deployment = of_kind(rendered[environment], "Deployment")["redis"]
    (container,) = redis_deployment["spec"]["template"]["spec"]["containers"]
    crash_and_restart_keeps_the_stream(container["args"], tmp_path)
