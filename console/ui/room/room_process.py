"""The room server the console starts: a child process of its own, stopped with the console."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

LOG_SUFFIX = ".room-process.log"
"""What the room server prints goes to WORKSHOP.room-process.log, never to the console's screen."""

STOP_SECONDS = 4.0
"""How long a stopping server may take to close its connections before it is killed."""

HOST_VARIABLE = "FACILITATE_ROOM_HOST"
"""Names the address the console's room server listens on (default: every network of the
laptop), e.g. one network of several, or 127.0.0.1 to try the room on the laptop alone."""

RoomCommand = Callable[[Path], Sequence[str]]
"""Builds the command line that runs the room server on a workshop file."""


def room_command(path: Path) -> list[str]:
    """Return `facilitate room PATH` for this Python, ending when this console's process ends."""
    return [
        sys.executable,
        "-m",
        "console",
        "room",
        str(path),
        "--host",
        os.environ.get(HOST_VARIABLE) or "0.0.0.0",
        "--parent-pid",
        str(os.getpid()),
    ]


def log_path(path: Path) -> Path:
    """Return where the room server's own output is kept, beside the workshop file."""
    return Path(f"{path}{LOG_SUFFIX}")


class RoomProcess:
    """One room server process started by this console, in its own session and process group.

    It never shares the console's terminal: stdin is /dev/null, output goes to the log file.
    """

    def __init__(self, path: Path, command: RoomCommand = room_command) -> None:
        self.path = path
        self.command = command
        self.log = log_path(path)
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = False

    @property
    def pid(self) -> int | None:
        """Return the server's process id while one was started (None before)."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        """Tell whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def stopping(self) -> bool:
        """Tell whether the console asked the server to stop."""
        return self._stopping

    def start(self) -> int:
        """Start the server; return its process id. Raise OSError when it cannot start."""
        if self.running:
            raise RuntimeError("the room server runs already")
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(self.log, flags, 0o600)
        try:
            os.fchmod(descriptor, 0o600)  # an older log keeps no wider mode
            self._process = subprocess.Popen(
                list(self.command(self.path)),
                stdin=subprocess.DEVNULL,
                stdout=descriptor,
                stderr=subprocess.STDOUT,
                close_fds=True,
                start_new_session=True,  # its own process group, no controlling terminal
                cwd=self.path.parent,
            )
        finally:
            os.close(descriptor)
        self._stopping = False
        _started.add(self)
        return self._process.pid

    def exit_code(self) -> int | None:
        """Return the exit code of a server that ended, None while it runs or if never started."""
        return self._process.poll() if self._process is not None else None

    def ended_unexpectedly(self) -> bool:
        """Tell whether the server ended without the console asking it to."""
        return not self._stopping and self._process is not None and self.exit_code() is not None

    def ask_to_stop(self) -> None:
        """Send the server's process group SIGTERM, without waiting."""
        self._stopping = True
        self._signal(signal.SIGTERM)

    def stop(self, seconds: float = STOP_SECONDS) -> int | None:
        """Stop the server: SIGTERM, then SIGKILL after `seconds`; return its exit code.

        It waits for the process: run it in a worker thread, never on the UI thread.
        """
        process = self._process
        if process is None:
            return None
        self.ask_to_stop()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(seconds)
        _started.discard(self)
        return process.poll()

    def _signal(self, number: int) -> None:
        """Send a signal to the server's process group (also to anything it started)."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, number)


_started: set[RoomProcess] = set()
"""Servers not stopped yet: the last resort at exit stops them."""


@atexit.register
def _stop_left_behind() -> None:
    """Stop every server still running when Python exits (a crash path that skipped the rest)."""
    for process in list(_started):
        process.stop(1.0)
