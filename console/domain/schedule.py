"""Planned versus projected schedule for one agenda day.

Rules used by `plan_day`:

- Planned times follow the agenda as written: every item, skipped ones included, occupies its
  planned minutes back to back from `day_start`; the day's planned end is the sum of them all.
- The projection walks the items in agenda order with a cursor starting at `day_start`:
  - a skipped item takes zero time (start = end = cursor);
  - a done item takes its actual seconds (its planned minutes if the actual is unknown);
  - a running or paused item ends at `now + max(remaining, 0)`, where remaining is
    `running_remaining_seconds` when given (for the first running/paused item only, so timer
    extensions count) and otherwise planned seconds minus elapsed seconds; it is shown as having
    started at `now - elapsed`, so its length is max(planned, elapsed) without extensions;
  - an item not yet started takes its planned minutes and, once any item is done, running or
    paused, starts no earlier than `now`; before anything has started the plan is projected as is.
- Drift is projected end minus planned end in seconds: positive means running late (behind),
  negative means ahead (for example because items were skipped or finished early).
- Gaps between finished items (unplanned breaks) only show once a later item is projected from
  `now`; a fully finished day is projected as `day_start` plus the actual durations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

AGENDA_KINDS = (
    "welcome",
    "exercise",
    "inventory",
    "voting",
    "talk",
    "discussion",
    "break",
    "wrap-up",
)
"""The kinds of agenda item a template, an import or the console may use."""

ITEM_STATUSES: frozenset[str] = frozenset({"planned", "running", "paused", "done", "skipped"})
ON_TIME_TOLERANCE_SECONDS = 60


@dataclass(frozen=True)
class PlannedItem:
    """One agenda item with its plan and what has actually happened so far."""

    item_id: str
    planned_minutes: int
    status: str
    actual_seconds: float | None = None

    def __post_init__(self) -> None:
        """Reject unknown statuses and negative durations."""
        if self.status not in ITEM_STATUSES:
            raise ValueError(f"Unknown agenda item status: {self.status!r}.")
        if self.planned_minutes < 0:
            raise ValueError("Planned minutes cannot be negative.")
        if self.actual_seconds is not None and not (
            math.isfinite(self.actual_seconds) and self.actual_seconds >= 0
        ):
            raise ValueError("Actual seconds must be a finite, non-negative number.")


# The results are NamedTuples: the console imports this module before its first frame, and a
# NamedTuple class is built in a fraction of a frozen dataclass's time.
class ScheduledItem(NamedTuple):
    """One agenda item's planned slot and its projected slot."""

    item_id: str
    planned_start: datetime
    planned_end: datetime
    projected_start: datetime
    projected_end: datetime


class DaySchedule(NamedTuple):
    """The whole day's planned and projected slots and how far the projection drifts."""

    items: tuple[ScheduledItem, ...]
    planned_end: datetime
    projected_end: datetime
    drift_seconds: float


_STARTED_STATUSES = frozenset({"done", "running", "paused"})
_ACTIVE_STATUSES = frozenset({"running", "paused"})


def plan_day(
    day_start: datetime,
    items: Sequence[PlannedItem],
    now: datetime,
    running_remaining_seconds: float | None = None,
) -> DaySchedule:
    """Compute planned and projected slots for a day's items as seen at `now`."""
    anything_started = any(item.status in _STARTED_STATUSES for item in items)
    remaining_override = running_remaining_seconds
    planned_cursor = day_start
    projected_cursor = day_start
    scheduled: list[ScheduledItem] = []

    for item in items:
        planned_length = timedelta(minutes=item.planned_minutes)
        planned_start = planned_cursor
        planned_cursor = planned_start + planned_length

        if item.status == "skipped":
            projected_start = projected_cursor
            projected_end = projected_cursor
        elif item.status == "done":
            actual = item.actual_seconds
            length = planned_length if actual is None else timedelta(seconds=actual)
            projected_start = projected_cursor
            projected_end = projected_start + length
        elif item.status in _ACTIVE_STATUSES:
            elapsed = item.actual_seconds or 0.0
            if remaining_override is not None:
                remaining = remaining_override
                remaining_override = None
            else:
                remaining = planned_length.total_seconds() - elapsed
            projected_start = now - timedelta(seconds=elapsed)
            projected_end = now + timedelta(seconds=max(remaining, 0.0))
        else:
            projected_start = max(projected_cursor, now) if anything_started else projected_cursor
            projected_end = projected_start + planned_length

        projected_cursor = projected_end
        scheduled.append(
            ScheduledItem(
                item_id=item.item_id,
                planned_start=planned_start,
                planned_end=planned_cursor,
                projected_start=projected_start,
                projected_end=projected_end,
            )
        )

    return DaySchedule(
        items=tuple(scheduled),
        planned_end=planned_cursor,
        projected_end=projected_cursor,
        drift_seconds=(projected_cursor - planned_cursor).total_seconds(),
    )


def format_drift(seconds: float) -> str:
    """Describe drift for the facilitator, e.g. 'on time', '12 min behind', '1 h 05 min ahead'."""
    if not math.isfinite(seconds):
        raise ValueError("Cannot describe a non-finite drift.")
    magnitude = abs(seconds)
    if magnitude < ON_TIME_TOLERANCE_SECONDS:
        return "on time"
    direction = "behind" if seconds > 0 else "ahead"
    total_minutes = int(magnitude // 60)
    hours, minutes = divmod(total_minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {direction}"
    return f"{minutes} min {direction}"
