"""A console killed with SIGKILL mid-timer loses nothing: reopening shows the same time left."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import signal
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from conftest import FakeClock, make_workshop
from textual.widgets import Static

from console.domain.timers import format_clock, timer_state
from console.store.agenda import current_item
from console.store.core import WorkshopStore
from console.ui.app import make_app

SHOWN_LEFT = re.compile(rb"(\d\d):(\d\d) left")


def start_events(path: Path) -> int:
    """Count the start events in the file, read without taking any lock a writer needs."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute(
            "SELECT count(*) FROM timer_events WHERE kind = 'start'"
        ).fetchone()[0]
    finally:
        connection.close()


def read_for(fd: int, seconds: float, until: bytes | None = None) -> tuple[bytes, float]:
    """Read the terminal for a while (or until a marker shows); return it and the last read time."""
    output = b""
    last_read = time.time()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (until and until in output):
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            output += chunk
            last_read = time.time()
    return output, last_read


async def test_sigkill_while_a_timer_runs_then_reopen_shows_the_same_remaining_time(
    tmp_path: Path,
) -> None:
    path = make_workshop(tmp_path / "crash.db")
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", COLUMNS="120", LINES="36")
        os.execv(sys.executable, [sys.executable, "-m", "console", "open", str(path)])
    try:
        output, _ = read_for(fd, 30, until=b"Agenda")
        assert b"Agenda" in output, output[-2000:]
        os.write(fd, b"\x1b[B")  # down: from the day row to its first item
        os.write(fd, b"s")  # start: the preset chooser opens
        output, _ = read_for(fd, 30, until=b"cancels")
        assert b"cancels" in output, output[-2000:]
        os.write(fd, b"\r")  # Enter: the planned time
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not start_events(path):
            read_for(fd, 0.2)
        assert start_events(path) == 1
        # Let the console show its remaining time, then let the timer run a while (the
        # scenario, not a wait for the console: the kill comes after whatever it showed last).
        output, last_read = read_for(fd, 30, until=b" left")
        more, more_read = read_for(fd, 1.5)
        if more:
            output, last_read = output + more, more_read
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)

    shown = SHOWN_LEFT.findall(output)
    assert shown, output[-2000:]
    minutes, seconds = shown[-1]
    shown_seconds = int(minutes) * 60 + int(seconds)

    read_at = datetime.fromtimestamp(last_read, UTC)
    clock = FakeClock(read_at)
    store = WorkshopStore.open(path, clock=clock)
    try:
        item = current_item(store)
        assert item is not None
        assert item.events[0].seconds == item.planned_minutes * 60
        remaining = timer_state(item.events, read_at).remaining_seconds
        # The killed console showed whole seconds rounded up, refreshed once a second.
        assert remaining - 1 <= shown_seconds <= remaining + 1.5

        app = make_app(store, clock=clock)
        async with app.run_test(size=(120, 36)):
            header = app.query_one("#header-clock", Static)
            assert str(header.content) == format_clock(remaining)
            assert str(app.query_one("#header-item", Static).content) == item.title
    finally:
        store.close()
