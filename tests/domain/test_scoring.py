"""The one scoring rule: merges (chains, deletes, loops), tallies, themes and card rounds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from console.domain.scoring import (
    Item,
    Tally,
    Vote,
    score_inventory,
    score_round,
    survivors,
    tally,
    theme_totals,
    voter_count,
)


def item(
    item_id: str, position: int, merged_into: str | None = None, theme: str | None = None
) -> Item:
    """Return a captured item labelled by its id."""
    return Item(item_id, item_id, position, "2026-11-26T09:00:00Z", merged_into, theme)


def test_a_merge_chain_counts_for_its_last_row() -> None:
    assert survivors({"a": "b", "b": "c", "c": None, "d": None}) == {
        "a": "c",
        "b": "c",
        "c": "c",
        "d": "d",
    }


def test_a_chain_through_a_deleted_row_or_a_loop_counts_for_nothing() -> None:
    # "x" is deleted (not among the live rows); "p" and "q" were merged into each other.
    assert survivors({"a": "x", "b": "a", "p": "q", "q": "p", "r": "p", "c": None}) == {"c": "c"}


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.none() | st.sampled_from("abcdefghxy")))
def test_every_survivor_is_a_live_row_merged_into_nothing(links: dict[str, str | None]) -> None:
    found = survivors(links)
    for row, end in found.items():
        assert links[end] is None
        assert found[end] == end
        assert links[row] is None or found[links[row]] == end
    assert {row for row, into in links.items() if into is None} <= set(found)


def test_tally_adds_points_and_counts_delegates_not_hand_counts() -> None:
    votes = [Vote("a", 2, "ann"), Vote("b", 1, "ann"), Vote("a", 1, "bob"), Vote("a", 3)]
    found = tally(votes, {"a": "a", "b": "a"})
    assert found == {"a": Tally(7, {"ann", "bob"})}
    assert tally([Vote("gone", 5, "ann")], {"a": "a"}) == {}
    assert tally([Vote("a", 1, "ann"), Vote("a", -1)]) == {"a": Tally(0, {"ann"})}
    assert voter_count([Tally(1, {"ann"}), Tally(2, {"ann", "bob"})]) == 2


def test_theme_totals_add_scores_and_join_voters() -> None:
    totals, counts = theme_totals(
        [("t", Tally(2, {"ann"})), ("t", Tally(3, {"ann", "bob"})), ("t", None), (None, None)]
    )
    assert totals == {"t": Tally(5, {"ann", "bob"})}
    assert counts == {"t": 3, None: 1}


def test_inventory_follows_pain_point_and_theme_merges() -> None:
    points = [
        item("p1", 1, "p2", theme="t1"),
        item("p2", 2, "p3", theme="t1"),
        item("p3", 3, theme="t1"),
        item("p4", 4, theme="t2"),
        item("p5", 5, "gone"),
        item("p6", 6, theme="t3"),
    ]
    themes = [item("t1", 1, "t2"), item("t2", 2), item("t3", 3, "deleted")]
    votes = [Vote("p1", 2, "ann"), Vote("p2", 1, "bob"), Vote("p4", 3, "bob"), Vote("p5", 9)]
    scores = score_inventory(points, themes, votes)
    assert [(e.item.item_id, e.rank, e.tied, e.item.score) for e in scores.points] == [
        ("p3", 1, False, 3),
        ("p4", 2, False, 3),
        ("p6", 3, False, 0),
    ]
    assert [variant.id for variant in scores.variants["p3"]] == ["p1", "p2"]
    assert scores.theme_of == {"p3": "t2", "p4": "t2", "p6": None}
    assert [(e.item.item_id, e.item.score, e.item.voters) for e in scores.themes] == [("t2", 6, 2)]
    assert [theme.id for theme in scores.merged_themes["t2"]] == ["t1"]
    assert [(s.ranked.item.item_id, s.items) for s in scores.standings()] == [("t2", 2)]
    assert voter_count(scores.tallies.values()) == 2


def test_equal_score_and_voters_share_a_rank() -> None:
    points = [item("a", 1), item("b", 2), item("c", 3)]
    votes = [Vote("a", 2, "ann"), Vote("b", 1, "ann"), Vote("b", 1, "bob"), Vote("c", 2, "bob")]
    ranked = score_inventory(points, [], votes).points
    assert [(e.item.item_id, e.rank, e.tied) for e in ranked] == [
        ("b", 1, False),
        ("a", 2, True),
        ("c", 2, True),
    ]


def test_a_card_round_leaves_out_zero_scores_and_counts_hands_as_voters() -> None:
    cards = [item("c1", 1), item("c2", 2), item("c3", 3)]
    votes = [Vote("c1", 1, "ann"), Vote("c2", 1, "bob"), Vote("c2", -1), Vote("deleted", 1, "cy")]
    picked = score_round(votes, cards, hand_count=False)
    assert [(e.item.item_id, e.item.score, e.item.voters) for e in picked.ranked] == [("c1", 1, 1)]
    assert picked.ballots == 3, "a delegate whose only card was deleted still cast a ballot"
    hands = score_round([Vote("c3", 12), Vote("c1", 4)], cards, hand_count=True)
    assert [(e.item.item_id, e.item.score, e.item.voters) for e in hands.ranked] == [
        ("c3", 12, 12),
        ("c1", 4, 4),
    ]
    assert hands.ballots == 0
