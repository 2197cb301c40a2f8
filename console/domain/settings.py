"""A workshop's vote settings and their limits."""

from __future__ import annotations

from typing import NamedTuple


# A NamedTuple: the console imports this module before its first frame, and a NamedTuple class
# is built in a fraction of a frozen dataclass's time.
class WorkshopSettings(NamedTuple):
    """Default vote settings of a workshop."""

    vote_budget: int = 5
    vote_cap: int = 3
    pick_count: int = 3

    def as_dict(self) -> dict[str, int]:
        """Return the settings as stored in the workshop row."""
        return {
            "vote_budget": self.vote_budget,
            "vote_cap": self.vote_cap,
            "pick_count": self.pick_count,
        }


def validate_settings(vote_budget: int, vote_cap: int, pick_count: int) -> WorkshopSettings:
    """Return checked vote settings or raise ValueError with a user-facing sentence."""
    if not 1 <= vote_budget <= 12:
        raise ValueError(f"The vote budget must be between 1 and 12 (got {vote_budget}).")
    if not 1 <= vote_cap <= vote_budget:
        raise ValueError(
            f"The cap per item must be between 1 and the budget ({vote_budget}); got {vote_cap}."
        )
    if not 1 <= pick_count <= 50:
        raise ValueError(f"Cards to pick must be between 1 and 50 (got {pick_count}).")
    return WorkshopSettings(vote_budget, vote_cap, pick_count)
