"""Snapshot tests of what the facilitator and the room see: every pane, dialog and projector view.

Each test opens the demo workshop, waits until the screen shows its data, and compares an SVG
screenshot with the one in tests/__snapshots__/ (`pytest tests/test_snapshots.py
--snapshot-update` writes them anew after an intended change; look at them before committing).

The pictures must not depend on the run: the workshop is built on a fixed clock with fixed ids,
the console and the projector keep that clock (the running timer shows the same time left),
local time is UTC, the text cursor does not blink, and every wait is for a condition.
"""

from __future__ import annotations

import itertools
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeClock
from helpers import pilot_wait_until, visible_text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import ContentSwitcher, Input

import console.store.core
import console.store.demo
import console.store.room
from console.domain.room import RoomActivity
from console.store.agenda import load_agenda, start_item
from console.store.card_rounds import card_rounds
from console.store.core import WorkshopStore
from console.store.demo import build_demo
from console.store.display import set_display
from console.store.inventory import capture_pain_point, changed_pain_points
from console.store.inventory_votes import open_round, rounds, set_hand_count, set_revealed
from console.store.room import ensure_room, join, record_server, save_dot_ballot, set_activity
from console.ui.app import PANES, make_app
from console.ui.common.help_modal import HelpModal
from console.ui.common.pane import Pane
from console.ui.details.details_modal import WorkshopDetailsModal
from console.ui.projector.app import make_projector_app
from console.ui.projector.chooser_modal import ProjectorChooserModal
from console.ui.room.room_modal import RoomModal

SIZES = {"80x24": (80, 24), "160x45": (160, 45)}
"""The terminal sizes every screen is taken at: the smallest supported, and a projector's."""

PROJECTOR_SIZES = {"40x12": (40, 12), "80x24": (80, 24), "200x60": (200, 60)}
"""The projector's sizes: a zoomed font, the smallest console, a wide projector."""

RUNNING_FOR = timedelta(minutes=7, seconds=30)
"""How long day 2's first item has been on the clock when the screens are taken."""

Snap = Callable[..., bool]


class _ClockedStores:
    """Stands for WorkshopStore in the demo builder: creates the file on the fixed clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    def create(self, path: Path) -> WorkshopStore:
        """Create the workshop file as the demo builder does, with the fixed clock."""
        return WorkshopStore.create(path, clock=self.clock)


@pytest.fixture(autouse=True)
def same_terminal_everywhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Show local times (agenda starts, capture times, the projector clock) as UTC, in colour.

    NO_COLOR, when the machine sets it, would turn every picture grey.
    """
    monkeypatch.delenv("NO_COLOR", raising=False)
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def fixed_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Number the rows' ids in creation order instead of drawing random ones."""
    counter = itertools.count(1)
    monkeypatch.setattr(console.store.core, "new_id", lambda: str(uuid.UUID(int=next(counter))))


@pytest.fixture
def demo(
    tmp_path: Path, clock: FakeClock, fixed_ids: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[WorkshopStore]:
    """The demo workshop at lunch on day 2, its first item on the clock, open on the fake clock."""
    with monkeypatch.context() as patched:
        patched.setattr(console.store.demo, "WorkshopStore", _ClockedStores(clock))
        store = build_demo(tmp_path / "demo.db")
    try:
        agenda = load_agenda(store)
        day_two = agenda.days[1]
        first = agenda.items_of(day_two.id)[0]
        start_item(store, first.id, first.planned_minutes * 60)
        clock.advance(RUNNING_FOR.total_seconds())
        yield store
    finally:
        store.close()


def steady_cursors(app: App[Any]) -> None:
    """Keep every text cursor shown (a blinking one would make two pictures differ)."""
    for screen in app.screen_stack:
        for line in screen.query(Input):
            line.cursor_blink = False


def every_pane_built(app: App[Any]) -> bool:
    """Tell whether the console has built and mounted every pane (it builds them after paint)."""
    panes = app.screen_stack[0].query(Pane)
    return len(panes) == len(PANES) and all(pane.is_mounted for pane in panes)


async def settle(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Wait until condition holds on screen, then make the text cursors steady."""
    await pilot_wait_until(pilot, condition, message=what)
    steady_cursors(pilot.app)
    await pilot.pause()


def take(
    snap_compare: Snap, app: App[Any], size: str, run_before: Callable[..., Awaitable[None]]
) -> bool:
    """Compare the screen of app at size with its snapshot."""
    return snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


# The console ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleShot:
    """One screen of the console: the keys that open it and what shows it is ready."""

    keys: tuple[str, ...]
    ready: Callable[[App[Any]], bool]


def _pane(pane_id: str, text: str) -> Callable[[App[Any]], bool]:
    def ready(app: App[Any]) -> bool:
        switcher = app.screen_stack[0].query_one(ContentSwitcher)
        return switcher.current == pane_id and text in visible_text(app)

    return ready


def _screen(kind: type, text: str) -> Callable[[App[Any]], bool]:
    def ready(app: App[Any]) -> bool:
        return isinstance(app.screen, kind) and text in visible_text(app)

    return ready


CONSOLE_SHOTS = {
    "agenda": ConsoleShot(("f2",), _pane("agenda", "Now: Welcome back")),
    "inventory": ConsoleShot(("f3",), _pane("inventory", "12 pain points")),
    "cards": ConsoleShot(("f4",), _pane("cards", "ABC cards: top 3")),
    "takeaways": ConsoleShot(("f5",), _pane("takeaways", "12 takeaways")),
    "help": ConsoleShot(("f1",), _screen(HelpModal, "Ctrl+R")),
    "details": ConsoleShot(("f6",), _screen(WorkshopDetailsModal, "St Louis")),
    "projector-chooser": ConsoleShot(
        ("p",), _screen(ProjectorChooserModal, "Show on the projector")
    ),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shot", CONSOLE_SHOTS)
def test_console(shot: str, size: str, demo: WorkshopStore, snap_compare: Snap) -> None:
    """The console shows each pane and dialog on the demo workshop as it did before."""
    wanted = CONSOLE_SHOTS[shot]
    app = make_app(demo, clock=demo.clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot_wait_until(pilot, lambda: every_pane_built(app), message="panes built")
        await pilot.press(*wanted.keys)
        await settle(pilot, lambda: wanted.ready(app), f"the {shot} screen")

    assert take(snap_compare, app, size, run_before)


@pytest.mark.parametrize("size", SIZES)
def test_room(
    size: str, demo: WorkshopStore, snap_compare: Snap, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Room dialog with a server running, three phones joined and a dot vote open to them."""
    monkeypatch.setattr(console.store.room, "new_room_code", lambda: "4821")
    ensure_room(demo)
    phones = [join(demo, f"phone-{n}", name) for n, name in enumerate(("Ann", "", "Bo"))]
    round_id = open_round(demo, "dot", title="Phones' round", budget=3, cap_per_item=2)
    set_activity(demo, RoomActivity.DOTS)
    first_pain_point = changed_pain_points(demo)[0].id
    save_dot_ballot(demo, phones[0], round_id, {first_pain_point: 2})
    # This test's own process stands in for the room server: its record names a live process.
    record_server(demo, "http://192.168.1.5:8000", os.getpid())
    app = make_app(demo, clock=demo.clock)
    ready = _screen(RoomModal, "Joined from phones: 3")

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot_wait_until(pilot, lambda: every_pane_built(app), message="panes built")
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: ready(app), "the Room dialog")

    assert take(snap_compare, app, size, run_before)


# The projector (`facilitate present`) ------------------------------------------------------------


def _takeaway_id(store: WorkshopStore, text: str) -> str:
    rows = store.query("SELECT id FROM takeaways WHERE text LIKE ?", [f"{text}%"])
    return str(rows[0]["id"])


def _show_agenda(store: WorkshopStore) -> None:
    set_display(store, "agenda")


def _show_pain_points(store: WorkshopStore) -> None:
    # As the inventory pane's projector dialog puts them on: the newest round, top 10.
    set_display(store, "inventory", {"round_id": rounds(store)[-1].id, "show": "items", "top": 10})


def _show_hand_counts(store: WorkshopStore) -> None:
    # A long title and a tie at the cut-off: the top 10 shows 11 rows, the long title wrapped.
    capture_pain_point(
        store,
        "Activities are not linked back to business strategy, so nobody can say which of them "
        "matter to the customers we serve",
    )
    round_id = open_round(store, "hand_count", title="Hands up")
    hands = [9, 8, 7, 6, 6, 5, 4, 3, 2, 2, 2, 1, 12]
    for pain_point, count in zip(changed_pain_points(store), hands, strict=False):
        set_hand_count(store, round_id, pain_point.id, count)
    set_revealed(store, round_id, True)
    set_display(store, "inventory", {"round_id": round_id, "show": "items", "top": 10})


def _show_themes(store: WorkshopStore) -> None:
    set_display(store, "inventory", {"round_id": rounds(store)[-1].id, "show": "themes", "top": 5})


def _show_cards(store: WorkshopStore) -> None:
    # As the cards pane's `p` puts them on: this round, its top 5.
    set_display(store, "cards", {"round_id": card_rounds(store)[-1].id, "top": 5})


def _show_quote(store: WorkshopStore) -> None:
    set_display(store, "takeaway", {"takeaway_id": _takeaway_id(store, "Improving daily work")})


def _show_action(store: WorkshopStore) -> None:
    set_display(store, "takeaway", {"takeaway_id": _takeaway_id(store, "Share the day 1")})


PROJECTOR_SHOTS: dict[str, tuple[Callable[[WorkshopStore], None], str, str]] = {
    "agenda": (_show_agenda, "agenda", "Next:"),
    "pain-points": (_show_pain_points, "inventory", "No buy-in"),
    "hand-counts": (_show_hand_counts, "inventory", "Hands up"),
    "themes": (_show_themes, "inventory", "People"),
    "cards": (_show_cards, "cards", "Too little"),
    "quote": (_show_quote, "takeaway", "Mike Orzen"),
    "action": (_show_action, "takeaway", "Facilitator"),
}
"""Each view: how the facilitator puts it on, its mode, and a line that shows it is drawn."""


@pytest.mark.parametrize("size", PROJECTOR_SIZES)
@pytest.mark.parametrize("shot", PROJECTOR_SHOTS)
def test_projector(shot: str, size: str, demo: WorkshopStore, snap_compare: Snap) -> None:
    """`facilitate present` shows each view the facilitator can put on as it did before."""
    put_on, mode, text = PROJECTOR_SHOTS[shot]
    put_on(demo)  # the facilitator's console chooses the view
    # The projector is a program of its own on the same file, as `facilitate present` opens it.
    projector = WorkshopStore.open(demo.path, role="projector", clock=demo.clock)
    app = make_projector_app(projector, clock=demo.clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(
            pilot,
            lambda: app.mode == mode and text in visible_text(app),
            f"the projector's {shot} view",
        )

    try:
        assert snap_compare(app, terminal_size=PROJECTOR_SIZES[size], run_before=run_before)
    finally:
        projector.close()
