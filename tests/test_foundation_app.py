"""The console shell, driven by keys: panes, help, details, undo, live refresh."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_workshop
from console.ui.details.details_modal import WorkshopDetailsModal
from textual import events
from textual.widgets import ContentSwitcher, DataTable, Input

from console.store.core import WorkshopStore
from console.store.takeaways import capture_takeaway
from console.store.workshop import participants, workshop_details
from console.ui.app import make_app
from console.ui.common.header import WorkshopHeader
from console.ui.common.help_modal import HelpModal
from console.ui.inventory.inventory_list import InventoryList


def visible_text(app) -> str:
    """Return the text of the screen's widgets, as the user reads it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notices(app) -> list[str]:
    """Return the notifications the user has been shown."""
    return [notification.message for notification in app._notifications]


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
        await pilot.pause(0.6)
        table = app.query_one("#takeaways DataTable", DataTable)
        texts = [str(table.get_row_at(index)[2]) for index in range(table.row_count)]
        assert "Improving daily work" in texts
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
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(tmp_path)
        os.environ.update(TERM="xterm-256color", COLUMNS="120", LINES="36")
        os.execv(sys.executable, [sys.executable, "-m", "console", argument])
    output = b""
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline and b"Agenda" not in output:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    output += os.read(fd, 65536)
                except OSError:
                    break
        assert b"Agenda" in output, output[-2000:]
        os.write(fd, b"\x11")  # Ctrl+Q
        end = time.monotonic() + 15
        status = None
        while time.monotonic() < end:
            finished, status = os.waitpid(pid, os.WNOHANG)
            if finished:
                break
            select.select([fd], [], [], 0.2)
            with contextlib.suppress(OSError):
                os.read(fd, 65536)
        assert status is not None and os.waitstatus_to_exitcode(status) == 0
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
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
        assert {pane.id for pane in app.query("ContentSwitcher > *")} == {
            "agenda",
            "inventory",
            "cards",
            "takeaways",
        }


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


@pytest.mark.parametrize("seconds", [0, 0.02, 0.05, 0.1])
async def test_quitting_while_the_other_panes_are_built_raises_nothing(
    store: WorkshopStore, seconds: float
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)):
        await asyncio.sleep(seconds)  # the panes after the first are built in this moment
    assert app.return_code in (0, None)


async def test_a_dialog_opened_at_start_does_not_stop_the_other_panes_being_built(
    store: WorkshopStore,
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f1")  # help, before the other panes are built
        assert isinstance(app.screen, HelpModal)
        await pilot.pause(0.5)
        base = app.screen_stack[0]
        assert {pane.id for pane in base.query("ContentSwitcher > *")} == {
            "agenda",
            "inventory",
            "cards",
            "takeaways",
        }
        await pilot.press("escape", "f4")
        assert app.query_one(ContentSwitcher).current == "cards"
