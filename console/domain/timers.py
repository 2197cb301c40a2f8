"""Event-sourced timeboxes: remaining time is always computed from stored, absolute-instant events.

Rules of the fold in `timer_state`:

- Events are ordered by (instant, original position); any instant later than `now` is treated as
  `now`, so clock skew between two processes can never produce negative elapsed time.
- Events before the first START are ignored; a later START restarts (resets) the timer.
- PAUSE only applies while running, RESUME only while paused, EXTEND while running or paused, and
  STOP while running or paused (a second STOP is ignored); anything else is ignored.
- Elapsed time counts only running time; the timebox is the START seconds plus all EXTEND seconds.
- Phases: WARNING from 60 % of the timebox elapsed, ALERT from 80 %, OVERTIME once remaining time
  is negative (a zero timebox is OVERTIME as soon as it has started), DONE after STOP.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

PRESET_MINUTES: tuple[int, ...] = (2, 3, 5, 10, 15, 20, 30)
MIN_TIMEBOX_MINUTES = 1
MAX_TIMEBOX_MINUTES = 24 * 60
WARNING_PERCENT = 60
ALERT_PERCENT = 80


class TimerEventKind(StrEnum):
    """The kinds of facilitator actions recorded for a timer."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"
    STOP = "stop"


class TimerPhase(StrEnum):
    """How urgent the timer looks to the room."""

    IDLE = "idle"
    NORMAL = "normal"
    WARNING = "warning"
    ALERT = "alert"
    OVERTIME = "overtime"
    DONE = "done"


class TimerStatus(StrEnum):
    """Whether the timer is idle, counting, paused or stopped."""

    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


@dataclass(frozen=True)
class TimerEvent:
    """One facilitator action at an absolute tz-aware instant (seconds: START length or EXTEND)."""

    kind: TimerEventKind
    at: datetime
    seconds: int = 0

    def __post_init__(self) -> None:
        """Reject naive instants and negative durations at construction time."""
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("Timer events need a timezone-aware instant.")
        if self.seconds < 0:
            raise ValueError("Timer event seconds cannot be negative.")


# A NamedTuple: the console imports this module before its first frame, and a NamedTuple class
# is built in a fraction of a frozen dataclass's time.
class TimerState(NamedTuple):
    """The timer as seen at one instant, derived entirely from its events."""

    status: TimerStatus
    phase: TimerPhase
    timebox_seconds: float
    elapsed_seconds: float
    remaining_seconds: float
    started_at: datetime | None
    stopped_at: datetime | None


_IDLE_STATE = TimerState(
    status=TimerStatus.IDLE,
    phase=TimerPhase.IDLE,
    timebox_seconds=0,
    elapsed_seconds=0.0,
    remaining_seconds=0.0,
    started_at=None,
    stopped_at=None,
)


def _phase_for(status: TimerStatus, timebox: timedelta, elapsed: timedelta) -> TimerPhase:
    """Classify a started timer using exact integer microsecond comparisons."""
    if status is TimerStatus.IDLE:
        return TimerPhase.IDLE
    if status is TimerStatus.STOPPED:
        return TimerPhase.DONE
    if timebox <= timedelta(0) or elapsed > timebox:
        return TimerPhase.OVERTIME
    elapsed_us = elapsed // timedelta(microseconds=1)
    timebox_us = timebox // timedelta(microseconds=1)
    if elapsed_us * 100 >= timebox_us * ALERT_PERCENT:
        return TimerPhase.ALERT
    if elapsed_us * 100 >= timebox_us * WARNING_PERCENT:
        return TimerPhase.WARNING
    return TimerPhase.NORMAL


def timer_state(events: Sequence[TimerEvent], now: datetime) -> TimerState:
    """Fold the timer's events into its state as seen at `now`."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("The current instant must be timezone-aware.")
    ordered = sorted(enumerate(events), key=lambda pair: (pair[1].at, pair[0]))
    status = TimerStatus.IDLE
    timebox = timedelta(0)
    elapsed = timedelta(0)
    running_since: datetime | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None

    for _, event in ordered:
        at = min(event.at, now)
        kind = event.kind
        if kind == TimerEventKind.START:
            status = TimerStatus.RUNNING
            timebox = timedelta(seconds=event.seconds)
            elapsed = timedelta(0)
            running_since = at
            started_at = at
            stopped_at = None
        elif status is TimerStatus.IDLE or status is TimerStatus.STOPPED:
            continue
        elif kind == TimerEventKind.PAUSE and running_since is not None:
            elapsed += at - running_since
            running_since = None
            status = TimerStatus.PAUSED
        elif kind == TimerEventKind.RESUME and status is TimerStatus.PAUSED:
            running_since = at
            status = TimerStatus.RUNNING
        elif kind == TimerEventKind.EXTEND:
            timebox += timedelta(seconds=event.seconds)
        elif kind == TimerEventKind.STOP:
            if running_since is not None:
                elapsed += at - running_since
            running_since = None
            stopped_at = at
            status = TimerStatus.STOPPED

    if status is TimerStatus.IDLE:
        return _IDLE_STATE
    if running_since is not None:
        elapsed += max(now - running_since, timedelta(0))
    elapsed = max(elapsed, timedelta(0))
    timebox_seconds = timebox.total_seconds()
    elapsed_seconds = elapsed.total_seconds()
    return TimerState(
        status=status,
        phase=_phase_for(status, timebox, elapsed),
        timebox_seconds=timebox_seconds,
        elapsed_seconds=elapsed_seconds,
        remaining_seconds=timebox_seconds - elapsed_seconds,
        started_at=started_at,
        stopped_at=stopped_at,
    )


def validate_timebox_minutes(minutes: float) -> int:
    """Check a facilitator-entered timebox length in minutes and return it in whole seconds."""
    if isinstance(minutes, bool) or not isinstance(minutes, int | float):
        raise ValueError("A timebox must be a number of minutes.")
    if not math.isfinite(minutes):
        raise ValueError("A timebox must be a finite number of minutes.")
    if minutes < MIN_TIMEBOX_MINUTES:
        raise ValueError("A timebox must be at least 1 minute.")
    if minutes > MAX_TIMEBOX_MINUTES:
        raise ValueError("A timebox cannot be longer than 24 hours.")
    return round(minutes * 60)


def format_clock(seconds: float) -> str:
    """Render remaining seconds as MM:SS or H:MM:SS, with a leading '+' for overtime."""
    if not math.isfinite(seconds):
        raise ValueError("Cannot format a non-finite number of seconds.")
    rounded = round(seconds, 6)
    if rounded >= 0:
        prefix = ""
        total = math.ceil(rounded)
    else:
        prefix = "+"
        total = math.floor(-rounded)
    hours, rest = divmod(total, 3600)
    mins, secs = divmod(rest, 60)
    if hours:
        return f"{prefix}{hours}:{mins:02d}:{secs:02d}"
    return f"{prefix}{mins:02d}:{secs:02d}"
