"""Deterministic ranking and comparison with published rankings.

Tie-break rule (quoted verbatim on the help screen and in the README): see TIE_BREAK_RULE.
Items sort by score (highest first), then by distinct voters (more first), then by capture
order (earlier first, position then created_at), then by label ignoring case, then by item id.
Items with the same score and the same number of voters share a competition rank (1, 2, 2, 4).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

TIE_BREAK_RULE: str = (
    "Items are ordered by score, highest first; equal scores go to the item more delegates "
    "voted for, then to the item captured first, then alphabetically by title. "
    "Items with the same score and the same number of voters share a rank and are marked as tied."
)

MOST_SHOWN = 20
"""The most entries of a ranking the facilitator can put on a projector, terminal or browser."""


def shown_top(asked: object, default: int) -> int:
    """Return how many top entries a projector shows when asked for this many: the default
    unless a whole number, kept within 1 and MOST_SHOWN."""
    top = asked if isinstance(asked, int) and not isinstance(asked, bool) else default
    return max(1, min(MOST_SHOWN, top))


_ELLIPSIS_END = re.compile(r"(…|\.{2,})\s*$")
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`´]")
_NOT_WORD = re.compile(r"[^\w]+|_+")
_BEHAVIOUR = re.compile(r"\bbehaviour")

RankedT = TypeVar("RankedT", bound="HasRank")


@dataclass(frozen=True, slots=True)
class Scored:
    """One item's total score in a voting round, with what the tie-break needs."""

    item_id: str
    label: str
    score: int | float
    voters: int
    created_at: str
    position: int


@dataclass(frozen=True, slots=True)
class Ranked:
    """One scored item with its competition rank and whether it shares that rank."""

    rank: int
    tied: bool
    item: Scored

    @property
    def score(self) -> int | float:
        """Return the item's score."""
        return self.item.score


@dataclass(frozen=True)
class ReferenceEntry:
    """One card title in a published ranking, with its rank or None if the source is unordered."""

    title: str
    rank: int | None


@dataclass(frozen=True)
class Comparison:
    """One row comparing the room's ranking of an item with a published ranking."""

    item_id: str | None
    label: str
    room_rank: int | None
    reference_rank: int | None
    in_reference: bool
    in_room_top: bool
    reference_title: str | None = None


class Label:
    """An item's label in a sort key: compared case-insensitively first, then exactly, then by
    id; the case-folded copy is made only when two items tie on everything before it."""

    __slots__ = ("item_id", "text")

    def __init__(self, text: str, item_id: str) -> None:
        self.text = text
        self.item_id = item_id

    def _order(self) -> tuple[str, str, str]:
        return self.text.casefold(), self.text, self.item_id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Label) and self._order() == other._order()

    def __lt__(self, other: Label) -> bool:
        return self._order() < other._order()

    def __hash__(self) -> int:
        return hash(self._order())


DisplayKey = tuple[float, int, int, str, Label]


def _display_key(item: Scored) -> DisplayKey:
    """Return the sort key that puts items in their documented display order: score, voters,
    position, capture time, then label (case-insensitive, then exact) and id."""
    # A list of 100,000 pain points keeps one key each: the label's case-folded copy would
    # hold 12 MB, and only ties on position and capture time ever compare it.
    return (
        -float(item.score),
        -item.voters,
        item.position,
        item.created_at,
        Label(item.label, item.item_id),
    )


def display_key(item: Scored) -> DisplayKey:
    """Return the sort key of the documented order, for lists that re-rank one item at a time."""
    return _display_key(item)


def rank_items(items: Iterable[Scored]) -> list[Ranked]:
    """Rank items by score, voters, capture order, label then id, sharing ranks on exact ties."""
    scored = list(items)
    seen: set[str] = set()
    for item in scored:
        if isinstance(item.score, float) and math.isnan(item.score):
            raise ValueError(f"Item {item.item_id} has no valid score.")
        if item.item_id in seen:
            raise ValueError(f"Item {item.item_id} appears twice in the ranking.")
        seen.add(item.item_id)
    scored.sort(key=_display_key)  # in place: no second list of every item
    ordered = scored
    ranked: list[Ranked] = []
    start = 0
    while start < len(ordered):
        end = start + 1
        head = ordered[start]
        while end < len(ordered) and (ordered[end].score, ordered[end].voters) == (
            head.score,
            head.voters,
        ):
            end += 1
        tied = end - start > 1
        ranked.extend(Ranked(rank=start + 1, tied=tied, item=item) for item in ordered[start:end])
        start = end
    return ranked


class HasRank(Protocol):
    """Anything placed in a competition ranking: a Ranked entry or a card's result."""

    @property
    def rank(self) -> int: ...

    @property
    def score(self) -> int | float: ...


def top_n(ranked: Sequence[RankedT], n: int) -> list[RankedT]:
    """Return the first n ranked entries and every entry tied with the n-th: ties are never cut.

    The ONE place a top-N list is cut, for the console, the projector and the report; an entry
    kept beyond n shares the n-th entry's rank, so it is already marked as tied. Entries with
    no score are not added for a tie: "everything else got nothing" is not a place in a top list.
    """
    if n < 0:
        raise ValueError("The number of top items cannot be negative.")
    chosen = list(ranked[:n])
    if chosen and chosen[-1].score > 0:
        last_rank = chosen[-1].rank
        chosen.extend(entry for entry in ranked[n:] if entry.rank == last_rank)
    return chosen


def normalise_title(text: str) -> str:
    """Fold a card title for matching: case, spelling of behaviour, punctuation and spacing."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _APOSTROPHES.sub("", folded)
    folded = folded.replace("&", " and ")
    folded = _BEHAVIOUR.sub("behavior", folded)
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _ends_with_ellipsis(text: str) -> bool:
    """Tell whether a title is cut short with an ellipsis."""
    return _ELLIPSIS_END.search(unicodedata.normalize("NFKC", text)) is not None


def match_titles(reference_titles: Iterable[str], item_titles: Mapping[str, str]) -> dict[str, str]:
    """Map reference titles to item ids by normalised title, or by prefix if cut with "…"."""
    by_title: dict[str, list[str]] = {}
    for item_id, title in item_titles.items():
        by_title.setdefault(normalise_title(title), []).append(item_id)
    titles = list(dict.fromkeys(reference_titles))
    matches: dict[str, str] = {}
    claimed: set[str] = set()
    for title in titles:
        candidates = by_title.get(normalise_title(title), [])
        if len(candidates) == 1 and candidates[0] not in claimed:
            matches[title] = candidates[0]
            claimed.add(candidates[0])
    for title in titles:
        if title in matches or not _ends_with_ellipsis(title):
            continue
        prefix = normalise_title(title)
        if not prefix:
            continue
        candidates = [
            item_id
            for item_id, item_title in item_titles.items()
            if item_id not in claimed and normalise_title(item_title).startswith(prefix + " ")
        ]
        if len(candidates) == 1:
            matches[title] = candidates[0]
            claimed.add(candidates[0])
    return matches


def compare_with_reference(
    room: Sequence[Ranked],
    reference: Sequence[ReferenceEntry],
    match: Callable[[str], str | None] | None = None,
    top: int = 3,
) -> list[Comparison]:
    """Compare the room's ranking with a published one: room items first, then missing titles."""
    room_ids = {entry.item.item_id for entry in room}
    title_to_id: dict[str, str] = {}
    if match is not None:
        for entry in reference:
            item_id = match(entry.title)
            if item_id is not None:
                title_to_id[entry.title] = item_id
    unmatched_titles = [entry.title for entry in reference if entry.title not in title_to_id]
    claimed = set(title_to_id.values())
    free_items = {
        entry.item.item_id: entry.item.label for entry in room if entry.item.item_id not in claimed
    }
    title_to_id.update(match_titles(unmatched_titles, free_items))

    reference_by_id: dict[str, ReferenceEntry] = {}
    missing: list[tuple[ReferenceEntry, str | None]] = []
    for entry in reference:
        item_id = title_to_id.get(entry.title)
        if item_id is not None and item_id in room_ids:
            reference_by_id.setdefault(item_id, entry)
        else:
            missing.append((entry, item_id))

    comparisons: list[Comparison] = []
    for ranked in room:
        found = reference_by_id.get(ranked.item.item_id)
        comparisons.append(
            Comparison(
                item_id=ranked.item.item_id,
                label=ranked.item.label,
                room_rank=ranked.rank,
                reference_rank=found.rank if found is not None else None,
                in_reference=found is not None,
                in_room_top=ranked.rank <= top,
                reference_title=found.title if found is not None else None,
            )
        )
    for entry, item_id in missing:
        comparisons.append(
            Comparison(
                item_id=item_id,
                label=entry.title,
                room_rank=None,
                reference_rank=entry.rank,
                in_reference=True,
                in_room_top=False,
                reference_title=entry.title,
            )
        )
    return comparisons


def shared_top(comparisons: Iterable[Comparison]) -> list[Comparison]:
    """Return the room's top items that also appear in the published ranking."""
    return [row for row in comparisons if row.in_room_top and row.in_reference]
