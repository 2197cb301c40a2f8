"""Enter to durable commit: capturing a pain point in the console vs a raw sqlite3 insert+commit.

Both use the same pragmas (WAL, synchronous=FULL). Run: python benchmarks/commit.py [N]
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from _common import describe, figure_line, new_workshop, size_argument
from _paint import PaintProbe
from textual.widgets import Input

from console.store.inventory import capture_pain_point
from console.ui.app import make_app


def raw_floor(folder: Path, count: int) -> list[float]:
    """Time a bare insert + commit with the console's pragmas."""
    connection = sqlite3.connect(folder / "raw.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, text TEXT)")
    timings = []
    for number in range(count):
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO items (text) VALUES (?)", [f"item {number}"])
        connection.execute("COMMIT")
        timings.append((time.perf_counter() - started) * 1000)
    connection.close()
    return timings


def store_action(folder: Path, count: int) -> list[float]:
    """Time the store's capture action alone (parse, BEGIN IMMEDIATE, revision, insert, commit)."""
    store = new_workshop(folder / "store.db")
    timings = []
    for number in range(count):
        started = time.perf_counter()
        capture_pain_point(store, f"pain point {number} #People_and_culture")
        timings.append((time.perf_counter() - started) * 1000)
    store.close()
    return timings


async def console_enter(folder: Path, count: int) -> tuple[list[float], list[float]]:
    """Time Enter in the capture line to the durable commit, and to the row being painted.

    The key is sent the way the terminal driver sends it (see _paint.py), not through the
    Pilot, whose own waits would be counted otherwise.
    """
    store = new_workshop(folder / "console.db")
    committed: list[float] = []
    original_write = store.write

    @contextmanager
    def timed_write(*args, **kwargs):
        with original_write(*args, **kwargs) as transaction:
            yield transaction
        committed.append(time.perf_counter())

    store.write = timed_write  # type: ignore[method-assign]
    app = make_app(store, first_pane="inventory")
    to_commit, to_paint = [], []
    probe = PaintProbe()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            capture = app.query_one("#inventory-input", Input)
            for number in range(count):
                capture.value = f"pain point {number}"
                await probe.settle(app)
                committed.clear()
                painted = await probe.key_to_paint(app, "enter", lambda _s: capture.value == "")
                to_paint.append(painted)
                to_commit.append((committed[-1] - probe.sent_at) * 1000)
                await probe.settle(app)
    finally:
        probe.close()
    store.close()
    return to_commit, to_paint


def main(count: int) -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        print(f"raw sqlite3 insert+commit:        {describe(raw_floor(folder, count))}")
        print(f"store capture action:             {describe(store_action(folder, count))}")
        raw = raw_floor(folder, count)
        to_commit, to_paint = asyncio.run(console_enter(folder, count))
        print(f"raw sqlite3 again (same run):     {describe(raw)}")
        print(f"console Enter to durable commit:  {describe(to_commit)}   (target median <= 5 ms)")
        print(f"console Enter to line cleared:    {describe(to_paint)}   (painted)")
    median = statistics.median(to_commit)
    floor = statistics.median(raw)
    print(
        figure_line(
            "Enter to durable commit (median)",
            f"{median:.2f} ms",
            f"{floor:.2f} ms",
            f"{median / floor:.1f}x",
            "<= 5 ms",
            median <= 5.0,
        )
    )


if __name__ == "__main__":
    main(size_argument(200))
