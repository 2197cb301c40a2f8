"""Another console's change visible: a second store on the same file writes a pain point or a
takeaway; time until the first console's pane has painted it. The floor is the poll alone: a
raw sqlite3 connection checking PRAGMA data_version at the console's 0.25 s interval.

Run: python benchmarks/live.py [ITEMS] [SAMPLES]    (defaults 10000 and 20)
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import build_big_workshop, figure_line, percentile, size_argument
from _paint import PaintProbe

TARGET_MS = 500.0


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


async def both(path: Path, samples: int) -> tuple[list[float], dict[str, list[float]]]:
    """Measure the floor, then the console."""
    return await poll_floor(path, samples), await console_live(path, samples)


def main(items: int, samples: int) -> None:
    """Build the workshop and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.db"
        build_big_workshop(path, items)
        floor, figures = asyncio.run(both(path, samples))
    floor_p95 = percentile(floor, 0.95)
    print(
        f"floor: raw data_version poll   median {statistics.median(floor):6.1f} ms  "
        f"p95 {floor_p95:6.1f} ms"
    )
    for kind, values in figures.items():
        value = percentile(values, 0.95)
        print(
            f"{kind:>10} from another console: median {statistics.median(values):6.1f} ms  "
            f"p95 {value:6.1f} ms   (target p95 <= {TARGET_MS:.0f} ms)"
        )
        print(
            figure_line(
                f"another console's {kind} visible ({items:,} items, p95)",
                f"{value:.0f} ms",
                f"{floor_p95:.0f} ms",
                f"{value / floor_p95:.1f}x",
                f"<= {TARGET_MS:.0f} ms",
                value <= TARGET_MS,
            )
        )


if __name__ == "__main__":
    main(size_argument(10_000), int(sys.argv[2]) if len(sys.argv) > 2 else 20)
