"""The voting-round dialogs by keys: focus on the first choice, a mark that reads without colour,
Enter opens the round from any field."""

from __future__ import annotations

from helpers import pilot_wait_until, visible_text

from console.domain.voting import VotingMethod
from console.store.card_rounds import card_rounds
from console.store.core import WorkshopStore
from console.store.inventory_votes import rounds
from console.ui.app import make_app
from console.ui.common.choices import ChoiceSet


async def test_the_inventory_round_dialog_starts_on_the_method_and_enter_opens(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("escape", "v")
        await pilot_wait_until(pilot, lambda: "New voting round" in visible_text(app))
        assert isinstance(app.focused, ChoiceSet), app.focused
        screen = visible_text(app)
        assert "(•) Dot vote" in screen and "( ) Hand count" in screen
        await pilot.press("down")
        await pilot.pause()
        screen = visible_text(app)
        assert "( ) Dot vote" in screen and "(•) Hand count" in screen
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: bool(rounds(store)), message="the round opened")
        assert rounds(store)[-1].method == VotingMethod.HAND_COUNT
        assert "New voting round" not in visible_text(app)


async def test_the_card_round_dialog_opens_with_enter_on_the_choices(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="cards")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot_wait_until(pilot, lambda: "New voting round on cards" in visible_text(app))
        assert isinstance(app.focused, ChoiceSet), app.focused
        assert "(•) pick N" in visible_text(app)
        await pilot.press("down", "down")
        await pilot.pause()
        assert "(•) hand count" in visible_text(app) and "( ) pick N" in visible_text(app)
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: bool(card_rounds(store)), message="round opened")
        assert card_rounds(store)[-1].method == VotingMethod.HAND_COUNT


async def test_enter_opens_the_card_round_from_its_other_fields(store: WorkshopStore) -> None:
    app = make_app(store, first_pane="cards")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot_wait_until(pilot, lambda: "New voting round on cards" in visible_text(app))
        await pilot.press("tab", "tab")  # past the pick count, onto the deck
        await pilot.pause()
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: bool(card_rounds(store)), message="round opened")
        assert card_rounds(store)[-1].method == VotingMethod.PICK_N
