"""Benchmark: search, filter and open the takeaways pane with 20,000 takeaways (the benchmark
workshop of workloads.py with 10,000 pain points).

Run: python benchmarks/takeaways.py [COUNT]
Builds a throwaway workshop file in a temp folder and prints timings (nothing is asserted).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import every_pane_built
from workloads import build_workshop

from console.store.core import WorkshopStore
from console.store.takeaways import (
    capture_takeaway,
    count_takeaways,
    listed_takeaways,
    parse_filter,
)


def build(path: Path, count: int) -> WorkshopStore:
    """Create the benchmark workshop with count takeaways (half as many pain points), open."""
    build_workshop(path, count // 2)
    return WorkshopStore.open(path)


def timed(label: str, action: Callable[[], Any], repeat: int = 5) -> Any:
    """Run an action a few times and print its best and median time."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"{label:<48} best {times[0]:7.1f} ms   median {times[len(times) // 2]:7.1f} ms")
    return result


async def pane_timings(store: WorkshopStore) -> None:
    """Open the console on the takeaways pane, then search and filter by keys."""
    from console.ui.app import make_app
    from console.ui.takeaways.takeaways_pane import TakeawaysPane

    started = time.perf_counter()
    app = make_app(store, first_pane="takeaways")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        opened = (time.perf_counter() - started) * 1000
        pane = app.query_one(TakeawaysPane)
        print(f"{'console open on takeaways (incl. app start)':<48} {opened:7.1f} ms")
        await every_pane_built(app)
        timed("pane reload: newest rows into the table (200)", pane.reload)
        for query in ("flow", "flow cust", "kind:quote @gene", "#leadership", "status:open"):
            timed(f"search applied in the pane: {query}", lambda q=query: pane._set_filter(q))
        pane._set_filter("")

        def capture() -> None:
            pane._capture("one more takeaway")
            app.sync()

        timed("capture one takeaway: save + sync into the list", capture)
        started = time.perf_counter()
        await pilot.press("x", "enter")
        await pilot.pause()
        elapsed = (time.perf_counter() - started) * 1000
        print(f"{'capture by keys under Pilot (incl. its waits)':<48} {elapsed:7.1f} ms")


def main() -> None:
    """Build the file and print the timings."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        store = build(Path(folder) / "bench.db", count)
        print(f"built {count:,} takeaways in {time.perf_counter() - started:.1f} s")
        for query in ("flow", "flow customer", "kind:quote @gene", "#leadership", "status:open"):
            shown = parse_filter(store, query)
            rows = timed(f"rows: {query}", lambda s=shown: listed_takeaways(store, 0, s, limit=200))
            passing, _total = timed(f"count: {query}", lambda s=shown: count_takeaways(store, s))
            print(f"    {len(rows)} rows shown, {passing} match")
        rev = store.current_rev()
        capture_takeaway(store, "q: a new quote -- Gene Kim")
        timed("sync: rows written since the last revision", lambda: listed_takeaways(store, rev))
        asyncio.run(pane_timings(store))
        store.close()


if __name__ == "__main__":
    main()
