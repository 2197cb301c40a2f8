"""A type-to-search dialog: an input that filters a list; Enter chooses the highlighted entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.store.core import StoreError
from console.store.takeaways import Choice
from console.ui.common.text import literal


class TakeawayPickModal(ModalScreen[None]):
    """Type to narrow a list of choices; Enter (or a click) chooses; Escape closes."""

    BINDINGS: ClassVar = [
        Binding("escape", "close", "Close"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(
        self,
        title: str,
        hint: str,
        search: Callable[[str], list[Choice]],
        choose: Callable[[Choice], str],
        *,
        close_after_choice: bool,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.search = search
        self.choose = choose
        self.close_after_choice = close_after_choice
        self.choices: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="takeaway-pick-dialog", classes="dialog"):
            yield Static(literal(self.title_text), classes="dialog-title")
            yield Input(placeholder="Type to search", max_length=200, id="takeaway-pick-input")
            yield OptionList(id="takeaway-pick-list")
            yield Static(literal(self.hint), classes="dialog-hint")

    def on_mount(self) -> None:
        self._refresh("")
        self.query_one("#takeaway-pick-input", Input).focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._refresh(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.notify("Nothing matches: type something else.", severity="warning")
            return
        self._choose(options.highlighted)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_index)

    def action_move(self, step: int) -> None:
        """Highlight the next or previous choice while typing."""
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)

    def _choose(self, index: int) -> None:
        """Apply one choice, then close or show the list again with its new marks."""
        if not 0 <= index < len(self.choices):
            return
        try:
            message = self.choose(self.choices[index])
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        self.notify(message)
        if self.close_after_choice:
            self.dismiss(None)
            return
        self._refresh(self.query_one("#takeaway-pick-input", Input).value, keep=index)

    def _refresh(self, typed: str, *, keep: int = 0) -> None:
        """Show the choices matching the typed text, the best one highlighted."""
        try:
            self.choices = self.search(typed)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            self.choices = []
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(literal(("✓ " if choice.checked else "  ") + choice.label, width=80))
            for choice in self.choices
        )
        if self.choices:
            options.highlighted = min(keep, len(self.choices) - 1)
