"""Benchmark of the cards pane at scale: the benchmark workshop (workloads.py) with a 500-card
deck and 5,000 ballots; prints timings.

Run: python benchmarks/cards.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from workloads import build_workshop

from console.store.card_rounds import round_results, save_ballot
from console.store.core import WorkshopStore
from console.ui.app import make_app

CARDS = 500
BALLOTS = 5_000
PICKS = 3


def build(folder: Path) -> tuple[Path, str]:
    """Build the benchmark workshop with a 500-card deck and a round of 5,000 pick-3 ballots."""
    path = folder / "bench.db"
    build_workshop(path, 1_000, cards=CARDS, ballots=BALLOTS)
    with WorkshopStore.open(path) as store:
        round_id = store.query("SELECT id FROM voting_rounds WHERE title = 'Bench cards'")[0]["id"]
    return path, str(round_id)


def report(label: str, seconds: float) -> None:
    """Print one timing."""
    print(f"{label:<48} {seconds * 1000:8.1f} ms")


async def measure(path: Path, round_id: str) -> None:
    """Time opening the pane, entering a ballot until it shows, and recomputing results."""
    store = WorkshopStore.open(path)
    try:
        started = time.perf_counter()
        results = round_results(store, round_id)
        report("results recompute (store, 5,000 ballots)", time.perf_counter() - started)
        assert results.ballots == BALLOTS

        started = time.perf_counter()
        save_ballot(store, round_id, 17, "X001 X002 X003")
        report("one ballot saved (store, corrects delegate 17)", time.perf_counter() - started)

        app = make_app(store, first_pane="agenda")
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            started = time.perf_counter()
            await pilot.press("c")
            await pilot.pause()
            report("cards pane shown (500 + 22 cards, results)", time.perf_counter() - started)
            pane = app.query_one("#cards")
            pane.action_next_round()
            await pilot.pause()
            assert pane.current_round().title == "Bench cards"

            pane.query_one("#cards-ballot").focus()
            pane.delegate = 18
            await pilot.press(*"X004 X005 X006")
            started = time.perf_counter()
            await pilot.press("enter")
            await pilot.pause()
            report("ballot Enter -> results on screen", time.perf_counter() - started)

            started = time.perf_counter()
            pane.show_round()
            report("results + comparison redraw (pane)", time.perf_counter() - started)

            started = time.perf_counter()
            await pilot.press(*"X01 X02 X")
            await pilot.pause(0.2)
            report(
                "baseline: 9 keys in the ballot line + 0.2 s pause", time.perf_counter() - started
            )
            pane.query_one("#cards-ballot").value = ""

            pane.query_one("#cards-search").focus()
            started = time.perf_counter()
            await pilot.press(*"practice 49")
            await pilot.pause(0.2)  # The list redraws once typing pauses (0.15 s).
            report("type-to-search 9 keys + 0.2 s pause (522 cards)", time.perf_counter() - started)
            started = time.perf_counter()
            await pilot.press(*["backspace"] * 9)
            await pilot.pause(0.2)
            report("clear the search 9 keys + 0.2 s pause", time.perf_counter() - started)
    finally:
        store.close()


def main() -> None:
    """Build the workshop in a temporary folder and print the timings."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path, round_id = build(Path(folder))
        report("build (500 cards, 5,000 ballots)", time.perf_counter() - started)
        asyncio.run(measure(path, round_id))


if __name__ == "__main__":
    main()
