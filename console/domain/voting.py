"""Ballot rules for hand counts, dot votes, pick-N card votes and approval votes."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

BUDGET_MIN = 1
BUDGET_MAX = 12
PICK_COUNT_MIN = 1
PICK_COUNT_MAX = 12
DEFAULT_BUDGET = 5
DEFAULT_CAP_PER_ITEM = 3
DEFAULT_PICK_COUNT = 3
MAX_HAND_COUNT = 1_000_000

EMPTY_ENTRY_MESSAGE = "Type the card numbers of one ballot, e.g. 3 7 12."

_ENTRY_SEPARATORS = re.compile(r"[\s,;]+")
_MULTIPLIER = re.compile(r"^(?P<label>.+?)[x×*](?P<count>[0-9]+)$", re.IGNORECASE)


class RuleError(ValueError):
    """A broken voting rule whose message is a sentence to show the facilitator."""


class VotingMethod(StrEnum):
    """How the room's votes are collected for one round."""

    HAND_COUNT = "hand_count"
    DOT = "dot"
    PICK_N = "pick_n"
    APPROVAL = "approval"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    """Return the count with the singular or plural noun."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return f"{count} {noun}"


def _require_whole_number(value: object, message: str) -> int:
    """Return the value as an int, or raise RuleError with the message if it is not one."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError(message)
    return value


@dataclass(frozen=True)
class VoteRules:
    """The rules one voting round applies to every delegate's ballot."""

    method: VotingMethod
    budget: int = DEFAULT_BUDGET
    cap_per_item: int = DEFAULT_CAP_PER_ITEM
    pick_count: int = DEFAULT_PICK_COUNT

    def __post_init__(self) -> None:
        """Refuse to build rules that break the limits."""
        self.validate()

    def validate(self) -> None:
        """Raise RuleError unless the budget, cap and pick count are within their limits."""
        if not isinstance(self.method, VotingMethod):
            raise RuleError(f"Unknown voting method: {self.method}.")
        budget_message = f"Vote budget must be between {BUDGET_MIN} and {BUDGET_MAX}."
        budget = _require_whole_number(self.budget, budget_message)
        if not BUDGET_MIN <= budget <= BUDGET_MAX:
            raise RuleError(budget_message)
        cap = _require_whole_number(
            self.cap_per_item, "The cap per item must be a whole number of votes."
        )
        if cap < 1:
            raise RuleError("The cap per item must be at least 1.")
        if cap > budget:
            raise RuleError(f"The cap per item cannot be above the budget ({budget}).")
        pick_message = f"Cards to pick must be between {PICK_COUNT_MIN} and {PICK_COUNT_MAX}."
        pick_count = _require_whole_number(self.pick_count, pick_message)
        if not PICK_COUNT_MIN <= pick_count <= PICK_COUNT_MAX:
            raise RuleError(pick_message)


def make_rules(
    method: VotingMethod | str,
    budget: int = DEFAULT_BUDGET,
    cap_per_item: int | None = None,
    pick_count: int = DEFAULT_PICK_COUNT,
) -> VoteRules:
    """Build validated rules, defaulting the cap per item to the smaller of 3 and the budget."""
    try:
        voting_method = VotingMethod(method)
    except ValueError:
        raise RuleError(f"Unknown voting method: {method}.") from None
    if cap_per_item is None and isinstance(budget, int) and not isinstance(budget, bool):
        cap_per_item = min(DEFAULT_CAP_PER_ITEM, max(budget, 1))
    elif cap_per_item is None:
        cap_per_item = DEFAULT_CAP_PER_ITEM
    return VoteRules(
        method=voting_method, budget=budget, cap_per_item=cap_per_item, pick_count=pick_count
    )


def check_ballot(
    rules: VoteRules, ballot: Mapping[str, int], valid_item_ids: Collection[str]
) -> None:
    """Raise RuleError with a one-line reason unless one delegate's ballot obeys the rules."""
    known_ids = frozenset(valid_item_ids)
    for item_id, points in ballot.items():
        _require_whole_number(points, "Votes must be whole numbers.")
        if points < 0:
            raise RuleError("Votes cannot be negative.")
        if points == 0:
            raise RuleError("Each entry on a ballot needs at least one vote.")
        if item_id not in known_ids:
            raise RuleError(f"Unknown item: {item_id}.")
    if rules.method is VotingMethod.HAND_COUNT:
        if any(points > MAX_HAND_COUNT for points in ballot.values()):
            raise RuleError("That count is too large.")
    elif rules.method is VotingMethod.DOT:
        used = sum(ballot.values())
        if used > rules.budget:
            raise RuleError(
                f"That ballot uses {_plural(used, 'vote')}; the budget is {rules.budget}."
            )
        if any(points > rules.cap_per_item for points in ballot.values()):
            raise RuleError(f"At most {_plural(rules.cap_per_item, 'vote')} on one item.")
    elif rules.method is VotingMethod.PICK_N:
        if len(ballot) > rules.pick_count:
            raise RuleError(
                f"Pick at most {_plural(rules.pick_count, 'card')}; this ballot has {len(ballot)}."
            )
        if any(points > 1 for points in ballot.values()):
            raise RuleError("Each card can be picked only once.")
    elif rules.method is VotingMethod.APPROVAL and any(points > 1 for points in ballot.values()):
        raise RuleError("Each item can get only one vote.")


def ballot_is_complete(rules: VoteRules, ballot: Mapping[str, int]) -> bool:
    """Tell whether a ballot picks exactly N cards or spends the whole dot budget."""
    if rules.method is VotingMethod.DOT:
        return sum(ballot.values()) == rules.budget
    if rules.method is VotingMethod.PICK_N:
        return sum(1 for points in ballot.values() if points > 0) == rules.pick_count
    return True


def parse_ballot_entry(text: str, labels: Mapping[str, str]) -> dict[str, int]:
    """Turn typed card codes such as "3 7 12", "3,7,7" or "3x2 7" into item id -> points."""
    label_to_id = {label.strip().casefold(): item_id for label, item_id in labels.items()}
    tokens = [token for token in _ENTRY_SEPARATORS.split(text) if token]
    if not tokens:
        raise RuleError(EMPTY_ENTRY_MESSAGE)
    ballot: dict[str, int] = {}
    for token in tokens:
        item_id = label_to_id.get(token.casefold())
        count = 1
        if item_id is None:
            found = _MULTIPLIER.match(token)
            if found is None:
                raise RuleError(f"Unknown card code: {token}.")
            item_id = label_to_id.get(found["label"].casefold())
            if item_id is None:
                raise RuleError(f"Unknown card code: {found['label']}.")
            if len(found["count"].lstrip("0")) > len(str(MAX_HAND_COUNT)):
                raise RuleError("That count is too large.")
            count = int(found["count"])
            if count < 1:
                raise RuleError(f"Use a count of 1 or more after x: {token}.")
        ballot[item_id] = ballot.get(item_id, 0) + count
    return ballot


def format_ballot_entry(ballot: Mapping[str, int], item_labels: Mapping[str, str]) -> str:
    """Write a ballot back as typed card codes, e.g. "3x2 7", using item id -> label."""
    parts: list[str] = []
    for item_id, points in ballot.items():
        if points <= 0:
            continue
        label = item_labels[item_id]
        parts.append(label if points == 1 else f"{label}x{points}")
    return " ".join(parts)


def clamp_hand_count(current: int, delta: int) -> int:
    """Return a hand count after adding delta, refusing results below zero or absurdly large."""
    result = current + delta
    if result < 0:
        raise RuleError("A count cannot go below zero.")
    if result > MAX_HAND_COUNT:
        raise RuleError("That count is too large.")
    return result


def parse_hand_count(text: str) -> int:
    """Read a typed hand count such as "12", refusing anything but a whole number in range."""
    cleaned = text.strip()
    if not cleaned:
        raise RuleError("Type a count, e.g. 12.")
    if re.fullmatch(r"-[0-9]+", cleaned):
        raise RuleError("A count cannot go below zero.")
    if not re.fullmatch(r"[0-9]+", cleaned):
        raise RuleError(f"Not a whole number: {cleaned}.")
    if len(cleaned.lstrip("0")) > len(str(MAX_HAND_COUNT)):
        raise RuleError("That count is too large.")
    return clamp_hand_count(0, int(cleaned))
