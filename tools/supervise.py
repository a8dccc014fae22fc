"""Run processes in the foreground under supervisord, and keep them running.

`make up` and `make dev` describe what they run as :class:`Program` entries. :func:`supervise`
writes a supervisord configuration for them, starts supervisord, prints every process's
output labelled and interleaved, and watches the processes through supervisord's XML-RPC
interface (a Unix socket in a private directory, with a password made for the run).

supervisord does the supervising (docs/decisions.md):

- a process that dies is started again at once; one that dies again within its
  ``start_seconds`` is retried after 1 s, then 2 s, 3 s, ... and given up on after
  ``START_RETRIES`` such retries (supervisord's FATAL state);
- each process runs in a process group of its own; it is stopped by its ``stop_signal``
  (the users service and Nginx then stop their own workers gracefully), and its whole group
  gets SIGKILL if it has not exited ``stop_wait`` seconds later;
- on SIGTERM it stops the groups one after the other, highest ``priority`` first, and exits
  once every process is gone.

This module adds what a person at the terminal needs: labelled output, one sentence when a
process is given up on (with its last log lines), and stopping everything once every process
of a group has been given up on, since the stack cannot serve without it. It also ends what a
dead process leaves of its group: Nginx's and granian's workers outlive a main process killed
on its own and would keep the port, so that the new start could not listen (Nginx) or would
share it with orphans nobody stops (granian).
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from supervisor.xmlrpc import SupervisorTransport  # type: ignore[import-untyped]

# Retries after the first failed start: waits of 1, 2, 3 and 4 s, so five starts in about 15 s.
START_RETRIES = 4
# Characters a value in supervisord's ``environment=`` list cannot carry (no escape exists).
UNQUOTABLE = re.compile(r"[\"'\n\r\\]")
SUPERVISOR_LABEL = "supervisor"
# supervisord's own log lines start with "2024-05-01 12:00:00,123 ".
SUPERVISOR_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ")
# Its start-up chatter, which says nothing about the stack's processes.
SUPERVISOR_NOISE = ("RPC interface", "supervisord started with pid", "Set uid to user")


class SupervisionError(Exception):
    """A program that cannot be described to supervisord; the message says which and why."""


@dataclass(frozen=True)
class Program:
    """One process to run and keep running.

    Processes of one ``group`` stand in for each other (the users instances): the stack goes on
    while one of them runs. Groups start in ``priority`` order, lowest first, and stop in the
    reverse order, a whole group at a time.
    """

    name: str
    group: str
    command: Sequence[str]
    cwd: Path
    env: Mapping[str, str] = field(default_factory=dict)
    priority: int = 100
    # Up this long after a start counts as started; an exit before that is a failed start.
    start_seconds: int = 3
    stop_signal: str = "TERM"
    # Seconds between stop_signal and SIGKILL.
    stop_wait: int = 10


class Output:
    """The terminal: labelled lines from several threads, one whole line at a time."""

    def __init__(self, labels: Iterable[str], stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.width = max(len(label) for label in labels)
        self.lock = threading.Lock()

    def line(self, label: str, text: str) -> None:
        with self.lock:
            self.stream.write(f"{time.strftime('%H:%M:%S')} {label:<{self.width}} | {text}\n")
            self.stream.flush()

    def say(self, text: str) -> None:
        with self.lock:
            self.stream.write(text if text.endswith("\n") else text + "\n")
            self.stream.flush()


class LogFollower(threading.Thread):
    """Prints what is appended to each log file, line by line, with the file's label.

    Follows supervisord's rotation (the file renamed and a new one begun) by finishing the old
    file before opening the new one.
    """

    def __init__(
        self,
        sources: Sequence[tuple[str, Path]],
        output: Output,
        keep: Callable[[str, str], str | None] = lambda label, line: line,
    ) -> None:
        super().__init__(name="log-follower", daemon=True)
        self.sources = sources
        self.output = output
        self.keep = keep
        self.stopped = threading.Event()
        self.files: dict[Path, tuple[BinaryIO, int]] = {}
        self.partial: dict[Path, bytes] = {}

    def run(self) -> None:
        while not self.stopped.wait(0.1):
            self.poll()
        self.poll()
        for handle, _ in self.files.values():
            handle.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)

    def poll(self) -> None:
        for label, path in self.sources:
            self._read(label, path)

    def _read(self, label: str, path: Path) -> None:
        opened = self.files.get(path)
        if opened:
            self._emit(label, path, opened[0].read())
        try:
            inode = path.stat().st_ino
        except OSError:
            return
        if opened and opened[1] == inode:
            return
        if opened:
            opened[0].close()
        try:
            handle = path.open("rb")
        except OSError:
            return
        self.files[path] = (handle, inode)
        self._emit(label, path, handle.read())

    def _emit(self, label: str, path: Path, data: bytes) -> None:
        if not data:
            return
        *lines, rest = (self.partial.pop(path, b"") + data).split(b"\n")
        if rest:
            self.partial[path] = rest
        for raw in lines:
            kept = self.keep(label, raw.decode(errors="replace").rstrip("\r"))
            if kept is not None:
                self.output.line(label, kept)


def last_lines(path: Path, count: int = 3, width: int = 200) -> list[str]:
    """The last ``count`` non-empty lines of a log file, each cut to ``width`` characters."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 8192))
            text = handle.read().decode(errors="replace")
    except OSError:
        return []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [line if len(line) <= width else line[: width - 1] + "…" for line in lines[-count:]]


def process_groups() -> dict[int, list[int]] | None:
    """Live processes by process group, from /proc (None where there is no /proc)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    groups: dict[int, list[int]] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (command) state ppid pgrp ...": the command may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            groups.setdefault(int(fields[2]), []).append(int(entry.name))
    return groups


def end_leftovers(leader: int) -> int:
    """SIGKILL what is left of the process group of ``leader``, a process that has exited.

    supervisord starts each program as a group leader, so the group's id is the dead
    process's pid. Should that number already belong to a new process, it is left alone.
    Returns how many processes were ended.
    """
    groups = process_groups()
    if groups is None:
        return 0
    members = groups.get(leader, [])
    if not members or leader in members:
        return 0
    try:
        os.killpg(leader, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return 0
    return len(members)


# prctl(2) option: the signal a process gets when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


def stop_with_parent(parent: int) -> Callable[[], None]:
    """For supervisord's child side, before it runs: ask the kernel for SIGTERM when ``parent``
    (make up) dies, so that even `kill -9` of make up stops every process as Ctrl-C does.
    Where prctl is missing (not Linux) it does nothing."""

    def arrange() -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # make up died before the request took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return arrange


def supervisor_line(label: str, line: str) -> str | None:
    """supervisord's log lines without their date, and without its start-up chatter."""
    if label != SUPERVISOR_LABEL:
        return line
    line = SUPERVISOR_TIMESTAMP.sub("", line)
    return None if any(noise in line for noise in SUPERVISOR_NOISE) else line


def config_value(value: str) -> str:
    """``value`` as supervisord reads it back: it expands %(name)s in every value."""
    if "\n" in value or "\r" in value:
        raise SupervisionError(f"a value for supervisord spans lines: {value!r}")
    return value.replace("%", "%%")


def environment_value(env: Mapping[str, str], program: str) -> str:
    """supervisord's ``environment=`` list: KEY="value" pairs, separated by commas."""
    pairs = []
    for key, value in env.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) or UNQUOTABLE.search(value):
            raise SupervisionError(
                f"{program}'s setting {key} cannot be passed on: it may not contain quotes, "
                "backslashes or line breaks."
            )
        pairs.append(f'{key}="{value}"')
    return config_value(",".join(pairs))


@dataclass(frozen=True)
class Layout:
    """Where one run keeps its files: logs in ``state_dir``, the socket in a private directory."""

    state_dir: Path
    private_dir: Path

    @property
    def config(self) -> Path:
        return self.private_dir / "supervisord.conf"

    @property
    def socket(self) -> Path:
        return self.private_dir / "supervisor.sock"

    @property
    def supervisor_log(self) -> Path:
        return self.state_dir / "supervisord.log"

    def log(self, program: Program) -> Path:
        return self.state_dir / f"{program.name}.log"


def render_config(
    programs: Sequence[Program], layout: Layout, password: str, base_env: Mapping[str, str]
) -> str:
    """supervisord's configuration for ``programs``."""
    names = [program.name for program in programs]
    if len(set(names)) != len(names):
        raise SupervisionError(f"program names must differ: {', '.join(names)}")
    main = [
        "[supervisord]",
        "nodaemon=true",
        # Its log goes to a file that this module prints, labelled like every other process.
        "silent=true",
        f"logfile={config_value(str(layout.supervisor_log))}",
        "logfile_maxbytes=0",
        "loglevel=info",
        f"pidfile={config_value(str(layout.private_dir / 'supervisord.pid'))}",
        f"childlogdir={config_value(str(layout.state_dir))}",
        # Raise no limits: the processes keep the ones the user's shell gave them.
        "minfds=64",
        "minprocs=16",
        "",
        "[unix_http_server]",
        f"file={config_value(str(layout.socket))}",
        "chmod=0700",
        "username=stack",
        f"password={config_value(password)}",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
    ]
    if os.geteuid() == 0:
        # supervisord warns unless told that running as root is meant.
        main.insert(1, "user=root")
    sections = main
    for program in programs:
        differs = {key: value for key, value in program.env.items() if base_env.get(key) != value}
        sections += [
            f"[program:{program.name}]",
            # supervisord splits the command again with shlex.
            f"command={config_value(shlex.join(program.command))}",
            f"directory={config_value(str(program.cwd))}",
            *([f"environment={environment_value(differs, program.name)}"] if differs else []),
            "autostart=true",
            "autorestart=true",
            f"startsecs={program.start_seconds}",
            f"startretries={START_RETRIES}",
            f"stopsignal={program.stop_signal}",
            f"stopwaitsecs={program.stop_wait}",
            "stopasgroup=false",
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={config_value(str(layout.log(program)))}",
            "stdout_logfile_maxbytes=20MB",
            "stdout_logfile_backups=1",
            "",
        ]
    groups: dict[str, list[Program]] = {}
    for program in programs:
        groups.setdefault(program.group, []).append(program)
    for group, members in groups.items():
        sections += [
            f"[group:{group}]",
            f"programs={','.join(member.name for member in members)}",
            f"priority={min(member.priority for member in members)}",
            "",
        ]
    return "\n".join(sections)


class Supervision:
    """One run of supervisord over ``programs``, watched until it exits."""

    def __init__(
        self,
        programs: Sequence[Program],
        state_dir: Path,
        *,
        env: Mapping[str, str] | None = None,
        output: Output | None = None,
    ) -> None:
        self.programs = list(programs)
        self.env = dict(os.environ if env is None else env)
        self.output = output or Output([SUPERVISOR_LABEL, *(p.name for p in self.programs)])
        self.layout = Layout(state_dir, Path(tempfile.mkdtemp(prefix="stack-supervisor-")))
        self.password = secrets.token_urlsafe(24)
        self.stopping = threading.Event()
        self.signal_name = ""
        self.exit_code = 0
        self.given_up: set[str] = set()
        # The pid each program had when last seen; a new one means the old process is gone.
        self.pids: dict[str, int] = {}
        self.process: subprocess.Popen[bytes] | None = None

    def rpc(self) -> Any:
        """supervisord's XML-RPC interface (a new connection each time: calls come from one thread)."""
        transport = SupervisorTransport("stack", self.password, f"unix://{self.layout.socket}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)

    def start(self) -> None:
        state_dir = self.layout.state_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        # A fresh set of logs per run, so that the terminal shows this run only.
        for stale in state_dir.glob("*.log*"):
            stale.unlink()
        config = render_config(self.programs, self.layout, self.password, self.env)
        descriptor = os.open(self.layout.config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(config)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "supervisor.supervisord",
                "--nodaemon",
                "--configuration",
                str(self.layout.config),
            ],
            env=self.env,
            stdin=subprocess.DEVNULL,
            # Out of the terminal's job: Ctrl-C and a closed terminal reach make up, which asks
            # supervisord to stop (a SIGHUP would make supervisord restart every process).
            start_new_session=True,
            # Runs before any thread of ours is started (start() comes first).
            preexec_fn=stop_with_parent(os.getpid()),
        )

    def request_stop(self, signal_name: str = "") -> None:
        """Ask supervisord to stop every process and exit (safe in a signal handler)."""
        if signal_name and not self.signal_name:
            self.signal_name = signal_name
        self.stopping.set()
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)

    def check(self) -> None:
        """Report processes given up on; stop the stack when a whole group is gone."""
        try:
            infos = self.rpc().supervisor.getAllProcessInfo()
        except (OSError, xmlrpc.client.Error, http.client.HTTPException):
            return  # not listening yet, or already going away
        by_name = {program.name: program for program in self.programs}
        for info in infos:
            name = info["name"]
            previous, current = self.pids.get(name, 0), int(info["pid"])
            if previous and previous != current:
                ended = end_leftovers(previous)
                if ended:
                    self.output.say(
                        f"make up: {name} died and left {ended} of its processes running: ended them, "
                        "so that its new start can listen."
                    )
            self.pids[name] = current
            if info["statename"] != "FATAL" or name in self.given_up or name not in by_name:
                continue
            self.given_up.add(name)
            self.output.say(self.give_up_sentence(by_name[name], info))
        groups: dict[str, list[str]] = {}
        for program in self.programs:
            groups.setdefault(program.group, []).append(program.name)
        for group, names in groups.items():
            if all(name in self.given_up for name in names) and not self.stopping.is_set():
                self.output.say(
                    f"make up: gave up on every {group} process, and the stack cannot serve without "
                    "one: stopping everything."
                )
                self.exit_code = 1
                self.request_stop()

    def give_up_sentence(self, program: Program, info: Mapping[str, Any]) -> str:
        lines = last_lines(self.layout.log(program))
        why = " / ".join(lines) if lines else str(info.get("spawnerr") or "it left no output")
        return (
            f"make up: gave up on {program.name} after {START_RETRIES + 1} starts in a row that each "
            f"ended within {program.start_seconds} s; its last lines: {why}"
        )

    def wait(self) -> int:
        """Watch until supervisord has exited; return make up's exit code."""
        assert self.process is not None
        announced = False
        while True:
            try:
                code = self.process.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                pass
            if self.signal_name and not announced:
                announced = True
                self.output.say(
                    f"{self.signal_name} received: stopping every process (in-flight requests finish first)."
                )
            if not self.stopping.is_set():
                self.check()
        if self.signal_name or self.exit_code:
            return self.exit_code
        # supervisord stopped although nobody asked: its own error is above.
        return code or 1

    def close(self) -> None:
        """Make sure supervisord and everything it started are gone."""
        if self.process and self.process.poll() is None:
            self.request_stop()
            try:
                self.process.wait(timeout=max(p.stop_wait for p in self.programs) + 10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in self.pids.values():
            if pid:
                end_leftovers(pid)
        shutil.rmtree(self.layout.private_dir, ignore_errors=True)


def supervise(
    programs: Sequence[Program],
    state_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    while_running: Callable[[Output, threading.Event], None] | None = None,
) -> int:
    """Run ``programs`` until SIGINT, SIGTERM or SIGHUP (or until a group is given up on).

    ``while_running`` runs in a thread beside them (e.g. to say when the stack answers), with
    the output and an event set when the stack stops. Returns 0 after a stop by signal, 1 when a
    group was given up on.
    """
    supervision = Supervision(programs, state_dir, env=env)
    sources = [(SUPERVISOR_LABEL, supervision.layout.supervisor_log)]
    sources += [(program.name, supervision.layout.log(program)) for program in programs]
    follower = LogFollower(sources, supervision.output, keep=supervisor_line)

    def on_signal(signum: int, _frame: object) -> None:
        supervision.request_stop(signal.Signals(signum).name)

    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, on_signal) for sig in stop_signals}
    try:
        supervision.start()
        follower.start()
        if while_running:
            threading.Thread(
                target=while_running, args=(supervision.output, supervision.stopping), daemon=True
            ).start()
        return supervision.wait()
    finally:
        supervision.stopping.set()
        supervision.close()
        if follower.is_alive():
            follower.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
