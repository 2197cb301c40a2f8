"""Run the real console in a pseudo-terminal and read its screen as a user would see it.

`Screen` is a small terminal model that is just enough for Textual's output: Textual writes every
line (or changed part of a line) after an absolute cursor move, so replaying the text at those
positions gives the grid of characters on the screen at any moment.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import pty
import re
import select
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.cells import get_character_cell_size

COLUMNS = 120
LINES = 36

KEYS = {
    "enter": b"\r",
    "escape": b"\x1b",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "space": b" ",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "f9": b"\x1b[20~",
    "ctrl+q": b"\x11",
}
"""The bytes an xterm sends for the keys the tests press."""

ESCAPE = re.compile(
    r"\x1b\[([0-?]*)[ -/]*([@-~])"  # CSI: cursor moves, colours, modes
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window title, clipboard
    r"|\x1bP[^\x1b]*\x1b\\"  # DCS
    r"|\x1b[()][0-9A-Za-z]"  # character sets
    r"|\x1b[=>78cDEHM]"  # single-character escapes
)
INCOMPLETE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|P[^\x1b]*|[()])?$")


class Screen:
    """The characters on a terminal screen, rebuilt from the bytes the console writes."""

    def __init__(self, columns: int = COLUMNS, lines: int = LINES) -> None:
        self.columns = columns
        self.lines = lines
        self.grid = [[" "] * columns for _ in range(lines)]
        self.row = 0
        self.column = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    def feed(self, data: bytes) -> None:
        """Apply bytes written by the console to the screen."""
        text = self._pending + self._decoder.decode(data)
        tail = INCOMPLETE.search(text)
        if tail and tail.start() < len(text):
            self._pending, text = text[tail.start() :], text[: tail.start()]
        else:
            self._pending = ""
        position = 0
        for match in ESCAPE.finditer(text):
            self._write(text[position : match.start()])
            self._control(match)
            position = match.end()
        self._write(text[position:])

    def rows(self) -> list[str]:
        """Return the screen's lines as text."""
        return ["".join(line) for line in self.grid]

    def text(self) -> str:
        """Return the whole screen as text, one line per row."""
        return "\n".join(self.rows())

    def _write(self, text: str) -> None:
        for character in text:
            if character == "\n":
                self.row = min(self.lines - 1, self.row + 1)
            elif character == "\r":
                self.column = 0
            elif character >= " ":
                width = get_character_cell_size(character)
                if 0 <= self.row < self.lines and 0 <= self.column < self.columns:
                    self.grid[self.row][self.column] = character
                    if width == 2 and self.column + 1 < self.columns:
                        self.grid[self.row][self.column + 1] = ""
                self.column += width

    def _control(self, match: re.Match[str]) -> None:
        final = match.group(2)
        if final is None:
            return
        params = [int(part) if part.isdigit() else 0 for part in match.group(1).split(";")]
        first = params[0] or 1
        if final in "Hf":
            row = params[0] if params and params[0] else 1
            column = params[1] if len(params) > 1 and params[1] else 1
            self.row, self.column = row - 1, column - 1
        elif final == "J" and params[0] in (2, 3):
            self.grid = [[" "] * self.columns for _ in range(self.lines)]
        elif final == "A":
            self.row = max(0, self.row - first)
        elif final == "B":
            self.row = min(self.lines - 1, self.row + first)
        elif final == "C":
            self.column += first
        elif final == "D":
            self.column = max(0, self.column - first)
        elif final == "G":
            self.column = first - 1


class Console:
    """The real console (`python -m console ARGS`) running in a pseudo-terminal."""

    def __init__(self, args: Sequence[str], *, cwd: Path | None = None) -> None:
        self.screen = Screen()
        self.output = b""
        self.alive = True
        self.exit_status: int | None = None
        self.watchers: list[Callable[[Screen, float], None]] = []
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the console
            if cwd is not None:
                os.chdir(cwd)
            os.environ.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
            os.execv(sys.executable, [sys.executable, "-m", "console", *args])
        self.pid = pid
        self.fd = fd

    def read(self, seconds: float, until: Callable[[Screen], bool] | None = None) -> bool:
        """Read the terminal for a while, or until the screen satisfies `until`; tell if it did."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if until is not None and until(self.screen):
                return True
            ready, _, _ = select.select([self.fd], [], [], min(0.05, seconds))
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            read_at = time.time()
            self.output += chunk
            self.screen.feed(chunk)
            for watch in self.watchers:
                watch(self.screen, read_at)
        return until is not None and until(self.screen)

    def wait_for(self, text: str, seconds: float = 30) -> None:
        """Read until text is on the screen; fail with the screen if it never shows."""
        if not self.read(seconds, until=lambda screen: text in screen.text()):
            raise AssertionError(f"{text!r} never showed:\n{self.screen.text()}")

    def send(self, data: bytes | str) -> None:
        """Type bytes (or a named key) into the console."""
        raw = KEYS.get(data, data) if isinstance(data, str) else data
        os.write(self.fd, raw.encode() if isinstance(raw, str) else raw)

    def drain(self, seconds: float = 10) -> None:
        """Read what the terminal still holds after the console ended, up to its end."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # the console's side of the terminal is closed: all was read
                return
            if not chunk:
                return
            self.output += chunk
            self.screen.feed(chunk)

    def kill(self) -> bool:
        """Kill the console with SIGKILL, as a dead battery would; tell if the kill ended it.

        False means the console had already ended by itself (it crashed or quit) before the
        kill, so the kill tested nothing.
        """
        if not self.alive:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        status = None
        with contextlib.suppress(ChildProcessError):
            _pid, status = os.waitpid(self.pid, 0)
        self.alive = False
        self.exit_status = status
        return (
            status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        )

    def quit(self, seconds: float = 30) -> int | None:
        """Press Ctrl+Q and return the exit code, or None if it did not end in time."""
        self.send("ctrl+q")
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            finished, status = os.waitpid(self.pid, os.WNOHANG)
            if finished:
                self.alive = False
                self.exit_status = status
                return os.waitstatus_to_exitcode(status)
            self.read(0.05)  # keep the terminal read, or the console blocks writing to it
        return None

    def close(self) -> None:
        """Make sure the console is gone and the terminal closed."""
        self.kill()
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def __enter__(self) -> Console:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
