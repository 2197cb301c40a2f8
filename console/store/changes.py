"""What changed in the file, by feature: what the screens watch, without naming tables."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Feature(Enum):
    """One kind of thing the file holds; its value names the tables that hold it."""

    WORKSHOP = ("workshop",)
    PARTICIPANTS = ("participants",)
    AGENDA = ("agenda_days", "agenda_items", "timer_events")
    PAIN_POINTS = ("pain_points",)
    THEMES = ("themes",)
    ROUNDS = ("voting_rounds",)
    """Voting rounds, on pain points, themes or cards alike."""
    PAIN_POINT_VOTES = ("pain_point_votes",)
    CARDS = ("decks", "cards")
    CARD_VOTES = ("card_votes",)
    """Ballots and hand counts of card rounds."""
    CARD_LINKS = ("card_pain_points",)
    """Which pain points each card explains."""
    RANKINGS = ("reference_rankings", "reference_entries")
    """Published rankings of a deck."""
    TAKEAWAYS = ("takeaways",)
    TAKEAWAY_TAGS = ("takeaway_competence_areas", "takeaway_themes")
    COMPETENCE_AREAS = ("competence_areas",)
    DISPLAY = ("display",)
    """What the projector shows."""
    ROOM = ("room", "room_seats")
    """What the phones in the room may do, and who joined from one."""

    @property
    def tables(self) -> tuple[str, ...]:
        """Return the tables that hold this feature's rows."""
        return self.value


EVERY_FEATURE: frozenset[Feature] = frozenset(Feature)
"""Everything: what a screen reads when it first shows."""

_FEATURE_OF_TABLE = {table: feature for feature in Feature for table in feature.tables}


def features_of(tables: Iterable[str]) -> frozenset[Feature]:
    """Return the features whose tables are among these."""
    return frozenset(_FEATURE_OF_TABLE[table] for table in tables if table in _FEATURE_OF_TABLE)
