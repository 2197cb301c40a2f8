"""Tests for ranking and reference comparison."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.ranking import (
    TIE_BREAK_RULE,
    Comparison,
    Ranked,
    ReferenceEntry,
    Scored,
    compare_with_reference,
    match_titles,
    normalise_title,
    rank_items,
    shared_top,
    top_n,
)

DECK = {
    "too-little": "Too little understanding of business impact and priority",
    "everything": "Everything (features) has the highest priority according to the business",
    "pds": "Plan, Do, Stop….no real continual improvement culture",
    "objective": "ITIL is the objective, not what it should achieve",
    "no-commitment": "No management commitment",
    "yes-no": "Saying 'Yes', but meaning 'No'",
    "blame": "Blame culture",
    "business-case": "IT thinks it doesn't need to understand the business to make a business case",
    "internal": "IT is too internally focused",
}

SYSOP_2010 = [
    "No management commitment",
    "Saying 'Yes', but meaning 'No'",
    "ITIL never work here",
    "Plan, Do, Stop…",
    "ITIL is the objective not what it should achieve",
    "IT thinks it doesn't need to understand the business to make a business case",
    "Never mind about following procedures…",
    "Unable to specify the VALUE…",
    "Throwing (ITIL) solutions over the wall…",
    "Everything has the highest priority according to the users",
]


def scored(
    item_id: str,
    score: float,
    voters: int = 0,
    position: int = 0,
    label: str | None = None,
    created_at: str = "2024-05-01T09:00:00",
) -> Scored:
    """Build a Scored item with sensible defaults."""
    return Scored(
        item_id=item_id,
        label=label if label is not None else item_id,
        score=score,
        voters=voters,
        created_at=created_at,
        position=position,
    )


def test_tie_break_rule_is_short_and_names_each_step() -> None:
    """The quoted rule mentions every tie-break step in order."""
    text = TIE_BREAK_RULE.lower()
    steps = ["score", "delegates", "captured first", "alphabetically", "share a rank"]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)
    assert text.count(". ") <= 1


def test_rank_items_orders_by_score_then_voters_then_capture_then_label() -> None:
    """Each tie-break step decides only when the earlier ones are equal."""
    items = [
        scored("low", 1, voters=1, position=0),
        scored("narrow", 6, voters=2, position=1),
        scored("broad", 6, voters=4, position=5),
        scored("late", 3, voters=2, position=9),
        scored("early", 3, voters=2, position=2),
        scored("beta", 2, voters=1, position=4, label="beta"),
        scored("alpha", 2, voters=1, position=4, label="Alpha"),
        scored("old", 2, voters=1, position=3, created_at="2024-05-01T10:00:00"),
    ]
    ranked = rank_items(items)
    assert [entry.item.item_id for entry in ranked] == [
        "broad",
        "narrow",
        "early",
        "late",
        "old",
        "alpha",
        "beta",
        "low",
    ]
    assert [entry.rank for entry in ranked] == [1, 2, 3, 3, 5, 5, 5, 8]
    assert [entry.tied for entry in ranked] == [False, False, True, True, True, True, True, False]


def test_rank_items_created_at_breaks_equal_positions() -> None:
    """Equal capture positions fall back to the creation time."""
    ranked = rank_items(
        [
            scored("b", 1, created_at="2024-05-01T10:00:00"),
            scored("a", 1, created_at="2024-05-01T11:00:00"),
        ]
    )
    assert [entry.item.item_id for entry in ranked] == ["b", "a"]


def test_rank_items_hand_counts_share_rank_on_equal_score() -> None:
    """Hand counts have no voters, so equal counts share a rank."""
    ranked = rank_items([scored("a", 12), scored("b", 12, position=1), scored("c", 4)])
    assert [(entry.rank, entry.tied) for entry in ranked] == [(1, True), (1, True), (3, False)]


def test_rank_items_int_and_float_scores_tie() -> None:
    """A score of 3 and 3.0 are the same score."""
    ranked = rank_items([scored("a", 3), scored("b", 3.0, position=1)])
    assert [entry.rank for entry in ranked] == [1, 1]


def test_rank_items_rejects_duplicates_and_nan() -> None:
    """Ranking the same item twice or a missing score is a caller bug."""
    with pytest.raises(ValueError, match="appears twice"):
        rank_items([scored("a", 1), scored("a", 2)])
    with pytest.raises(ValueError, match="no valid score"):
        rank_items([scored("a", float("nan"))])


def test_rank_items_empty() -> None:
    """No items means no ranking."""
    assert rank_items([]) == []


scored_lists = st.lists(
    st.builds(
        Scored,
        item_id=st.text(alphabet="abcdef", min_size=1, max_size=4),
        label=st.text(alphabet="abAB c", max_size=3),
        score=st.one_of(st.integers(0, 5), st.sampled_from([0.5, 1.0, 2.5])),
        voters=st.integers(0, 3),
        created_at=st.sampled_from(["2024-05-01T09:00", "2024-05-01T10:00"]),
        position=st.integers(0, 3),
    ),
    unique_by=lambda item: item.item_id,
    max_size=12,
)


@given(items=scored_lists, seed=st.integers())
def test_rank_items_is_independent_of_input_order(items: list[Scored], seed: int) -> None:
    """Shuffling the input never changes the ranking."""
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    assert rank_items(shuffled) == rank_items(items)


@given(items=scored_lists)
def test_ranks_are_consistent(items: list[Scored]) -> None:
    """Ranks are non-decreasing, start at 1, scores never rise, and ties mean equal keys."""
    ranked = rank_items(items)
    assert len(ranked) == len(items)
    ranks = [entry.rank for entry in ranked]
    assert ranks == sorted(ranks)
    if ranked:
        assert ranked[0].rank == 1
    for index, entry in enumerate(ranked):
        assert 1 <= entry.rank <= index + 1
        same = [
            other
            for other in ranked
            if (other.item.score, other.item.voters) == (entry.item.score, entry.item.voters)
        ]
        assert entry.tied == (len(same) > 1)
        assert all(other.rank == entry.rank for other in same)
    scores = [entry.item.score for entry in ranked]
    assert scores == sorted(scores, reverse=True)


def test_top_n() -> None:
    """top_n cuts at n but never cuts a tie: every item tied with the n-th comes too, marked."""
    ranked = rank_items(
        [scored("a", 5), scored("b", 4), scored("c", 3), scored("d", 3, position=1), scored("e", 1)]
    )
    assert [entry.item.item_id for entry in top_n(ranked, 2)] == ["a", "b"]
    shown = top_n(ranked, 3)
    assert [(entry.rank, entry.tied, entry.item.item_id) for entry in shown] == [
        (1, False, "a"),
        (2, False, "b"),
        (3, True, "c"),
        (3, True, "d"),
    ]
    assert top_n(ranked, 0) == []
    assert len(top_n(ranked, 10)) == 5
    with pytest.raises(ValueError):
        top_n(ranked, -1)


def test_top_n_does_not_add_items_tied_at_no_score() -> None:
    """Items tied at zero are not a place in a top list: the cut stays at n."""
    ranked = rank_items([scored("a", 2), scored("b", 0), scored("c", 0), scored("d", 0)])
    assert [entry.item.item_id for entry in top_n(ranked, 2)] == ["a", "b"]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Saying 'Yes', but meaning 'No'", "saying yes but meaning no"),
        ("Saying \u2018Yes\u2019, but meaning \u2018No\u2019", "Saying 'Yes', but meaning 'No'"),
        ("ITIL is the objective not what it should achieve", DECK["objective"]),
        ("Plan, Do, stop…", "Plan, Do, Stop..."),
        ("Attitude, Behaviour, Culture", "attitude behavior culture"),
        ("Business & IT", "business and it"),
        ("  Blame   culture. ", "Blame culture"),
    ],
)
def test_normalise_title_equal(left: str, right: str) -> None:
    """Case, quotes, punctuation, spacing and behaviour/behavior do not matter."""
    assert normalise_title(left) == normalise_title(right)


def test_normalise_title_output() -> None:
    """The normalised form is lower case words separated by single spaces."""
    assert normalise_title(DECK["pds"]) == "plan do stop no real continual improvement culture"
    assert normalise_title(DECK["business-case"]).startswith("it thinks it doesnt need")


def test_match_titles_with_published_sysop_list() -> None:
    """The 2010 sysop list matches the deck exactly or by an ellipsis prefix."""
    matches = match_titles(SYSOP_2010, DECK)
    assert matches == {
        "No management commitment": "no-commitment",
        "Saying 'Yes', but meaning 'No'": "yes-no",
        "Plan, Do, Stop…": "pds",
        "ITIL is the objective not what it should achieve": "objective",
        "IT thinks it doesn't need to understand the business to make a business case": (
            "business-case"
        ),
    }


def test_match_titles_does_not_guess_reworded_titles() -> None:
    """Reworded titles from other sources are left for the facilitator to link by hand."""
    titles = [
        "Everything has the highest priority according to the users",
        "Everything has the highest priority… according to the users",
        "No understanding of business impact and priority",
        "IT has too little understanding of business impact and priority",
    ]
    assert match_titles(titles, DECK) == {}


def test_match_titles_prefix_needs_ellipsis_and_one_candidate() -> None:
    """A prefix only matches when cut with an ellipsis and only one item fits."""
    items = {"a": "Blame culture everywhere", "b": "Blame culture at the top"}
    assert match_titles(["Blame culture"], items) == {}
    assert match_titles(["Blame culture…"], items) == {}
    assert match_titles(["Blame culture at…"], items) == {"Blame culture at…": "b"}
    assert match_titles(["ITIL is the objective…"], DECK) == {"ITIL is the objective…": "objective"}


def test_match_titles_exact_beats_prefix() -> None:
    """A title equal to one item wins over the longer titles it is a prefix of."""
    items = {"short": "Plan, Do, Stop", "long": DECK["pds"]}
    assert match_titles(["Plan, Do, Stop…"], items) == {"Plan, Do, Stop…": "short"}
    assert match_titles(["Plan, Do, Stop…"], {"long": DECK["pds"]}) == {"Plan, Do, Stop…": "long"}


def _room() -> list[Ranked]:
    """Rank a small room of ABC cards."""
    return rank_items(
        [
            scored("too-little", 9, voters=9, position=0, label=DECK["too-little"]),
            scored("everything", 8, voters=8, position=1, label=DECK["everything"]),
            scored("pds", 5, voters=5, position=2, label=DECK["pds"]),
            scored("blame", 2, voters=2, position=3, label=DECK["blame"]),
        ]
    )


def test_compare_with_ordered_reference() -> None:
    """Room items come first in room order, then reference titles the room lacks."""
    reference = [ReferenceEntry(title, rank) for rank, title in enumerate(SYSOP_2010[:5], 1)]
    rows = compare_with_reference(_room(), reference, None)
    assert [row.label for row in rows[:4]] == [
        DECK["too-little"],
        DECK["everything"],
        DECK["pds"],
        DECK["blame"],
    ]
    assert rows[2] == Comparison(
        item_id="pds",
        label=DECK["pds"],
        room_rank=3,
        reference_rank=4,
        in_reference=True,
        in_room_top=True,
        reference_title="Plan, Do, Stop…",
    )
    assert rows[3].in_reference is False and rows[3].in_room_top is False
    assert [row.label for row in rows[4:]] == [
        "No management commitment",
        "Saying 'Yes', but meaning 'No'",
        "ITIL never work here",
        "ITIL is the objective not what it should achieve",
    ]
    assert all(row.room_rank is None and row.in_reference for row in rows[4:])
    assert [row.item_id for row in shared_top(rows)] == ["pds"]


def test_compare_with_unordered_reference_and_manual_mapping() -> None:
    """An unordered source has no ranks; a manual mapping links reworded titles."""
    axelos = [
        ReferenceEntry("No understanding of business impact and priority", None),
        ReferenceEntry("IT is too internally focused", None),
        ReferenceEntry("IT thinks it doesn't need to understand the business…", None),
        ReferenceEntry("ITIL is the objective…", None),
        ReferenceEntry("Plan, Do, Stop….", None),
    ]
    manual = {"No understanding of business impact and priority": "too-little"}
    rows = compare_with_reference(_room(), axelos, manual.get, top=2)
    by_id = {row.item_id: row for row in rows if row.room_rank is not None}
    assert by_id["too-little"].in_reference and by_id["too-little"].reference_rank is None
    assert by_id["too-little"].in_room_top
    assert by_id["pds"].in_reference and not by_id["pds"].in_room_top
    assert not by_id["everything"].in_reference
    assert [row.item_id for row in shared_top(rows)] == ["too-little"]
    missing = [row.label for row in rows if row.room_rank is None]
    assert missing == [
        "IT is too internally focused",
        "IT thinks it doesn't need to understand the business…",
        "ITIL is the objective…",
    ]


def test_compare_mapping_to_item_outside_room_lists_it_as_missing() -> None:
    """A mapping to an item the room did not rank keeps the id on the missing row."""
    reference = [ReferenceEntry("Blame culture!", 1), ReferenceEntry("9 to 5 culture", 2)]
    mapping = {"9 to 5 culture": "nine-to-five"}
    rows = compare_with_reference(_room(), reference, mapping.get)
    assert rows[-1].item_id == "nine-to-five" and rows[-1].room_rank is None
    blame = next(row for row in rows if row.item_id == "blame")
    assert blame.reference_rank == 1


def test_compare_with_tied_room_top() -> None:
    """Items sharing the boundary rank all count as room top."""
    room = rank_items([scored("a", 3), scored("b", 2), scored("c", 1), scored("d", 1, position=1)])
    rows = compare_with_reference(room, [], None, top=3)
    assert [row.in_room_top for row in rows] == [True, True, True, True]
