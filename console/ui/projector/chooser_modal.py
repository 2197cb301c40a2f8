"""The facilitator's choice of what the projector shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

LABELS = {"join": "Join (the QR code phones scan)"}
"""How the chooser names a view whose mode is not its own best name."""


class ProjectorChooserModal(ModalScreen[str | None]):
    """Choose what the projector shows; returns the chosen mode."""

    BINDINGS: ClassVar = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, modes: Sequence[str], current: str) -> None:
        super().__init__()
        self.modes = list(modes)
        self.current = current

    def compose(self) -> ComposeResult:
        options = [
            Option(
                LABELS.get(mode, mode.capitalize())
                + ("  (showing now)" if mode == self.current else ""),
                id=mode,
            )
            for mode in self.modes
        ]
        with Vertical(id="projector-chooser", classes="dialog"):
            yield Static("Show on the projector", classes="dialog-title")
            yield OptionList(*options, id="projector-modes")
            yield Static("Enter shows it, Escape cancels.", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.modes.index(self.current) if self.current in self.modes else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(str(event.option.id))

    def action_cancel(self) -> None:
        """Close without changing the projector."""
        self.dismiss(None)
