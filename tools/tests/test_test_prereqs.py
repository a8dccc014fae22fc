"""`make test`'s set-up step (tools/test-prereqs.sh) for a user who may not install anything.

The step runs as an unprivileged user (``nobody`` when these tests run as root), with a PATH
made of this machine's commands less the ones a test pretends are not installed, and without
sudo, so that nothing here can install or start anything.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "test-prereqs.sh"
NOBODY = 65534


@pytest.fixture
def sandbox() -> Iterator[Path]:
    """A folder anyone may read: a copy of the script, and ``bin`` for a PATH of our own."""
    home = Path(tempfile.mkdtemp(prefix="test-prereqs-"))
    home.chmod(0o755)
    shutil.copy(SCRIPT, home / SCRIPT.name)
    (home / "bin").mkdir(mode=0o755)
    yield home
    shutil.rmtree(home)


def path_without(bin_dir: Path, *hidden: str) -> str:
    """Links in ``bin_dir`` to every command on this PATH except ``hidden``; the first one wins."""
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            link = bin_dir / entry.name
            if entry.name in hidden or link.exists() or link.is_symlink():
                continue
            if entry.is_file() and os.access(entry.path, os.X_OK):
                link.symlink_to(entry.path)
    return str(bin_dir)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_unprivileged(sandbox: Path, path: str, **env: str) -> subprocess.CompletedProcess[str]:
    command = ["/bin/sh", str(sandbox / SCRIPT.name)]
    if os.geteuid() == 0:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    # What the suites read from the environment to reach PostgreSQL, and nothing else.
    passed = {k: v for k, v in os.environ.items() if k.startswith("PG") or k == "DATABASE_TEST_URL"}
    return subprocess.run(
        command,
        cwd=sandbox,
        env=passed | {"PATH": path, "LANG": "C.UTF-8"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def the_one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == "", "it started doing something before stopping"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("make test: ") and lines[0].endswith(".")
    return lines[0]


def test_a_user_who_may_not_install_gets_the_command_to_run(sandbox: Path) -> None:
    path = path_without(sandbox / "bin", "chromium", "chromium-browser", "slowhttptest", "sudo")
    sentence = the_one_sentence(run_unprivileged(sandbox, path))
    assert "need chromium and slowhttptest, which only root can install" in sentence
    assert (
        "run `su -c 'apt-get update && apt-get install -y --no-install-recommends chromium slowhttptest'`"
        in sentence
    )
    # What is installed is not asked for again.
    assert "redis-server" not in sentence and "postgresql" not in sentence


def test_chromium_path_stands_for_the_chromium_package(sandbox: Path) -> None:
    path = path_without(sandbox / "bin", "chromium", "chromium-browser", "slowhttptest", "sudo")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is installed by `make test` itself"
    sentence = the_one_sentence(run_unprivileged(sandbox, path, CHROMIUM_PATH=chromium))
    assert "need slowhttptest, which only root can install" in sentence
    assert "apt-get install -y --no-install-recommends slowhttptest'" in sentence


def test_a_prepared_machine_needs_no_root_and_prints_nothing(sandbox: Path) -> None:
    result = run_unprivileged(sandbox, path_without(sandbox / "bin", "sudo"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_an_unreachable_database_server_is_named_without_its_password(sandbox: Path) -> None:
    url = f"postgresql://postgres:hunter2-secret@127.0.0.1:{free_port()}/postgres"
    result = run_unprivileged(sandbox, path_without(sandbox / "bin", "sudo"), DATABASE_TEST_URL=url)
    sentence = the_one_sentence(result)
    assert "need PostgreSQL at postgresql://postgres:***@127.0.0.1:" in sentence
    assert "nothing answers there: start that server, or set DATABASE_TEST_URL" in sentence
    assert "hunter2" not in sentence
