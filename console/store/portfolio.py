"""Reading one workshop file's results for a portfolio of many workshops (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from console.store.card_rounds import round_cards, round_votes, score_card_round
from console.store.export import Reader, open_read_only
from console.store.inventory_votes import inventory_scores
from console.store.report_data import count_rows, deciding_card_round, pain_point_round

TOP = 3


@dataclass(frozen=True)
class CardScore:
    """One card's result in a workshop's deciding card round."""

    deck: str
    code: str
    title: str
    points: int
    rank: int


@dataclass(frozen=True)
class ThemeScore:
    """One theme's result in a workshop's inventory."""

    name: str
    points: int
    pain_points: int


@dataclass(frozen=True)
class WorkshopSummary:
    """What a portfolio needs from one workshop file."""

    file: str
    title: str
    year: int
    pain_points: int
    card_votes: int
    takeaways: int
    cards: tuple[CardScore, ...]
    themes: tuple[ThemeScore, ...]


def read_summary(path: Path) -> WorkshopSummary:
    """Read one workshop file's results without writing to it; raise StoreError if unusable."""
    with open_read_only(path) as reader, reader.snapshot():
        return summarise(reader, path)


def summarise(reader: Reader, path: Path) -> WorkshopSummary:
    """Return a workshop's title, year, counts, card results and theme scores."""
    rows = reader.query(
        "SELECT title, starts_on FROM workshop WHERE deleted_at IS NULL ORDER BY rowid LIMIT 1"
    )
    workshop = rows[0] if rows else {"title": path.stem, "starts_on": None}
    chosen = pain_point_round(reader)
    scores = inventory_scores(reader, chosen["id"] if chosen else None)
    cards, votes = _deciding_round(reader)
    return WorkshopSummary(
        file=str(path),
        title=workshop["title"] or path.stem,
        year=_year(workshop["starts_on"], path),
        pain_points=len(scores.points),
        card_votes=votes,
        takeaways=count_rows(reader, "takeaways"),
        cards=cards,
        themes=tuple(
            ThemeScore(
                entry.item.label,
                int(entry.item.score),
                scores.theme_counts.get(entry.item.item_id, 0),
            )
            for entry in scores.themes
        ),
    )


def _deciding_round(reader: Reader) -> tuple[tuple[CardScore, ...], int]:
    """Return the cards of the workshop's deciding round (latest revealed, else latest)."""
    chosen = deciding_card_round(reader)
    if chosen is None:
        return (), 0
    votes = round_votes(reader, chosen["id"])
    cards = round_cards(reader, chosen["id"])
    scores = score_card_round(votes, cards, chosen["method"])
    return (
        tuple(
            CardScore(
                chosen["deck"],
                cards[entry.item.item_id].code,
                entry.item.label,
                int(entry.item.score),
                entry.rank,
            )
            for entry in scores.ranked
        ),
        len(votes),
    )


def _year(starts_on: str | None, path: Path) -> int:
    """Return the workshop's year: from its start date, else from the file's modification time."""
    if starts_on and len(starts_on) >= 4 and starts_on[:4].isdigit():
        return int(starts_on[:4])
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).year
