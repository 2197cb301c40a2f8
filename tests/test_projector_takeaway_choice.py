"""Choosing "Takeaway" with `p` shows the takeaway the facilitator put up, not the newest one."""

from __future__ import annotations

from conftest import FakeClock
from helpers import pilot_wait_until, visible_text

from console.store.core import WorkshopStore
from console.store.display import display_state, set_display
from console.store.takeaways import capture_takeaway
from console.ui.app import make_app
from console.ui.projector.app import make_projector_app
from console.ui.projector.chooser_modal import ProjectorChooserModal


async def choose(pilot, mode: str) -> None:
    """Open the projector chooser with `p` and pick mode by arrow keys and Enter."""
    await pilot.press("p")
    chooser = pilot.app.screen
    assert isinstance(chooser, ProjectorChooserModal)
    await pilot.press("home", *["down"] * chooser.modes.index(mode), "enter")
    await pilot_wait_until(pilot, lambda: not isinstance(pilot.app.screen, ProjectorChooserModal))


async def test_choosing_takeaway_on_the_agenda_shows_the_one_put_up(
    store: WorkshopStore, second_store: WorkshopStore, clock: FakeClock
) -> None:
    put_up = capture_takeaway(store, "q: Improving daily work -- Mike Orzen").id
    # The takeaways pane's `p` on that row puts it up.
    set_display(store, "takeaway", {"takeaway_id": put_up})
    set_display(store, "agenda")
    capture_takeaway(store, "q: Culture eats strategy for breakfast -- Peter Drucker")
    app = make_app(store, first_pane="agenda", clock=clock)
    projector = make_projector_app(second_store, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await choose(pilot, "takeaway")
        assert display_state(store) == ("takeaway", {"takeaway_id": put_up})
        async with projector.run_test(size=(80, 24)) as room:
            await pilot_wait_until(
                room,
                lambda: "Mike Orzen" in visible_text(projector),
                message=lambda: visible_text(projector),
            )
            assert "Improving daily work" in visible_text(projector)
            assert "Drucker" not in visible_text(projector)
        # Back to the agenda and to the takeaway again: still the one put up.
        await choose(pilot, "agenda")
        await choose(pilot, "takeaway")
        assert display_state(store) == ("takeaway", {"takeaway_id": put_up})
