"""Tests for the event-sourced timer fold, validation and clock formatting."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.timers import (
    PRESET_MINUTES,
    TimerEvent,
    TimerEventKind,
    TimerPhase,
    TimerStatus,
    format_clock,
    timer_state,
    validate_timebox_minutes,
)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """Return the instant `seconds` after T0."""
    return T0 + timedelta(seconds=seconds)


def start(seconds_after: float = 0, timebox: int = 300) -> TimerEvent:
    """Build a START event."""
    return TimerEvent(TimerEventKind.START, at(seconds_after), timebox)


def event(kind: TimerEventKind, seconds_after: float, seconds: int = 0) -> TimerEvent:
    """Build any event."""
    return TimerEvent(kind, at(seconds_after), seconds)


# --- basic fold -----------------------------------------------------------------------------


def test_no_events_is_idle() -> None:
    state = timer_state([], at(10))
    assert state.status is TimerStatus.IDLE
    assert state.phase is TimerPhase.IDLE
    assert state.elapsed_seconds == 0
    assert state.started_at is None


def test_events_before_first_start_are_ignored() -> None:
    events = [
        event(TimerEventKind.PAUSE, 0),
        event(TimerEventKind.EXTEND, 1, 60),
        event(TimerEventKind.STOP, 2),
        start(10),
    ]
    state = timer_state(events, at(20))
    assert state.status is TimerStatus.RUNNING
    assert state.timebox_seconds == 300
    assert state.elapsed_seconds == 10
    assert state.started_at == at(10)


def test_running_counts_wall_time() -> None:
    state = timer_state([start()], at(30))
    assert state.status is TimerStatus.RUNNING
    assert state.elapsed_seconds == 30
    assert state.remaining_seconds == 270
    assert state.phase is TimerPhase.NORMAL


def test_pause_and_resume_only_count_running_time() -> None:
    events = [
        start(),
        event(TimerEventKind.PAUSE, 60),
        event(TimerEventKind.RESUME, 160),
    ]
    assert timer_state(events[:2], at(100)).elapsed_seconds == 60
    assert timer_state(events[:2], at(100)).status is TimerStatus.PAUSED
    assert timer_state(events, at(160)).elapsed_seconds == 60
    assert timer_state(events, at(200)).elapsed_seconds == 100
    assert timer_state(events, at(200)).status is TimerStatus.RUNNING


def test_duplicate_pause_and_resume_are_ignored() -> None:
    events = [
        start(),
        event(TimerEventKind.RESUME, 5),
        event(TimerEventKind.PAUSE, 10),
        event(TimerEventKind.PAUSE, 20),
        event(TimerEventKind.RESUME, 30),
        event(TimerEventKind.RESUME, 35),
    ]
    assert timer_state(events, at(40)).elapsed_seconds == 20


def test_extend_adds_to_timebox_while_running_or_paused() -> None:
    events = [
        start(),
        event(TimerEventKind.EXTEND, 10, 60),
        event(TimerEventKind.PAUSE, 20),
        event(TimerEventKind.EXTEND, 30, 300),
    ]
    state = timer_state(events, at(40))
    assert state.timebox_seconds == 660
    assert state.remaining_seconds == 640


def test_extend_after_stop_is_ignored() -> None:
    events = [start(), event(TimerEventKind.STOP, 50), event(TimerEventKind.EXTEND, 60, 120)]
    state = timer_state(events, at(100))
    assert state.timebox_seconds == 300
    assert state.status is TimerStatus.STOPPED
    assert state.phase is TimerPhase.DONE


def test_stop_freezes_elapsed() -> None:
    events = [start(), event(TimerEventKind.STOP, 50)]
    for now in (50, 51, 500, 100_000):
        state = timer_state(events, at(now))
        assert state.elapsed_seconds == 50
        assert state.stopped_at == at(50)
    resumed = timer_state([*events, event(TimerEventKind.RESUME, 60)], at(100))
    assert resumed.status is TimerStatus.STOPPED
    assert resumed.elapsed_seconds == 50


def test_stop_while_paused_keeps_paused_elapsed() -> None:
    events = [start(), event(TimerEventKind.PAUSE, 40), event(TimerEventKind.STOP, 90)]
    state = timer_state(events, at(200))
    assert state.elapsed_seconds == 40
    assert state.stopped_at == at(90)


def test_second_stop_keeps_first_stop() -> None:
    events = [start(), event(TimerEventKind.STOP, 50), event(TimerEventKind.STOP, 80)]
    assert timer_state(events, at(100)).stopped_at == at(50)


def test_second_start_restarts() -> None:
    events = [
        start(0, 300),
        event(TimerEventKind.EXTEND, 10, 60),
        event(TimerEventKind.STOP, 100),
        start(200, 120),
    ]
    state = timer_state(events, at(230))
    assert state.status is TimerStatus.RUNNING
    assert state.timebox_seconds == 120
    assert state.elapsed_seconds == 30
    assert state.started_at == at(200)
    assert state.stopped_at is None


def test_events_sorted_by_instant_then_original_order() -> None:
    events = [
        event(TimerEventKind.RESUME, 20),
        start(0),
        event(TimerEventKind.PAUSE, 20),
    ]
    # Sorted: START@0, RESUME@20 (ignored, running), PAUSE@20.
    state = timer_state(events, at(100))
    assert state.status is TimerStatus.PAUSED
    assert state.elapsed_seconds == 20


def test_future_events_are_treated_as_now() -> None:
    future_start = timer_state([start(100)], at(0))
    assert future_start.status is TimerStatus.RUNNING
    assert future_start.elapsed_seconds == 0
    assert future_start.started_at == at(0)
    future_pause = timer_state([start(0), event(TimerEventKind.PAUSE, 100)], at(40))
    assert future_pause.status is TimerStatus.PAUSED
    assert future_pause.elapsed_seconds == 40


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError):
        TimerEvent(TimerEventKind.START, datetime(2025, 3, 1, 9, 0), 60)
    with pytest.raises(ValueError):
        timer_state([start()], datetime(2025, 3, 1, 9, 0))


def test_negative_event_seconds_are_rejected() -> None:
    with pytest.raises(ValueError):
        TimerEvent(TimerEventKind.EXTEND, T0, -60)


def test_non_utc_aware_instants_are_compared_correctly() -> None:
    plus_one = datetime(2025, 3, 1, 10, 0, tzinfo=UTC).astimezone(timezone(timedelta(hours=1)))
    state = timer_state([start()], plus_one)
    assert state.elapsed_seconds == 3600


# --- phases ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "phase"),
    [
        (0, TimerPhase.NORMAL),
        (59, TimerPhase.NORMAL),
        (59.999, TimerPhase.NORMAL),
        (60, TimerPhase.WARNING),
        (79, TimerPhase.WARNING),
        (80, TimerPhase.ALERT),
        (100, TimerPhase.ALERT),
        (100.001, TimerPhase.OVERTIME),
        (500, TimerPhase.OVERTIME),
    ],
)
def test_phase_boundaries_on_100_second_timebox(elapsed: float, phase: TimerPhase) -> None:
    assert timer_state([start(0, 100)], at(elapsed)).phase is phase


@pytest.mark.parametrize(
    ("elapsed", "phase"),
    [
        (177, TimerPhase.NORMAL),  # 59 %
        (180, TimerPhase.WARNING),  # 60 %
        (239, TimerPhase.WARNING),
        (240, TimerPhase.ALERT),  # 80 %
        (300, TimerPhase.ALERT),  # exactly zero remaining
        (301, TimerPhase.OVERTIME),
    ],
)
def test_phase_boundaries_on_five_minutes(elapsed: float, phase: TimerPhase) -> None:
    assert timer_state([start(0, 300)], at(elapsed)).phase is phase


def test_phase_uses_extended_timebox() -> None:
    events = [start(0, 100), event(TimerEventKind.EXTEND, 50, 100)]
    assert timer_state(events, at(119)).phase is TimerPhase.NORMAL
    assert timer_state(events, at(120)).phase is TimerPhase.WARNING
    assert timer_state(events, at(160)).phase is TimerPhase.ALERT


def test_paused_timer_keeps_phase() -> None:
    events = [start(0, 100), event(TimerEventKind.PAUSE, 85)]
    state = timer_state(events, at(1000))
    assert state.phase is TimerPhase.ALERT
    assert state.status is TimerStatus.PAUSED


def test_zero_timebox_is_overtime_immediately() -> None:
    state = timer_state([start(0, 0)], at(0))
    assert state.phase is TimerPhase.OVERTIME
    assert timer_state([start(0, 0)], at(5)).remaining_seconds == -5


# --- property tests -------------------------------------------------------------------------

_follow_up_kinds = st.sampled_from(
    [TimerEventKind.PAUSE, TimerEventKind.RESUME, TimerEventKind.EXTEND, TimerEventKind.STOP]
)
_gaps = st.floats(min_value=0, max_value=3600, allow_nan=False, allow_infinity=False)


@st.composite
def timer_histories(draw: st.DrawFn, *, allow_stop: bool = True) -> list[TimerEvent]:
    """Draw a START followed by pause/resume/extend (optionally stop) events at rising instants."""
    kinds = (
        _follow_up_kinds
        if allow_stop
        else st.sampled_from([TimerEventKind.PAUSE, TimerEventKind.RESUME, TimerEventKind.EXTEND])
    )
    timebox = draw(st.integers(min_value=0, max_value=7200))
    instant = at(draw(_gaps))
    events = [TimerEvent(TimerEventKind.START, instant, timebox)]
    for _ in range(draw(st.integers(min_value=0, max_value=15))):
        instant += timedelta(seconds=draw(_gaps))
        kind = draw(kinds)
        seconds = draw(st.integers(min_value=1, max_value=600)) if kind == "extend" else 0
        events.append(TimerEvent(kind, instant, seconds))
    return events


_offsets = st.floats(min_value=-3600, max_value=100_000, allow_nan=False, allow_infinity=False)


@given(timer_histories(), _offsets)
def test_elapsed_never_negative_and_remaining_consistent(
    events: list[TimerEvent], offset: float
) -> None:
    now = events[0].at + timedelta(seconds=offset)
    state = timer_state(events, now)
    assert state.elapsed_seconds >= 0
    assert state.remaining_seconds == state.timebox_seconds - state.elapsed_seconds
    assert state.status is not TimerStatus.IDLE


@given(timer_histories(), _offsets)
def test_elapsed_never_exceeds_wall_time_since_start(
    events: list[TimerEvent], offset: float
) -> None:
    now = events[0].at + timedelta(seconds=offset)
    state = timer_state(events, now)
    wall = max((now - events[0].at).total_seconds(), 0.0)
    assert state.elapsed_seconds <= wall + 1e-6


@given(timer_histories(), _offsets, st.floats(min_value=0, max_value=50_000))
def test_elapsed_is_monotone_in_now(events: list[TimerEvent], offset: float, step: float) -> None:
    earlier = events[0].at + timedelta(seconds=offset)
    later = earlier + timedelta(seconds=step)
    assert (
        timer_state(events, earlier).elapsed_seconds <= timer_state(events, later).elapsed_seconds
    )


@given(timer_histories(), st.floats(min_value=0, max_value=1e6))
def test_events_after_now_never_give_negative_elapsed(
    events: list[TimerEvent], skew: float
) -> None:
    now = events[-1].at - timedelta(seconds=skew)
    state = timer_state(events, now)
    assert state.elapsed_seconds >= 0
    assert state.remaining_seconds == state.timebox_seconds - state.elapsed_seconds


@given(timer_histories(allow_stop=False), _gaps, st.floats(min_value=0, max_value=1e6))
def test_stop_freezes_state(events: list[TimerEvent], gap: float, later: float) -> None:
    stop_at = events[-1].at + timedelta(seconds=gap)
    stopped = [*events, TimerEvent(TimerEventKind.STOP, stop_at)]
    at_stop = timer_state(stopped, stop_at)
    afterwards = timer_state(stopped, stop_at + timedelta(seconds=later))
    assert at_stop.status is TimerStatus.STOPPED
    assert afterwards == at_stop
    assert afterwards.phase is TimerPhase.DONE
    assert at_stop.elapsed_seconds == timer_state(events, stop_at).elapsed_seconds


@given(timer_histories(), _offsets)
def test_result_does_not_depend_on_input_order_of_distinct_instants(
    events: list[TimerEvent], offset: float
) -> None:
    now = events[0].at + timedelta(seconds=offset)
    # Keep one event per instant so that input order cannot matter at all.
    distinct: dict[datetime, TimerEvent] = {}
    for item in events:
        distinct.setdefault(item.at, item)
    unique = list(distinct.values())
    assert timer_state(unique, now) == timer_state(list(reversed(unique)), now)


# --- transitions, presets, validation ----------------------------------------------------------


def test_presets_are_valid_timeboxes() -> None:
    assert PRESET_MINUTES == (2, 3, 5, 10, 15, 20, 30)
    for minutes in PRESET_MINUTES:
        assert validate_timebox_minutes(minutes) == minutes * 60


def test_enum_values_are_lowercase_strings() -> None:
    assert TimerEventKind.START == "start"
    assert TimerPhase.OVERTIME == "overtime"
    assert TimerStatus.PAUSED == "paused"


@pytest.mark.parametrize(("minutes", "seconds"), [(1, 60), (1.5, 90), (5, 300), (24 * 60, 86_400)])
def test_validate_timebox_accepts(minutes: float, seconds: int) -> None:
    assert validate_timebox_minutes(minutes) == seconds


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (0, "at least 1 minute"),
        (-5, "at least 1 minute"),
        (0.5, "at least 1 minute"),
        (math.nan, "finite"),
        (math.inf, "finite"),
        (-math.inf, "finite"),
        (24 * 60 + 1, "24 hours"),
        (True, "number"),
    ],
)
def test_validate_timebox_rejects(minutes: float, message: str) -> None:
    with pytest.raises(ValueError, match=message) as excinfo:
        validate_timebox_minutes(minutes)
    assert "\n" not in str(excinfo.value)


# --- format_clock ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (300, "05:00"),
        (299.999, "05:00"),
        (299.0, "04:59"),
        (0.2, "00:01"),
        (0, "00:00"),
        (-0.0, "00:00"),
        (-0.5, "+00:00"),
        (-75, "+01:15"),
        (-75.9, "+01:15"),
        (59, "00:59"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3661, "1:01:01"),
        (-3725, "+1:02:05"),
        (86_400, "24:00:00"),
    ],
)
def test_format_clock(seconds: float, text: str) -> None:
    assert format_clock(seconds) == text


def test_format_clock_just_started_timer() -> None:
    state = timer_state([start(0, 300)], at(0.0001))
    assert format_clock(state.remaining_seconds) == "05:00"


def test_format_clock_rejects_non_finite() -> None:
    with pytest.raises(ValueError):
        format_clock(math.nan)
