"""The cards pane: the decks the room votes on."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from console.store.cards import card_rows
from console.store.core import Row
from console.ui.panes.base import TablePane, cell


class CardsPane(TablePane):
    """Cards of the workshop's decks."""

    TITLE = "Cards"
    WATCHED_TABLES = frozenset({"cards", "decks", "card_votes", "voting_rounds"})
    COLUMNS = (("Code", 7), ("Card", None), ("Category", 9), ("Deck", 14))
    EMPTY_HINT = "Delegates pick the cards they recognise; the top cards are revealed."

    def fetch(self, since_rev: int) -> list[Row]:
        return card_rows(self.store, since_rev)

    def cells(self, row: Row) -> Sequence[Text | str]:
        return (
            cell(row["code"], 7),
            cell(row["title"], 80),
            row["category"] or "",
            cell(row["deck"], 14),
        )
