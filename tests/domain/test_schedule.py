"""Tests for planned versus projected day schedules and drift wording."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.schedule import (
    DaySchedule,
    PlannedItem,
    ScheduledItem,
    format_drift,
    plan_day,
)

DAY_START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def minutes_after(minutes: float) -> datetime:
    """Return the instant `minutes` after the day start."""
    return DAY_START + timedelta(minutes=minutes)


def item(
    item_id: str, planned: int, status: str = "planned", actual: float | None = None
) -> PlannedItem:
    """Build a PlannedItem tersely."""
    return PlannedItem(item_id, planned, status, actual)


def test_empty_day() -> None:
    schedule = plan_day(DAY_START, [], minutes_after(30))
    assert schedule == DaySchedule((), DAY_START, DAY_START, 0.0)


def test_nothing_started_projects_the_plan() -> None:
    items = [item("a", 10), item("b", 20), item("c", 15)]
    schedule = plan_day(DAY_START, items, DAY_START - timedelta(hours=12))
    assert schedule.planned_end == minutes_after(45)
    assert schedule.projected_end == minutes_after(45)
    assert schedule.drift_seconds == 0
    assert schedule.items[1] == ScheduledItem(
        "b", minutes_after(10), minutes_after(30), minutes_after(10), minutes_after(30)
    )


def test_on_time_with_running_item() -> None:
    items = [item("a", 10, "done", 600), item("b", 20, "running", 300), item("c", 15)]
    schedule = plan_day(DAY_START, items, minutes_after(15))
    assert schedule.items[1].projected_start == minutes_after(10)
    assert schedule.items[1].projected_end == minutes_after(30)
    assert schedule.items[2].projected_start == minutes_after(30)
    assert schedule.drift_seconds == 0
    assert format_drift(schedule.drift_seconds) == "on time"


def test_behind_because_an_item_overran() -> None:
    items = [item("a", 10, "done", 22 * 60), item("b", 20), item("c", 15)]
    schedule = plan_day(DAY_START, items, minutes_after(22))
    assert schedule.items[0].projected_end == minutes_after(22)
    assert schedule.items[1].projected_start == minutes_after(22)
    assert schedule.drift_seconds == 12 * 60
    assert format_drift(schedule.drift_seconds) == "12 min behind"


def test_running_item_in_overtime_pushes_everything_later() -> None:
    items = [item("a", 10, "running", 25 * 60), item("b", 20)]
    schedule = plan_day(DAY_START, items, minutes_after(25))
    assert schedule.items[0].projected_end == minutes_after(25)
    assert schedule.items[1].projected_start == minutes_after(25)
    assert schedule.drift_seconds == 15 * 60


def test_running_remaining_seconds_overrides_plan() -> None:
    items = [item("a", 10, "running", 5 * 60), item("b", 20)]
    extended = plan_day(DAY_START, items, minutes_after(5), running_remaining_seconds=10 * 60)
    assert extended.items[0].projected_end == minutes_after(15)
    assert extended.drift_seconds == 5 * 60
    overtime = plan_day(DAY_START, items, minutes_after(5), running_remaining_seconds=-120)
    assert overtime.items[0].projected_end == minutes_after(5)


def test_paused_item_projects_from_now() -> None:
    items = [item("a", 10, "paused", 4 * 60), item("b", 20)]
    schedule = plan_day(DAY_START, items, minutes_after(12))
    # Six minutes of the timebox remain, counted from now.
    assert schedule.items[0].projected_end == minutes_after(18)
    assert schedule.drift_seconds == 8 * 60


def test_ahead_because_items_were_skipped() -> None:
    items = [item("a", 10, "done", 600), item("b", 20, "skipped"), item("c", 15)]
    schedule = plan_day(DAY_START, items, minutes_after(10))
    skipped = schedule.items[1]
    assert skipped.planned_start == minutes_after(10)
    assert skipped.planned_end == minutes_after(30)
    assert skipped.projected_start == skipped.projected_end == minutes_after(10)
    assert schedule.items[2].planned_start == minutes_after(30)
    assert schedule.items[2].projected_start == minutes_after(10)
    assert schedule.drift_seconds == -20 * 60
    assert format_drift(schedule.drift_seconds) == "20 min ahead"


def test_ahead_because_items_finished_early() -> None:
    items = [item("a", 30, "done", 20 * 60), item("b", 30, "done", 25 * 60), item("c", 15)]
    schedule = plan_day(DAY_START, items, minutes_after(45))
    assert schedule.projected_end == minutes_after(60)
    assert schedule.drift_seconds == -15 * 60
    assert format_drift(schedule.drift_seconds) == "15 min ahead"


def test_gap_between_items_counts_once_next_item_projects_from_now() -> None:
    items = [item("a", 10, "done", 600), item("b", 20)]
    schedule = plan_day(DAY_START, items, minutes_after(25))
    assert schedule.items[1].projected_start == minutes_after(25)
    assert schedule.drift_seconds == 15 * 60


def test_done_item_without_actual_uses_plan() -> None:
    items = [item("a", 10, "done"), item("b", 20)]
    schedule = plan_day(DAY_START, items, minutes_after(10))
    assert schedule.drift_seconds == 0


def test_invalid_items_are_rejected() -> None:
    with pytest.raises(ValueError):
        item("a", 10, "cancelled")
    with pytest.raises(ValueError):
        item("a", -1)
    with pytest.raises(ValueError):
        item("a", 10, "done", -5)
    with pytest.raises(ValueError):
        item("a", 10, "done", math.nan)


_statuses = st.sampled_from(["planned", "running", "paused", "done", "skipped"])
_items = st.lists(
    st.builds(
        PlannedItem,
        item_id=st.text(min_size=1, max_size=5),
        planned_minutes=st.integers(min_value=0, max_value=240),
        status=_statuses,
        actual_seconds=st.one_of(st.none(), st.floats(min_value=0, max_value=20_000)),
    ),
    max_size=10,
)


@given(_items, st.floats(min_value=-1440, max_value=1440))
def test_schedule_invariants(items: list[PlannedItem], now_minutes: float) -> None:
    now = minutes_after(now_minutes)
    schedule = plan_day(DAY_START, items, now)
    assert len(schedule.items) == len(items)
    total = sum(entry.planned_minutes for entry in items)
    assert schedule.planned_end == minutes_after(total)
    assert schedule.drift_seconds == (schedule.projected_end - schedule.planned_end).total_seconds()
    for scheduled in schedule.items:
        assert scheduled.planned_start <= scheduled.planned_end
        assert scheduled.projected_start <= scheduled.projected_end


# --- format_drift ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "on time"),
        (59.9, "on time"),
        (-59.9, "on time"),
        (60, "1 min behind"),
        (-60, "1 min ahead"),
        (12 * 60 + 30, "12 min behind"),
        (-5 * 60, "5 min ahead"),
        (59 * 60 + 59, "59 min behind"),
        (3600, "1 h 00 min behind"),
        (3600 + 5 * 60, "1 h 05 min behind"),
        (-(2 * 3600 + 30 * 60), "2 h 30 min ahead"),
    ],
)
def test_format_drift(seconds: float, text: str) -> None:
    assert format_drift(seconds) == text


def test_format_drift_rejects_non_finite() -> None:
    with pytest.raises(ValueError):
        format_drift(math.inf)
