"""The one scoring rule: ballots, hand counts and merges turned into scores, voters and ranks.

Only live rows count (the store leaves deleted ones out). A vote gives its points to the item it
names; a delegate who gives an item points is one of its voters (hand counts have no voters).

Merges: a row merged into another counts for the row at the end of its merge chain (merged into
one that was itself merged: it counts for the last one). A row whose chain passes a deleted row,
or goes round in a loop, counts for nothing. Only rows merged into nothing are shown and ranked;
the rows that count for one are its variants. Pain points merge into pain points, themes into
themes, by the same rule.

Themes: a shown pain point belongs to the theme at the end of its theme's merge chain (none if
that chain breaks). A theme's score is the sum of its pain points' scores and its voters are the
union of theirs. Cards: a card's score is the sum of its votes in the round; in a hand count its
voters are its hands; cards at zero are left out; a round's ballots are the delegates with a vote.

Every ranking uses console.domain.ranking.rank_items (the documented tie-break).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from console.domain.ranking import Ranked, Scored, rank_items


@dataclass(slots=True)
class Vote:
    """One live vote: points on an item from a delegate's ballot, or a hand count (no voter)."""

    item_id: str
    points: int
    voter: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """A live pain point, theme or card: what merges and the tie-break need to know."""

    id: str
    label: str
    position: int
    created_at: str
    merged_into: str | None = None
    """The row it was merged into, if any."""
    theme_id: str | None = None
    """A pain point's theme as recorded (before following the theme's merges)."""


@dataclass(slots=True)
class Tally:
    """An item's score and the delegates who gave it points."""

    score: int = 0
    voters: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ThemeStanding:
    """A theme's rank with how many pain points it holds."""

    ranked: Ranked
    items: int


@dataclass(frozen=True)
class InventoryScores:
    """A pain-point round scored: pain points and themes ranked, with what the report lists."""

    points: tuple[Ranked, ...]
    """The shown pain points, ranked."""
    themes: tuple[Ranked, ...]
    """The shown themes (live, not merged), ranked."""
    tallies: Mapping[str, Tally]
    """Score and voters per shown pain point that got votes."""
    theme_of: Mapping[str, str | None]
    """The theme each shown pain point belongs to (None: no theme)."""
    theme_totals: Mapping[str | None, Tally]
    """Score and voters per theme; None adds up the pain points without a theme."""
    theme_counts: Mapping[str | None, int]
    """How many shown pain points each theme holds (None: without a theme)."""
    variants: Mapping[str, tuple[Item, ...]]
    """The rows that count for each shown pain point, in capture order."""
    merged_themes: Mapping[str, tuple[Item, ...]]
    """The themes that count for each shown theme."""

    def standings(self) -> list[ThemeStanding]:
        """Return the ranked themes with how many pain points each holds."""
        return [
            ThemeStanding(entry, self.theme_counts.get(entry.item.item_id, 0))
            for entry in self.themes
        ]


@dataclass(frozen=True)
class RoundScores:
    """A card round scored: the cards with a score, ranked, and how many ballots it holds."""

    ranked: tuple[Ranked, ...]
    ballots: int


def survivors(merged_into: Mapping[str, str | None]) -> dict[str, str]:
    """Map each live row to the row at the end of its merge chain, leaving broken chains out.

    merged_into holds every live row: its id and the row it was merged into (or None). A chain
    that reaches a row not in the mapping (deleted), or that loops, breaks.
    """
    resolved: dict[str, str] = {}
    broken: set[str] = set()  # kept apart: the mapping is never copied, at 100,000 rows
    for start, into in merged_into.items():
        if into is None:
            resolved[start] = start
            continue
        path: list[str] = []
        on_path: set[str] = set()
        current = start
        end: str | None
        while True:
            if current in resolved:
                end = resolved[current]
                break
            if current in broken or current not in merged_into or current in on_path:
                end = None
                break
            path.append(current)
            on_path.add(current)
            target = merged_into[current]
            if target is None:
                end = current
                break
            current = target
        for row in path:
            if end is None:
                broken.add(row)
            else:
                resolved[row] = end
    return resolved


def tally(votes: Iterable[Vote], survivor_of: Mapping[str, str] | None = None) -> dict[str, Tally]:
    """Add votes up per item they count for (survivor_of; all items themselves if None).

    Votes on items missing from survivor_of (deleted, or in a broken chain) do not count.
    """
    tallies: dict[str, Tally] = {}
    for vote in votes:
        item = vote.item_id if survivor_of is None else survivor_of.get(vote.item_id)
        if item is None:
            continue
        entry = tallies.get(item)
        if entry is None:
            entry = tallies[item] = Tally()
        entry.score += vote.points
        if vote.voter is not None:
            entry.voters.add(vote.voter)
    return tallies


def voter_count(tallies: Iterable[Tally]) -> int:
    """Return how many distinct delegates the tallies hold."""
    voters: set[str] = set()
    for entry in tallies:
        voters |= entry.voters
    return len(voters)


def theme_totals(
    items: Iterable[tuple[str | None, Tally | None]],
) -> tuple[dict[str | None, Tally], dict[str | None, int]]:
    """Add up (theme, tally) pairs, one per shown pain point: tallies and counts per theme.

    A theme's score adds its pain points' scores; its voters are the union of theirs.
    """
    totals: dict[str | None, Tally] = {}
    counts: dict[str | None, int] = {}
    for theme_id, entry in items:
        counts[theme_id] = counts.get(theme_id, 0) + 1
        if entry is None:
            continue
        total = totals.get(theme_id)
        if total is None:
            total = totals[theme_id] = Tally()
        total.score += entry.score
        total.voters |= entry.voters
    return totals, counts


def scored(item: Item, entry: Tally | None, *, voters: int | None = None) -> Scored:
    """Return an item's ranking entry from its tally (no tally: a score of zero)."""
    score = entry.score if entry is not None else 0
    if voters is None:
        voters = len(entry.voters) if entry is not None else 0
    return Scored(item.id, item.label, score, voters, item.created_at, item.position)


def rank(items: Iterable[Item], tallies: Mapping[str | None, Tally]) -> list[Ranked]:
    """Rank items by their tallies with the documented tie-break."""
    return rank_items(scored(item, tallies.get(item.id)) for item in items)


def theme_standings(
    themes: Iterable[Item],
    totals: Mapping[str | None, Tally],
    counts: Mapping[str | None, int],
) -> list[ThemeStanding]:
    """Rank shown themes by their totals, with how many pain points each holds."""
    return [
        ThemeStanding(entry, counts.get(entry.item.item_id, 0)) for entry in rank(themes, totals)
    ]


def theme_survivors(themes: Iterable[Item]) -> dict[str, str]:
    """Map each live theme to the theme it counts for (the end of its merge chain)."""
    return survivors({theme.id: theme.merged_into for theme in themes})


def score_inventory(
    points: Iterable[Item], themes: Iterable[Item], votes: Iterable[Vote]
) -> InventoryScores:
    """Score a pain-point round: live pain points and themes (with their merges) and its votes."""
    points = list(points)
    themes = list(themes)
    point_survivor = survivors({point.id: point.merged_into for point in points})
    theme_survivor = theme_survivors(themes)
    tallies = tally(votes, point_survivor)
    visible = [point for point in points if point_survivor.get(point.id) == point.id]
    theme_of = {
        point.id: theme_survivor.get(point.theme_id) if point.theme_id else None
        for point in visible
    }
    totals, counts = theme_totals((theme_of[point.id], tallies.get(point.id)) for point in visible)
    variants: dict[str, list[Item]] = {}
    merged_points = [
        point for point in points if point_survivor.get(point.id) not in (None, point.id)
    ]
    for point in sorted(merged_points, key=lambda row: (row.position, row.created_at)):
        variants.setdefault(point_survivor[point.id], []).append(point)
    merged: dict[str, list[Item]] = {}
    for theme in themes:
        target = theme_survivor.get(theme.id)
        if target is not None and target != theme.id:
            merged.setdefault(target, []).append(theme)
    shown_themes = [theme for theme in themes if theme_survivor.get(theme.id) == theme.id]
    return InventoryScores(
        points=tuple(rank(visible, tallies)),
        themes=tuple(rank(shown_themes, totals)),
        tallies=tallies,
        theme_of=theme_of,
        theme_totals=totals,
        theme_counts=counts,
        variants={key: tuple(value) for key, value in variants.items()},
        merged_themes={key: tuple(value) for key, value in merged.items()},
    )


def score_round(votes: Iterable[Vote], cards: Iterable[Item], *, hand_count: bool) -> RoundScores:
    """Score a card round from its live votes and the live cards (a hand count: hands are voters).

    Votes on cards not given (deleted) do not score, but their delegates still cast a ballot.
    """
    votes = list(votes)
    live = {card.id: card for card in cards}
    tallies = tally(vote for vote in votes if vote.item_id in live)
    ranked = rank_items(
        scored(live[card_id], entry, voters=entry.score if hand_count else None)
        for card_id, entry in tallies.items()
        if entry.score
    )
    ballots = len({vote.voter for vote in votes if vote.voter is not None})
    return RoundScores(tuple(ranked), ballots)


class LiveScores:
    """A pain-point round's scores kept up to date one change at a time, by the rule above.

    A console feeds it the rows, themes and votes that changed; each change costs what it
    touches (the changed rows, the rows merged into them, their themes), never a pass over
    every row. After rows change, the shown pain points they touched must have their votes
    counted again (count_votes with only=): `members` says which rows' votes that needs.
    """

    def __init__(self) -> None:
        self.merged_into: dict[str, str | None] = {}
        """Every live row and the row it was merged into."""
        self.theme_id: dict[str, str | None] = {}
        """Every live row's theme as recorded."""
        self.survivor: dict[str, str] = {}
        """Every row that counts, mapped to the shown pain point it counts for."""
        self.variants: dict[str, set[str]] = {}
        """The rows that count for each shown pain point, itself left out."""
        self.tallies: dict[str, Tally] = {}
        """Score and voters per shown pain point that got votes."""
        self.theme_survivor: dict[str, str] = {}
        self.themes: dict[str, Item] = {}
        """Every live theme, merged ones too."""
        self._children: dict[str, set[str]] = {}
        self._theme_of: dict[str, str | None] = {}
        self._recorded: dict[str, str | None] = {}
        self._by_recorded_theme: dict[str | None, set[str]] = {}
        self._theme_counts: dict[str | None, int] = {}
        self._theme_scores: dict[str | None, int] = {}
        self._theme_tallied: dict[str | None, int] = {}
        self._theme_voters: dict[str | None, dict[str, int]] = {}
        self._voters: dict[str, int] = {}

    # Changes ----------------------------------------------------------------------------------

    def apply_rows(
        self, live: Iterable[tuple[str, str | None, str | None]], gone: Iterable[str] = ()
    ) -> set[str]:
        """Take in changed rows, (id, merged into, theme) each, and ids deleted; return the
        shown pain points whose votes must be counted again (before or after the change)."""
        if not self.merged_into:
            return self._load(live)
        changed: set[str] = set()
        for row in gone:
            self._unlink(row)
            changed.add(row)
        for row, into, theme in live:
            self._unlink(row)
            self.merged_into[row] = into
            self.theme_id[row] = theme
            if into is not None:
                self._children.setdefault(into, set()).add(row)
            changed.add(row)
        affected = self._descendants(changed)
        before = {row: self.survivor.get(row) for row in affected}
        for row in affected:
            self._drop(row)
        for row in affected:
            self.survivor.pop(row, None)
        resolved: dict[str, str | None] = {}
        for row in affected:
            self._resolve(row, affected, resolved)
        touched: set[str] = set()
        for row in affected:
            end = resolved.get(row)
            if end is not None:
                self.survivor[row] = end
                if end != row:
                    self.variants.setdefault(end, set()).add(row)
            touched.update(item for item in (before[row], end) if item is not None)
        for row in affected:
            if self.survivor.get(row) == row:
                self._add(row)
            else:
                self.tallies.pop(row, None)
        return touched

    def _load(self, live: Iterable[tuple[str, str | None, str | None]]) -> set[str]:
        """Take in the first rows all at once (one pass, as score_inventory does)."""
        for row, into, theme in live:
            self.merged_into[row] = into
            self.theme_id[row] = theme
            if into is not None:
                self._children.setdefault(into, set()).add(row)
        self.survivor = survivors(self.merged_into)
        for row, end in self.survivor.items():
            if end == row:
                self._add(row)
            else:
                self.variants.setdefault(end, set()).add(row)
        return {row for row, end in self.survivor.items() if end == row}

    def set_themes(self, themes: Iterable[Item]) -> None:
        """Take in every live theme (merged ones too): themes are few, items move only if their
        theme now counts for another."""
        self.themes = {theme.id: theme for theme in themes}
        old = self.theme_survivor
        self.theme_survivor = theme_survivors(self.themes.values())
        moved = {
            theme
            for theme in old.keys() | self.theme_survivor.keys()
            if old.get(theme) != self.theme_survivor.get(theme)
        }
        for theme in moved:
            for item in list(self._by_recorded_theme.get(theme, ())):
                self._drop(item)
                self._add(item)

    def count_votes(self, votes: Iterable[Vote], only: Iterable[str] | None = None) -> None:
        """Count votes into the tallies: all of them (only=None), or afresh for only the given
        shown pain points from the votes on their members."""
        if only is None:
            self.tallies = tally(votes, self.survivor)
            for aggregate in (
                self._theme_of,
                self._recorded,
                self._by_recorded_theme,
                self._theme_counts,
                self._theme_scores,
                self._theme_tallied,
                self._theme_voters,
                self._voters,
            ):
                aggregate.clear()
            for item, end in self.survivor.items():
                if item == end:
                    self._add(item)
            return
        wanted = {item for item in only if self.survivor.get(item) == item}
        fresh = tally(votes, {row: item for item in wanted for row in self.members([item])})
        for item in only:
            if item in wanted:
                self._drop(item)
                if item in fresh:
                    self.tallies[item] = fresh[item]
                else:
                    self.tallies.pop(item, None)
                self._add(item)
            else:
                self.tallies.pop(item, None)

    # Answers ----------------------------------------------------------------------------------

    def is_shown(self, row: str) -> bool:
        """Tell whether a row is a shown pain point (live and merged into nothing that counts)."""
        return self.survivor.get(row) == row

    def members(self, items: Iterable[str]) -> list[str]:
        """Return shown pain points with the rows that count for them: whose votes make a score."""
        found: list[str] = []
        for item in items:
            found.append(item)
            found.extend(self.variants.get(item, ()))
        return found

    def theme_of(self, item: str) -> str | None:
        """Return the theme a shown pain point belongs to (None: none)."""
        return self._theme_of.get(item)

    @property
    def ballots(self) -> int:
        """Return how many delegates gave shown pain points points."""
        return len(self._voters)

    def theme_totals(self) -> dict[str | None, Tally]:
        """Return score and voters per theme holding a pain point with votes (None: no theme)."""
        return {
            theme: Tally(self._theme_scores[theme], set(self._theme_voters[theme]))
            for theme, tallied in self._theme_tallied.items()
            if tallied
        }

    def theme_counts(self) -> dict[str | None, int]:
        """Return how many shown pain points each theme holds (None: without a theme)."""
        return {theme: count for theme, count in self._theme_counts.items() if count}

    def standings(self) -> list[ThemeStanding]:
        """Return the shown themes ranked, with how many pain points each holds."""
        shown = [
            item for item in self.themes.values() if self.theme_survivor.get(item.id) == item.id
        ]
        return theme_standings(shown, self.theme_totals(), self.theme_counts())

    # Bookkeeping ------------------------------------------------------------------------------

    def _unlink(self, row: str) -> None:
        """Forget a row's own merge link and theme (its place in chains is worked out again)."""
        into = self.merged_into.pop(row, None)
        self.theme_id.pop(row, None)
        if into is not None:
            children = self._children.get(into)
            if children is not None:
                children.discard(row)
                if not children:
                    del self._children[into]

    def _descendants(self, rows: set[str]) -> set[str]:
        """Return the rows with every row whose merge chain passes through one of them."""
        found = set(rows)
        queue = list(rows)
        while queue:
            for child in self._children.get(queue.pop(), ()):
                if child not in found:
                    found.add(child)
                    queue.append(child)
        return found

    def _resolve(self, start: str, affected: set[str], resolved: dict[str, str | None]) -> None:
        """Work out the end of a row's merge chain (None: it breaks), remembering the path's."""
        path: list[str] = []
        on_path: set[str] = set()
        current = start
        while True:
            if current in resolved:
                end = resolved[current]
                break
            if current not in affected:
                end = self.survivor.get(current)
                break
            if current not in self.merged_into or current in on_path:
                end = None
                break
            path.append(current)
            on_path.add(current)
            target = self.merged_into[current]
            if target is None:
                end = current
                break
            current = target
        for row in path:
            resolved[row] = end

    def _drop(self, row: str) -> None:
        """Take a row out of the variants, and a shown pain point out of its theme's totals."""
        end = self.survivor.get(row)
        if end is None:
            return
        if end != row:
            variants = self.variants.get(end)
            if variants is not None:
                variants.discard(row)
                if not variants:
                    del self.variants[end]
            return
        if row not in self._theme_of:
            return
        theme = self._theme_of.pop(row)
        group = self._by_recorded_theme[self._recorded.pop(row)]
        group.discard(row)
        self._theme_counts[theme] -= 1
        entry = self.tallies.get(row)
        if entry is not None:
            self._theme_tallied[theme] -= 1
            self._theme_scores[theme] -= entry.score
            self._forget_voters(self._theme_voters[theme], entry.voters)
            self._forget_voters(self._voters, entry.voters)

    def _add(self, row: str) -> None:
        """Add a shown pain point (and its tally) to its theme's totals."""
        recorded = self.theme_id.get(row)
        theme = self.theme_survivor.get(recorded) if recorded else None
        self._theme_of[row] = theme
        self._recorded[row] = recorded
        self._by_recorded_theme.setdefault(recorded, set()).add(row)
        self._theme_counts[theme] = self._theme_counts.get(theme, 0) + 1
        entry = self.tallies.get(row)
        if entry is not None:
            self._theme_tallied[theme] = self._theme_tallied.get(theme, 0) + 1
            self._theme_scores[theme] = self._theme_scores.get(theme, 0) + entry.score
            voters = self._theme_voters.setdefault(theme, {})
            for voter in entry.voters:
                voters[voter] = voters.get(voter, 0) + 1
                self._voters[voter] = self._voters.get(voter, 0) + 1

    @staticmethod
    def _forget_voters(counts: dict[str, int], voters: Iterable[str]) -> None:
        """Take one count off each voter, forgetting those at zero."""
        for voter in voters:
            left = counts[voter] - 1
            if left:
                counts[voter] = left
            else:
                del counts[voter]
