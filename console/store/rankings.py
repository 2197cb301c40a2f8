"""Published rankings of a deck, and a card round's result compared with them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from console.domain.ranking import (
    Comparison,
    Ranked,
    ReferenceEntry,
    compare_with_reference,
    shared_top,
)
from console.store.card_rounds import RoundResults, round_results
from console.store.core import Row, WorkshopStore
from console.store.export import Reader


@dataclass(frozen=True)
class ReferenceComparison:
    """The room's result beside one published ranking."""

    ranking_id: str
    name: str
    year: int | None
    ordered: bool
    rows: tuple[Comparison, ...]
    shared: tuple[Comparison, ...]

    def reference_rank(self, card_id: str) -> tuple[bool, int | None]:
        """Return whether a card is in this ranking, and its rank there (None if unordered)."""
        for row in self.rows:
            if row.item_id == card_id and row.in_reference:
                return True, row.reference_rank
        return False, None


def reference_rankings(store: Reader, deck_id: str | None = None) -> list[Row]:
    """Return the published rankings for a deck (and those tied to no deck), oldest first."""
    return store.query(
        "SELECT id, name, source, year, ordered, deck_id FROM reference_rankings "
        "WHERE deleted_at IS NULL AND (? IS NULL OR deck_id IS NULL OR deck_id = ?) "
        "ORDER BY coalesce(year, 0), created_at, rowid",
        [deck_id, deck_id],
    )


def compare_with_published(
    reader: Reader, deck_id: str | None, room: Sequence[Ranked], top: int
) -> list[tuple[Row, list[Comparison]]]:
    """Compare a room's ranked cards with each published ranking of the deck.

    An entry's explicit card link wins; other entries are matched by title.
    """
    compared = []
    for ranking in reference_rankings(reader, deck_id):
        entries = reader.query(
            "SELECT title, rank, card_id FROM reference_entries "
            "WHERE ranking_id = ? AND deleted_at IS NULL ORDER BY position, rowid",
            [ranking["id"]],
        )
        explicit = {row["title"]: row["card_id"] for row in entries if row["card_id"]}
        rows = compare_with_reference(
            room,
            [ReferenceEntry(row["title"], row["rank"]) for row in entries],
            match=explicit.get,
            top=top,
        )
        compared.append((ranking, rows))
    return compared


def compare_round(
    store: WorkshopStore, round_id: str, top: int = 3, results: RoundResults | None = None
) -> list[ReferenceComparison]:
    """Compare a round's result (given, or read now) with every published ranking of its deck."""
    if results is None or results.round.id != round_id:
        results = round_results(store, round_id)
    room = [Ranked(result.rank, result.tied, result.scored()) for result in results.results]
    return [
        ReferenceComparison(
            ranking_id=ranking["id"],
            name=ranking["name"],
            year=ranking["year"],
            ordered=bool(ranking["ordered"]),
            rows=tuple(rows),
            shared=tuple(shared_top(rows)),
        )
        for ranking, rows in compare_with_published(store, results.round.deck_id, room, top)
    ]
