"""Agenda days, items and their timers."""

from __future__ import annotations

from dataclasses import dataclass

from console.domain.timers import TimerEvent, TimerEventKind
from console.store.core import Row, WorkshopStore, parse_iso


@dataclass(frozen=True)
class CurrentItem:
    """The agenda item the room is on: the running or paused one, with its timer events."""

    id: str
    title: str
    day_number: int
    planned_minutes: int
    events: tuple[TimerEvent, ...]


def agenda_rows(store: WorkshopStore, since_rev: int = 0) -> list[Row]:
    """Return agenda items written after since_rev (deleted ones included, to remove them)."""
    return store.query(
        "SELECT i.id, i.title, i.kind, i.planned_minutes, i.status, i.position, i.deleted_at, "
        "d.number AS day_number FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id "
        "WHERE i.rev > ? ORDER BY d.number, i.position",
        [since_rev],
    )


def current_item(store: WorkshopStore) -> CurrentItem | None:
    """Return the running or paused agenda item, if any."""
    rows = store.query(
        "SELECT i.id, i.title, i.planned_minutes, d.number AS day_number "
        "FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id "
        "WHERE i.status IN ('running', 'paused') AND i.deleted_at IS NULL "
        "ORDER BY i.updated_at DESC LIMIT 1"
    )
    if not rows:
        return None
    row = rows[0]
    return CurrentItem(
        id=row["id"],
        title=row["title"],
        day_number=row["day_number"],
        planned_minutes=row["planned_minutes"],
        events=timer_events(store, row["id"]),
    )


def timer_events(store: WorkshopStore, agenda_item_id: str) -> tuple[TimerEvent, ...]:
    """Return an item's timer events in the order they happened."""
    rows = store.query(
        "SELECT kind, at, seconds FROM timer_events WHERE agenda_item_id = ? "
        "AND deleted_at IS NULL ORDER BY at, rowid",
        [agenda_item_id],
    )
    return tuple(
        TimerEvent(TimerEventKind(row["kind"]), parse_iso(row["at"]), row["seconds"])
        for row in rows
    )
