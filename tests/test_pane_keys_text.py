"""Nothing typed right after a pane key is lost: the focus goes back to the line the pane was
left in, and a key whose command cannot act now is text."""

from __future__ import annotations

from helpers import (
    notices,
    open_on_list,
    pain_point_texts,
    pilot_wait_until,
    takeaway_texts,
)
from textual.widgets import DataTable, Input

from console.store.core import WorkshopStore
from console.store.display import display_state
from console.store.inventory import capture_pain_point
from console.store.inventory_votes import open_round
from console.ui.app import make_app
from console.ui.inventory.inventory_list import InventoryList

SIZE = (140, 44)

LINES_NO_ROUND_CAN_TAKE = [
    "+1 to what Ann said",
    "[draft] budget rules",
    "Roles unclear",
    "handoffs drop work",
    "budget fights",
    "= is not a formula here",
    "-- silence in meetings",
    "]late decisions",
]
"""Pain points whose first letter is a list key that cannot act without a voting round."""


async def test_a_line_typed_at_once_after_f3_is_saved_literally(store: WorkshopStore) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        # An empty inventory and no round: = (one more hand) cannot act, so it is text.
        await pilot.press("f3", *'=SUM(A1), the "budget" fight', "enter")
        await pilot_wait_until(pilot, lambda: len(pain_point_texts(store)) == 1)
        assert pain_point_texts(store) == ['=SUM(A1), the "budget" fight']
        assert not notices(app, "warning"), notices(app)
        # With pain points in the list (and the list focused when leaving), each key that
        # needs a voting round is still text right after the pane key.
        for line in LINES_NO_ROUND_CAN_TAKE:
            await pilot.press("escape", "f2")
            await pilot.press("f3", *line, "enter")
        await pilot_wait_until(
            pilot, lambda: len(pain_point_texts(store)) == 1 + len(LINES_NO_ROUND_CAN_TAKE)
        )
        assert pain_point_texts(store)[1:] == LINES_NO_ROUND_CAN_TAKE
        assert not notices(app, "warning"), notices(app)
        # i is the letter of this pane: on its list it has nothing to do, so it is text too.
        await pilot.press("escape", "f2", "f3", *"ideas get lost", "enter")
        await pilot_wait_until(pilot, lambda: pain_point_texts(store)[-1] == "ideas get lost")
        assert app.screen is app.screen_stack[0]  # no dialog opened on the way


async def test_p_on_an_empty_inventory_is_text_not_a_projector_dialog(
    store: WorkshopStore,
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = display_state(store)
        await pilot.press("f3", *"people leave early", "enter")
        await pilot_wait_until(pilot, lambda: pain_point_texts(store) == ["people leave early"])
        assert app.screen is app.screen_stack[0]
        assert display_state(store) == before


async def test_a_pane_key_goes_back_to_the_capture_line_it_was_left_in(
    store: WorkshopStore,
) -> None:
    capture_pain_point(store, "Silos")
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = display_state(store)
        # Typing pain points, F2 to look at the agenda (a timer), F3 back: typing goes on.
        await pilot.press(*"Queues", "enter", "f2", "f3", *"people leave early", "enter")
        await pilot_wait_until(pilot, lambda: len(pain_point_texts(store)) == 3)
        assert pain_point_texts(store) == ["Silos", "Queues", "people leave early"]
        assert app.screen is app.screen_stack[0]  # p did not open the projector dialog
        assert display_state(store) == before
        # Half a line typed, F5 and F3: the line and its text wait where they were.
        await pilot.press(*"mee", "f5", "f3", *"tings overrun", "enter")
        await pilot_wait_until(pilot, lambda: len(pain_point_texts(store)) == 4)
        assert pain_point_texts(store)[-1] == "meetings overrun"
        # Left in the list, the pane key goes back to the list, where keys act (p: projector).
        await pilot.press("escape", "f2", "f3")
        await pilot.pause()
        assert isinstance(app.focused, InventoryList)
        await pilot.press("p")
        await pilot_wait_until(pilot, lambda: app.screen is not app.screen_stack[0])


async def test_list_keys_still_act_where_they_can(store: WorkshopStore) -> None:
    for text in ("Silos", "Queues", "Silo thinking"):
        capture_pain_point(store, text)
    open_round(store, "hand_count", title="Hands")
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        # On the list (a first visit opens on the capture line), keys act where they can.
        await open_on_list(pilot, "f3")
        listing = app.query_one(InventoryList)
        assert app.focused is listing
        first = listing.cursor_id
        assert first is not None
        # In a hand-count round, + counts a hand on the pain point under the cursor.
        await pilot.press("plus", "plus", "minus")
        await pilot_wait_until(pilot, lambda: listing.score_of(first) == 1)
        assert pain_point_texts(store) == ["Silos", "Queues", "Silo thinking"]
        # With pain points marked, m merges them into the one under the cursor.
        await pilot.press("down", "space", "up", "m")
        await pilot_wait_until(pilot, lambda: len(listing.order) == 2)
        assert any(message.startswith("Merged 1 into") for message in notices(app))
        # R reveals the round; [ has no earlier round to show, so it is text.
        await pilot.press("R")
        await pilot_wait_until(
            pilot, lambda: any("revealed on the projector" in n for n in notices(app))
        )
        await pilot.press(*"[older] rounds", "enter")
        await pilot_wait_until(pilot, lambda: "[older] rounds" in pain_point_texts(store))


async def test_takeaway_lines_keep_their_first_letter_after_f5(store: WorkshopStore) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = display_state(store)
        # An empty list: p (projector), e (edit), g (tag) have no takeaway to act on.
        await pilot.press("f5", *"people want clarity", "enter")
        await pilot_wait_until(pilot, lambda: len(takeaway_texts(store)) == 1)
        # An insight is selected: d and x (done, drop) act on actions only.
        await pilot.press("escape", "f3", "f5", *"don't rush the vote", "enter")
        await pilot.press("escape", "f3", "f5", *"x-team work helps", "enter")
        # t is the letter of this pane: on its list it has nothing to do, so it is text.
        await pilot.press("escape", "f3", "f5", *"the room was cold", "enter")
        await pilot_wait_until(pilot, lambda: len(takeaway_texts(store)) == 4)
        assert takeaway_texts(store) == [
            ("insight", "people want clarity"),
            ("insight", "don't rush the vote"),
            ("insight", "x-team work helps"),
            ("insight", "the room was cold"),
        ]
        assert display_state(store) == before
        assert app.screen is app.screen_stack[0]
        # Typing, F3, F5: the capture line again, so p is text although a row is selected.
        await pilot.press(*"pace matters", "f3", "f5", *" most", "enter")
        await pilot_wait_until(pilot, lambda: len(takeaway_texts(store)) == 5)
        assert takeaway_texts(store)[-1] == ("insight", "pace matters most")
        assert display_state(store) == before
        # On the list, with a takeaway selected, its keys act: d marks an action done.
        await pilot.press(*"a: book the room", "enter", "escape")
        await pilot_wait_until(pilot, lambda: len(takeaway_texts(store)) == 6)
        table = app.query_one("#takeaways-table", DataTable)
        await pilot_wait_until(pilot, lambda: app.focused is table)
        await pilot.press("d")
        await pilot_wait_until(
            pilot,
            lambda: (
                store.query("SELECT action_status FROM takeaways WHERE kind = 'action'")
                == [{"action_status": "done"}]
            ),
        )
        # Only a capture line is gone back to: from the search line, the list, where keys act.
        search = app.query_one("#takeaways-search", Input)
        await pilot.press("slash", *"room", "f3", "f5")
        await pilot.pause()
        assert app.focused is table and search.value == "room"


async def test_the_palette_offers_only_commands_that_can_act(store: WorkshopStore) -> None:
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        titles = [command.title for command in app.key_commands()]
        assert "Inventory: new round" in titles
        assert "Inventory: edit" not in titles  # no pain point to edit yet
        assert "Inventory: one more hand" not in titles  # no hand-count round
        await pilot.press("n", *"Silos", "enter", "escape")
        await pilot_wait_until(pilot, lambda: pain_point_texts(store) == ["Silos"])
        titles = [command.title for command in app.key_commands()]
        assert "Inventory: edit" in titles


async def test_a_ballot_line_left_open_gets_the_focus_back_with_its_text(
    store: WorkshopStore,
) -> None:
    for text in ("Silos", "Queues", "Handoffs"):
        capture_pain_point(store, text)
    open_round(store, "dot", title="Dots")
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        ballot = app.query_one("#ballot-input", Input)
        await pilot.press("escape", "b")
        await pilot_wait_until(pilot, lambda: app.focused is ballot)
        # Half a ballot typed, a look at the agenda, back: the ballot goes on, not a pain point.
        await pilot.press(*"1 2", "f2", "f3", *" 3", "enter")
        await pilot_wait_until(
            pilot, lambda: store.query("SELECT count(*) AS n FROM pain_point_votes")[0]["n"] == 3
        )
        assert pain_point_texts(store) == ["Silos", "Queues", "Handoffs"]
        assert app.focused is ballot


async def test_the_cards_ballot_line_gets_the_focus_back_with_its_text(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="cards")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.press("v")
        await pilot_wait_until(pilot, lambda: app.screen is not app.screen_stack[0])
        await pilot.press("ctrl+s")
        ballot = app.query_one("#cards-ballot", Input)
        await pilot_wait_until(pilot, lambda: app.focused is ballot)
        await pilot.press(*"1 2", "f3", "f4", *" 10", "enter")
        await pilot_wait_until(pilot, lambda: bool(notices(app)))
        assert notices(app) == ["Delegate 1 saved: ABC01 ABC02 ABC10."]
