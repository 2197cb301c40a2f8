"""Pain points in the file: capture, themes, merges, hand counts, ballots and the ranking."""

from __future__ import annotations

import pytest

from console.domain.voting import RuleError
from console.store.core import StoreError, WorkshopStore
from console.store.inventory import (
    PainPoint,
    assign_theme,
    capture_pain_point,
    changed_pain_points,
    create_theme,
    delete_pain_point,
    edit_pain_point,
    live_themes,
    merge_pain_points,
    merge_themes,
    rename_theme,
    variant_texts,
)
from console.store.inventory_votes import (
    ballot_of,
    bump_hand_count,
    get_round,
    inventory_scores,
    open_round,
    parse_ballot,
    rank_pain_points,
    rank_themes,
    save_ballot,
    set_hand_count,
    set_revealed,
)
from console.store.workshop import participants


def scores_in(store: WorkshopStore, round_id: str) -> dict[str, tuple[int, int]]:
    """Return score and distinct voters per shown pain point with votes in a round."""
    tallies = inventory_scores(store, round_id).tallies
    return {item: (entry.score, len(entry.voters)) for item, entry in tallies.items()}


def capture_all(store: WorkshopStore, *texts: str) -> list[str]:
    """Capture pain points in order and return their ids."""
    return [capture_pain_point(store, text) for text in texts]


def test_capture_reads_tokens_and_ties_to_the_running_agenda_item(store: WorkshopStore) -> None:
    item = store.query("SELECT id FROM agenda_items ORDER BY position LIMIT 1")[0]["id"]
    with store.write() as transaction:
        transaction.update("agenda_items", item, {"status": "running"})
    theme_count = len(live_themes(store))
    first = capture_pain_point(store, "Nobody owns the service #Service_ownership @3")
    second = capture_pain_point(store, "IT has no seat at the table #service_OWNERSHIP @Ann")
    rows = store.query(
        "SELECT p.text, p.raised_by, p.participant_id, p.agenda_item_id, t.name, p.position "
        "FROM pain_points p JOIN themes t ON t.id = p.theme_id WHERE p.id IN (?, ?) "
        "ORDER BY p.position",
        [first, second],
    )
    delegate_3 = next(person.id for person in participants(store) if person.number == 3)
    assert rows[0]["text"] == "Nobody owns the service"
    assert rows[0]["name"] == "Service ownership"
    assert (rows[0]["raised_by"], rows[0]["participant_id"]) == ("3", delegate_3)
    assert rows[0]["agenda_item_id"] == item
    assert rows[1]["name"] == "Service ownership", "a theme is found again ignoring case"
    assert rows[1]["participant_id"] is None
    assert [row["position"] for row in rows] == [1, 2]
    assert len(live_themes(store)) == theme_count + 1


def test_bad_capture_input_is_refused_and_long_text_is_kept_whole(store: WorkshopStore) -> None:
    for bad in ("", "   ", "#only_a_theme", "@only_a_name"):
        with pytest.raises(ValueError, match="empty"):
            capture_pain_point(store, bad)
    long_text = "word " * 1500
    item = capture_pain_point(store, long_text)
    stored = store.query("SELECT text FROM pain_points WHERE id = ?", [item])[0]["text"]
    assert stored == long_text.strip()
    assert store.query("SELECT count(*) AS n FROM pain_points")[0]["n"] == 1


def test_edit_changes_text_and_theme_and_undo_restores(store: WorkshopStore) -> None:
    (item,) = capture_all(store, "Old text #Money")
    # A word of a known theme's name means that theme, in an edit as in capture.
    edit_pain_point(store, item, "New text #Culture")
    row = store.query(
        "SELECT p.text, t.name FROM pain_points p JOIN themes t ON t.id = p.theme_id"
    )[0]
    assert (row["text"], row["name"]) == ("New text", "People and culture")
    assert store.undo_last() == "edit pain point"
    row = store.query(
        "SELECT p.text, t.name FROM pain_points p JOIN themes t ON t.id = p.theme_id"
    )[0]
    assert (row["text"], row["name"]) == ("Old text", "Money")


def test_changed_pain_points_are_records_of_what_was_written_since_a_revision(
    store: WorkshopStore,
) -> None:
    kept, duplicate, gone = capture_all(store, "Budget frozen #Money @2", "Frozen budget", "Old")
    before = store.current_rev()
    merge_pain_points(store, kept, [duplicate])
    delete_pain_point(store, gone)
    changed = {point.id: point for point in changed_pain_points(store, before)}
    assert set(changed) == {duplicate, gone}
    assert changed[duplicate].merged_into_id == kept
    assert changed[duplicate].deleted_at is None
    assert changed[gone].deleted_at is not None
    first = changed_pain_points(store)[0]
    money = {theme.name: theme.id for theme in live_themes(store)}["Money"]
    assert first == PainPoint(
        id=kept,
        text="Budget frozen",
        position=1,
        raised_by="2",
        theme_id=money,
        merged_into_id=None,
        created_at=first.created_at,
        deleted_at=None,
    )
    with pytest.raises(AttributeError):
        first.text = "changed"  # type: ignore[misc]


def test_merge_keeps_variants_combines_votes_and_undoes(store: WorkshopStore) -> None:
    keep, dup, other = capture_all(store, "No ownership", "Nobody owns it", "Too many tools")
    round_id = open_round(store, "dot")
    people = participants(store)
    save_ballot(store, round_id, people[0].id, {dup: 2, other: 1})
    save_ballot(store, round_id, people[1].id, {keep: 1})
    with pytest.raises(ValueError, match="cannot be merged with itself"):
        merge_pain_points(store, keep, [keep])
    assert merge_pain_points(store, keep, [dup, keep]) == 1
    assert variant_texts(store, keep) == ["Nobody owns it"]
    assert scores_in(store, round_id)[keep] == (3, 2)
    ranked = rank_pain_points(store, round_id)
    assert [entry.item.item_id for entry in ranked] == [keep, other]
    with pytest.raises(RuleError, match="merged"):
        save_ballot(store, round_id, people[2].id, {dup: 1})
    assert parse_ballot(store, "2 2") == {keep: 2}, "a merged number counts for the survivor"

    keeper, _ = capture_all(store, "Ownership again", "spare")
    merge_pain_points(store, keeper, [keep])
    assert variant_texts(store, keeper) == ["No ownership", "Nobody owns it"]
    assert store.undo_last() == "merge 2 pain points"
    assert variant_texts(store, keep) == ["Nobody owns it"]
    assert store.undo_last() == "merge 2 pain points"
    assert variant_texts(store, keep) == []
    assert scores_in(store, round_id)[dup] == (2, 1)


def test_themes_assign_rename_and_merge_undoably(store: WorkshopStore) -> None:
    first, second, third = capture_all(store, "a #Tools", "b #Tooling", "c")
    tools = live_themes(store)[-2].id
    tooling = live_themes(store)[-1].id
    assign_theme(store, [third], tooling)
    with pytest.raises(ValueError, match="already exists"):
        rename_theme(store, tooling, "tools")
    with pytest.raises(ValueError, match="itself"):
        merge_themes(store, tools, tools)
    rename_theme(store, tooling, "Tool sprawl")
    assert merge_themes(store, tooling, tools) == 2
    names = {theme.name for theme in live_themes(store)}
    assert "Tool sprawl" not in names and "Tools" in names
    themes = store.query("SELECT DISTINCT theme_id FROM pain_points")
    assert themes == [{"theme_id": tools}]
    assert store.undo_last() == "merge themes"
    assert {theme.name for theme in live_themes(store)} >= {"Tools", "Tool sprawl"}
    assert store.query("SELECT theme_id FROM pain_points WHERE id = ?", [second]) == [
        {"theme_id": tooling}
    ]
    assign_theme(store, [first], None)
    assert store.query("SELECT theme_id FROM pain_points WHERE id = ?", [first]) == [
        {"theme_id": None}
    ]
    created = create_theme(store, "  Culture  ")
    assert created == create_theme(store, "culture")


def test_hand_counts_are_delta_rows_never_below_zero(store: WorkshopStore) -> None:
    (item,) = capture_all(store, "Handovers")
    round_id = open_round(store, "hand_count")
    assert bump_hand_count(store, round_id, item, 1) == 1
    assert set_hand_count(store, round_id, item, 12) == 12
    with pytest.raises(RuleError, match="below zero"):
        bump_hand_count(store, round_id, item, -13)
    with pytest.raises(RuleError, match="below zero"):
        set_hand_count(store, round_id, item, -1)
    assert bump_hand_count(store, round_id, item, -2) == 10
    rows = store.query("SELECT points, participant_id FROM pain_point_votes ORDER BY rowid")
    assert [row["points"] for row in rows] == [1, 11, -2]
    assert {row["participant_id"] for row in rows} == {None}
    with pytest.raises(RuleError, match="is a hand count"):
        save_ballot(store, round_id, participants(store)[0].id, {item: 1})
    delete_pain_point(store, item)
    with pytest.raises(RuleError, match="deleted"):
        bump_hand_count(store, round_id, item, 1)


def test_dot_ballots_enforce_budget_and_cap_and_replace_earlier_ones(store: WorkshopStore) -> None:
    items = capture_all(store, *(f"Pain {number}" for number in range(1, 8)))
    with pytest.raises(RuleError, match="between 1 and 12"):
        open_round(store, "dot", budget=13)
    with pytest.raises(RuleError, match="above the budget"):
        open_round(store, "dot", budget=4, cap_per_item=5)
    round_id = open_round(store, "dot", budget=5, cap_per_item=2)
    assert get_round(store, round_id).describe() == "dot vote, 5 dots each, at most 2 on one item"
    person = participants(store)[0].id
    with pytest.raises(RuleError, match="uses 6 votes; the budget is 5"):
        save_ballot(store, round_id, person, parse_ballot(store, "1 2 3 4 5 6"))
    with pytest.raises(RuleError, match="At most 2 votes on one item"):
        save_ballot(store, round_id, person, parse_ballot(store, "1x3"))
    with pytest.raises(RuleError, match="no pain point #99"):
        parse_ballot(store, "1 99")
    with pytest.raises(RuleError, match="Type the pain point numbers"):
        parse_ballot(store, " , ")
    save_ballot(store, round_id, person, parse_ballot(store, "1 1 2 #3"))
    save_ballot(store, round_id, person, parse_ballot(store, "7,7;6"))
    assert ballot_of(store, round_id, person) == {items[6]: 2, items[5]: 1}
    assert store.undo_last() == "enter ballot"
    assert ballot_of(store, round_id, person) == {items[0]: 2, items[1]: 1, items[2]: 1}
    delete_pain_point(store, items[3])
    with pytest.raises(RuleError, match="#4 was deleted"):
        parse_ballot(store, "4")
    with pytest.raises(RuleError, match="deleted"):
        save_ballot(store, round_id, person, {items[3]: 1})
    assert (
        store.query("SELECT count(*) AS n FROM pain_point_votes WHERE deleted_at IS NULL")[0]["n"]
        == 3
    )
    set_revealed(store, round_id, True)
    assert get_round(store, round_id).revealed
    later = open_round(store, "dot")
    assert get_round(store, round_id).status == "closed"
    assert get_round(store, later).budget == 5
    with pytest.raises(RuleError, match="closed"):
        save_ballot(store, round_id, person, {items[0]: 1})


def test_ranking_breaks_ties_by_voters_then_capture_order(store: WorkshopStore) -> None:
    first, second, third, fourth = capture_all(
        store, "Zebra first #A", "Alpha second #B", "Third #B", "Fourth #C"
    )
    round_id = open_round(store, "dot")
    people = participants(store)
    save_ballot(store, round_id, people[0].id, {second: 1, first: 1, fourth: 2})
    save_ballot(store, round_id, people[1].id, {second: 1, first: 1})
    save_ballot(store, round_id, people[2].id, {third: 2})
    ranked = rank_pain_points(store, round_id)
    order = [(entry.item.item_id, entry.rank, entry.tied) for entry in ranked]
    assert order == [
        (first, 1, True),
        (second, 1, True),
        (third, 3, True),
        (fourth, 3, True),
    ]
    themes = {standing.ranked.item.label: standing for standing in rank_themes(store, round_id)}
    assert themes["B"].ranked.rank == 1 and themes["B"].ranked.item.score == 4
    assert themes["B"].items == 2
    assert themes["A"].ranked.rank == 2 and themes["C"].ranked.rank == 3


def test_actions_on_gone_rows_give_clear_messages(store: WorkshopStore) -> None:
    (item,) = capture_all(store, "Gone soon")
    delete_pain_point(store, item)
    with pytest.raises(StoreError, match="deleted"):
        edit_pain_point(store, item, "new")
    with pytest.raises(StoreError, match="deleted"):
        assign_theme(store, [item], None)
    with pytest.raises(ValueError, match="Select a pain point"):
        assign_theme(store, [], None)


def test_a_typed_theme_is_matched_against_the_live_themes_and_an_ambiguous_one_saves_nothing(
    store: WorkshopStore,
) -> None:
    themes = store.query("SELECT count(*) AS n FROM themes")[0]["n"]
    capture_all(store, "Silos #people", "Queues #ways of working")
    assert store.query(
        "SELECT p.text, t.name FROM pain_points p JOIN themes t ON t.id = p.theme_id "
        "ORDER BY p.position"
    ) == [
        {"text": "Silos", "name": "People and culture"},
        {"text": "Queues", "name": "Ways of working"},
    ]
    assert store.query("SELECT count(*) AS n FROM themes")[0]["n"] == themes
    rev = store.current_rev()
    with pytest.raises(ValueError, match=r"^Not saved: #and could be People and culture or "):
        capture_pain_point(store, "Gaps #and")
    assert store.current_rev() == rev
    assert store.query("SELECT count(*) AS n FROM pain_points")[0]["n"] == 2
