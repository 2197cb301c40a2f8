"""The console shell, driven by keys: panes, help, details, undo, live refresh."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from conftest import FakeClock, make_workshop
from helpers import notices, pilot_wait_until, visible_text, wait_until
from pty_console import Console
from textual import events
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, Input, Static

from console.store.agenda import load_agenda, start_item
from console.store.core import WorkshopStore
from console.store.inventory import capture_pain_point
from console.store.takeaways import capture_takeaway
from console.store.workshop import participants, workshop_details
from console.ui import app as console_app
from console.ui.app import PANES, PaneEntry, make_app
from console.ui.common.header import WorkshopHeader
from console.ui.common.help_modal import HelpModal
from console.ui.details.details_modal import WorkshopDetailsModal
from console.ui.inventory.inventory_list import InventoryList


def built_panes(app) -> set[str]:
    """Return the ids of the panes built so far on the console's own screen."""
    return {pane.id for pane in app.screen_stack[0].query("ContentSwitcher > *")}


async def test_panes_switch_by_key_help_opens_and_another_console_s_row_appears(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        switcher = app.query_one(ContentSwitcher)
        assert switcher.current == "agenda"
        assert "Executive Connections" in visible_text(app)
        for key, pane in (
            ("f3", "inventory"),
            ("f4", "cards"),
            ("f5", "takeaways"),
            ("f2", "agenda"),
        ):
            await pilot.press(key)
            assert switcher.current == pane
        for key, pane in (("c", "cards"), ("t", "takeaways")):
            await pilot.press("escape", "tab")  # leave the capture line first
            app.set_focus(None)
            await pilot.press(key)
            assert switcher.current == pane
        await pilot.press("f1")
        assert isinstance(app.screen, HelpModal)
        assert "Ctrl+Z" in visible_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpModal)

        capture_takeaway(second_store, "q: Improving daily work -- Mike Orzen")
        table = app.query_one("#takeaways DataTable", DataTable)

        def texts() -> list[str]:
            return [str(table.get_row_at(index)[2]) for index in range(table.row_count)]

        await pilot_wait_until(
            pilot,
            lambda: (
                "Improving daily work" in texts() and "Improving daily work" in visible_text(app)
            ),
            message=lambda: f"the other console's takeaway never showed: {texts()}",
        )
        assert "Improving daily work" in visible_text(app)


async def test_letters_type_into_the_capture_line_instead_of_switching(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"cat", "enter")
        assert app.query_one(ContentSwitcher).current == "inventory"
        assert store.query("SELECT text FROM pain_points") == [{"text": "cat"}]


async def test_delete_then_undo_by_key_restores_the_row(store: WorkshopStore) -> None:
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press(*"Nobody owns the service", "enter")
        table = app.query_one("#inventory InventoryList", InventoryList)
        assert table.row_count == 1
        await pilot.press("tab", "delete")
        assert table.row_count == 0
        assert store.query("SELECT deleted_at IS NOT NULL AS gone FROM pain_points") == [
            {"gone": 1}
        ]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert table.row_count == 1
        assert store.query("SELECT deleted_at FROM pain_points") == [{"deleted_at": None}]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Nothing to undo." in notices(app)


async def test_workshop_details_are_edited_by_key(store: WorkshopStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("w")
        assert isinstance(app.screen, WorkshopDetailsModal)
        title = app.screen.query_one("#details-title", Input)
        title.value = ""
        await pilot.press(*"Fusion 18", "tab", *"itSMF", "tab", *"St Louis")
        await pilot.press("tab", *"2018-10-01", "tab", *"2018-10-02")
        await pilot.press("tab", "backspace", "1", "0", "ctrl+s")
        await pilot.pause()
        details = workshop_details(store)
        assert (details.title, details.event, details.venue) == ("Fusion 18", "itSMF", "St Louis")
        assert details.starts_on == "2018-10-01"
        assert details.settings.vote_budget == 10
        assert "Workshop details saved." in notices(app)

        assert isinstance(app.screen, WorkshopDetailsModal)
        await pilot.press("tab", "backspace", "1", "1", "ctrl+s")
        await pilot.pause()
        assert any("cap per item" in notice for notice in notices(app)), notices(app)
        assert workshop_details(store).settings.vote_cap == 3

        app.screen.query_one("#participants-table", DataTable).focus()
        await pilot.press("plus")
        assert len(participants(store)) == 13
        await pilot.press("enter")
        await pilot.press(*"Ann", "enter")
        await pilot.pause()
        assert participants(store)[0].name == "Ann"
        await pilot.press("escape")
        await pilot.pause()
        assert app.query_one(WorkshopHeader).workshop_title == "Fusion 18"
        assert "Fusion 18" in visible_text(app)


async def test_markup_and_pasted_escape_sequences_are_shown_literally(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"[bold red]x[/] typed", "enter")
        app.focused.post_message(events.Paste("pasted \x1b[31mred\x1b]0;title\x07 [/]"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = visible_text(app)
        assert "[bold red]x[/] typed" in screen
        assert "pasted red [/]" in screen
        assert "\x1b" not in screen
        texts = [
            row["text"] for row in store.query("SELECT text FROM pain_points ORDER BY position")
        ]
        assert texts == ["[bold red]x[/] typed", "pasted red [/]"]


async def test_projector_theme_toggles(store: WorkshopStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f8")
        assert app.theme == "projector"
        await pilot.press("f8")
        assert app.theme != "projector"


@pytest.mark.parametrize("argument", ["demo", "w.db"])
def test_the_real_console_starts_from_another_folder_and_quits(
    tmp_path: Path, argument: str
) -> None:
    """Run `python -m console demo` (click) and `python -m console w.db` (the launcher's
    short path) in a pseudo-terminal, as a user would, and quit each."""
    make_workshop(tmp_path / "w.db")
    with Console([argument], cwd=tmp_path) as console:
        console.wait_for("Agenda")
        assert console.quit() == 0, console.screen.text()
    if argument != "demo":
        return
    demo = Path(os.environ["XDG_DATA_HOME"]) / "facilitation-console" / "demo.db"
    assert demo.exists()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sqlite3; print(sqlite3.connect({str(demo)!r}).execute("
            "'select count(*) from pain_points').fetchone()[0])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(result.stdout) == 12


async def test_a_line_typed_right_after_start_and_f3_lands_in_the_inventory(
    store: WorkshopStore,
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        # No pause: the inventory pane may still be waiting to be built.
        await pilot.press("f3", *"Budget frozen", "enter")
        await pilot.pause()
        assert app.query_one(ContentSwitcher).current == "inventory"
        saved = [row["text"] for row in store.query("SELECT text FROM pain_points")]
        assert saved == ["Budget frozen"]
        assert "Budget frozen" in visible_text(app)
        # The other panes are built once the keys are quiet.
        await pilot_wait_until(
            pilot,
            lambda: (
                {pane.id for pane in app.query("ContentSwitcher > *")}
                == {"agenda", "inventory", "cards", "takeaways"}
            ),
            message="every pane built",
        )


async def test_the_collector_paused_for_start_up_runs_again_after_the_first_frame(
    store: WorkshopStore,
) -> None:
    gc.disable()  # as `facilitate PATH` does before it imports Textual
    try:
        app = make_app(store)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_the_inventory_code_is_loaded_after_the_first_frame_before_it_is_asked_for(
    store: WorkshopStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No pane is built in the background during this test: only the loading is seen.
    monkeypatch.setattr(console_app, "QUIET_BEFORE_BUILDING", 60.0)
    loaded: list[tuple[str, bool]] = []  # (pane, whether the first frame was painted before)
    pane_class = PaneEntry.pane_class
    app = make_app(store)

    def noted(entry: PaneEntry) -> type:
        loaded.append((entry.pane_id, app._dom_ready))
        return pane_class(entry)

    monkeypatch.setattr(PaneEntry, "pane_class", noted)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_wait_until(
            pilot,
            lambda: ("inventory", True) in loaded,
            message=lambda: f"the inventory's code was not loaded: {loaded}",
        )
        assert loaded[0] == ("agenda", False)  # the first pane, for the first frame
        assert built_panes(app) == {"agenda"}
        await pilot.press("f3")
        assert app.query_one(ContentSwitcher).current == "inventory"


@pytest.mark.parametrize("built", range(1, len(PANES)))
async def test_quitting_while_the_other_panes_are_built_raises_nothing(
    store: WorkshopStore, built: int
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)):
        # The panes after the first are built one by one after the first frame: quit as soon
        # as `built` of them are there (the loop sees each one appear: it yields to every step).
        deadline = time.monotonic() + 30
        while len(built_panes(app)) < built and time.monotonic() < deadline:
            await asyncio.sleep(0)
        assert len(built_panes(app)) == built, built_panes(app)
    assert app.return_code in (0, None)


async def test_a_dialog_opened_at_start_does_not_stop_the_other_panes_being_built(
    store: WorkshopStore,
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f1")  # help, before the other panes are built
        assert isinstance(app.screen, HelpModal)
        every_pane = {entry.pane_id for entry in PANES}
        await pilot_wait_until(
            pilot,
            lambda: built_panes(app) == every_pane,
            message=lambda: f"only these panes were built under the dialog: {built_panes(app)}",
        )
        await pilot.press("escape", "f4")
        assert app.query_one(ContentSwitcher).current == "cards"


class RunsWhileClosing(Widget):
    """Runs a step of a test inside the console's closing, which waits for it to end.

    The console's parts close side by side; while a slow one still closes, the others are
    already gone and the console's timers still run. This widget stands in for a slow part
    (wherever it is mounted), so that what a test checks surely falls in that moment.
    """

    DEFAULT_CSS = "RunsWhileClosing { display: none; }"

    def __init__(self, step: Callable[[], Awaitable[None]]) -> None:
        super().__init__()
        self.step = step

    async def on_unmount(self) -> None:
        await self.step()


async def test_the_clock_ticking_while_the_console_closes_raises_nothing(
    store: WorkshopStore,
) -> None:
    app = make_app(store)
    ticks: list[bool] = []  # one entry per tick: True if the header had begun to close
    tick = app._tick

    def counted_tick() -> None:
        ticks.append(not header.is_running or not header.is_attached)
        tick()

    async def closing() -> None:
        await wait_until(lambda: any(ticks), "a clock tick after the header had begun to close")

    app._tick = counted_tick  # the console's own once-a-second timer calls this
    async with app.run_test(size=(120, 36)) as pilot:
        header = app.query_one(WorkshopHeader)
        await app.screen_stack[0].mount(RunsWhileClosing(closing))
        await pilot_wait_until(pilot, lambda: ticks, message="the clock never ticked")
    assert any(ticks), "no tick came while the console closed: the test proved nothing"
    assert app.return_code in (0, None)


async def test_another_console_s_change_while_the_console_closes_raises_nothing(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    app = make_app(store, first_pane="inventory")
    polls: list[bool] = []  # one entry per look for changes: True once the change was made
    changed: list[str] = []
    poll = app.poll_changes

    def counted_poll() -> None:
        polls.append(bool(changed))
        poll()

    async def closing() -> None:
        # The inventory pane waits for this step: its list and fields are gone, it is not.
        await wait_until(lambda: list(pane.children) == [holder], "the pane's parts closed")
        changed.append(capture_pain_point(second_store, "Raised as the console closed"))
        await wait_until(lambda: bool(polls) and polls[-1], "a look for changes after the change")

    app.poll_changes = counted_poll  # the console's own timer calls this
    async with app.run_test(size=(120, 36)):
        pane = app.query_one("#inventory")
        holder = RunsWhileClosing(closing)
        await pane.mount(holder)
    assert changed and polls[-1], "no look for changes came while the pane closed"
    assert app.return_code in (0, None)


async def test_the_header_clock_keeps_ticking_under_a_dialog(
    workshop_path: Path, clock: FakeClock
) -> None:
    store = WorkshopStore.open(workshop_path, clock=clock)
    try:
        first = load_agenda(store).items[0]
        start_item(store, first.id, 600)
        app = make_app(store, clock=clock)
        async with app.run_test(size=(120, 36)) as pilot:
            shown = app.query_one("#header-clock", Static)
            await pilot_wait_until(pilot, lambda: str(shown.content) == "10:00")
            await pilot.press("f1")
            assert isinstance(app.screen, HelpModal)
            clock.advance(90)
            await pilot_wait_until(
                pilot,
                lambda: str(shown.content) == "08:30",
                message=lambda: f"the header under the dialog shows {shown.content!s}",
            )
            await pilot.press("escape")
            clock.advance(30)
            await pilot_wait_until(pilot, lambda: str(shown.content) == "08:00")
            await pilot.press("ctrl+q")  # quit while the clock ticks
        assert app.return_code == 0
    finally:
        store.close()
