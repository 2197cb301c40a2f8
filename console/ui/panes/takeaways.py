"""The takeaways pane: the note-taker's stream."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from console.store.core import Row, parse_iso
from console.store.takeaways import capture_takeaway, delete_takeaway, takeaway_rows
from console.ui.panes.base import cell
from console.ui.panes.capture import CapturePane


class TakeawaysPane(CapturePane):
    """Insights, quotes, decisions, questions and actions."""

    TITLE = "Takeaways"
    WATCHED_TABLES = frozenset({"takeaways", "takeaway_competence_areas", "takeaway_themes"})
    COLUMNS = (("Time", 6), ("Kind", 9), ("Takeaway", None), ("Who", 16))
    PLACEHOLDER = (
        "Takeaway, then Enter   (q: quote -- speaker, a: action @owner !date, d: decision)"
    )
    EMPTY_HINT = "Each takeaway is stamped with the time and the running agenda item."

    def fetch(self, since_rev: int) -> list[Row]:
        return takeaway_rows(self.store, since_rev)

    def cells(self, row: Row) -> Sequence[Text | str]:
        local_time = parse_iso(row["captured_at"]).astimezone().strftime("%H:%M")
        return (
            local_time,
            row["kind"],
            cell(row["text"], 80),
            cell(row["speaker"] or row["owner"], 16),
        )

    def save(self, text: str) -> None:
        capture_takeaway(self.store, text)

    def delete(self, row_id: str) -> None:
        delete_takeaway(self.store, row_id)
