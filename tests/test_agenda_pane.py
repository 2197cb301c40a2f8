"""The agenda pane driven by keys: build an agenda, run its timers, see the drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeClock, make_workshop
from helpers import notices, visible_text
from textual.widgets import Static

from console.domain.timers import format_clock, timer_state
from console.store.agenda import current_item, load_agenda, timer_events
from console.store.core import WorkshopStore
from console.ui.agenda.agenda_modals import AgendaDayModal, AgendaItemModal, TimerPresetModal
from console.ui.agenda.agenda_table import AgendaTable
from console.ui.app import make_app


def shown(app, selector: str) -> str:
    """Return the text a Static shows."""
    return str(app.query_one(selector, Static).content)


def table_rows(app) -> list[list[str]]:
    """Return the agenda table's rows as text, in the order shown."""
    table = app.query_one("#agenda-table", AgendaTable)
    return [[str(value) for value in table.get_row_at(i)] for i in range(table.row_count)]


def row_index(app, title: str) -> int:
    """Return where the row with this title is shown."""
    return next(i for i, row in enumerate(table_rows(app)) if row[2] == title)


# Local clock times (planned starts, the projector's clock) line up with the fake clock.
pytestmark = pytest.mark.usefixtures("local_time_is_utc")


@pytest.fixture
def blank_store(tmp_path: Path, clock: FakeClock):
    """A workshop with one empty day starting 09:00, opened with the fake clock."""
    path = make_workshop(tmp_path / "blank.db", "blank")
    opened = WorkshopStore.open(path, clock=clock)
    yield opened
    opened.close()


async def add_item(pilot, title: str, minutes: str) -> None:
    """Add an item after the selected row by keys."""
    await pilot.press("n")
    assert isinstance(pilot.app.screen, AgendaItemModal)
    await pilot.press(*title, "tab", "tab", *minutes, "enter")
    await pilot.pause()


async def select_row(pilot, title: str) -> None:
    """Move the table cursor onto the row with this title."""
    table = pilot.app.query_one("#agenda-table", AgendaTable)
    target = row_index(pilot.app, title)
    while table.cursor_row != target:
        await pilot.press("down" if table.cursor_row < target else "up")


async def test_build_an_agenda_and_run_its_timers_by_keys(
    blank_store: WorkshopStore, clock: FakeClock
) -> None:
    store = blank_store
    app = make_app(store, clock=clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await add_item(pilot, "Warm-up", "10")
        await add_item(pilot, "Talk", "20")
        await add_item(pilot, "Wrap", "15")
        rows = table_rows(app)
        assert [row[:3] for row in rows] == [
            ["1", "09:00", "Day 1"],
            ["1.1", "09:00", "Warm-up"],
            ["1.2", "09:10", "Talk"],
            ["1.3", "09:30", "Wrap"],
        ]
        assert rows[0][4] == "45"
        stored = store.query(
            "SELECT title, planned_minutes, position FROM agenda_items ORDER BY position"
        )
        assert stored == [
            {"title": "Warm-up", "planned_minutes": 10, "position": 0},
            {"title": "Talk", "planned_minutes": 20, "position": 1},
            {"title": "Wrap", "planned_minutes": 15, "position": 2},
        ]

        await select_row(pilot, "Warm-up")
        await pilot.press("s")
        assert isinstance(app.screen, TimerPresetModal)
        await pilot.press("enter")  # Enter = the planned time
        await pilot.pause()
        assert shown(app, "#header-clock") == "10:00"
        assert table_rows(app)[row_index(app, "Warm-up")][5] == "running"

        clock.advance(120)
        await pilot.press("space")  # pause
        assert shown(app, "#header-clock") == "08:00 paused"
        clock.advance(300)
        await pilot.press("space")  # resume: the paused minutes do not count
        assert shown(app, "#header-clock") == "08:00"
        clock.advance(30)
        await pilot.press("5")
        assert shown(app, "#header-clock") == "12:30"
        await pilot.press("plus")
        assert shown(app, "#header-clock") == "13:30"
        assert "13:30 left" in shown(app, "#agenda-now")

        item = current_item(store)
        assert item is not None and item.title == "Warm-up"
        kinds = [(event.kind.value, event.seconds) for event in item.events]
        assert kinds == [
            ("start", 600),
            ("pause", 0),
            ("resume", 0),
            ("extend", 300),
            ("extend", 60),
        ]
        state = timer_state(item.events, clock())
        assert format_clock(state.remaining_seconds) == shown(app, "#header-clock")

        clock.advance(15)
        await pilot.press("N")  # next: Warm-up ends, Talk starts with its planned time
        rows = table_rows(app)
        assert rows[row_index(app, "Warm-up")][5] == "done"
        assert rows[row_index(app, "Warm-up")][6] == "02:45"
        assert rows[row_index(app, "Talk")][5] == "running"
        assert shown(app, "#header-clock") == "20:00"
        assert "Now: Talk" in notices(app)[-1] or "Talk" in shown(app, "#header-item")
        warm_up = store.query(
            "SELECT status, actual_seconds FROM agenda_items WHERE title = ?", ["Warm-up"]
        )
        assert warm_up == [{"status": "done", "actual_seconds": 165.0}]
        assert [e.kind.value for e in timer_events(store, load_agenda(store).items[0].id)][
            -1
        ] == "stop"

        # Warm-up took 7:45 of wall time (5 min of it paused) instead of 10: 2 min 15 s ahead.
        assert shown(app, "#agenda-drift") == (
            "Day 1: 2 min ahead · projected end 09:42 (planned 09:45)"
        )

        await pilot.press("S")  # stop
        assert shown(app, "#header-clock") == ""
        assert store.query("SELECT status FROM agenda_items WHERE title = 'Talk'") == [
            {"status": "done"}
        ]
        assert (
            store.query(
                "SELECT count(*) AS n FROM agenda_items WHERE status IN ('running', 'paused')"
            )[0]["n"]
            == 0
        )


async def test_overtime_and_phase_colours_follow_the_stored_events(
    blank_store: WorkshopStore, clock: FakeClock
) -> None:
    app = make_app(blank_store, clock=clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await add_item(pilot, "Exercise", "10")
        await pilot.press("s", "down", "down", "enter")  # the 3-minute preset
        await pilot.pause()
        header = app.query_one("#header-clock", Static)
        assert str(header.content) == "03:00" and header.has_class("phase-normal")
        pane_line = app.query_one("#agenda-now", Static)
        for seconds, phase, text in (
            (108, "warning", "01:12"),
            (36, "alert", "00:36"),
            (66, "overtime", "+00:30"),
        ):
            clock.advance(seconds)
            app.query_one("#agenda").tick()
            app.query_one("#header").tick(clock())
            assert str(header.content) == text
            assert header.has_class(f"phase-{phase}") and pane_line.has_class(f"phase-{phase}")
        assert "+00:30 over time" in str(pane_line.content)


async def test_edit_move_skip_delete_undo_and_days_by_keys(
    blank_store: WorkshopStore, clock: FakeClock
) -> None:
    store = blank_store
    app = make_app(store, clock=clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await add_item(pilot, "One", "10")
        await add_item(pilot, "Two", "20")

        await pilot.press("D")  # a new day, 13:30 on a given date
        assert isinstance(app.screen, AgendaDayModal)
        await pilot.press(*["backspace"] * 5, *"13:30", "tab", *"2026-11-27", "tab", *"Afternoon")
        await pilot.press("enter")
        await pilot.pause()
        rows = table_rows(app)
        assert rows[-1][:3] == ["2", "13:30", "Day 2 · Afternoon · 2026-11-27"]
        days = store.query("SELECT start_time, date, title FROM agenda_days ORDER BY number")
        assert days[-1] == {"start_time": "13:30", "date": "2026-11-27", "title": "Afternoon"}

        # Move "Two" down past the end of day 1: it becomes day 2's first item.
        await select_row(pilot, "Two")
        await pilot.press("shift+down")
        rows = table_rows(app)
        assert [row[:3] for row in rows[-2:]] == [
            ["2", "13:30", "Day 2 · Afternoon · 2026-11-27"],
            ["2.1", "13:30", "Two"],
        ]
        assert app.query_one("#agenda-table", AgendaTable).cursor_row == row_index(app, "Two")
        await pilot.press("shift+up", "shift+up")  # back to day 1, then above "One"
        assert [row[2] for row in table_rows(app)][:3] == ["Day 1", "Two", "One"]
        assert table_rows(app)[row_index(app, "One")][1] == "09:20"

        # Edit "Two" with e: a new title and length moves the next item's planned start.
        await pilot.press("e")
        assert isinstance(app.screen, AgendaItemModal)
        await pilot.press("ctrl+a", "ctrl+k", *"Opening", "tab", "tab", "backspace", "backspace")
        await pilot.press(*"5", "enter")
        await pilot.pause()
        assert table_rows(app)[row_index(app, "One")][1] == "09:05"
        assert table_rows(app)[row_index(app, "Opening")][4] == "5"

        await select_row(pilot, "One")
        await pilot.press("x")
        assert table_rows(app)[row_index(app, "One")][5] == "skipped"
        await pilot.press("x")
        assert table_rows(app)[row_index(app, "One")][5] == "planned"

        await pilot.press("delete")
        assert "One" not in [row[2] for row in table_rows(app)]
        assert store.query(
            "SELECT deleted_at IS NOT NULL AS gone FROM agenda_items WHERE title = 'One'"
        ) == [{"gone": 1}]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "One" in [row[2] for row in table_rows(app)]


async def test_bad_input_gives_clear_messages_and_keeps_the_dialog_open(
    blank_store: WorkshopStore, clock: FakeClock
) -> None:
    store = blank_store
    app = make_app(store, clock=clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("n", *"Bad", "tab", "tab")
        typed = ""
        for minutes, message in (
            ("0", "at least 1 minute"),
            ("-5", "at least 1 minute"),
            ("1441", "longer than 24 hours"),
            ("soon", "whole number"),
        ):
            await pilot.press(*["backspace"] * len(typed), *minutes, "enter")
            typed = minutes
            assert isinstance(app.screen, AgendaItemModal)  # still open, nothing lost
            assert message in notices(app)[-1]
        await pilot.press("escape")
        assert store.query("SELECT count(*) AS n FROM agenda_items")[0]["n"] == 0

        await pilot.press("n", "tab", "tab", *"5", "enter")
        assert "empty" in notices(app)[-1]
        await pilot.press("escape")

        await add_item(pilot, "Running", "10")
        await pilot.press("s", "enter")
        await pilot.pause()
        await pilot.press("delete")
        assert "stop it (S) before deleting" in notices(app)[-1]
        await pilot.press("e", "tab", "tab", "backspace", "backspace", *"30", "enter")
        await pilot.pause()
        assert "add time with + or 5" in notices(app)[-1]
        await pilot.press("escape")
        assert store.query("SELECT planned_minutes, deleted_at FROM agenda_items") == [
            {"planned_minutes": 10, "deleted_at": None}
        ]
        await pilot.press("s", "enter")
        assert "already on the clock" in notices(app)[-1]

        await pilot.press("up", "e")  # the day row: a bad start time
        assert isinstance(app.screen, AgendaDayModal)
        await pilot.press(*["backspace"] * 5, *"25:00", "enter")
        assert "09:00" in notices(app)[-1]
        await pilot.press("escape")
        await pilot.press("delete")
        assert "still has 1 item" in notices(app)[-1]
        assert store.query("SELECT start_time, deleted_at FROM agenda_days") == [
            {"start_time": "09:00", "deleted_at": None}
        ]


async def test_s_on_a_day_row_starts_the_next_planned_item(
    blank_store: WorkshopStore, clock: FakeClock
) -> None:
    store = blank_store
    app = make_app(store, clock=clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await add_item(pilot, "Warm-up", "10")
        await add_item(pilot, "Talk", "20")
        await select_row(pilot, "Warm-up")
        await pilot.press("x")  # skipped: the day's first planned item is now Talk
        await pilot.press("home")  # the day row, where a fresh agenda opens
        assert app.query_one("#agenda-table", AgendaTable).cursor_row == 0
        await pilot.press("s")
        assert isinstance(app.screen, TimerPresetModal)
        await pilot.press("enter")
        await pilot.pause()
        assert table_rows(app)[row_index(app, "Talk")][5] == "running"
        assert current_item(store).title == "Talk"
        assert app.query_one("#agenda-table", AgendaTable).cursor_row == row_index(app, "Talk")

        # A second day: with day 1 done, s on day 1's row starts day 2's first item.
        await pilot.press("S", "D")
        await pilot.press("enter")  # the new day, as proposed
        await pilot.pause()
        await add_item(pilot, "Day two opening", "15")
        await pilot.press("home", "s")
        assert isinstance(app.screen, TimerPresetModal)
        assert "Day two opening" in visible_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await select_row(pilot, "Day two opening")
        await pilot.press("x", "home", "s")  # skipped: nothing is left to start
        assert not isinstance(app.screen, TimerPresetModal)
        assert notices(app, "warning")[-1] == "No planned item is left to start from day 1 on."
