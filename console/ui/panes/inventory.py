"""The inventory pane: pain points captured as fast as people talk."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from console.store.core import Row
from console.store.inventory import capture_pain_point, delete_pain_point, pain_point_rows
from console.ui.panes.base import cell
from console.ui.panes.capture import CapturePane


class InventoryPane(CapturePane):
    """The pain-point inventory."""

    TITLE = "Inventory"
    WATCHED_TABLES = frozenset({"pain_points", "themes", "pain_point_votes", "voting_rounds"})
    COLUMNS = (("#", 5), ("Pain point", None), ("Theme", 20), ("By", 12))
    PLACEHOLDER = "Pain point, then Enter   (#theme sets the theme, @name who raised it)"
    EMPTY_HINT = "Enter saves the pain point at once; Delete removes the selected row."

    def fetch(self, since_rev: int) -> list[Row]:
        return pain_point_rows(self.store, since_rev)

    def is_gone(self, row: Row) -> bool:
        return row["deleted_at"] is not None or row["merged_into_id"] is not None

    def cells(self, row: Row) -> Sequence[Text | str]:
        return (
            str(row["position"]),
            cell(row["text"], 70),
            cell(row["theme"] or "", 20),
            cell(row["raised_by"], 12),
        )

    def save(self, text: str) -> None:
        capture_pain_point(self.store, text)

    def delete(self, row_id: str) -> None:
        delete_pain_point(self.store, row_id)
