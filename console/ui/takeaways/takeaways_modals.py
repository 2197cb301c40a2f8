"""The dialog that edits one takeaway: kind, text, speaker, and an action's owner, date, status."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from console.store.core import WorkshopStore
from console.store.takeaways import MAX_NAME_CHARS, Takeaway, update_takeaway
from console.ui.common.capture import MAX_PASTE_CHARS
from console.ui.common.form_modal import FormModal
from console.ui.common.text import literal

FIELDS: tuple[tuple[str, str, int], ...] = (
    ("kind", "Kind: insight, quote, decision, question or action (i q d o a)", 20),
    ("text", "Text", MAX_PASTE_CHARS),
    ("speaker", "Speaker: who said it (any kind)", MAX_NAME_CHARS),
    ("owner", "Owner (for an action)", MAX_NAME_CHARS),
    ("due", "Due (for an action): 2026-12-01, today, tomorrow, +7, friday; blank for none", 40),
    ("status", "Status (for an action): open, done or dropped", 20),
    ("done_means", "Done means (for an action): how the room will know it is done", 2_000),
)


class TakeawayEditModal(FormModal[bool]):
    """Edit one takeaway; dismisses True when saved, None when cancelled."""

    def __init__(self, store: WorkshopStore, takeaway: Takeaway) -> None:
        super().__init__()
        self.store = store
        self.takeaway = takeaway

    def compose(self) -> ComposeResult:
        takeaway = self.takeaway
        values = {
            "kind": takeaway.kind.value,
            "text": takeaway.text,
            "speaker": takeaway.speaker,
            "owner": takeaway.owner,
            "due": takeaway.due_on or "",
            "status": takeaway.action_status or "",
            "done_means": takeaway.done_means,
        }
        with Vertical(id="takeaway-edit-dialog", classes="dialog"):
            yield Static("Edit takeaway", classes="dialog-title")
            for name, label, limit in FIELDS:
                yield Label(label)
                yield Input(values[name], id=f"takeaway-edit-{name}", max_length=limit)
            yield Static(
                literal("Enter or Ctrl+S saves, Escape cancels. Ctrl+Z in the list undoes it."),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#takeaway-edit-text", Input).focus()

    def save(self) -> bool:
        """Save the takeaway."""
        fields = {
            name: self.query_one(f"#takeaway-edit-{name}", Input).value for name, _, _ in FIELDS
        }
        update_takeaway(self.store, self.takeaway.id, fields)
        return True
