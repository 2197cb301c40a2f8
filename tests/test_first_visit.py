"""A pane's first visit by a pane key opens where one types: a line typed at once after F3 or
F5 is saved as typed, even when it starts with a letter that is a key of the pane's list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import (
    notices,
    pain_point_texts,
    pilot_wait_until,
    run_palette_command,
    takeaway_texts,
    visible_text,
)
from textual.app import App
from textual.widgets import Input

from console.store.card_rounds import create_round
from console.store.core import WorkshopStore
from console.store.decks import live_decks
from console.store.demo import build_demo
from console.store.display import display_state
from console.ui.app import make_app
from console.ui.cards.cards_widgets import BallotInput
from console.ui.inventory.inventory_list import InventoryList

SIZE = (140, 44)
TYPING = "Typing: letters are text"
"""The start of the hint line while a capture line has the focus."""


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[WorkshopStore]:
    """The example workshop `facilitate demo` opens: pain points, takeaways, a card round."""
    store = build_demo(tmp_path / "demo.db")
    try:
        yield store
    finally:
        store.close()


def dialog_open(app: App) -> bool:
    """Tell whether a dialog is open over the console."""
    return app.screen is not app.screen_stack[0]


def capture_line(app: App, pane_id: str) -> Input:
    """Return a pane's capture line."""
    return app.query_one(f"#{pane_id}-input", Input)


async def test_f3_then_a_line_starting_with_p_saves_that_line(demo: WorkshopStore) -> None:
    before, shown = pain_point_texts(demo), display_state(demo)
    assert before  # a list with rows, where p puts the ranking on the projector
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f3", *"people skip the retro", "enter")
        await pilot_wait_until(
            pilot,
            lambda: (
                len(pain_point_texts(demo)) > len(before) or app.screen is not app.screen_stack[0]
            ),
            timeout=10,
            message="a pain point saved or a dialog opened",
        )
        assert not dialog_open(app), "a dialog opened"
        assert pain_point_texts(demo) == [*before, "people skip the retro"]
        assert display_state(demo) == shown  # nothing was put on the projector
        line = capture_line(app, "inventory")
        assert app.focused is line and line.value == ""
        screen = visible_text(app)
        assert "people skip the retro" in screen
        assert TYPING in screen


async def test_f5_then_a_line_starting_with_p_saves_that_takeaway(demo: WorkshopStore) -> None:
    before, shown = takeaway_texts(demo), display_state(demo)
    assert before
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f5", *"pricing is opaque", "enter")
        await pilot_wait_until(
            pilot,
            lambda: (
                len(takeaway_texts(demo)) > len(before) or app.screen is not app.screen_stack[0]
            ),
            timeout=10,
            message="a takeaway saved or a dialog opened",
        )
        assert not dialog_open(app), "a dialog opened"
        assert takeaway_texts(demo) == [*before, ("insight", "pricing is opaque")]
        assert display_state(demo) == shown
        assert app.focused is capture_line(app, "takeaways")
        assert "pricing is opaque" in visible_text(app)


async def test_a_pane_left_in_its_list_opens_on_the_list_again(demo: WorkshopStore) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f3")
        await pilot_wait_until(pilot, lambda: app.focused is capture_line(app, "inventory"))
        assert TYPING in visible_text(app)
        # Escape leaves the line for the list; F2 and F3 come back to the list, where p acts.
        await pilot.press("escape", "f2", "f3")
        await pilot_wait_until(pilot, lambda: isinstance(app.focused, InventoryList))
        assert TYPING not in visible_text(app)
        assert "v new round" in visible_text(app)


async def test_n_right_after_f3_is_the_first_letter_of_the_line(demo: WorkshopStore) -> None:
    before = pain_point_texts(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f3", "n")
        line = capture_line(app, "inventory")
        await pilot_wait_until(pilot, lambda: line.value == "n", timeout=10)
        await pilot.press(*"ew hires wait a month", "enter")
        await pilot_wait_until(pilot, lambda: len(pain_point_texts(demo)) > len(before))
        assert pain_point_texts(demo) == [*before, "new hires wait a month"]


async def test_the_palette_opens_a_pane_on_its_capture_line(demo: WorkshopStore) -> None:
    before = takeaway_texts(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await run_palette_command(pilot, "Takeaways")
        await pilot_wait_until(pilot, lambda: app.focused is capture_line(app, "takeaways"))
        await pilot.press(*"everyone gets the deck", "enter")
        await pilot_wait_until(pilot, lambda: len(takeaway_texts(demo)) > len(before))
        assert takeaway_texts(demo) == [*before, ("insight", "everyone gets the deck")]


async def test_f4_opens_on_the_ballot_line_while_a_round_takes_ballots(
    demo: WorkshopStore,
) -> None:
    round_id = create_round(demo, live_decks(demo)[0].id, "pick_n", pick_count=3)
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f4")
        await pilot_wait_until(pilot, lambda: isinstance(app.focused, BallotInput), timeout=10)
        await pilot.press(*"7: 1 2 10", "enter")
        await pilot_wait_until(pilot, lambda: bool(card_codes_of(demo, round_id, 7)))
        assert card_codes_of(demo, round_id, 7) == ["ABC01", "ABC02", "ABC10"]
        assert "Delegate 7 saved" in " ".join(notices(app))


def card_codes_of(store: WorkshopStore, round_id: str, number: int) -> list[str]:
    """Return the codes of the cards a delegate's saved ballot holds in a round."""
    rows = store.query(
        "SELECT c.code FROM card_votes v JOIN participants p ON p.id = v.participant_id "
        "JOIN cards c ON c.id = v.card_id WHERE v.round_id = ? AND p.number = ? "
        "AND v.deleted_at IS NULL ORDER BY c.code",
        [round_id, number],
    )
    return [row["code"] for row in rows]
