"""Pain points and their themes."""

from __future__ import annotations

from console.domain.capture import parse_pain_point
from console.store.core import Row, WorkshopStore


def pain_point_rows(store: WorkshopStore, since_rev: int = 0) -> list[Row]:
    """Return pain points written after since_rev (deleted ones included, to remove them)."""
    return store.query(
        "SELECT p.id, p.text, p.position, p.raised_by, p.deleted_at, p.merged_into_id, "
        "t.name AS theme FROM pain_points p LEFT JOIN themes t ON t.id = p.theme_id "
        "WHERE p.rev > ? ORDER BY p.position",
        [since_rev],
    )


def capture_pain_point(store: WorkshopStore, raw: str) -> str:
    """Save one pain point typed by the facilitator (with optional #theme and @name tokens)."""
    draft = parse_pain_point(raw)
    with store.write() as transaction:
        position = store.query("SELECT coalesce(max(position), 0) + 1 AS next FROM pain_points")[0]
        theme_id = None
        if draft.theme:
            theme_id = _theme_id(store, draft.theme) or transaction.insert(
                "themes", {"name": draft.theme, "position": _next_theme_position(store)}
            )
        return transaction.insert(
            "pain_points",
            {
                "text": draft.text,
                "theme_id": theme_id,
                "raised_by": draft.raised_by or "",
                "position": position["next"],
            },
        )


def delete_pain_point(store: WorkshopStore, pain_point_id: str) -> None:
    """Soft-delete a pain point so that it can be undone."""
    with store.write("delete pain point") as transaction:
        transaction.soft_delete("pain_points", pain_point_id)


def _theme_id(store: WorkshopStore, name: str) -> str | None:
    """Find a live theme by name, ignoring case."""
    rows = store.query(
        "SELECT id FROM themes WHERE deleted_at IS NULL AND merged_into_id IS NULL "
        "AND lower(name) = lower(?) LIMIT 1",
        [name],
    )
    return rows[0]["id"] if rows else None


def _next_theme_position(store: WorkshopStore) -> int:
    """Return the position after the last theme."""
    return int(store.query("SELECT coalesce(max(position), -1) + 1 AS p FROM themes")[0]["p"])
