"""The cards pane driven by keys: rounds, ballots, hand counts, reveal, comparison, decks, links."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import FakeClock
from helpers import notices
from rich.console import Console
from textual.widgets import DataTable, Static

from console.store.card_links import pain_points_for_card
from console.store.card_rounds import ballot_codes, card_rounds, round_results
from console.store.core import WorkshopStore
from console.store.decks import live_decks
from console.store.display import display_state
from console.store.inventory import capture_pain_point
from console.store.rankings import compare_round
from console.ui.app import make_app

DECKS = Path(__file__).parent / "data" / "decks"

BALLOTS = [
    "1 2 10",
    "ABC01 ABC02 ABC11",
    "1 2 3",
    "2 11 4",
    "abc02 abc10 abc12",
    "1 11 13",
    "2 1 5",
    "10 11 2",
]
"""Eight delegates' pick-3 ballots: ABC02 8, ABC01 5, ABC11 4, ABC10 3, then single votes."""


def rendered(app, selector: str, width: int = 200) -> str:
    """Return a Static's content as the user reads it (Rich tables rendered to text)."""
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(app.query_one(selector, Static).content)
    return console.export_text()


def table_codes(app) -> list[str]:
    """Return the card codes the table shows, in order."""
    table = app.query_one("#cards-table", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def open_round(pilot, method_steps: int = 0) -> None:
    """Open a round from the card list: o, choose the method by arrows, Ctrl+S."""
    await pilot.press("v")
    await pilot.pause()
    if method_steps:
        await pilot.press(*["down"] * method_steps, "enter")
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_a_pick_three_round_with_eight_delegates_by_keys(
    store: WorkshopStore, clock: FakeClock
) -> None:
    app = make_app(store, first_pane="agenda", clock=clock)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert len(table_codes(app)) == 22
        await open_round(pilot)
        assert app.focused is app.query_one("#cards-ballot")
        assert "Delegate 1 of 12" in rendered(app, "#cards-ballot-label")
        for ballot in BALLOTS:
            await pilot.press(*ballot, "enter")
        await pilot.pause()
        assert notices(app)[0] == "Delegate 1 saved: ABC01 ABC02 ABC10."
        assert notices(app)[7] == "Delegate 8 saved: ABC10 ABC11 ABC02."
        assert "Delegate 9 of 12" in rendered(app, "#cards-ballot-label")

        # Bad ballots: a clear message, nothing saved, the delegate stays the same.
        for bad, message in [
            ("ABC99 1", "Unknown card code: ABC99."),
            ("1 2 3 4", "Pick at most 3 cards; this ballot has 4."),
            ("3 ABC03", "ABC03 is on this ballot twice: each card counts once."),
        ]:
            await pilot.press(*bad, "enter")
            await pilot.pause()
            assert notices(app)[-1] == message
            assert app.query_one("#cards-ballot").value == bad
            await pilot.press(*["backspace"] * len(bad))
        assert "Delegate 9 of 12" in rendered(app, "#cards-ballot-label")

        # Correct delegate 8: Up shows the saved ballot; retyping replaces it.
        await pilot.press("up")
        assert app.query_one("#cards-ballot").value == "ABC10 ABC11 ABC02"
        assert "Delegate 8 of 12 · saved: ABC10 ABC11 ABC02" in rendered(app, "#cards-ballot-label")
        await pilot.press(*"10 11 12", "enter")
        await pilot.pause()
        assert notices(app)[-1] == "Delegate 8 corrected: ABC10 ABC11 ABC12."

        round_id = card_rounds(store)[-1].id
        assert ballot_codes(store, round_id, 8) == "ABC10 ABC11 ABC12"
        results = round_results(store, round_id)
        assert results.ballots == 8
        assert [(r.card.code, r.score) for r in results.results[:4]] == [
            ("ABC02", 6),
            ("ABC01", 5),
            ("ABC11", 4),
            ("ABC10", 3),
        ]
        status = rendered(app, "#cards-status")
        assert "pick 3 · open · 8 ballots · hidden on the projector" in status
        screen_results = rendered(app, "#cards-results")
        lines = [line.split() for line in screen_results.splitlines() if "ABC" in line]
        assert [(words[0], words[1]) for words in lines[:4]] == [
            ("1.", "ABC02"),
            ("2.", "ABC01"),
            ("3.", "ABC11"),
            ("4.", "ABC10"),
        ]
        assert "6" in lines[0] and "█" in screen_results

        # Close: ballots refused; reopen: accepted again.
        await pilot.press("escape", "x")
        await pilot.pause()
        assert card_rounds(store)[-1].status == "closed"
        await pilot.press("b", *"4 5 6", "enter")
        await pilot.pause()
        assert "is closed: press x to reopen it" in notices(app)[-1]
        await pilot.press("escape", "x", "b", "enter")
        await pilot.pause()
        assert card_rounds(store)[-1].status == "open"
        assert ballot_codes(store, round_id, 9) == "ABC04 ABC05 ABC06"


async def test_a_hand_count_round_by_keys(store: WorkshopStore, clock: FakeClock) -> None:
    app = make_app(store, first_pane="cards", clock=clock)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.pause()
        await open_round(pilot, method_steps=2)  # pick N, recognise, hand count
        card_round = card_rounds(store)[-1]
        assert card_round.method.value == "hand_count"
        assert "Hand count" in rendered(app, "#cards-ballot-label")
        for entry in ["5 12", "ABC07 3", "1 9, 2 4", "5 10"]:
            await pilot.press(*entry, "enter")
            await pilot.pause()
        assert notices(app)[-1] == "Hands counted: ABC05: 10."
        await pilot.press(*"5", "enter")
        await pilot.pause()
        assert notices(app)[-1] == "Type the count after 5, e.g. 5 12."
        results = round_results(store, card_round.id)
        assert [(r.card.code, r.score) for r in results.results] == [
            ("ABC05", 10),
            ("ABC01", 9),
            ("ABC02", 4),
            ("ABC07", 3),
        ]
        assert "26 hands on 4 cards" in rendered(app, "#cards-status")
        screen = rendered(app, "#cards-results")
        assert "Top 5 (hands)" in screen
        assert screen.index("ABC05") < screen.index("ABC01") < screen.index("ABC07")


async def test_reveal_and_the_comparison_with_published_rankings(
    store: WorkshopStore, clock: FakeClock
) -> None:
    app = make_app(store, first_pane="cards", clock=clock)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.pause()
        await open_round(pilot)
        for ballot in BALLOTS:
            await pilot.press(*ballot, "enter")
        await pilot.press("escape", "R")
        await pilot.pause()
        card_round = card_rounds(store)[-1]
        assert card_round.revealed_at == clock().isoformat(timespec="microseconds")
        assert "REVEALED on the projector" in rendered(app, "#cards-status")
        assert notices(app)[-1] == "Results revealed on the projector."
        await pilot.press("p")
        await pilot.pause()
        assert display_state(store)[0] != "cards", "p opens the chooser first"
        await pilot.press("enter")
        await pilot.pause()
        assert display_state(store) == ("cards", {"round_id": card_round.id, "top": 5})
        await pilot.press("minus", "minus")
        await pilot.pause()
        compare = rendered(app, "#cards-compare")
        # ABC02 is #1 of the 2012 ranking and #10 of 2010; ABC01 is in AXELOS's unordered top.
        row = next(line for line in compare.splitlines() if "ABC02" in line).split()
        assert row[0] == "1" and row[-3:] == ["#10", "#1", "–"]
        row = next(line for line in compare.splitlines() if "ABC01" in line).split()
        assert row[0] == "2" and row[-3:] == ["–", "–", "top"]
        # As narrow as the panel is at 80 columns: the titles are cut, the ranks stay whole.
        narrow = rendered(app, "#cards-compare", width=32)
        heading = next(line for line in narrow.splitlines() if "Card" in line).split()
        assert heading[-3:] == ["2010", "2012", "2015"]
        row = next(line for line in narrow.splitlines() if "ABC02" in line).split()
        assert row[0] == "1" and row[-3:] == ["#10", "#1", "–"]
        comparisons = compare_round(store, card_round.id, top=3)
        for comparison in comparisons:
            codes = ", ".join(
                next(
                    r.card.code
                    for r in round_results(store, card_round.id).results
                    if r.card.id == row.item_id
                )
                for row in comparison.shared
            )
            assert f"shares the room's top 3: {codes}" in " ".join(compare.split())
        assert "Glenfis ITIL-course surveys (2012): shares the room's top 3: ABC02, ABC11" in (
            " ".join(compare.split())
        )
        await pilot.press("R")
        await pilot.pause()
        assert card_rounds(store)[-1].revealed_at is None


async def test_import_a_deck_by_keys_and_refuse_a_bad_one(
    store: WorkshopStore, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DECKS)  # Paths are typed relative to the folder the console runs in.
    app = make_app(store, first_pane="cards", clock=clock)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        await pilot.press(*"duplicate_codes.csv", "enter")
        await pilot.pause()
        assert notices(app)[-1].startswith("duplicate_codes.csv line 4: duplicate code d01")
        assert len(live_decks(store)) == 1
        field = app.screen.query_one("#import-deck-path")
        field.value = ""
        await pilot.press(*"good.toml", "tab", *"Room deck", "enter")
        await pilot.pause()
        assert notices(app)[-1] == "Imported 3 cards into 'Room deck'."
        assert [deck.name for deck in live_decks(store)] == ["ABC cards", "Room deck"]
        assert table_codes(app)[-3:] == ["K1", "K2", "K3"]
        await pilot.press("k", "k")
        await pilot.pause()
        assert table_codes(app) == ["K1", "K2", "K3"]


async def test_search_browse_by_category_add_and_edit_cards_by_keys(
    store: WorkshopStore, clock: FakeClock
) -> None:
    app = make_app(store, first_pane="cards", clock=clock)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"blame")
        await pilot.pause()
        assert table_codes(app) == ["ABC11"]
        await pilot.press("down", "enter")  # Down keeps the search; Enter on a card edits it.
        await pilot.pause()
        await pilot.press("tab", "tab", *"c", "ctrl+s")
        await pilot.pause()
        table = app.query_one("#cards-table", DataTable)
        assert str(table.get_row_at(0)[3]) == "Culture"
        await pilot.press("slash", *["backspace"] * 5, "escape", "f", "f", "f")
        await pilot.pause()
        assert table_codes(app) == ["ABC11"]  # Culture only.
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"ABC11", "tab", *"Hero [bold]culture", "tab", *"Culture", "enter")
        await pilot.pause()
        assert notices(app)[-1] == "The deck already has a card ABC11: use another code."
        await pilot.press("shift+tab", "shift+tab", *["backspace"] * 5, *"ABC23", "enter")
        await pilot.pause()
        assert table_codes(app) == ["ABC11", "ABC23"]
        assert str(table.get_row_at(1)[2]) == "Hero [bold]culture"
        assert store.query("SELECT title FROM cards WHERE code = 'ABC23'")[0]["title"] == (
            "Hero [bold]culture"
        )


async def test_link_a_card_to_pain_points_by_keys(store: WorkshopStore, clock: FakeClock) -> None:
    capture_pain_point(store, "Business does not see the value of IT")
    capture_pain_point(store, "Everything is urgent")
    app = make_app(store, first_pane="cards", clock=clock)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("down", "l")
        await pilot.pause()
        await pilot.press("down", "space", "enter")
        await pilot.pause()
        table = app.query_one("#cards-table", DataTable)
        card_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert [linked.text for linked in pain_points_for_card(store, card_id)] == [
            "Everything is urgent"
        ]
        assert str(table.get_row_at(1)[5]) == "1"
        assert "Explains: 2. Everything is urgent" in rendered(app, "#cards-detail")
