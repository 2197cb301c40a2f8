"""Time the inventory pane at scale: the benchmark workshop (workloads.py) of 10,000 pain points.

Run: `python benchmarks/inventory.py` (from the project folder, in its virtual environment).
It builds a throwaway workshop in a temporary folder, runs the console headless (Textual's
run_test) and prints the time for: open (first paint of the pane), capture-to-visible, one
ballot to re-ranked list, a full re-rank, and scrolling. Figures are noisy: compare runs.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from _common import every_pane_built
from workloads import build_workshop

from console.store.changes import EVERY_FEATURE
from console.store.core import WorkshopStore, iso
from console.store.inventory_votes import parse_ballot, save_ballot
from console.store.workshop import participants

PAIN_POINTS = 10_000
VOTES = PAIN_POINTS
DELEGATES = 200
SIZE = (140, 40)


def build(path: Path) -> str:
    """Create the benchmark workshop with PAIN_POINTS pain points; return its dot round's id."""
    build_workshop(path, PAIN_POINTS)
    with WorkshopStore.open(path) as store:
        return str(store.query("SELECT id FROM voting_rounds WHERE method = 'dot'")[0]["id"])


async def measure(path: Path, round_id: str) -> dict[str, float]:
    """Run the console headless and time what the facilitator waits for."""
    from console.ui.app import make_app
    from console.ui.inventory.inventory_list import InventoryList

    figures: dict[str, float] = {}
    store = WorkshopStore.open(path, clock=lambda: _now())
    other = WorkshopStore.open(path, role="notes")
    try:
        started = time.perf_counter()
        app = make_app(store, first_pane="inventory")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            figures["open: app start to first paint of the pane"] = time.perf_counter() - started
            await every_pane_built(app)
            listing = app.query_one(InventoryList)
            assert listing.row_count == PAIN_POINTS, listing.row_count

            began = time.perf_counter()
            for _ in range(10):
                await pilot.press("f12")
            await pilot.pause()
            figures["baseline: a key that does nothing, through the test pilot"] = (
                time.perf_counter() - began
            ) / 10

            pane = app.query_one("#inventory")
            began = time.perf_counter()
            pane.sync(0, EVERY_FEATURE)
            await pilot.pause()
            figures["full reload of the pane (sync from revision 0)"] = time.perf_counter() - began

            captures = []
            for number in range(5):
                app.query_one("#inventory-input").value = f"Benchmark capture {number} #People"
                began = time.perf_counter()
                await pilot.press("enter")
                await pilot.pause()
                captures.append(time.perf_counter() - began)
                shown = listing.cursor_id
                assert shown is not None
                assert listing.lines[shown].text.startswith(f"Benchmark capture {number}")
            figures["capture to visible (Enter to row on screen), median of 5"] = sorted(captures)[
                2
            ]

            ballots = []
            people = participants(other)
            for number in range(5):
                ballot = parse_ballot(other, f"{number + 1} {number + 2} {number + 2}")
                save_ballot(other, round_id, people[number].id, ballot)
                began = time.perf_counter()
                app.poll_changes()
                await pilot.pause()
                ballots.append(time.perf_counter() - began)
            figures["ballot from another console to re-ranked list, median of 5"] = sorted(ballots)[
                2
            ]

            began = time.perf_counter()
            listing.rerank(full=True)
            await pilot.pause()
            figures["full re-rank of 10,000 pain points and redraw"] = time.perf_counter() - began

            listing.focus()
            began = time.perf_counter()
            for _ in range(20):
                await pilot.press("pagedown")
            figures["scroll: one page down (mean of 20)"] = (time.perf_counter() - began) / 20
            began = time.perf_counter()
            await pilot.press("end")
            await pilot.press("home")
            figures["scroll: End then Home"] = time.perf_counter() - began
    finally:
        other.close()
        store.close()
    return figures


def _now():  # type: ignore[no-untyped-def]
    """Return the current instant (a real clock: the benchmark times real work)."""
    from console.store.core import utc_now

    return utc_now()


def main() -> int:
    """Build the workshop, run the measurements and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "benchmark.db"
        began = time.perf_counter()
        round_id = build(path)
        print(
            f"Built {PAIN_POINTS:,} pain points, {VOTES:,} votes, {DELEGATES} delegates "
            f"in {time.perf_counter() - began:.2f} s ({iso(_now())[:19]} UTC)"
        )
        figures = asyncio.run(measure(path, round_id))
    width = max(len(label) for label in figures)
    for label, seconds in figures.items():
        print(f"{label.ljust(width)}  {seconds * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
