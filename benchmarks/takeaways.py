"""Benchmark: search, filter and open the takeaways pane with 20,000 takeaways.

Run: python benchmarks/takeaways.py [COUNT]
Builds a throwaway workshop file in a temp folder and prints timings (nothing is asserted).
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import every_pane_built

from console.store.core import WorkshopStore
from console.store.takeaways import (
    capture_takeaway,
    count_takeaways,
    listed_takeaways,
    parse_filter,
)
from console.store.templates import apply_template

WORDS = (
    "flow",
    "feedback",
    "learning",
    "value",
    "priority",
    "ownership",
    "courage",
    "team",
    "release",
    "risk",
    "debt",
    "customer",
    "silo",
    "handover",
    "automation",
    "trust",
    "metrics",
    "culture",
    "experiment",
    "outcome",
    "budget",
)
KINDS = ("insight", "quote", "decision", "question", "action")
SPEAKERS = ("Gene Kim", "Mike Orzen", "Ann", "Bob", "Delegate 7", "")


def build(path: Path, count: int) -> WorkshopStore:
    """Create a workshop file with count takeaways, a tenth of them tagged."""
    store = WorkshopStore.create(path)
    apply_template(store, "executive-connections")
    areas = [row["id"] for row in store.query("SELECT id FROM competence_areas")]
    items = [row["id"] for row in store.query("SELECT id FROM agenda_items")]
    rng = random.Random(6)
    with store.write() as transaction:
        for number in range(count):
            kind = KINDS[number % len(KINDS)]
            takeaway_id = transaction.insert(
                "takeaways",
                {
                    "kind": kind,
                    "text": " ".join(rng.choices(WORDS, k=12)) + f" n{number}",
                    "speaker": rng.choice(SPEAKERS) if kind == "quote" else "",
                    "owner": rng.choice(SPEAKERS) if kind == "action" else "",
                    "action_status": "open" if kind == "action" else None,
                    "agenda_item_id": rng.choice(items),
                    "captured_at": f"2026-11-26T{9 + number // 3600 % 10:02d}:"
                    f"{number // 60 % 60:02d}:{number % 60:02d}.{number:06d}+00:00",
                },
            )
            if number % 10 == 0:
                transaction.insert(
                    "takeaway_competence_areas",
                    {"takeaway_id": takeaway_id, "competence_area_id": rng.choice(areas)},
                )
    return store


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
