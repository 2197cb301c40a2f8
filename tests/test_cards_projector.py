"""The projector's cards view: hidden until the reveal, then the top cards live."""

from __future__ import annotations

import io

from conftest import FakeClock
from helpers import pilot_wait_until
from rich.console import Console
from textual.widgets import Static

from console.store.card_rounds import create_round, save_ballot, set_revealed
from console.store.core import WorkshopStore
from console.store.decks import live_decks
from console.store.display import set_display
from console.ui.projector.app import make_projector_app
from console.ui.projector.cards_view import CardsView
from console.ui.projector.registry import VIEWS


def rendered(app, selector: str) -> str:
    """Return a Static's content as the room reads it."""
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(app.query_one(selector, Static).content)
    return console.export_text()


async def test_the_projector_hides_then_reveals_the_top_cards_live(
    store: WorkshopStore, second_store: WorkshopStore, clock: FakeClock
) -> None:
    assert VIEWS["cards"] is CardsView
    deck_id = live_decks(store)[0].id
    round_id = create_round(store, deck_id, "pick_n", "ABC top 3")
    for number, ballot in enumerate(["1 2 10", "1 2 11", "2 11 3"], start=1):
        save_ballot(store, round_id, number, ballot)
    set_display(store, "cards", {"round_id": round_id, "top": 3})
    app = make_projector_app(second_store, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.view, CardsView)
        assert rendered(app, "#cards-view-title").strip() == "ABC top 3"
        body = rendered(app, "#cards-view-body")
        assert "Results are revealed soon · 3 ballots in" in body
        assert "ABC02" not in body

        set_revealed(store, round_id, True)
        await pilot_wait_until(
            pilot,
            lambda: "ABC02" in rendered(app, "#cards-view-body"),
            message=lambda: rendered(app, "#cards-view-body"),
        )
        body = rendered(app, "#cards-view-body")
        rows = [line.split()[:3] for line in body.splitlines() if "ABC" in line]
        assert rows == [
            ["1.", "ABC02", "Everything"],
            ["2=", "ABC01", "Too"],
            ["2=", "ABC11", "Blame"],
        ]
        assert "█" in body

        save_ballot(store, round_id, 4, "11 12 13")  # Live: a late ballot moves ABC11 up.

        def top_rows() -> list[list[str]]:
            body = rendered(app, "#cards-view-body")
            return [line.split()[:2] for line in body.splitlines() if "ABC" in line]

        expected = [["1=", "ABC02"], ["1=", "ABC11"], ["3.", "ABC01"]]
        await pilot_wait_until(
            pilot, lambda: top_rows() == expected, message=lambda: str(top_rows())
        )


async def test_the_cards_view_with_no_payload_shows_the_newest_round(
    store: WorkshopStore, second_store: WorkshopStore, clock: FakeClock
) -> None:
    deck_id = live_decks(store)[0].id
    create_round(store, deck_id, "approval", "Older round")
    newest = create_round(store, deck_id, "hand_count", "Hands up")
    set_revealed(store, newest, True)
    set_display(store, "cards")
    app = make_projector_app(second_store, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert rendered(app, "#cards-view-title").strip() == "Hands up"
        assert "No votes yet." in rendered(app, "#cards-view-body")
