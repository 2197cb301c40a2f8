"""A pane with a capture line above its table: Enter saves, the line clears for the next."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from console.ui.common.pane import TablePane

MAX_PASTE_CHARS = 10_000


class CaptureInput(Input):
    """A capture line that keeps every line of a paste and refuses, with a message, a paste
    too long for it (a plain Input keeps only the first line, or drops the paste silently)."""

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        text = " ".join(event.text.splitlines())
        if not text:
            return
        start, end = sorted(self.selection)
        length = len(self.value) - (end - start) + len(text)
        if self.max_length and length > self.max_length:
            self.notify(
                f"The paste is too long ({len(text):,} characters; the line holds "
                f"{self.max_length:,}): nothing was pasted.",
                severity="error",
            )
            return
        self.replace(text, start, end)


class CapturePane(TablePane):
    """A table pane with a capture input that commits each line durably."""

    BINDINGS: ClassVar = [
        Binding("delete", "delete_row", "Delete"),
        Binding("enter", "focus_capture", "Capture", show=False),
    ]

    PLACEHOLDER: ClassVar[str] = ""

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, classes="pane-title")
        yield CaptureInput(
            placeholder=self.PLACEHOLDER, max_length=MAX_PASTE_CHARS, id=f"{self.id}-input"
        )
        yield from list(super().compose())[1:]

    @property
    def capture_input(self) -> Input:
        """Return the capture line."""
        return self.query_one(Input)

    def save(self, text: str) -> None:
        """Save one captured line; raise ValueError or StoreError with a message."""
        raise NotImplementedError

    def delete(self, row_id: str) -> None:
        """Delete one row (undoably)."""
        raise NotImplementedError

    @on(Input.Submitted)
    def capture(self, event: Input.Submitted) -> None:
        """Save the typed line and clear the input for the next one."""
        event.stop()
        if not event.value.strip():
            self.notify("Nothing to save: type the text first.", severity="warning")
            return
        if self._attempt(self.save, event.value):
            event.input.value = ""

    def default_focus(self) -> Widget:
        return self.capture_input

    def action_focus_capture(self) -> None:
        """Go back to the capture line."""
        self.capture_input.focus()

    def action_delete_row(self) -> None:
        """Delete the selected row; Ctrl+Z brings it back."""
        if not isinstance(self.app.focused, DataTable):
            return
        row_id = self.selected_id()
        if row_id is not None and self._attempt(self.delete, row_id):
            self.notify("Deleted. Ctrl+Z undoes it.")
