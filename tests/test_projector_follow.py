"""The projector follows what the facilitator's console chooses, across console restarts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import FakeClock
from helpers import pilot_wait_until
from textual.app import ComposeResult
from textual.widgets import Digits, Static

from console.store.agenda import load_agenda, start_item, toggle_pause
from console.store.core import WorkshopStore
from console.store.display import display_state, set_display
from console.ui.app import make_app
from console.ui.projector import registry
from console.ui.projector.agenda_view import AgendaView
from console.ui.projector.app import make_projector_app
from console.ui.projector.base import ProjectorView
from console.ui.projector.chooser_modal import ProjectorChooserModal

# Local clock times (planned starts, the projector's clock) line up with the fake clock.
pytestmark = pytest.mark.usefixtures("local_time_is_utc")


class EchoView(ProjectorView):
    """A stand-in for another feature's view: shows its payload."""

    MODE: ClassVar[str] = "echo"

    def compose(self) -> ComposeResult:
        yield Static(id="echo")

    def show(self, payload: dict[str, Any]) -> None:
        self.query_one("#echo", Static).update(str(payload.get("text", "")))


def shown(app, selector: str) -> str:
    """Return the text a Static shows."""
    return str(app.query_one(selector, Static).content)


async def test_projector_follows_another_console_and_survives_its_restart(
    workshop_path: Path, store: WorkshopStore, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.VIEWS, "echo", EchoView)
    projector_store = WorkshopStore.open(workshop_path, role="projector", clock=clock)
    first = load_agenda(store).items[0]
    app = make_projector_app(projector_store, clock=clock)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            view = app.query_one(AgendaView)
            assert app.query_one(Digits).value == "09:00"  # nothing runs: the wall clock
            assert shown(app, "#projector-item") == f"Up next: {first.title}"

            start_item(store, first.id, 20 * 60, seen_running=None)
            clock.advance(65)
            await pilot_wait_until(
                pilot,
                lambda: app.query_one(Digits).value == "18:55",
                message=lambda: f"the projector shows {app.query_one(Digits).value}",
            )
            assert shown(app, "#projector-item") == first.title
            assert app.query_one(Digits).has_class("phase-normal")

            set_display(store, "echo", {"text": "Top pain points"})
            await pilot_wait_until(
                pilot, lambda: app.query("#echo") and shown(app, "#echo") == "Top pain points"
            )
            set_display(store, "echo", {"text": "Cards"})
            await pilot_wait_until(pilot, lambda: shown(app, "#echo") == "Cards")

            # The facilitator's console quits and comes back: the projector keeps following.
            store.close()
            reopened = WorkshopStore.open(workshop_path, clock=clock)
            try:
                set_display(reopened, "no-such-view")  # unknown modes fall back to the agenda
                await pilot_wait_until(
                    pilot,
                    lambda: not app.query(EchoView) and app.query(AgendaView),
                    message="the projector never went back to the agenda",
                )
                assert app.query_one(AgendaView) is not view
                clock.advance(5)
                toggle_pause(reopened)
                await pilot_wait_until(
                    pilot,
                    lambda: shown(app, "#projector-status") == "Paused",
                    message=lambda: shown(app, "#projector-status"),
                )
                assert app.query_one(Digits).value == "18:50"
            finally:
                reopened.close()
    finally:
        projector_store.close()


async def test_p_in_the_console_chooses_what_the_projector_shows(
    store: WorkshopStore, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.VIEWS, "echo", EchoView)
    app = make_app(store, clock=clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("p")
        chooser = app.screen
        assert isinstance(chooser, ProjectorChooserModal)
        assert chooser.modes[0] == "agenda" and "echo" in chooser.modes
        await pilot.press(*["down"] * chooser.modes.index("echo"), "enter")
        await pilot.pause()
        assert display_state(store) == ("echo", {})
        await pilot.press("p", "escape")
        assert display_state(store) == ("echo", {})
        await pilot.press("p", "home", "enter")
        await pilot.pause()
        assert display_state(store) == ("agenda", {})


def test_display_state_defaults_to_the_agenda_and_refuses_bad_payloads(
    store: WorkshopStore,
) -> None:
    assert display_state(store) == ("agenda", {})
    set_display(store, "cards", {"round_id": "r1"})
    assert display_state(store) == ("cards", {"round_id": "r1"})
    with pytest.raises(ValueError, match="plain data"):
        set_display(store, "cards", {"when": object()})
    with pytest.raises(ValueError, match="view name"):
        set_display(store, "  ")
    assert display_state(store) == ("cards", {"round_id": "r1"})
    with store.write() as transaction:
        transaction.update("display", "projector", {"payload": "not json"})
    assert display_state(store) == ("cards", {})
