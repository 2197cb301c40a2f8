"""Links between cards and the pain points they explain."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from console.store.core import Row, StoreError, WorkshopStore
from console.store.decks import get_card


@dataclass(frozen=True)
class LinkablePainPoint:
    """A live pain point a card can explain, with its number in the inventory."""

    id: str
    position: int
    text: str


@dataclass(frozen=True)
class LinkedCard:
    """A live card linked to a pain point, with its deck's name."""

    id: str
    code: str
    title: str
    category: str | None
    deck_name: str


def pain_points_for_card(store: WorkshopStore, card_id: str) -> list[LinkablePainPoint]:
    """Return the live pain points a card is linked to, in inventory order."""
    rows = store.query(
        "SELECT p.id, p.text, p.position FROM card_pain_points l "
        "JOIN pain_points p ON p.id = l.pain_point_id WHERE l.card_id = ? "
        "AND l.deleted_at IS NULL AND p.deleted_at IS NULL GROUP BY p.id ORDER BY p.position",
        [card_id],
    )
    return [_pain_point(row) for row in rows]


def cards_for_pain_point(store: WorkshopStore, pain_point_id: str) -> list[LinkedCard]:
    """Return the live cards linked to a pain point, in deck order."""
    rows = store.query(
        "SELECT c.id, c.code, c.title, c.category, d.name AS deck FROM card_pain_points l "
        "JOIN cards c ON c.id = l.card_id JOIN decks d ON d.id = c.deck_id "
        "WHERE l.pain_point_id = ? AND l.deleted_at IS NULL AND c.deleted_at IS NULL "
        "GROUP BY c.id ORDER BY d.rowid, c.position",
        [pain_point_id],
    )
    return [
        LinkedCard(
            id=row["id"],
            code=row["code"],
            title=row["title"],
            category=row["category"],
            deck_name=row["deck"],
        )
        for row in rows
    ]


def pain_point_choices(store: WorkshopStore) -> list[LinkablePainPoint]:
    """Return the live, unmerged pain points a card can be linked to, in inventory order."""
    rows = store.query(
        "SELECT id, text, position FROM pain_points WHERE deleted_at IS NULL "
        "AND merged_into_id IS NULL ORDER BY position, created_at"
    )
    return [_pain_point(row) for row in rows]


def set_card_links(store: WorkshopStore, card_id: str, pain_point_ids: Iterable[str]) -> None:
    """Link a card to exactly these pain points in one undoable action."""
    wanted = list(dict.fromkeys(pain_point_ids))
    with store.write("change card links") as transaction:
        card = get_card(store, card_id)
        live = {choice.id for choice in pain_point_choices(store)}
        for pain_point_id in wanted:
            if pain_point_id not in live:
                raise StoreError("A chosen pain point no longer exists.")
        existing = store.query(
            "SELECT id, pain_point_id FROM card_pain_points WHERE card_id = ? "
            "AND deleted_at IS NULL",
            [card.id],
        )
        linked = {row["pain_point_id"] for row in existing}
        for row in existing:
            if row["pain_point_id"] not in wanted:
                transaction.soft_delete("card_pain_points", row["id"])
        for pain_point_id in wanted:
            if pain_point_id not in linked:
                transaction.insert_undoable(
                    "card_pain_points", {"card_id": card.id, "pain_point_id": pain_point_id}
                )


def _pain_point(row: Row) -> LinkablePainPoint:
    """Build a linkable pain point from its row."""
    return LinkablePainPoint(id=row["id"], position=int(row["position"]), text=row["text"])
