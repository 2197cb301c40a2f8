"""The agenda's own table, seen on screen: the header stays, the cursor scrolls into view,
Enter and a click choose the row, and a running item's time is drawn anew each second."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FakeClock, make_workshop
from helpers import pilot_wait_until, visible_text

from console.store.agenda import add_item, load_agenda, start_item
from console.store.core import WorkshopStore
from console.ui.agenda.agenda_modals import AgendaItemModal
from console.ui.agenda.agenda_table import AgendaTable
from console.ui.app import make_app

ITEMS = 30


# Local clock times (planned starts, the projector's clock) line up with the fake clock.
pytestmark = pytest.mark.usefixtures("local_time_is_utc")


@pytest.fixture
def long_agenda(tmp_path: Path, clock: FakeClock) -> Iterator[WorkshopStore]:
    """A day of 30 items, more than a small window shows at once."""
    store = WorkshopStore.open(make_workshop(tmp_path / "long.db", "blank"), clock=clock)
    day = load_agenda(store).days[0]
    for number in range(1, ITEMS + 1):
        add_item(store, day.id, title=f"Session {number:02}", kind="talk", minutes=5)
    yield store
    store.close()


def table_lines(app) -> list[str]:
    """Return the screen lines from the table's header down, as the user reads them."""
    lines = visible_text(app).splitlines()
    top = next(i for i, line in enumerate(lines) if line.lstrip().startswith("#  "))
    return lines[top:]


async def test_the_cursor_scrolls_into_view_under_a_header_that_stays(
    long_agenda: WorkshopStore, clock: FakeClock
) -> None:
    app = make_app(long_agenda, clock=clock)
    async with app.run_test(size=(120, 24)) as pilot:
        table = app.query_one(AgendaTable)
        assert "Session 30" not in visible_text(app)

        await pilot.press("end")
        lines = table_lines(app)
        assert "Start" in lines[0] and "Item" in lines[0]  # the header, still on top
        assert any("1.30" in line and "Session 30" in line for line in lines)
        assert "Session 01" not in visible_text(app)
        assert table.cursor_key == load_agenda(long_agenda).items[-1].id

        await pilot.press("home")
        assert "Session 30" not in visible_text(app)
        assert "Day 1" in table_lines(app)[1]

        for _ in range(ITEMS):
            await pilot.press("down")
        assert any("Session 30" in line for line in table_lines(app))
        await pilot.press("pageup", "pageup", "pageup")
        assert table.cursor_row == 0
        await pilot.press("pagedown")
        shown = [line for line in table_lines(app) if "Session " in line]
        assert shown, "a page down keeps rows on screen"
        # The row under the cursor is on screen, and Enter edits that very row.
        title = table.get_row_at(table.cursor_row)[2].plain
        assert any(title in line for line in shown)
        await pilot.press("enter")
        assert isinstance(app.screen, AgendaItemModal)
        assert title in visible_text(app)


async def test_a_click_moves_the_cursor_and_a_second_click_edits_the_row(
    long_agenda: WorkshopStore, clock: FakeClock
) -> None:
    app = make_app(long_agenda, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.query_one(AgendaTable)
        row = next(i for i in range(table.row_count) if "Session 03" in str(table.get_row_at(i)[2]))
        await pilot.click(AgendaTable, offset=(20, row + 1))  # + 1: the header
        assert table.cursor_row == row
        assert not isinstance(app.screen, AgendaItemModal)
        await pilot.click(AgendaTable, offset=(20, row + 1))
        assert isinstance(app.screen, AgendaItemModal)
        assert "Session 03" in visible_text(app)


async def test_the_running_items_time_is_drawn_anew_each_second(
    long_agenda: WorkshopStore, clock: FakeClock
) -> None:
    first = load_agenda(long_agenda).items[0]
    start_item(long_agenda, first.id, 300)
    app = make_app(long_agenda, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:

        def session_line() -> str:
            return next(line for line in table_lines(app) if "Session 01" in line)

        assert "running" in session_line() and "00:00" in session_line()
        await pilot.press("home")  # the cursor off the running row, and back on it below
        assert app.query_one(AgendaTable).cursor_row == 0
        clock.advance(125)
        await pilot_wait_until(pilot, lambda: "02:05" in session_line(), message="02:05 on screen")
        assert "00:00" not in session_line()
        await pilot.press("down")
        clock.advance(60)
        await pilot_wait_until(pilot, lambda: "03:05" in session_line(), message="03:05 on screen")
