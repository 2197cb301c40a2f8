"""The agenda pane: days, items, timeboxes and status."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from console.store.agenda import agenda_rows
from console.store.core import Row
from console.ui.panes.base import TablePane, cell


class AgendaPane(TablePane):
    """The agenda over one or more days."""

    TITLE = "Agenda"
    WATCHED_TABLES = frozenset({"agenda_items", "agenda_days", "timer_events"})
    COLUMNS = (("Day", 4), ("Item", None), ("Kind", 11), ("Min", 5), ("Status", 9))
    EMPTY_HINT = "The agenda of the workshop, day by day."

    def fetch(self, since_rev: int) -> list[Row]:
        return agenda_rows(self.store, since_rev)

    def cells(self, row: Row) -> Sequence[Text | str]:
        return (
            str(row["day_number"]),
            cell(row["title"], 60),
            row["kind"],
            str(row["planned_minutes"]),
            row["status"],
        )
