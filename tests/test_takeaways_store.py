"""Takeaways in the file: capture, tags, actions, full-text search kept in step, filters."""

from __future__ import annotations

import pytest

from console.domain.capture import TakeawayKind
from console.domain.text import TextError
from console.store.agenda import start_item
from console.store.core import StoreError, WorkshopStore
from console.store.takeaways import (
    UnknownTagsError,
    action_counts,
    capture_takeaway,
    count_takeaways,
    delete_takeaway,
    link_choices,
    listed_takeaways,
    parse_filter,
    set_action_status,
    tag_choices,
    toggle_link,
    toggle_tag,
    update_takeaway,
)


def texts(store: WorkshopStore, query: str) -> list[str]:
    """Return the texts a typed search shows, oldest first."""
    return [shown.text for shown in listed_takeaways(store, 0, parse_filter(store, query))]


def first_item(store: WorkshopStore) -> dict:
    """Return the first agenda item of day 2."""
    return store.query(
        "SELECT i.id, i.title FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id "
        "WHERE d.number = 2 ORDER BY i.position LIMIT 1"
    )[0]


def test_capture_stamps_time_and_running_item_and_resolves_alias_tags(
    store: WorkshopStore, clock
) -> None:
    item = first_item(store)
    start_item(store, item["id"], 600)
    captured = capture_takeaway(store, "i: lead by example #Leadership #Continual_Improvement")
    row = store.query("SELECT * FROM takeaways WHERE id = ?", [captured.id])[0]
    assert row["agenda_item_id"] == item["id"]
    assert row["captured_at"].startswith("2026-11-26T09:00:00")
    assert captured.tags == ("DevOps Leadership", "Continuous Improvement")
    shown = listed_takeaways(store)[0]
    assert shown.item_title == item["title"]
    assert set(shown.areas.split(", ")) == {"DevOps Leadership", "Continuous Improvement"}


def test_quote_speaker_is_remembered_and_action_gets_owner_due_and_open_status(
    store: WorkshopStore,
) -> None:
    capture_takeaway(store, "q: Improving daily work -- Mike Orzen")
    again = capture_takeaway(store, "q: Daily work matters", last_speaker="Mike Orzen")
    assert again.speaker == "Mike Orzen"
    capture_takeaway(store, "a: write the charter @Alice !2026-12-01")
    action = store.query("SELECT owner, due_on, action_status FROM takeaways WHERE kind='action'")
    assert action == [{"owner": "Alice", "due_on": "2026-12-01", "action_status": "open"}]


def test_bad_input_saves_nothing(store: WorkshopStore) -> None:
    with pytest.raises(TextError):
        capture_takeaway(store, "   ")
    with pytest.raises(TextError, match="No such date"):
        capture_takeaway(store, "a: plan !2026-02-30")
    with pytest.raises(UnknownTagsError, match="#Cloudy is not a competence area or theme"):
        capture_takeaway(store, "i: a thought #Cloudy")
    assert store.query("SELECT count(*) AS n FROM takeaways") == [{"n": 0}]
    assert store.query("SELECT count(*) AS n FROM themes WHERE name = 'Cloudy'") == [{"n": 0}]


def test_unknown_tag_becomes_a_theme_when_asked(store: WorkshopStore) -> None:
    captured = capture_takeaway(store, "i: a thought #Cloudy", create_themes=True)
    assert captured.tags == ("Cloudy",)
    assert store.query("SELECT count(*) AS n FROM themes WHERE name = 'Cloudy'") == [{"n": 1}]
    capture_takeaway(store, "i: another #cloudy")
    assert store.query("SELECT count(*) AS n FROM themes WHERE lower(name) = 'cloudy'") == [
        {"n": 1}
    ]


def test_markup_and_escape_sequences_are_kept_literal_or_removed(store: WorkshopStore) -> None:
    capture_takeaway(store, "[bold red]not markup[/] \x1b[31mred\x1b[0m")
    assert store.query("SELECT text FROM takeaways") == [{"text": "[bold red]not markup[/] red"}]


def test_full_text_search_follows_inserts_edits_and_deletes(store: WorkshopStore) -> None:
    first = capture_takeaway(store, "Flow beats utilisation")
    capture_takeaway(store, "q: Improving daily work -- Mike Orzen")
    assert texts(store, "flow") == ["Flow beats utilisation"]
    assert texts(store, "orz") == ["Improving daily work"]  # speaker, by prefix
    update_takeaway(
        store, first.id, {"kind": "insight", "text": "Small batches win", "due": "", "status": ""}
    )
    assert texts(store, "flow") == []
    assert texts(store, "batch") == ["Small batches win"]
    delete_takeaway(store, first.id)
    assert texts(store, "batch") == []
    store.undo_last()
    assert texts(store, "batch") == ["Small batches win"]
    assert texts(store, 'quote"s AND OR * ( ') == []  # FTS syntax is harmless


def test_filters_by_kind_tag_person_item_and_status(store: WorkshopStore) -> None:
    item = first_item(store)
    capture_takeaway(store, "i: before the item")
    start_item(store, item["id"], 600)
    capture_takeaway(store, "q: Be brave -- Gene Kim #Courage")
    capture_takeaway(store, "a: draft the plan @Gene !+7")
    capture_takeaway(store, "d: we ship weekly #Strategic_fit")
    assert texts(store, "kind:quote") == ["Be brave"]
    assert texts(store, "kind:a") == ["draft the plan"]
    assert texts(store, "#courageous") == ["Be brave"]  # an alias
    assert texts(store, '#"Strategic fit"') == ["we ship weekly"]  # a theme
    assert texts(store, "@gene") == ["Be brave", "draft the plan"]
    assert texts(store, "item:now") == ["Be brave", "draft the plan", "we ship weekly"]
    assert texts(store, "item:welcome") == ["Be brave", "draft the plan", "we ship weekly"]
    assert texts(store, "status:open") == ["draft the plan"]
    assert texts(store, "brave @gene kind:quote") == ["Be brave"]
    assert count_takeaways(store, parse_filter(store, "@gene")) == (2, 4)
    for bad, message in (
        ("kind:poem", "No kind called"),
        ("#nothing_like_it", "No competence area or theme"),
        ("status:maybe", "No action status"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_filter(store, bad)


def test_action_status_edit_and_impossible_dates(store: WorkshopStore) -> None:
    action = capture_takeaway(store, "a: write the charter @Alice")
    insight = capture_takeaway(store, "an insight")
    set_action_status(store, action.id, "done")
    assert action_counts(store) == {"open": 0, "done": 1, "dropped": 0}
    with pytest.raises(ValueError, match="Only actions have a status"):
        set_action_status(store, insight.id, "done")
    fields = {
        "kind": "action",
        "text": "write the charter",
        "owner": "Bob",
        "due": "2026-02-30",
        "status": "done",
        "done_means": "signed by the board",
    }
    with pytest.raises(ValueError, match="No such date"):
        update_takeaway(store, action.id, fields)
    with pytest.raises(ValueError, match="is not a date"):
        update_takeaway(store, action.id, {**fields, "due": "someday"})
    update_takeaway(store, action.id, {**fields, "due": "2026-12-24", "status": "dropped"})
    row = store.query("SELECT owner, due_on, action_status, done_means FROM takeaways LIMIT 1")
    assert row == [
        {
            "owner": "Bob",
            "due_on": "2026-12-24",
            "action_status": "dropped",
            "done_means": "signed by the board",
        }
    ]
    delete_takeaway(store, action.id)
    with pytest.raises(StoreError, match="no longer exists"):
        set_action_status(store, action.id, "open")


def test_tag_choices_type_to_search_toggle_and_links(store: WorkshopStore) -> None:
    captured = capture_takeaway(store, "fix the handovers")
    choices = tag_choices(store, "continual", captured.id)
    assert choices[0].label == "Continuous Improvement (competence area)"
    assert toggle_tag(store, captured.id, choices[0]) is True
    assert tag_choices(store, "continual", captured.id)[0].checked
    assert toggle_tag(store, captured.id, choices[0]) is False
    offer = tag_choices(store, "Handovers", captured.id)[-1]
    assert offer.kind == "new-theme"
    assert toggle_tag(store, captured.id, offer) is True
    assert listed_takeaways(store)[0].themes == "Handovers"
    pain_point = store.db.table("pain_points")
    assert pain_point.count == 0
    cards = link_choices(store, "", captured.id)
    assert cards and cards[0].kind == "card"
    assert toggle_link(store, captured.id, cards[0]) is True
    assert listed_takeaways(store)[0].card_label.startswith("card ")


def test_two_note_takers_at_the_same_moment_are_both_kept_in_order(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    capture_takeaway(store, "from the facilitator")
    capture_takeaway(second_store, "from the note-taker", default_kind=TakeawayKind.DECISION)
    capture_takeaway(store, "facilitator again")
    assert [shown.text for shown in listed_takeaways(second_store)] == [
        "from the facilitator",
        "from the note-taker",
        "facilitator again",
    ]
