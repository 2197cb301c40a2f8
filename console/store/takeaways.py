"""Takeaways: insights, quotes, decisions, questions and actions."""

from __future__ import annotations

from console.domain.capture import TakeawayKind, parse_takeaway
from console.store.core import Row, WorkshopStore


def takeaway_rows(store: WorkshopStore, since_rev: int = 0) -> list[Row]:
    """Return takeaways written after since_rev (deleted ones included, to remove them)."""
    return store.query(
        "SELECT id, kind, text, speaker, owner, due_on, captured_at, deleted_at "
        "FROM takeaways WHERE rev > ? ORDER BY captured_at, rowid",
        [since_rev],
    )


def capture_takeaway(
    store: WorkshopStore, raw: str, *, default_kind: TakeawayKind = TakeawayKind.INSIGHT
) -> str:
    """Save one takeaway, stamped with the time and the running agenda item."""
    draft = parse_takeaway(raw, default_kind=default_kind, today=store.clock().date())
    with store.write() as transaction:
        running = store.query(
            "SELECT id FROM agenda_items WHERE status IN ('running', 'paused') "
            "AND deleted_at IS NULL ORDER BY updated_at DESC LIMIT 1"
        )
        return transaction.insert(
            "takeaways",
            {
                "kind": draft.kind.value,
                "text": draft.text,
                "speaker": draft.speaker or "",
                "owner": draft.owner or "",
                "due_on": draft.due.isoformat() if draft.due else None,
                "action_status": "open" if draft.kind is TakeawayKind.ACTION else None,
                "agenda_item_id": running[0]["id"] if running else None,
                "captured_at": transaction.now,
            },
        )


def delete_takeaway(store: WorkshopStore, takeaway_id: str) -> None:
    """Soft-delete a takeaway so that it can be undone."""
    with store.write("delete takeaway") as transaction:
        transaction.soft_delete("takeaways", takeaway_id)
