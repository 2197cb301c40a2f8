"""A pane with a capture line above its table: Enter saves, the line clears for the next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from console.domain.capture import ThemeMatch
from console.ui.common.pane import TablePane
from console.ui.common.text import literal

MAX_PASTE_CHARS = 10_000


class CaptureInput(Input):
    """A capture line that keeps every line of a paste and refuses, with a message, a paste
    too long for it (a plain Input keeps only the first line, or drops the paste silently).

    Coming back to it keeps what it holds: its text is not selected, so a key typed then adds
    to the text instead of replacing it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

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


def focus_now(widget: Widget) -> None:
    """Focus a widget at once, not through the app's queue (as Widget.focus does), so that a
    key typed right after the key that moved the focus reaches it."""
    widget.screen.set_focus(widget)


def start_capture(line: Input, event: events.Key) -> bool:
    """Start capture with a printable key typed on a pane's list: focus the line, type the key.

    Keys bound on the list act before a key gets here, so a pane key is never typed as text,
    and any other character (a pane key that cannot act now too) is kept rather than lost.
    Tell whether the key was taken.
    """
    character = event.character
    if not event.is_printable or character is None or character.isspace():
        return False
    event.stop()
    event.prevent_default()
    # Focus now, not through the app's queue, so the next key typed goes to the line; the key
    # goes to the line's queue behind its focus, as if typed there.
    focus_now(line)
    line.post_message(events.Key(event.key, character))
    return True


class CaptureTable(DataTable[Any]):
    """A capture pane's list, on which Enter goes to the capture line (even with no rows)."""

    @dataclass
    class ToCapture(Message):
        """Enter was pressed on the list: the pane moves the focus to its capture line."""

    def action_select_cursor(self) -> None:
        self.post_message(self.ToCapture())


class CaptureHint(Static):
    """The line under a capture line: which theme its #theme means, before Enter saves it."""

    DEFAULT_CSS = """
    CaptureHint {
        height: 1;
        color: $text-muted;
    }
    CaptureHint.-new-theme {
        color: $warning;
        text-style: bold;
    }
    CaptureHint.-ambiguous {
        color: $error;
        text-style: bold;
    }
    """

    def show_theme(self, match: ThemeMatch | None) -> None:
        """Show the theme a typed #theme means, marking a new one and an ambiguous one."""
        self.set_class(match is not None and match.new, "-new-theme")
        self.set_class(match is not None and bool(match.candidates), "-ambiguous")
        self.update(literal(match.hint if match else ""))


class CapturePane(TablePane):
    """A table pane with a capture input that commits each line durably."""

    BINDINGS: ClassVar = [
        Binding("delete", "delete_row", "Delete"),
        Binding("enter", "focus_capture", "Capture", show=False),
        Binding("escape", "leave_input", "To the list", show=False),
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

    def on_key(self, event: events.Key) -> None:
        if not isinstance(self.app.focused, Input):
            self.type_key(event)

    def type_key(self, event: events.Key) -> bool:
        return start_capture(self.capture_input, event)

    @on(CaptureTable.ToCapture)
    def _to_capture(self, event: CaptureTable.ToCapture) -> None:
        event.stop()
        focus_now(self.capture_input)

    def start_focus(self) -> Widget:
        return self.capture_input

    def can_return_to(self, line: Input) -> bool:
        return line is self.capture_input

    def action_focus_capture(self) -> None:
        """Go back to the capture line."""
        focus_now(self.capture_input)

    def action_leave_input(self) -> None:
        """Leave a text field (the capture line, a search) for the list."""
        if isinstance(self.app.focused, Input):
            focus_now(self.table)

    def action_delete_row(self) -> None:
        """Delete the selected row; Ctrl+Z brings it back."""
        if not isinstance(self.app.focused, DataTable):
            return
        row_id = self.selected_id()
        if row_id is not None and self._attempt(self.delete, row_id):
            self.notify("Deleted. Ctrl+Z undoes it.")
