"""Reading one workshop file's results for a portfolio of many workshops (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from console.store.export import Reader, open_read_only
from console.store.report import NO_THEME, inventory_report, ranked_cards

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
    themes, pain_points, _round = inventory_report(reader)
    cards, votes = _deciding_round(reader)
    takeaways = reader.query("SELECT count(*) AS n FROM takeaways WHERE deleted_at IS NULL")
    return WorkshopSummary(
        file=str(path),
        title=workshop["title"] or path.stem,
        year=_year(workshop["starts_on"], path),
        pain_points=pain_points,
        card_votes=votes,
        takeaways=int(takeaways[0]["n"]),
        cards=cards,
        themes=tuple(
            ThemeScore(theme.name, theme.score, len(theme.items))
            for theme in themes
            if theme.name != NO_THEME or theme.rank
        ),
    )


def _deciding_round(reader: Reader) -> tuple[tuple[CardScore, ...], int]:
    """Return the cards of the workshop's deciding round (latest revealed, else latest)."""
    rounds = reader.query(
        "SELECT r.id, r.method, r.revealed_at, coalesce(d.name, '') AS deck FROM voting_rounds r "
        "LEFT JOIN decks d ON d.id = r.deck_id WHERE r.deleted_at IS NULL AND r.target = 'cards' "
        "ORDER BY r.position, r.created_at, r.rowid"
    )
    revealed = [row for row in rounds if row["revealed_at"]]
    chosen = revealed[-1] if revealed else (rounds[-1] if rounds else None)
    if chosen is None:
        return (), 0
    ranked, cards, _ballots = ranked_cards(reader, chosen)
    votes = reader.query(
        "SELECT count(*) AS n FROM card_votes WHERE round_id = ? AND deleted_at IS NULL",
        [chosen["id"]],
    )[0]["n"]
    return (
        tuple(
            CardScore(
                chosen["deck"],
                cards[entry.item.item_id]["code"],
                entry.item.label,
                int(entry.item.score),
                entry.rank,
            )
            for entry in ranked
        ),
        int(votes),
    )


def _year(starts_on: str | None, path: Path) -> int:
    """Return the workshop's year: from its start date, else from the file's modification time."""
    if starts_on and len(starts_on) >= 4 and starts_on[:4].isdigit():
        return int(starts_on[:4])
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).year
