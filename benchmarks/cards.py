"""Benchmark of the cards pane at scale: a 500-card deck and 5,000 ballots; prints timings.

Run: python benchmarks/cards.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from console.store.card_rounds import create_round, round_results, save_ballot
from console.store.core import WorkshopStore
from console.store.decks import import_deck
from console.store.templates import apply_template
from console.ui.app import make_app

CARDS = 500
BALLOTS = 5_000
PICKS = 3


def build(folder: Path) -> tuple[Path, str]:
    """Build a workshop with a 500-card deck and one round holding 5,000 pick-3 ballots."""
    path = folder / "bench.db"
    store = WorkshopStore.create(path)
    try:
        apply_template(store, "executive-connections")
        lines = ["code,title,category"]
        categories = ("Attitude", "Behavior", "Culture")
        for number in range(1, CARDS + 1):
            lines.append(f"B{number:03d},Worst practice number {number},{categories[number % 3]}")
        deck = import_deck(store, "\n".join(lines).encode(), "Big deck", filename="big.csv")
        round_id = create_round(store, deck.deck_id, "pick_n", "Big round", pick_count=PICKS)
        card_ids = store.query(
            "SELECT id FROM cards WHERE deck_id = ? ORDER BY position", [deck.deck_id]
        )
        with store.write() as transaction:
            top = store.query("SELECT max(number) AS n FROM participants")[0]["n"]
            participant_ids = [
                row["id"] for row in store.query("SELECT id FROM participants ORDER BY number")
            ]
            for number in range(top + 1, BALLOTS + 1):
                participant_ids.append(transaction.insert("participants", {"number": number}))
            for index, participant_id in enumerate(participant_ids[:BALLOTS]):
                for pick in range(PICKS):
                    card = card_ids[(index * 7 + pick * 13 + index // 11) % CARDS]["id"]
                    transaction.insert(
                        "card_votes",
                        {
                            "round_id": round_id,
                            "card_id": card,
                            "participant_id": participant_id,
                            "points": 1,
                        },
                    )
    finally:
        store.close()
    return path, round_id


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
        save_ballot(store, round_id, 17, "B001 B002 B003")
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
            assert pane.current_round().title == "Big round"

            pane.query_one("#cards-ballot").focus()
            pane.delegate = 18
            await pilot.press(*"B004 B005 B006")
            started = time.perf_counter()
            await pilot.press("enter")
            await pilot.pause()
            report("ballot Enter -> results on screen", time.perf_counter() - started)

            started = time.perf_counter()
            pane.show_round()
            report("results + comparison redraw (pane)", time.perf_counter() - started)

            started = time.perf_counter()
            await pilot.press(*"B01 B02 B")
            await pilot.pause(0.2)
            report(
                "baseline: 9 keys in the ballot line + 0.2 s pause", time.perf_counter() - started
            )
            pane.query_one("#cards-ballot").value = ""

            pane.query_one("#cards-search").focus()
            started = time.perf_counter()
            await pilot.press(*"number 49")
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
