"""Agenda and timer actions on the file: one running item, events, bad input, two consoles."""

from __future__ import annotations

import pytest
from conftest import FakeClock

from console.domain.timers import timer_state
from console.store.agenda import (
    add_day,
    add_item,
    current_item,
    delete_item,
    extend_timer,
    load_agenda,
    move_item,
    next_item,
    parse_day_date,
    parse_minutes,
    parse_start_time,
    start_item,
    stop_timer,
    toggle_pause,
    toggle_skip,
    update_day,
    update_item,
)
from console.store.core import StoreError, WorkshopStore


def statuses(store: WorkshopStore) -> dict[str, str]:
    """Return every live item's status by title."""
    return {item.title: item.status for item in load_agenda(store).items}


def running_count(store: WorkshopStore) -> int:
    """Return how many items are on the clock."""
    return store.query(
        "SELECT count(*) AS n FROM agenda_items WHERE status IN ('running', 'paused') "
        "AND deleted_at IS NULL"
    )[0]["n"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "at least 1 minute"),
        ("-3", "at least 1 minute"),
        ("1441", "longer than 24 hours"),
        ("99999999", "longer than 24 hours"),
        ("1.5", "whole number"),
        ("", "whole number"),
        ("ten", "whole number"),
    ],
)
def test_bad_planned_minutes_are_refused_with_a_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_minutes(text)


def test_times_and_dates_are_checked() -> None:
    assert parse_minutes(" 45 ") == 45
    assert parse_start_time("9:30") == "09:30"
    assert parse_day_date("") is None
    for bad in ("24:00", "9", "noon", "12:60"):
        with pytest.raises(ValueError, match="09:00"):
            parse_start_time(bad)
    with pytest.raises(ValueError, match="2026-11-26"):
        parse_day_date("2026-02-30")


def test_starting_an_item_ends_the_running_one_and_records_its_actual_time(
    store: WorkshopStore, clock: FakeClock
) -> None:
    first, second = load_agenda(store).items[:2]
    start_item(store, first.id, 600)
    clock.advance(200)
    start_item(store, second.id, 300)
    assert running_count(store) == 1
    rows = {
        row["id"]: row for row in store.query("SELECT id, status, actual_seconds FROM agenda_items")
    }
    assert rows[first.id]["status"] == "done" and rows[first.id]["actual_seconds"] == 200
    assert rows[second.id]["status"] == "running"
    events = store.query(
        "SELECT agenda_item_id, kind, seconds, rev FROM timer_events ORDER BY rowid"
    )
    assert [(e["agenda_item_id"], e["kind"], e["seconds"]) for e in events] == [
        (first.id, "start", 600),
        (first.id, "stop", 0),
        (second.id, "start", 300),
    ]
    # The stop, the status change and the new start are one action: one revision.
    stop_rev = events[1]["rev"]
    assert events[2]["rev"] == stop_rev
    assert (
        store.query("SELECT rev FROM agenda_items WHERE id = ?", [first.id])[0]["rev"] == stop_rev
    )


@pytest.mark.parametrize(
    ("seconds", "message"),
    [(0, "at least 1 minute"), (-60, "at least 1 minute"), (86_460, "longer than 24 hours")],
)
def test_zero_negative_and_absurd_timeboxes_are_refused(
    store: WorkshopStore, seconds: int, message: str
) -> None:
    item = load_agenda(store).items[0]
    with pytest.raises(ValueError, match=message):
        start_item(store, item.id, seconds)
    assert store.query("SELECT count(*) AS n FROM timer_events")[0]["n"] == 0


def test_extending_past_24_hours_is_refused(store: WorkshopStore) -> None:
    item = load_agenda(store).items[0]
    start_item(store, item.id, 23 * 3600)
    extend_timer(store, 3600)
    with pytest.raises(ValueError, match="24 hours"):
        extend_timer(store, 60)
    with pytest.raises(ValueError, match="at least one second"):
        extend_timer(store, 0)


def test_timer_actions_without_a_running_item_explain_what_to_do(store: WorkshopStore) -> None:
    for action in (toggle_pause, stop_timer):
        with pytest.raises(ValueError, match="press s"):
            action(store)
    with pytest.raises(ValueError, match="press s"):
        extend_timer(store, 60)


def test_the_running_item_cannot_be_deleted_skipped_or_resized(store: WorkshopStore) -> None:
    item = load_agenda(store).items[0]
    start_item(store, item.id, 600)
    with pytest.raises(ValueError, match="stop it"):
        delete_item(store, item.id)
    with pytest.raises(ValueError, match="next item"):
        toggle_skip(store, item.id)
    with pytest.raises(ValueError, match="add time"):
        update_item(
            store, item.id, title="New title", kind="talk", minutes=item.planned_minutes + 5
        )
    update_item(store, item.id, title="New title", kind="talk", minutes=item.planned_minutes)
    assert current_item(store).title == "New title"
    with pytest.raises(ValueError, match="already on the clock"):
        start_item(store, item.id, 600)


def test_deleting_a_vanished_item_says_so(store: WorkshopStore) -> None:
    item = load_agenda(store).items[0]
    delete_item(store, item.id)
    with pytest.raises(StoreError, match="no longer exists"):
        delete_item(store, item.id)
    with pytest.raises(StoreError, match="no longer exists"):
        start_item(store, item.id, 600)
    assert store.undo_last() == "delete agenda item"
    assert load_agenda(store).item(item.id) is not None


def test_two_consoles_pressing_start_at_once_one_wins_and_both_agree(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    first, second = load_agenda(store).items[:2]
    # Both consoles saw nothing running when their facilitators pressed s.
    start_item(store, first.id, 600, seen_running=None)
    with pytest.raises(ValueError, match="Another console has just started"):
        start_item(second_store, second.id, 600, seen_running=None)
    assert running_count(store) == 1
    assert current_item(store).id == current_item(second_store).id == first.id
    # Having seen the new state, the second console can switch deliberately.
    start_item(second_store, second.id, 600, seen_running=first.id)
    assert current_item(store).id == second.id
    assert statuses(store)[first.title] == "done"


def test_next_walks_the_agenda_skipping_skipped_items(
    store: WorkshopStore, clock: FakeClock
) -> None:
    items = load_agenda(store).items
    toggle_skip(store, items[1].id)
    assert next_item(store) == items[0].title  # nothing ran: the first planned item starts
    clock.advance(60)
    assert next_item(store) == items[2].title
    assert statuses(store)[items[1].title] == "skipped"
    assert current_item(store).events[0].seconds == items[2].planned_minutes * 60
    for _ in items[3:]:
        next_item(store)
    assert next_item(store) is None  # the last item ends, nothing is left to start
    assert running_count(store) == 0
    with pytest.raises(ValueError, match="Nothing left"):
        next_item(store)


def test_pause_resume_extend_fold_into_the_remaining_time(
    store: WorkshopStore, clock: FakeClock
) -> None:
    item = load_agenda(store).items[0]
    start_item(store, item.id, 300)
    clock.advance(100)
    assert toggle_pause(store) == "paused"
    clock.advance(1000)
    assert toggle_pause(store) == "running"
    extend_timer(store, 60)
    clock.advance(10)
    state = timer_state(current_item(store).events, clock())
    assert state.remaining_seconds == 300 + 60 - 110
    assert store.query("SELECT status FROM agenda_items WHERE id = ?", [item.id]) == [
        {"status": "running"}
    ]


def test_items_move_within_and_across_days_and_new_days_follow_dates(
    store: WorkshopStore,
) -> None:
    agenda = load_agenda(store)
    day_one, day_two = agenda.days
    last_of_one = agenda.items_of(day_one.id)[-1]
    assert move_item(store, last_of_one.id, 1)
    agenda = load_agenda(store)
    assert agenda.items_of(day_two.id)[0].id == last_of_one.id
    assert move_item(store, last_of_one.id, -1)
    assert load_agenda(store).items_of(day_one.id)[-1].id == last_of_one.id
    assert not move_item(store, agenda.items[0].id, -1)

    first_day_item = load_agenda(store).items[0]
    new_id = add_item(
        store,
        day_one.id,
        title="Energiser",
        kind="exercise",
        minutes=5,
        after_item_id=first_day_item.id,
    )
    assert [i.id for i in load_agenda(store).items_of(day_one.id)][:2] == [
        first_day_item.id,
        new_id,
    ]
    with pytest.raises(ValueError, match="kind"):
        add_item(store, day_one.id, title="Odd", kind="party", minutes=5)

    update_day(store, day_two.id, start_time=day_two.start_time, date_text="2026-11-26", title="")
    new_day = add_day(store, start_time="8:45")
    day = load_agenda(store).day(new_day)
    assert (day.ordinal, day.date, day.start_time) == (3, "2026-11-27", "08:45")
