"""The workshop details screen: title, event, venue, dates, vote defaults and participants."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from console.store.core import StoreError, WorkshopStore
from console.store.workshop import (
    Participant,
    add_participants,
    delete_participant,
    participants,
    update_participant,
    update_workshop_details,
    workshop_details,
)
from console.ui.common.form_modal import FormModal
from console.ui.common.text import literal


class ParticipantModal(FormModal[bool]):
    """Edit one participant's optional name, role and table; dismisses True when saved."""

    def __init__(self, store: WorkshopStore, participant: Participant) -> None:
        super().__init__()
        self.store = store
        self.participant = participant

    def compose(self) -> ComposeResult:
        with Vertical(id="participant-dialog", classes="dialog"):
            yield Static(f"Delegate {self.participant.number}", classes="dialog-title")
            yield Label("Name (optional)")
            yield Input(self.participant.name, id="participant-name", max_length=120)
            yield Label("Role (optional)")
            yield Input(self.participant.role, id="participant-role", max_length=120)
            yield Label("Table (optional)")
            yield Input(self.participant.table_label, id="participant-table", max_length=120)
            yield Static("Enter or Ctrl+S saves, Escape cancels.", classes="dialog-hint")

    def save(self) -> bool:
        """Save the participant."""
        update_participant(
            self.store,
            self.participant.id,
            name=self.query_one("#participant-name", Input).value,
            role=self.query_one("#participant-role", Input).value,
            table_label=self.query_one("#participant-table", Input).value,
        )
        return True


class WorkshopDetailsModal(ModalScreen[bool]):
    """Edit the workshop's details and its participants; dismisses True if anything was saved."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("ctrl+s", "save", "Save details"),
        Binding("plus", "add_delegate", "Add delegate"),
        Binding("delete", "delete_participant", "Remove delegate"),
    ]

    def __init__(self, store: WorkshopStore) -> None:
        super().__init__()
        self.store = store
        self.saved = False

    def compose(self) -> ComposeResult:
        details = workshop_details(self.store)
        settings = details.settings
        fields: list[tuple[str, str, str]] = [
            ("title", "Title", details.title),
            ("event", "Event", details.event),
            ("venue", "Venue", details.venue),
            ("starts_on", "First day (YYYY-MM-DD)", details.starts_on or ""),
            ("ends_on", "Last day (YYYY-MM-DD)", details.ends_on or ""),
            ("vote_budget", "Dots per delegate (1–12)", str(settings.vote_budget)),
            ("vote_cap", "Most dots on one item", str(settings.vote_cap)),
            ("pick_count", "Cards each delegate picks", str(settings.pick_count)),
        ]
        with VerticalScroll(id="details-dialog", classes="dialog"):
            yield Static("Workshop details", classes="dialog-title")
            with Grid(id="details-form"):
                for key, label, value in fields:
                    yield Label(label)
                    numeric = key in ("vote_budget", "vote_cap", "pick_count")
                    yield Input(
                        value,
                        id=f"details-{key}",
                        max_length=4 if numeric else 200,
                        type="integer" if numeric else "text",
                        compact=True,
                    )
            yield Static("Participants", classes="dialog-title")
            table: DataTable[Any] = DataTable(cursor_type="row", id="participants-table")
            table.add_columns("#", "Name", "Role", "Table")
            yield table
            yield Static(
                "Ctrl+S saves the details · + adds a delegate · Enter on a delegate edits it · "
                "Delete removes it · Escape closes",
                classes="dialog-hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Save (Ctrl+S)", variant="primary", id="details-save")
                yield Button("Close (Esc)", id="details-close")

    def on_mount(self) -> None:
        self._show_participants()
        self.query_one("#details-title", Input).focus()

    @on(Button.Pressed, "#details-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#details-close")
    def _close_pressed(self) -> None:
        self.action_close()

    @on(DataTable.RowSelected, "#participants-table")
    def _edit_participant(self, event: DataTable.RowSelected) -> None:
        chosen = next((p for p in participants(self.store) if p.id == event.row_key.value), None)
        if chosen is not None:
            self.app.push_screen(ParticipantModal(self.store, chosen), self._participant_saved)

    def _participant_saved(self, saved: bool | None) -> None:
        if saved:
            self.saved = True
            self._show_participants()

    def action_save(self) -> None:
        """Save the workshop's details."""
        values = {
            key: self.query_one(f"#details-{key}", Input).value
            for key in ("title", "event", "venue", "starts_on", "ends_on")
        }
        try:
            numbers = {
                key: int(self.query_one(f"#details-{key}", Input).value or "0")
                for key in ("vote_budget", "vote_cap", "pick_count")
            }
            update_workshop_details(self.store, **values, **numbers)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        self.saved = True
        self.notify("Workshop details saved.")

    def action_add_delegate(self) -> None:
        """Add one numbered delegate."""
        try:
            (number,) = add_participants(self.store, 1)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        self.saved = True
        self._show_participants()
        self.notify(f"Delegate {number} added.")

    def action_delete_participant(self) -> None:
        """Remove the selected delegate; Ctrl+Z in the console brings them back."""
        table = self.query_one("#participants-table", DataTable)
        if self.focused is not table or not table.row_count:
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        try:
            delete_participant(self.store, str(row_key.value))
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        self.saved = True
        self._show_participants()

    def action_close(self) -> None:
        """Close the screen."""
        self.dismiss(self.saved)

    def _show_participants(self) -> None:
        table = self.query_one("#participants-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for participant in participants(self.store):
            table.add_row(
                str(participant.number),
                literal(participant.name),
                literal(participant.role),
                literal(participant.table_label),
                key=participant.id,
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
