"""Another console's change visible: a second store on the same file writes a pain point or a
takeaway; time until the first console's pane has painted it. The floor is the poll alone: a
raw sqlite3 connection checking PRAGMA data_version at the console's interval. Each run is a
new console session with SAMPLES writes of each kind; its figure is their p95.

Run: python benchmarks/live.py [--sizes 10000,100000] [--runs 5] [--samples 20] [--quick]
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import Target, every_pane_built, options, percentile, result
from _paint import PaintProbe
from workloads import fresh_copy

TARGET = Target("<= 400 ms", 400.0)


async def poll_floor(path: Path, samples: int) -> list[float]:
    """Time a raw connection polling data_version every 0.25 s to see another's commit."""
    from console.ui.app import POLL_SECONDS

    watcher = sqlite3.connect(path, isolation_level=None)
    writer = sqlite3.connect(path, isolation_level=None, timeout=10)
    writer.execute("CREATE TABLE IF NOT EXISTS bench_floor (n INTEGER)")
    seen = watcher.execute("PRAGMA data_version").fetchone()[0]
    timings = []
    rng = random.Random(3)

    async def poll() -> None:
        nonlocal seen
        while True:
            await asyncio.sleep(POLL_SECONDS)
            version = watcher.execute("PRAGMA data_version").fetchone()[0]
            if version != seen:
                seen = version
                found.set_result(time.perf_counter())
                return

    for number in range(samples):
        await asyncio.sleep(rng.uniform(0, POLL_SECONDS))
        found: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(poll())
        await asyncio.sleep(rng.uniform(0, POLL_SECONDS))
        started = time.perf_counter()
        writer.execute("INSERT INTO bench_floor VALUES (?)", [number])
        timings.append((await found - started) * 1000)
        await task
    writer.execute("DROP TABLE bench_floor")
    watcher.close()
    writer.close()
    return timings


async def console_live(path: Path, samples: int) -> dict[str, list[float]]:
    """Time another store's pain point and takeaway until this console's pane shows them."""
    from textual.widgets import DataTable

    from console.store.core import WorkshopStore
    from console.store.inventory import capture_pain_point
    from console.store.takeaways import capture_takeaway
    from console.ui.app import make_app
    from console.ui.inventory.inventory_list import InventoryList

    probe = PaintProbe()
    store = WorkshopStore.open(path)
    other = WorkshopStore.open(path, role="notes")
    rng = random.Random(5)
    figures: dict[str, list[float]] = {"pain point": [], "takeaway": []}
    try:
        app = make_app(store, first_pane="inventory")
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            await every_pane_built(app)
            listing = app.query_one(InventoryList)
            for number in range(samples):
                await asyncio.sleep(rng.uniform(0.05, 0.3))
                text = f"From the other console {number}"
                probe.done.clear()
                started = time.perf_counter()
                new_id = capture_pain_point(other, text)
                probe.check = lambda screen, i=new_id: (
                    i in listing.lines and listing in screen._compositor.visible_widgets
                )
                await asyncio.wait_for(probe.done.wait(), 10)
                figures["pain point"].append((probe.painted_at - started) * 1000)
            await pilot.press("f5")
            await pilot.pause()
            table: DataTable[Any] = app.query_one("#takeaways-table", DataTable)
            for number in range(samples):
                await asyncio.sleep(rng.uniform(0.05, 0.3))
                probe.done.clear()
                started = time.perf_counter()
                captured = capture_takeaway(other, f"Noted elsewhere {number}")
                probe.check = lambda screen, i=captured.id: (
                    i in table.rows and table in screen._compositor.visible_widgets
                )
                await asyncio.wait_for(probe.done.wait(), 10)
                figures["takeaway"].append((probe.painted_at - started) * 1000)
    finally:
        probe.close()
        other.close()
        store.close()
    return figures


def main() -> None:
    """Print the figures per size."""
    found = options(__doc__, samples=20)
    for size in found.sizes:
        floor: list[float] = []
        figures: dict[str, list[float]] = {"pain point": [], "takeaway": []}
        with tempfile.TemporaryDirectory() as folder:
            path = fresh_copy(size, Path(folder))
            for _ in range(found.runs):
                floor.append(percentile(asyncio.run(poll_floor(path, found.samples)), 0.95))
                for kind, values in asyncio.run(console_live(path, found.samples)).items():
                    figures[kind].append(percentile(values, 0.95))
        for kind, values in figures.items():
            result(
                size,
                f"another console's {kind} visible (p95)",
                values,
                floor,
                TARGET,
                floor_what="raw data_version poll",
            )


if __name__ == "__main__":
    main()
