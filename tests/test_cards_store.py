"""Decks, ballots, results, comparison and links in the store: good input and each bad input."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from console.domain.records import RecordError
from console.domain.voting import RuleError
from console.store.card_links import cards_for_pain_point, pain_points_for_card, set_card_links
from console.store.card_rounds import (
    ballot_codes,
    create_round,
    first_delegate_without_ballot,
    get_round,
    round_results,
    save_ballot,
    save_hand_counts,
    set_revealed,
    set_round_open,
)
from console.store.core import StoreError, WorkshopStore
from console.store.decks import (
    add_card,
    deck_cards,
    import_deck,
    listed_cards,
    live_decks,
    update_card,
)
from console.store.inventory import capture_pain_point
from console.store.rankings import compare_round

DECKS = Path(__file__).parent / "data" / "decks"


def abc_deck(store: WorkshopStore) -> str:
    """Return the id of the template's ABC deck."""
    return next(deck.id for deck in live_decks(store) if deck.name == "ABC cards")


def counts(store: WorkshopStore) -> tuple[int, int, int]:
    """Return how many decks, cards and live votes the file holds, and so what changed."""
    decks = store.query("SELECT count(*) AS n FROM decks")[0]["n"]
    cards = store.query("SELECT count(*) AS n FROM cards")[0]["n"]
    votes = store.query("SELECT count(*) AS n FROM card_votes WHERE deleted_at IS NULL")[0]["n"]
    return decks, cards, votes


# Decks ---------------------------------------------------------------------------------------


def test_the_template_deck_is_numbered_in_order(store: WorkshopStore) -> None:
    cards = deck_cards(store, abc_deck(store))
    assert [card.number for card in cards[:3]] == [1, 2, 3]
    assert cards[0].code == "ABC01"
    assert cards[0].title == "Too little understanding of business impact and priority"


@pytest.mark.parametrize(
    ("file", "codes", "categories"),
    [
        ("good.csv", ["T01", "T02", "T03", "T04"], ["Culture", "Attitude", "Behavior", "Behavior"]),
        ("good.toml", ["K1", "K2", "K3"], ["Culture", "Attitude", None]),
    ],
)
def test_a_good_deck_imports_every_card(
    store: WorkshopStore, file: str, codes: list[str], categories: list[str | None]
) -> None:
    imported = import_deck(store, DECKS / file, "Room deck")
    assert imported.cards == len(codes)
    cards = deck_cards(store, imported.deck_id)
    assert [card.code for card in cards] == codes
    assert [card.category for card in cards] == categories
    assert [deck.name for deck in live_decks(store)] == ["ABC cards", "Room deck"]


def test_a_deck_imports_from_bytes_and_names_itself_after_the_file(store: WorkshopStore) -> None:
    imported = import_deck(store, (DECKS / "good.csv").read_bytes(), filename="my-deck.csv")
    assert imported.name == "my deck"
    assert deck_cards(store, imported.deck_id)[2].title == "Plan, Do, Stop"
    assert deck_cards(store, imported.deck_id)[0].description == "Someone must be at fault"


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("missing_columns.csv", "missing_columns.csv: missing column 'title'"),
        ("duplicate_codes.csv", "duplicate_codes.csv line 4: duplicate code d01 (first on line 2)"),
        ("latin1.csv", "latin1.csv is not UTF-8 text (byte 0xe9 at line 2)"),
        ("bad_category.csv", "bad_category.csv line 3: category must be one of"),
        ("broken.toml", "broken.toml line 7:"),
        ("empty_title.csv", "empty_title.csv line 2: title is empty"),
    ],
)
def test_a_bad_deck_is_refused_with_its_line_and_nothing_is_imported(
    store: WorkshopStore, file: str, message: str
) -> None:
    before, rev = counts(store), store.current_rev()
    with pytest.raises(RecordError) as refused:
        import_deck(store, DECKS / file, "Bad deck")
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)
    assert counts(store) == before
    assert store.current_rev() == rev


def test_ten_megabytes_of_junk_are_refused_unread(store: WorkshopStore, tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(os.urandom(10_000_000))
    before = counts(store)
    with pytest.raises(RecordError, match=r"junk.csv is too large \(10.0 MB; the limit is 2 MB\)"):
        import_deck(store, junk)
    with pytest.raises(RecordError, match="too large"):
        import_deck(store, junk.read_bytes(), filename="junk.csv")
    small_junk = tmp_path / "small.csv"
    small_junk.write_bytes(os.urandom(50_000))
    with pytest.raises(RecordError, match=r"small\.csv is not"):
        import_deck(store, small_junk)
    assert counts(store) == before


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nowhere/deck.csv", "No file at"),
        ("deck.xlsx", "deck.xlsx: use a .csv or .toml file."),
        ("", "Type the path"),
    ],
)
def test_a_bad_path_is_refused(store: WorkshopStore, path: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        import_deck(store, path)


def test_a_folder_or_an_empty_deck_or_a_taken_name_is_refused(
    store: WorkshopStore, tmp_path: Path
) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        import_deck(store, folder)
    with pytest.raises(RecordError, match="has no cards"):
        import_deck(store, b"code,title\n", filename="empty.csv")
    with pytest.raises(ValueError, match=r"A deck named .abc cards. already exists"):
        import_deck(store, DECKS / "good.csv", "abc cards")
    assert len(live_decks(store)) == 1


def test_cards_are_added_and_edited_and_duplicate_codes_refused(store: WorkshopStore) -> None:
    deck_id = abc_deck(store)
    card_id = add_card(store, deck_id, code="ABC23", title="Hero culture", category="c")
    card = deck_cards(store, deck_id)[-1]
    assert (card.id, card.number, card.category) == (card_id, 23, "Culture")
    with pytest.raises(ValueError, match="already has a card ABC01"):
        add_card(store, deck_id, code="abc01", title="Again")
    with pytest.raises(ValueError, match="Category must be"):
        add_card(store, deck_id, code="ABC24", title="X", category="Mood")
    with pytest.raises(ValueError, match="Title is empty"):
        add_card(store, deck_id, code="ABC24", title="   ")
    update_card(store, card_id, code="ABC23", title="Hero culture!", category="Behaviour")
    assert deck_cards(store, deck_id)[-1].title == "Hero culture!"
    assert deck_cards(store, deck_id)[-1].category == "Behavior"
    with pytest.raises(ValueError, match="already has a card ABC02"):
        update_card(store, card_id, code="ABC02", title="Clash")
    assert store.undo_last() == "edit card ABC23"
    assert deck_cards(store, deck_id)[-1].title == "Hero culture"


# Ballots -------------------------------------------------------------------------------------


def test_a_pick_three_ballot_is_saved_and_moves_to_the_next_delegate(store: WorkshopStore) -> None:
    round_id = create_round(store, abc_deck(store), "pick_n")
    assert get_round(store, round_id).pick_count == 3  # The workshop's default.
    saved = save_ballot(store, round_id, 1, "1 2 10")
    assert saved.codes == ("ABC01", "ABC02", "ABC10")
    assert (saved.complete, saved.replaced, saved.next_number) == (True, False, 2)
    saved = save_ballot(store, round_id, 2, "abc01, ABC02;ABC11")
    assert saved.codes == ("ABC01", "ABC02", "ABC11")
    assert first_delegate_without_ballot(store, round_id) == 3
    short = save_ballot(store, round_id, 3, "05")
    assert (short.codes, short.complete) == (("ABC05",), False)
    assert save_ballot(store, round_id, 12, "1").next_number is None


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        ("ABC99", "Unknown card code: ABC99."),
        ("1 2 99", "Unknown card code: 99."),
        ("1 2 3 4", "Pick at most 3 cards; this ballot has 4."),
        ("1 ABC01", "ABC01 is on this ballot twice: each card counts once."),
        ("2 2", "ABC02 is on this ballot twice"),
        ("1x2", "Each card can be picked only once."),
        ("  ", "Type the card numbers of one ballot"),
    ],
)
def test_a_bad_ballot_is_refused_and_the_earlier_one_kept(
    store: WorkshopStore, ballot: str, message: str
) -> None:
    round_id = create_round(store, abc_deck(store), "pick_n")
    save_ballot(store, round_id, 4, "7 8 9")
    before = counts(store)
    with pytest.raises(RuleError) as refused:
        save_ballot(store, round_id, 4, ballot)
    assert str(refused.value).startswith(message)
    assert counts(store) == before
    assert ballot_codes(store, round_id, 4) == "ABC07 ABC08 ABC09"


def test_a_corrected_ballot_replaces_the_delegates_rows_in_one_action(
    store: WorkshopStore,
) -> None:
    round_id = create_round(store, abc_deck(store), "pick_n")
    save_ballot(store, round_id, 3, "1 2 3")
    rev = store.current_rev()
    saved = save_ballot(store, round_id, 1, "3: 4 5")  # The prefix names the delegate.
    assert (saved.number, saved.replaced, saved.codes) == (3, True, ("ABC04", "ABC05"))
    assert store.current_rev() == rev + 1
    assert ballot_codes(store, round_id, 3) == "ABC04 ABC05"
    rows = store.query("SELECT rev, deleted_at FROM card_votes WHERE round_id = ?", [round_id])
    assert len(rows) == 5 and {row["rev"] for row in rows if row["deleted_at"]} == {rev + 1}
    assert store.undo_last() == "ballot of delegate 3"
    assert ballot_codes(store, round_id, 3) == "ABC01 ABC02 ABC03"
    save_ballot(store, round_id, 3, "-")
    assert ballot_codes(store, round_id, 3) == ""


def test_approval_takes_any_number_of_cards_once_each(store: WorkshopStore) -> None:
    round_id = create_round(store, abc_deck(store), "approval")
    assert save_ballot(store, round_id, 1, "1 2 3 4 5 6 7 8").complete
    with pytest.raises(RuleError, match=r"Each item can get only one vote\."):
        save_ballot(store, round_id, 2, "1x2")
    assert round_results(store, round_id).ballots == 1


def test_no_such_delegate_or_a_closed_round_is_refused(store: WorkshopStore) -> None:
    round_id = create_round(store, abc_deck(store), "pick_n")
    with pytest.raises(RuleError, match="There is no delegate 13"):
        save_ballot(store, round_id, 13, "1")
    set_round_open(store, round_id, False)
    with pytest.raises(RuleError, match="is closed: press x to reopen it"):
        save_ballot(store, round_id, 1, "1")
    set_round_open(store, round_id, True)
    save_ballot(store, round_id, 1, "1")
    with pytest.raises(RuleError, match="hand count"):
        save_hand_counts(store, round_id, "1 5")


def test_hand_counts_are_typed_per_card_and_replaced(store: WorkshopStore) -> None:
    round_id = create_round(store, abc_deck(store), "hand_count")
    saved = save_hand_counts(store, round_id, "5 12, ABC07 3 8x4")
    assert [(card.code, count) for card, count in saved] == [
        ("ABC05", 12),
        ("ABC07", 3),
        ("ABC08", 4),
    ]
    save_hand_counts(store, round_id, "5 10 8 0")
    # Hand counts belong to no delegate: they do not hide who still has no ballot.
    assert first_delegate_without_ballot(store, round_id) == 1
    results = round_results(store, round_id)
    assert [(r.card.code, r.score, r.rank) for r in results.results] == [
        ("ABC05", 10, 1),
        ("ABC07", 3, 2),
    ]
    for text, message in [
        ("5", "Type the count after 5"),
        ("ABC99 3", "Unknown card code: ABC99."),
        ("5 -2", "A count cannot go below zero."),
        ("5 many", "Not a whole number: many."),
        ("5 1 5 2", "5 is counted twice"),
    ]:
        with pytest.raises(RuleError, match=re.escape(message)):
            save_hand_counts(store, round_id, text)
    with pytest.raises(RuleError, match="ballots per delegate"):
        save_hand_counts(store, create_round(store, abc_deck(store), "pick_n"), "1 2")


def test_a_round_method_and_pick_count_are_checked(store: WorkshopStore) -> None:
    with pytest.raises(RuleError, match="Unknown voting method"):
        create_round(store, abc_deck(store), "borda")
    with pytest.raises(RuleError, match="Cards to pick must be between 1 and 12"):
        create_round(store, abc_deck(store), "pick_n", pick_count=0)
    with pytest.raises(StoreError, match="deck no longer exists"):
        create_round(store, "nope", "pick_n")


# Results and comparison ----------------------------------------------------------------------


def test_results_rank_by_score_then_voters_with_shared_ranks(store: WorkshopStore) -> None:
    round_id = create_round(store, abc_deck(store), "pick_n")
    for number, ballot in enumerate(["1 2 10", "1 2 11", "1 2 3", "2 11 4"], start=1):
        save_ballot(store, round_id, number, ballot)
    results = round_results(store, round_id)
    shown = [(r.rank, r.tied, r.card.code, r.score) for r in results.results]
    assert shown[:3] == [(1, False, "ABC02", 4), (2, False, "ABC01", 3), (3, False, "ABC11", 2)]
    assert shown[3:] == [(4, True, "ABC03", 1), (4, True, "ABC04", 1), (4, True, "ABC10", 1)]
    assert results.ballots == 4
    set_revealed(store, round_id, True)
    assert get_round(store, round_id).is_revealed
    set_revealed(store, round_id, False)
    assert get_round(store, round_id).revealed_at is None


def test_results_per_category_rank_within_the_category(store: WorkshopStore) -> None:
    imported = import_deck(store, DECKS / "good.csv", "Room deck")
    round_id = create_round(store, imported.deck_id, "approval")
    save_ballot(store, round_id, 1, "T01 T03 T04")
    save_ballot(store, round_id, 2, "T04 T02")
    results = round_results(store, round_id)
    assert [r.card.code for r in results.top(2, "Behavior")] == ["T04", "T03"]
    assert [(r.rank, r.card.code) for r in results.top(5, "Culture")] == [(1, "T01")]


def test_the_room_is_compared_with_each_published_ranking(store: WorkshopStore) -> None:
    round_id = create_round(store, abc_deck(store), "pick_n")
    for number, ballot in enumerate(["1 2 10", "1 2 11", "2 11 3"], start=1):
        save_ballot(store, round_id, number, ballot)
    comparisons = {c.name.split()[0]: c for c in compare_round(store, round_id, top=3)}
    assert set(comparisons) == {"Top", "Glenfis", "AXELOS"}
    card = {c.code: c.id for c in deck_cards(store, abc_deck(store))}
    glenfis = comparisons["Glenfis"]
    # The 2012 title differs from the deck's ("...according to the users"): card_id links it.
    assert glenfis.reference_rank(card["ABC02"]) == (True, 1)
    assert glenfis.reference_rank(card["ABC11"]) == (True, 2)
    assert glenfis.reference_rank(card["ABC01"]) == (False, None)
    assert [row.label for row in glenfis.shared] == [
        "Everything (features) has the highest priority according to the business",
        "Blame culture",
    ]
    axelos = comparisons["AXELOS"]
    assert axelos.reference_rank(card["ABC01"]) == (True, None)  # Unordered: in, no rank.
    assert [row.item_id for row in axelos.shared] == [card["ABC01"]]
    missing = [row for row in glenfis.rows if row.room_rank is None]
    assert missing[0].label == "Maybe we just should have tested that change first"


# Links ---------------------------------------------------------------------------------------


def test_cards_link_to_pain_points_both_ways(store: WorkshopStore) -> None:
    first = capture_pain_point(store, "Business does not see IT value")
    second = capture_pain_point(store, "Everything is urgent")
    cards = {c.code: c.id for c in deck_cards(store, abc_deck(store))}
    rev = store.current_rev()
    set_card_links(store, cards["ABC02"], [second, first])
    set_card_links(store, cards["ABC01"], [first, first])  # Named twice: one link.
    assert [linked.text for linked in pain_points_for_card(store, cards["ABC02"])] == [
        "Business does not see IT value",
        "Everything is urgent",
    ]
    assert [linked.code for linked in cards_for_pain_point(store, first)] == ["ABC01", "ABC02"]
    changed = {listed.card.code: listed.links for listed in listed_cards(store, rev)}
    assert changed == {"ABC01": 1, "ABC02": 2}
    set_card_links(store, cards["ABC02"], [second])
    assert [linked.code for linked in cards_for_pain_point(store, first)] == ["ABC01"]
    assert store.undo_last() == "change card links"
    assert [linked.code for linked in cards_for_pain_point(store, first)] == ["ABC01", "ABC02"]
    with pytest.raises(StoreError, match="no longer exists"):
        set_card_links(store, cards["ABC03"], ["gone"])
