"""The line under the header that says when the workshop file cannot be written right now."""

from __future__ import annotations

from typing import ClassVar

from textual.widgets import Static

LOCK_WAIT_SECONDS = 0.2
"""How long a save on the UI thread waits for another program's lock before a worker waits."""


class FileBusyBanner(Static):
    """Says that another program holds the workshop file and that the console is waiting."""

    DEFAULT_CSS: ClassVar[str] = """
    FileBusyBanner {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $warning;
        color: $background;
        text-style: bold;
        display: none;
    }
    FileBusyBanner.-shown {
        display: block;
    }
    """

    def show_waiting(self, lines: int) -> None:
        """Say the console is waiting for the file, and how many typed lines wait with it."""
        waiting = {0: "", 1: " 1 typed line waits"}.get(lines, f" {lines} typed lines wait")
        self.update(
            "Waiting for the workshop file… another program is holding it."
            + (f"{waiting} and will be saved when it is free." if waiting else "")
            + " Nothing is lost."
        )
        self.add_class("-shown")

    def hide(self) -> None:
        """The file is free again."""
        self.remove_class("-shown")
