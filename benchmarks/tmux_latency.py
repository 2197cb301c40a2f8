"""Latency in a real terminal: `facilitate WORKSHOP` driven in tmux as a user drives it, next to
the same harness's floor, a minimal Textual Input app (benchmarks/_floor_input_app.py).

Each run starts the program in a new detached tmux session (120 x 40) on its own tmux server,
sends keys with `tmux send-keys` and polls `tmux capture-pane` until the screen shows the
effect; the time runs from just before the keys are sent to the first capture that shows it,
so both programs pay the same polling cost. Per run:

- F3 pressed the moment the first screen is painted, until the inventory shows rows;
- typed key until the character is in the line (p95 of SAMPLES keys);
- Enter on a typed line until the row is in the list, outside the line (inventory, takeaways);
- line + Enter sent together until the row is in the list (inventory, takeaways);
- pane key (F5 / F3, once built) until the pane shows (p95).

Run: python benchmarks/tmux_latency.py [--sizes 10000,100000] [--runs 5] [--samples 20] [--quick]
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _common import PYTHON, Target, options, percentile, result
from workloads import fresh_copy

HERE = Path(__file__).resolve().parent
AT_START = Target("<= 300 ms", 300.0)
TWICE_FLOOR = Target("<= 2x floor", 2.0, relative=True)
SESSIONS = itertools.count()
ROWS_OF_KINDS = r"\d\d:\d\d  (insight|quote|decision|question|action)"


@dataclass(frozen=True)
class Pane:
    """How a pane looks on screen: its capture line's placeholder and a pattern of its rows."""

    key: str
    placeholder: str
    rows: str


@dataclass(frozen=True)
class Program:
    """A program under test: how to start it, its first screen's marker, its two panes."""

    name: str
    argv: list[str]
    ready: str
    panes: tuple[Pane, Pane]


CONSOLE = Program(
    "console",
    [PYTHON, "-m", "console", "workshop.db"],
    "Wrap-up of day 1",
    (
        # Any row of the list: #, rank and score run together when the numbers are wide.
        # A pane's first visit opens on its capture line, and a pane key goes back to it.
        Pane("F3", "Pain point, then Enter", r"^\s+\d+\s*\d*[=.]?\s+-?\d+\s+\S"),
        Pane("F5", "Takeaway, then Enter", ROWS_OF_KINDS),
    ),
)
FLOOR = Program(
    "floor",
    [PYTHON, str(HERE / "_floor_input_app.py")],
    "FLOOR-READY",
    (
        Pane("F3", "Line one, then Enter", "FLOOR PANE ONE"),
        Pane("F5", "Line two, then Enter", "FLOOR PANE TWO"),
    ),
)


class Session:
    """One program in a detached tmux session on a tmux server of its own."""

    def __init__(self, program: Program, cwd: Path) -> None:
        # A server of its own per session: a server being killed may still answer the next.
        self.socket = f"facilitate-bench-{os.getpid()}-{next(SESSIONS)}"
        self.started = time.perf_counter()
        command = "exec " + shlex.join(program.argv)
        self._tmux("new-session", "-d", "-s", "bench", "-x", "120", "-y", "40", "-c", str(cwd))
        self._tmux("send-keys", "-t", "bench", command, "Enter")

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> list[str]:
        """Return the visible lines."""
        return self._tmux("capture-pane", "-p", "-t", "bench").splitlines()

    def keys(self, *keys: str, literal: bool = False) -> float:
        """Send keys (tmux key names, or text when literal); return the instant before."""
        sent = time.perf_counter()
        self._tmux("send-keys", "-t", "bench", *(["-l"] if literal else []), *keys)
        return sent

    def until(self, shows: Callable[[list[str]], bool], timeout: float = 60.0) -> float:
        """Poll the screen until shows holds; return the instant of that capture."""
        deadline = time.perf_counter() + timeout
        while True:
            lines = self.screen()
            seen = time.perf_counter()
            if shows(lines):
                return seen
            if seen > deadline:
                raise TimeoutError("the screen never showed it:\n" + "\n".join(lines))

    def close(self) -> None:
        """End the session and its server."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def pane_shown(pane: Pane) -> Callable[[list[str]], bool]:
    """Return a check: the pane's line and rows are on screen."""
    pattern = re.compile(pane.rows)
    return lambda lines: (
        any(pane.placeholder in line for line in lines)
        and any(pattern.search(line) for line in lines)
    )


def line_row(session: Session, pane: Pane) -> int:
    """Return the screen row of the pane's capture line (where its placeholder shows)."""
    lines = session.screen()
    return next(index for index, line in enumerate(lines) if pane.placeholder in line)


def in_list(text: str, line: int) -> Callable[[list[str]], bool]:
    """Return a check: text shows on a row other than the capture line."""
    return lambda lines: any(text in row for index, row in enumerate(lines) if index != line)


def one_run(program: Program, cwd: Path, run: int, samples: int, settle: float) -> dict:
    """Drive one session of the program; return this run's figures in ms."""
    inventory, takeaways = program.panes
    figures: dict[str, float] = {}
    session = Session(program, cwd)
    try:
        session.until(lambda lines: any(program.ready in line for line in lines))
        sent = session.keys(inventory.key)
        figures["at start"] = (session.until(pane_shown(inventory)) - sent) * 1000
        time.sleep(settle)  # let the console build its other panes before the steady figures
        line = line_row(session, inventory)
        typed, keys = "", []
        for number in range(samples):
            char = "abcdefghij"[number % 10]
            typed += char
            sent = session.keys(char, literal=True)
            seen = session.until(lambda lines, t=typed: t in lines[line])
            keys.append((seen - sent) * 1000)
        session.keys("C-u")
        session.until(lambda lines: inventory.placeholder in lines[line])
        figures["key"] = percentile(keys, 0.95)
        switches: list[float] = []
        for pane in (inventory, takeaways):
            if pane is takeaways:
                sent = session.keys(takeaways.key)
                switches.append((session.until(pane_shown(takeaways)) - sent) * 1000)
            line = line_row(session, pane)
            enter, line_enter = [], []
            for number in range(samples):
                text = f"Tmux {run}.{number} zq"
                session.keys(text, literal=True)
                session.until(lambda lines, t=text, at=line: t in lines[at])
                sent = session.keys("Enter")
                enter.append((session.until(in_list(text, line)) - sent) * 1000)
                text = f"Tmux {run}.{number} zw"
                sent = session.keys(text, literal=True)
                session.keys("Enter")
                line_enter.append((session.until(in_list(text, line)) - sent) * 1000)
            name = "inventory" if pane is inventory else "takeaways"
            figures[f"enter {name}"] = percentile(enter, 0.95)
            figures[f"line enter {name}"] = percentile(line_enter, 0.95)
        for _round in range(max(2, samples // 4)):
            for pane in (inventory, takeaways):
                sent = session.keys(pane.key)
                switches.append((session.until(pane_shown(pane)) - sent) * 1000)
        figures["pane"] = percentile(switches, 0.95)
    finally:
        session.close()
    return figures


ROWS = (
    ("at start", "tmux: F3 at the first frame, inventory shown", AT_START),
    ("key", "tmux: typed key to visible (p95)", None),
    ("enter inventory", "tmux: Enter to row visible, inventory (p95)", TWICE_FLOOR),
    ("enter takeaways", "tmux: Enter to row visible, takeaways (p95)", TWICE_FLOOR),
    ("line enter inventory", "tmux: line + Enter to row visible, inventory (p95)", TWICE_FLOOR),
    ("line enter takeaways", "tmux: line + Enter to row visible, takeaways (p95)", TWICE_FLOOR),
    ("pane", "tmux: pane key to pane visible, once built (p95)", None),
)


def main() -> None:
    """Print the figures per size."""
    found = options(__doc__, samples=20)
    for size in found.sizes:
        mine: dict[str, list[float]] = {}
        floor: dict[str, list[float]] = {}
        settle = 1.0 + size / 25_000
        with tempfile.TemporaryDirectory() as folder:
            cwd = Path(folder)
            fresh_copy(size, cwd)
            for run in range(found.runs):
                for name, value in one_run(FLOOR, cwd, run, found.samples, 0.5).items():
                    floor.setdefault(name, []).append(value)
                for name, value in one_run(CONSOLE, cwd, run, found.samples, settle).items():
                    mine.setdefault(name, []).append(value)
        for key, what, target in ROWS:
            result(size, what, mine[key], floor[key], target, floor_what="Input app in tmux")


if __name__ == "__main__":
    main()
