"""The agenda's small dialogs: an item, a day and a timer preset."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from console.domain.schedule import AGENDA_KINDS
from console.domain.timers import PRESET_MINUTES
from console.ui.common.form_modal import FormModal
from console.ui.common.text import literal

SaveItem = Callable[[str, str, str], None]
"""Saves (title, kind, minutes text); raises ValueError or StoreError with a message."""

SaveDay = Callable[[str, str, str], None]
"""Saves (start time, date, title); raises ValueError or StoreError with a message."""


class AgendaItemModal(FormModal[bool]):
    """Add or edit an agenda item: title, kind, planned minutes."""

    def __init__(
        self,
        heading: str,
        on_save: SaveItem,
        *,
        title: str = "",
        kind: str = "discussion",
        minutes: int | None = None,
    ) -> None:
        super().__init__()
        self.heading = heading
        self.on_save = on_save
        self.initial = (title, kind, "" if minutes is None else str(minutes))

    def compose(self) -> ComposeResult:
        title, kind, minutes = self.initial
        with Vertical(id="agenda-item-dialog", classes="dialog"):
            yield Static(literal(self.heading), classes="dialog-title")
            yield Label("Title")
            yield Input(title, id="item-title", max_length=200)
            yield Label("Kind")
            yield Select(
                [(name, name) for name in AGENDA_KINDS],
                value=kind if kind in AGENDA_KINDS else "discussion",
                allow_blank=False,
                id="item-kind",
            )
            yield Label("Planned minutes (1 to 1440)")
            yield Input(minutes, id="item-minutes", max_length=8)
            yield Static("Enter or Ctrl+S saves, Escape cancels.", classes="dialog-hint")

    def save(self) -> bool:
        kind = self.query_one("#item-kind", Select).value
        self.on_save(
            self.query_one("#item-title", Input).value,
            str(kind) if isinstance(kind, str) else "discussion",
            self.query_one("#item-minutes", Input).value,
        )
        return True


class AgendaDayModal(FormModal[bool]):
    """Add or edit an agenda day: start time, optional date and title."""

    def __init__(
        self,
        heading: str,
        on_save: SaveDay,
        *,
        start_time: str = "09:00",
        date: str = "",
        title: str = "",
    ) -> None:
        super().__init__()
        self.heading = heading
        self.on_save = on_save
        self.initial = (start_time, date, title)

    def compose(self) -> ComposeResult:
        start_time, date, title = self.initial
        with Vertical(id="agenda-day-dialog", classes="dialog"):
            yield Static(literal(self.heading), classes="dialog-title")
            yield Label("Start time (HH:MM, local time)")
            yield Input(start_time, id="day-start", max_length=5)
            yield Label("Date (YYYY-MM-DD, optional: the day after the previous day)")
            yield Input(date, id="day-date", max_length=10)
            yield Label("Title (optional)")
            yield Input(title, id="day-title", max_length=120)
            yield Static("Enter or Ctrl+S saves, Escape cancels.", classes="dialog-hint")

    def save(self) -> bool:
        self.on_save(
            self.query_one("#day-start", Input).value,
            self.query_one("#day-date", Input).value,
            self.query_one("#day-title", Input).value,
        )
        return True


class TimerPresetModal(ModalScreen[int | None]):
    """Choose how long the timer runs: the planned time (Enter) or a preset; returns seconds."""

    BINDINGS: ClassVar = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, item_title: str, planned_minutes: int) -> None:
        super().__init__()
        self.item_title = item_title
        self.planned_minutes = planned_minutes

    def compose(self) -> ComposeResult:
        options = [Option(f"Planned time: {self.planned_minutes} min", id="planned")]
        options += [Option(f"{minutes} min", id=str(minutes)) for minutes in PRESET_MINUTES]
        with Vertical(id="agenda-preset-dialog", classes="dialog"):
            yield Static(literal(f"Start: {self.item_title}", width=60), classes="dialog-title")
            yield OptionList(*options, id="preset-list")
            yield Static("Enter starts, Escape cancels.", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id
        minutes = self.planned_minutes if chosen == "planned" else int(str(chosen))
        self.dismiss(minutes * 60)

    def action_cancel(self) -> None:
        """Close without starting."""
        self.dismiss(None)
