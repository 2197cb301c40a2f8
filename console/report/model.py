"""The report of one workshop as plain data: what every renderer (Markdown, HTML) shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

PAIN_POINT_COLUMNS = ("Rank", "#", "Pain point", "Points", "Voters", "Raised by")
"""Columns of a theme's table of pain points, in every report format."""

PAIN_POINT_HAND_COLUMNS = ("Rank", "#", "Pain point", "Hands", "Raised by")
"""Columns of a theme's table of pain points when the round counted hands (no voters)."""

CARD_RESULT_COLUMNS = (
    "Rank",
    "Card",
    "Title",
    "Category",
    "Points",
    "Voters",
    "Published rankings",
    "Global top",
    "Linked pain points",
)
"""Columns of a card round's results, in every report format."""

CARD_HAND_COLUMNS = tuple(
    "Hands" if column == "Points" else column
    for column in CARD_RESULT_COLUMNS
    if column != "Voters"
)
"""Columns of a hand-count card round's results: its hands, no voters."""


@dataclass(frozen=True, slots=True)
class AgendaLine:
    """One agenda item with its planned and actual time."""

    title: str
    kind: str
    status: str
    planned_minutes: int
    actual_seconds: float | None
    running: bool = False

    @property
    def actual_minutes(self) -> float | None:
        """Return the actual time in minutes, when the item has run (or is running)."""
        return None if self.actual_seconds is None else self.actual_seconds / 60


@dataclass(frozen=True, slots=True)
class AgendaDayReport:
    """One day of the agenda."""

    number: int
    title: str
    date: str | None
    start_time: str
    items: tuple[AgendaLine, ...]

    @property
    def planned_minutes(self) -> int:
        """Return the day's planned minutes, skipped items left out."""
        return sum(item.planned_minutes for item in self.items if item.status != "skipped")

    @property
    def actual_minutes(self) -> float:
        """Return the minutes the items that ran took."""
        return sum(item.actual_minutes or 0 for item in self.items)


class PainPointLine(NamedTuple):
    """One surviving pain point with its score and the variants merged into it (a tuple, as
    TakeawayLine: a big report makes one per pain point)."""

    rank: int
    tied: bool
    position: int
    text: str
    score: int
    voters: int
    raised_by: str
    variants: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ThemeReport:
    """One surviving theme: its rank, score and its pain points, best first."""

    rank: int
    tied: bool
    name: str
    description: str
    score: int
    voters: int
    items: tuple[PainPointLine, ...]
    merged_themes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CardLine:
    """One card's result in a round, with how published rankings place it."""

    rank: int
    tied: bool
    code: str
    title: str
    category: str | None
    score: int
    voters: int
    reference_ranks: tuple[str, ...]
    global_top: bool
    pain_points: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReferenceRow:
    """One row of a comparison between the room and one published ranking."""

    label: str
    room_rank: int | None
    reference_rank: int | None
    in_room_top: bool
    in_reference: bool


@dataclass(frozen=True, slots=True)
class ReferenceReport:
    """The room's result compared with one published ranking."""

    name: str
    year: int | None
    ordered: bool
    rows: tuple[ReferenceRow, ...]
    shared_top: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CardRoundReport:
    """One card round's results and its comparisons."""

    title: str
    deck: str
    method: str
    status: str
    revealed: bool
    ballots: int
    cards: tuple[CardLine, ...]
    references: tuple[ReferenceReport, ...]
    label: str = ""
    """The method as the facilitator reads it: "pick 3", "recognise", "hand count"."""
    delegates: int | None = None
    """How many delegates the workshop has, for the round's turnout."""

    @property
    def hands(self) -> bool:
        """Tell whether the round counted raised hands (no ballots, no voters)."""
        return self.method == "hand_count"


class TakeawayLine(NamedTuple):
    """One takeaway as the report shows it (a tuple: a big report makes hundreds of thousands,
    each time it goes through its takeaways, and a frozen dataclass costs four times more)."""

    kind: str
    text: str
    speaker: str
    owner: str = ""
    """An action's owner."""
    due_on: str = ""
    """An action's due date (ISO), or empty."""
    status: str = ""
    """An action's status: open, done or dropped."""


class ActionLine(NamedTuple):
    """One action: what, who, when, status and what done means (a tuple, as TakeawayLine)."""

    what: str
    who: str
    when: str
    status: str
    done_means: str


@dataclass(frozen=True, slots=True)
class Group:
    """Takeaways under one heading (a theme or a competence area)."""

    name: str
    takeaways: Sequence[TakeawayLine]


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a published report of one workshop holds.

    The takeaways (by kind and in groups) may be read from the workshop file each time they are
    gone through, so that the report never holds them all: render it while its file is open.
    """

    title: str
    event: str
    venue: str
    starts_on: str | None
    ends_on: str | None
    generated_at: str
    pain_point_round: str | None
    agenda: tuple[AgendaDayReport, ...]
    themes: tuple[ThemeReport, ...]
    pain_point_count: int
    card_rounds: tuple[CardRoundReport, ...]
    by_theme: tuple[Group, ...]
    by_area: tuple[Group, ...]
    insights: Sequence[TakeawayLine]
    quotes: Sequence[TakeawayLine]
    decisions: Sequence[TakeawayLine]
    questions: Sequence[TakeawayLine]
    actions: tuple[ActionLine, ...]
    tie_break_rule: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    delegates: int | None = None
    """How many delegates the workshop has."""
    pain_point_voters: int | None = None
    """How many delegates voted in the inventory's round (None for a hand count)."""
    pain_point_hands: bool = False
    """Whether the inventory's round counted raised hands (its scores are hands)."""

    @property
    def dates(self) -> str:
        """Return the workshop's dates as one short text."""
        if self.starts_on and self.ends_on and self.ends_on != self.starts_on:
            return f"{self.starts_on} – {self.ends_on}"
        return self.starts_on or self.ends_on or ""


@dataclass(frozen=True, slots=True)
class PortfolioCard:
    """One card across many workshops."""

    rank: int
    tied: bool
    deck: str
    code: str
    title: str
    points: int
    workshops: int
    top3: int
    by_year: dict[int, int]


@dataclass(frozen=True, slots=True)
class PortfolioTheme:
    """One pain-point theme (by normalised name) across many workshops."""

    rank: int
    tied: bool
    name: str
    points: int
    workshops: int
    pain_points: int
    by_year: dict[int, int]


@dataclass(frozen=True, slots=True)
class PortfolioWorkshop:
    """One workshop file's counts in a portfolio."""

    file: str
    title: str
    year: int
    pain_points: int
    themes: int
    card_votes: int
    takeaways: int
    top_card: str


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Many workshops combined: rankings of cards and themes, counts and trends by year."""

    workshops: tuple[PortfolioWorkshop, ...]
    cards: tuple[PortfolioCard, ...]
    themes: tuple[PortfolioTheme, ...]
    years: tuple[int, ...]
    skipped: tuple[str, ...]
    top_cards_by_year: dict[int, tuple[str, ...]]
    tie_break_rule: str = ""
