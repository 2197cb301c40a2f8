"""Decks of cards, voting rounds on them and their results."""

from __future__ import annotations

from console.store.core import Row, WorkshopStore


def card_rows(store: WorkshopStore, since_rev: int = 0) -> list[Row]:
    """Return cards written after since_rev (deleted ones included, to remove them)."""
    return store.query(
        "SELECT c.id, c.code, c.title, c.category, c.position, c.deleted_at, d.name AS deck "
        "FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.rev > ? "
        "ORDER BY d.created_at, c.position",
        [since_rev],
    )
