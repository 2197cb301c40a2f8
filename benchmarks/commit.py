"""Enter to durable commit on the benchmark workshop, next to the same write without the console.

The console: Enter in the inventory's capture line (a pain point) and in the takeaways' line
(a takeaway, which also fills the full-text index by trigger), timed from the key event to the
end of the store's COMMIT (see _paint.py for how the key is sent). The floor: another copy of
the same workshop file (the same schema, indexes and triggers) with raw sqlite3 and the same
pragmas (WAL, synchronous=FULL): BEGIN IMMEDIATE, the revision bump, one INSERT of the same
columns, COMMIT, one transaction per row. Each run is a new console session; its figure is the
median of its samples.

Run: python benchmarks/commit.py [--sizes 10000,100000] [--runs 5] [--samples 20] [--quick]
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import Target, every_pane_built, options, result
from _paint import PaintProbe
from textual.widgets import Input
from workloads import fresh_copy

TARGET = Target("<= 5 ms", 5.0)
STAMP = "2026-11-26T10:00:00.000000+00:00"


def floor_run(path: Path, samples: int) -> dict[str, list[float]]:
    """Write samples pain points and samples takeaways with raw sqlite3; return ms per commit."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    timings: dict[str, list[float]] = {"pain point": [], "takeaway": []}
    position = connection.execute("SELECT max(position) FROM pain_points").fetchone()[0]
    me = str(uuid.uuid4())
    for number in range(samples):
        for kind in ("pain point", "takeaway"):
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            rev = connection.execute(
                "UPDATE revision SET rev = rev + 1 WHERE id = 1 RETURNING rev"
            ).fetchone()[0]
            audit = [STAMP, me, STAMP, me, rev]
            if kind == "pain point":
                position += 1
                connection.execute(
                    "INSERT INTO pain_points (id, text, raised_by, position, created_at, "
                    "created_by, updated_at, updated_by, rev) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?)",
                    [str(uuid.uuid4()), f"Floor pain point {number}", position, *audit],
                )
            else:
                connection.execute(
                    "INSERT INTO takeaways (id, kind, text, captured_at, created_at, created_by, "
                    "updated_at, updated_by, rev) VALUES (?, 'insight', ?, ?, ?, ?, ?, ?, ?)",
                    [str(uuid.uuid4()), f"Floor takeaway {number}", STAMP, *audit],
                )
            connection.execute("COMMIT")
            timings[kind].append((time.perf_counter() - started) * 1000)
    connection.close()
    return timings


async def console_run(path: Path, samples: int) -> dict[str, list[float]]:
    """Open the console, type samples lines into each capture line; return ms to each commit."""
    from console.store.core import WorkshopStore
    from console.ui.app import make_app

    store = WorkshopStore.open(path)
    committed: list[float] = []
    original_write = store.write

    @contextmanager
    def timed_write(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with original_write(*args, **kwargs) as transaction:
            yield transaction
        committed.append(time.perf_counter())

    store.write = timed_write  # type: ignore[method-assign]
    timings: dict[str, list[float]] = {"pain point": [], "takeaway": []}
    probe = PaintProbe()
    try:
        app = make_app(store, first_pane="inventory")
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await every_pane_built(app)
            for kind, key, line_id in (
                ("pain point", "f3", "#inventory-input"),
                ("takeaway", "f5", "#takeaways-input"),
            ):
                await pilot.press(key)
                await probe.settle(app)
                line = app.query_one(line_id, Input)
                line.focus()  # where the pane key put it: the figures must not depend on that
                await probe.settle(app)
                for number in range(samples):
                    line.value = f"Benchmark {kind} {number}"
                    await probe.settle(app)
                    committed.clear()
                    await probe.key_to_paint(app, "enter", lambda _s, i=line: i.value == "")
                    timings[kind].append((committed[-1] - probe.sent_at) * 1000)
                    await probe.settle(app)
    finally:
        probe.close()
        store.close()
    return timings


def main() -> None:
    """Print the figures per size."""
    found = options(__doc__, samples=20)
    for size in found.sizes:
        runs: dict[str, list[float]] = {"pain point": [], "takeaway": []}
        floors: dict[str, list[float]] = {"pain point": [], "takeaway": []}
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            mine_path = fresh_copy(size, folder, "console.db")
            floor_path = fresh_copy(size, folder, "floor.db")
            for _ in range(found.runs):
                for kind, values in floor_run(floor_path, found.samples).items():
                    floors[kind].append(statistics.median(values))
                for kind, values in asyncio.run(console_run(mine_path, found.samples)).items():
                    runs[kind].append(statistics.median(values))
        for kind in runs:
            result(
                size,
                f"Enter to durable commit, {kind} (median)",
                runs[kind],
                floors[kind],
                TARGET,
                floor_what="raw sqlite3, same schema and triggers",
            )


if __name__ == "__main__":
    main()
