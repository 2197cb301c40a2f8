"""Tests for the ballot rules in console.domain.voting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.voting import (
    EMPTY_ENTRY_MESSAGE,
    MAX_HAND_COUNT,
    RuleError,
    VoteRules,
    VotingMethod,
    ballot_is_complete,
    check_ballot,
    clamp_hand_count,
    format_ballot_entry,
    make_rules,
    parse_ballot_entry,
    parse_hand_count,
)

ITEMS = [f"item-{number}" for number in range(1, 21)]
LABELS = {str(number): f"item-{number}" for number in range(1, 21)}


def test_voting_method_values_are_stable() -> None:
    """The stored method names never change."""
    assert [method.value for method in VotingMethod] == ["hand_count", "dot", "pick_n", "approval"]


def test_rules_defaults() -> None:
    """Default rules follow the published numbers: 5 votes, at most 3 per item, pick 3."""
    rules = make_rules("dot")
    assert rules == VoteRules(VotingMethod.DOT, budget=5, cap_per_item=3, pick_count=3)


@pytest.mark.parametrize("budget", [0, 13, -1])
def test_rules_reject_budget_out_of_range(budget: int) -> None:
    """The budget must stay within 1 to 12."""
    with pytest.raises(RuleError, match=r"^Vote budget must be between 1 and 12\.$"):
        make_rules(VotingMethod.DOT, budget=budget)


def test_rules_reject_cap_above_budget() -> None:
    """The cap per item may not exceed the budget."""
    with pytest.raises(RuleError) as caught:
        VoteRules(VotingMethod.DOT, budget=5, cap_per_item=6)
    assert str(caught.value) == "The cap per item cannot be above the budget (5)."


def test_rules_reject_cap_below_one() -> None:
    """A cap of zero would make voting impossible."""
    with pytest.raises(RuleError, match=r"^The cap per item must be at least 1\.$"):
        make_rules(VotingMethod.DOT, cap_per_item=0)


@pytest.mark.parametrize("pick_count", [0, 13])
def test_rules_reject_pick_count_out_of_range(pick_count: int) -> None:
    """The number of cards to pick stays within 1 to 12."""
    with pytest.raises(RuleError, match=r"^Cards to pick must be between 1 and 12\.$"):
        make_rules(VotingMethod.PICK_N, pick_count=pick_count)


def test_rules_reject_non_numbers_and_unknown_method() -> None:
    """Rules refuse fractional budgets and unknown method names."""
    with pytest.raises(RuleError, match="Vote budget"):
        VoteRules(VotingMethod.DOT, budget=2.5)  # type: ignore[arg-type]
    with pytest.raises(RuleError, match=r"^Unknown voting method: ranked\.$"):
        make_rules("ranked")


def test_make_rules_shrinks_default_cap_to_small_budget() -> None:
    """A budget of 2 gets a cap of 2 instead of failing on the default cap of 3."""
    assert make_rules(VotingMethod.DOT, budget=2).cap_per_item == 2
    assert make_rules(VotingMethod.DOT, budget=12).cap_per_item == 3


def test_check_ballot_rejects_negative_and_zero_votes() -> None:
    """Negative and zero entries are refused with their own messages."""
    rules = make_rules(VotingMethod.DOT)
    with pytest.raises(RuleError, match=r"^Votes cannot be negative\.$"):
        check_ballot(rules, {"item-1": -1}, ITEMS)
    with pytest.raises(RuleError, match=r"^Each entry on a ballot needs at least one vote\.$"):
        check_ballot(rules, {"item-1": 0}, ITEMS)
    with pytest.raises(RuleError, match=r"^Votes must be whole numbers\.$"):
        check_ballot(rules, {"item-1": 1.5}, ITEMS)  # type: ignore[dict-item]


def test_check_ballot_rejects_unknown_item() -> None:
    """A vote for a deleted or unknown item is refused."""
    with pytest.raises(RuleError, match=r"^Unknown item: gone\.$"):
        check_ballot(make_rules(VotingMethod.APPROVAL), {"gone": 1}, ITEMS)


def test_dot_ballot_over_budget() -> None:
    """A dot ballot may not spend more than the budget."""
    rules = make_rules(VotingMethod.DOT)
    with pytest.raises(RuleError) as caught:
        check_ballot(rules, {"item-1": 3, "item-2": 3}, ITEMS)
    assert str(caught.value) == "That ballot uses 6 votes; the budget is 5."


def test_dot_ballot_over_cap() -> None:
    """A dot ballot may not put more than the cap on one item."""
    rules = make_rules(VotingMethod.DOT)
    with pytest.raises(RuleError) as caught:
        check_ballot(rules, {"item-1": 4}, ITEMS)
    assert str(caught.value) == "At most 3 votes on one item."
    single = make_rules(VotingMethod.DOT, cap_per_item=1)
    with pytest.raises(RuleError, match=r"^At most 1 vote on one item\.$"):
        check_ballot(single, {"item-1": 2}, ITEMS)


def test_dot_ballot_within_rules_is_accepted() -> None:
    """A ballot inside budget and cap passes, and the helpers report what is left."""
    rules = make_rules(VotingMethod.DOT)
    ballot = {"item-1": 3, "item-2": 1}
    check_ballot(rules, ballot, ITEMS)
    assert not ballot_is_complete(rules, ballot)
    assert ballot_is_complete(rules, {"item-1": 3, "item-2": 2})


def test_pick_n_ballot_with_too_many_cards() -> None:
    """A pick-3 ballot may not pick a fourth card."""
    rules = make_rules(VotingMethod.PICK_N)
    ballot = {item: 1 for item in ITEMS[:4]}
    with pytest.raises(RuleError) as caught:
        check_ballot(rules, ballot, ITEMS)
    assert str(caught.value) == "Pick at most 3 cards; this ballot has 4."


def test_pick_n_ballot_picks_each_card_once() -> None:
    """A card cannot be picked twice by one delegate."""
    with pytest.raises(RuleError, match=r"^Each card can be picked only once\.$"):
        check_ballot(make_rules(VotingMethod.PICK_N), {"item-1": 2}, ITEMS)


def test_pick_n_short_ballot_is_allowed_but_incomplete() -> None:
    """Fewer than N picks is a valid but incomplete ballot."""
    rules = make_rules(VotingMethod.PICK_N)
    ballot = {"item-1": 1, "item-2": 1}
    check_ballot(rules, ballot, ITEMS)
    assert not ballot_is_complete(rules, ballot)
    assert ballot_is_complete(rules, {**ballot, "item-3": 1})


def test_approval_ballot_one_point_each() -> None:
    """Approval allows any number of items but one point each."""
    rules = make_rules(VotingMethod.APPROVAL)
    check_ballot(rules, {item: 1 for item in ITEMS}, ITEMS)
    with pytest.raises(RuleError, match=r"^Each item can get only one vote\.$"):
        check_ballot(rules, {"item-1": 2}, ITEMS)
    assert ballot_is_complete(rules, {})


def test_hand_count_ballot_is_unlimited_but_not_absurd() -> None:
    """The facilitator's counts have no budget but stay below a sanity limit."""
    rules = make_rules(VotingMethod.HAND_COUNT)
    check_ballot(rules, {"item-1": 40, "item-2": 35}, ITEMS)
    with pytest.raises(RuleError, match=r"^That count is too large\.$"):
        check_ballot(rules, {"item-1": MAX_HAND_COUNT + 1}, ITEMS)


def test_empty_ballot_is_an_abstention() -> None:
    """An empty ballot breaks no rule but is not complete."""
    rules = make_rules(VotingMethod.PICK_N)
    check_ballot(rules, {}, ITEMS)
    assert not ballot_is_complete(rules, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 7 12", {"item-3": 1, "item-7": 1, "item-12": 1}),
        ("3,7,7,12", {"item-3": 1, "item-7": 2, "item-12": 1}),
        ("3x2 7", {"item-3": 2, "item-7": 1}),
        ("  3X2;; 3 ", {"item-3": 3}),
    ],
)
def test_parse_ballot_entry(text: str, expected: dict[str, int]) -> None:
    """Typed card codes become item ids with repeated codes and x2 adding points."""
    assert parse_ballot_entry(text, LABELS) == expected


def test_parse_ballot_entry_labels_ignore_case() -> None:
    """Letter codes match whatever case is typed, and a label containing x wins over x2."""
    labels = {"A3": "card-a3", "B12": "card-b12", "AX2": "card-ax2"}
    assert parse_ballot_entry("a3 b12x2 ax2", labels) == {
        "card-a3": 1,
        "card-b12": 2,
        "card-ax2": 1,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 Q9", "Unknown card code: Q9."),
        ("3 !!", "Unknown card code: !!."),
        ("Q9x2", "Unknown card code: Q9."),
        ("x2", "Unknown card code: x2."),
        ("3x0", "Use a count of 1 or more after x: 3x0."),
        ("3x" + "9" * 5000, "That count is too large."),
        ("", EMPTY_ENTRY_MESSAGE),
        (" , ; ", EMPTY_ENTRY_MESSAGE),
    ],
)
def test_parse_ballot_entry_errors(text: str, message: str) -> None:
    """Unknown codes, garbage and empty text get one-line messages."""
    with pytest.raises(RuleError) as caught:
        parse_ballot_entry(text, LABELS)
    assert str(caught.value) == message


def test_empty_entry_message_text() -> None:
    """The empty-entry hint shows an example."""
    assert EMPTY_ENTRY_MESSAGE == "Type the card numbers of one ballot, e.g. 3 7 12."


def test_clamp_hand_count() -> None:
    """Bumping a count stays within zero and the sanity limit."""
    assert clamp_hand_count(4, 1) == 5
    assert clamp_hand_count(4, -4) == 0
    with pytest.raises(RuleError, match=r"^A count cannot go below zero\.$"):
        clamp_hand_count(0, -1)
    with pytest.raises(RuleError, match=r"^That count is too large\.$"):
        clamp_hand_count(MAX_HAND_COUNT, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type a count, e.g. 12."),
        ("-3", "A count cannot go below zero."),
        ("twelve", "Not a whole number: twelve."),
        ("1" * 5000, "That count is too large."),
    ],
)
def test_parse_hand_count_errors(text: str, message: str) -> None:
    """Typed counts must be whole numbers in range."""
    with pytest.raises(RuleError) as caught:
        parse_hand_count(text)
    assert str(caught.value) == message


def test_parse_hand_count() -> None:
    """A typed count is read as an int."""
    assert parse_hand_count(" 12 ") == 12


@given(
    budget=st.integers(min_value=1, max_value=12),
    cap=st.integers(min_value=1, max_value=12),
    ballot=st.dictionaries(
        st.sampled_from(ITEMS), st.integers(min_value=-2, max_value=14), max_size=8
    ),
)
def test_accepted_dot_ballot_respects_budget_and_cap(
    budget: int, cap: int, ballot: dict[str, int]
) -> None:
    """Any dot ballot that check_ballot accepts stays within budget and cap."""
    rules = make_rules(VotingMethod.DOT, budget=budget, cap_per_item=min(cap, budget))
    try:
        check_ballot(rules, ballot, ITEMS)
    except RuleError:
        return
    assert sum(ballot.values()) <= rules.budget
    assert all(1 <= points <= rules.cap_per_item for points in ballot.values())


@given(
    ballot=st.dictionaries(
        st.sampled_from(sorted(LABELS.values())), st.integers(min_value=1, max_value=12), min_size=1
    ),
    separator=st.sampled_from([" ", ",", ", ", ";"]),
)
def test_parse_ballot_entry_round_trip(ballot: dict[str, int], separator: str) -> None:
    """Formatting a ballot as card codes and parsing it back gives the same ballot."""
    item_labels = {item_id: label for label, item_id in LABELS.items()}
    text = format_ballot_entry(ballot, item_labels).replace(" ", separator)
    assert parse_ballot_entry(text, LABELS) == ballot


@given(
    codes=st.lists(st.sampled_from(sorted(LABELS)), min_size=1, max_size=10),
)
def test_parse_ballot_entry_counts_repeats(codes: list[str]) -> None:
    """Each repeated code adds one point and the total equals the number of codes typed."""
    ballot = parse_ballot_entry(" ".join(codes), LABELS)
    assert sum(ballot.values()) == len(codes)
    for code in set(codes):
        assert ballot[LABELS[code]] == codes.count(code)
