"""An action's due date as the takeaways list shows it: with the year when it is not this year,
and marked overdue once it has passed while the action is open."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable

from console.domain.capture import due_label
from console.store.core import WorkshopStore
from console.ui.app import make_app


def who_cells(app) -> list[str]:
    """Return the Who column of the takeaways table as the user reads it, top to bottom."""
    table = app.query_one("#takeaways DataTable", DataTable)
    return [str(table.get_row_at(index)[3]) for index in range(table.row_count)]


async def test_a_due_date_shows_its_year_and_a_past_one_is_overdue_by_keys(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="takeaways", clock=store.clock)  # today: 26 Nov 2026
    async with app.run_test(size=(160, 40)) as pilot:
        for line in (
            "a: Fund the pilot @CIO !2018-12-31",
            "a: Send the report @Ann !2026-12-01",
            "a: Plan next year @Bob !2027-01-15",
        ):
            await pilot.press(*line, "enter")
            await pilot.pause()
        assert who_cells(app) == [
            "CIO, 31 Dec 2018 · overdue",
            "Ann, 1 Dec",
            "Bob, 15 Jan 2027",
        ]
        # Done: no longer overdue, the date still with its year.
        await pilot.press("escape")
        table = app.query_one("#takeaways DataTable", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("d")
        await pilot.pause()
        assert who_cells(app)[0] == "CIO, 31 Dec 2018"


def test_due_label() -> None:
    today = date(2026, 11, 26)
    assert due_label(date(2026, 11, 26), today=today) == "26 Nov"
    assert due_label(date(2026, 11, 25), today=today) == "25 Nov · overdue"
    assert due_label(date(2025, 12, 31), today=today, done=True) == "31 Dec 2025"
