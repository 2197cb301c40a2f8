"""Agenda days, items and their timers: every timer action is an event with an absolute instant."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from console.domain.schedule import AGENDA_KINDS, DaySchedule, PlannedItem, plan_day
from console.domain.text import clean_user_text
from console.domain.timers import (
    MAX_TIMEBOX_MINUTES,
    TimerEvent,
    TimerEventKind,
    TimerState,
    timer_state,
    validate_timebox_minutes,
)
from console.store.core import Row, StoreError, Transaction, WorkshopStore, parse_iso

MAX_TITLE_CHARS = 200
MAX_DAY_TITLE_CHARS = 120
MAX_TIMEBOX_SECONDS = MAX_TIMEBOX_MINUTES * 60
ANY_RUNNING: Final = "*"
"""Passed as `seen_running` to start an item whatever else is running."""

_TIME_OF_DAY = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_ACTIVE = ("running", "paused")


@dataclass(frozen=True)
class CurrentItem:
    """The agenda item the room is on: the running or paused one, with its timer events."""

    id: str
    title: str
    day_number: int
    planned_minutes: int
    events: tuple[TimerEvent, ...]


@dataclass(frozen=True)
class AgendaDay:
    """One day of the agenda; `ordinal` is its number among the live days (1, 2, ...)."""

    id: str
    ordinal: int
    date: str | None
    start_time: str
    title: str


@dataclass(frozen=True)
class AgendaItem:
    """One agenda item as the pane and the schedule need it."""

    id: str
    day_id: str
    position: int
    title: str
    kind: str
    planned_minutes: int
    status: str
    actual_seconds: float | None


@dataclass(frozen=True)
class Agenda:
    """Every live day and item, in agenda order, read from one consistent state."""

    days: tuple[AgendaDay, ...]
    items: tuple[AgendaItem, ...]

    def items_of(self, day_id: str) -> list[AgendaItem]:
        """Return a day's items in order."""
        return [item for item in self.items if item.day_id == day_id]

    def day(self, day_id: str) -> AgendaDay | None:
        """Return a day by id."""
        return next((day for day in self.days if day.id == day_id), None)

    def item(self, item_id: str) -> AgendaItem | None:
        """Return an item by id."""
        return next((item for item in self.items if item.id == item_id), None)


# Reading ------------------------------------------------------------------------------------


def load_agenda(store: WorkshopStore) -> Agenda:
    """Return every live day and item in agenda order."""
    with store.snapshot():
        day_rows = store.query(
            "SELECT id, date, start_time, title FROM agenda_days WHERE deleted_at IS NULL "
            "ORDER BY number, created_at"
        )
        item_rows = store.query(
            "SELECT i.id, i.day_id, i.position, i.title, i.kind, i.planned_minutes, i.status, "
            "i.actual_seconds FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id "
            "WHERE i.deleted_at IS NULL AND d.deleted_at IS NULL "
            "ORDER BY d.number, d.created_at, i.position, i.created_at"
        )
    days = tuple(
        AgendaDay(row["id"], ordinal, row["date"], row["start_time"], row["title"])
        for ordinal, row in enumerate(day_rows, start=1)
    )
    return Agenda(days, tuple(AgendaItem(**row) for row in item_rows))


def current_item(store: WorkshopStore) -> CurrentItem | None:
    """Return the running or paused agenda item, if any."""
    rows = store.query(
        "SELECT i.id, i.title, i.planned_minutes, d.number AS day_number "
        "FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id "
        "WHERE i.status IN ('running', 'paused') AND i.deleted_at IS NULL "
        "ORDER BY i.updated_at DESC LIMIT 1"
    )
    if not rows:
        return None
    row = rows[0]
    return CurrentItem(
        id=row["id"],
        title=row["title"],
        day_number=row["day_number"],
        planned_minutes=row["planned_minutes"],
        events=timer_events(store, row["id"]),
    )


def timer_events(store: WorkshopStore, agenda_item_id: str) -> tuple[TimerEvent, ...]:
    """Return an item's timer events in the order they happened."""
    rows = store.query(
        "SELECT kind, at, seconds FROM timer_events WHERE agenda_item_id = ? "
        "AND deleted_at IS NULL ORDER BY at, rowid",
        [agenda_item_id],
    )
    return tuple(
        TimerEvent(TimerEventKind(row["kind"]), parse_iso(row["at"]), row["seconds"])
        for row in rows
    )


# Schedule -----------------------------------------------------------------------------------


def day_start_instant(day: AgendaDay, now: datetime) -> datetime:
    """Return when a day starts, in the machine's time zone; a day without a date is today."""
    local_now = now.astimezone()
    try:
        on = date.fromisoformat(day.date) if day.date else local_now.date()
    except ValueError:
        on = local_now.date()
    try:
        start = time.fromisoformat(parse_start_time(day.start_time))
    except ValueError:
        start = time(9, 0)  # A start time edited by hand into nonsense: plan from 09:00.
    return datetime.combine(on, start).astimezone()


def day_plan(
    agenda: Agenda, day_id: str, now: datetime, current: CurrentItem | None = None
) -> DaySchedule:
    """Plan a day's items from its start time, projecting the running item from its timer."""
    day = agenda.day(day_id)
    if day is None:
        raise StoreError("That agenda day no longer exists.")
    state = _current_state(current, now)
    planned = []
    for item in agenda.items_of(day_id):
        actual = item.actual_seconds
        if item.status in _ACTIVE:
            is_current = current is not None and current.id == item.id and state is not None
            actual = state.elapsed_seconds if is_current and state else 0.0
        planned.append(PlannedItem(item.id, item.planned_minutes, item.status, actual))
    running_here = current is not None and any(p.item_id == current.id for p in planned)
    remaining = state.remaining_seconds if running_here and state else None
    return plan_day(day_start_instant(day, now), planned, now, remaining)


def _current_state(current: CurrentItem | None, now: datetime) -> TimerState | None:
    """Return the current item's timer state, if there is a current item."""
    return timer_state(current.events, now) if current is not None else None


# Validation ---------------------------------------------------------------------------------


def parse_minutes(text: str) -> int:
    """Parse a planned duration typed in whole minutes (1 to 1440)."""
    cleaned = text.strip()
    try:
        minutes = int(cleaned)
    except ValueError:
        raise ValueError(f"Minutes must be a whole number like 15 (got {cleaned!r}).") from None
    validate_timebox_minutes(minutes)
    return minutes


def parse_start_time(text: str) -> str:
    """Parse a day's start time like 09:00 or 9:30 and return it as HH:MM."""
    match = _TIME_OF_DAY.match(text.strip())
    if not match:
        raise ValueError(f"The start time must look like 09:00 (got {text.strip()!r}).")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_day_date(text: str) -> str | None:
    """Parse an optional YYYY-MM-DD date."""
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        return date.fromisoformat(cleaned).isoformat()
    except ValueError:
        raise ValueError(f"The date must look like 2026-11-26 (got {cleaned!r}).") from None


def _check_item(title: str, kind: str, minutes: int) -> tuple[str, str, int]:
    """Check an item's fields and return them cleaned."""
    title = clean_user_text(title, max_chars=MAX_TITLE_CHARS, field="The item title")
    if kind not in AGENDA_KINDS:
        raise ValueError(f"The kind must be one of {', '.join(AGENDA_KINDS)} (got {kind!r}).")
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValueError("Planned minutes must be a whole number.")
    validate_timebox_minutes(minutes)
    return title, kind, minutes


# Days ---------------------------------------------------------------------------------------


def add_day(
    store: WorkshopStore, *, start_time: str = "09:00", date_text: str = "", title: str = ""
) -> str:
    """Add a day after the last one; its date follows the previous day's when not given."""
    start = parse_start_time(start_time)
    on = parse_day_date(date_text)
    title = _optional_title(title)
    with store.write() as transaction:
        last = store.query(
            "SELECT number, date FROM agenda_days WHERE deleted_at IS NULL "
            "ORDER BY number DESC, created_at DESC LIMIT 1"
        )
        top = store.query("SELECT coalesce(max(number), 0) AS n FROM agenda_days")[0]["n"]
        if on is None and last and last[0]["date"]:
            on = (date.fromisoformat(last[0]["date"]) + timedelta(days=1)).isoformat()
        return transaction.insert(
            "agenda_days",
            {"number": int(top) + 1, "date": on, "start_time": start, "title": title},
        )


def update_day(
    store: WorkshopStore, day_id: str, *, start_time: str, date_text: str, title: str
) -> None:
    """Save a day's start time, optional date and optional title."""
    values = {
        "start_time": parse_start_time(start_time),
        "date": parse_day_date(date_text),
        "title": _optional_title(title),
    }
    with store.write() as transaction:
        _live_day(store, day_id)
        transaction.update("agenda_days", day_id, values)


def delete_day(store: WorkshopStore, day_id: str) -> None:
    """Delete an empty day (undoable); a day with items keeps them safe by refusing."""
    with store.write("delete agenda day") as transaction:
        _live_day(store, day_id)
        count = store.query(
            "SELECT count(*) AS n FROM agenda_items WHERE day_id = ? AND deleted_at IS NULL",
            [day_id],
        )[0]["n"]
        if count:
            raise ValueError(f"That day still has {count} item(s): delete or move them first.")
        transaction.soft_delete("agenda_days", day_id)


def _optional_title(title: str) -> str:
    """Clean an optional day title."""
    if not title.strip():
        return ""
    return clean_user_text(title, max_chars=MAX_DAY_TITLE_CHARS, field="The day title")


def _live_day(store: WorkshopStore, day_id: str) -> Row:
    """Return a live day row or refuse."""
    rows = store.query("SELECT * FROM agenda_days WHERE id = ? AND deleted_at IS NULL", [day_id])
    if not rows:
        raise StoreError("That agenda day no longer exists.")
    return rows[0]


# Items --------------------------------------------------------------------------------------


def add_item(
    store: WorkshopStore,
    day_id: str,
    *,
    title: str,
    kind: str,
    minutes: int,
    after_item_id: str | None = None,
) -> str:
    """Add an item to a day, after the given item or at the end of the day."""
    title, kind, minutes = _check_item(title, kind, minutes)
    with store.write() as transaction:
        _live_day(store, day_id)
        siblings = _day_items(store, day_id)
        index = len(siblings)
        if after_item_id is not None:
            ids = [row["id"] for row in siblings]
            if after_item_id in ids:
                index = ids.index(after_item_id) + 1
        ids = [row["id"] for row in siblings]
        new_id = transaction.insert(
            "agenda_items",
            {
                "day_id": day_id,
                "position": 0,
                "title": title,
                "kind": kind,
                "planned_minutes": minutes,
            },
        )
        ids.insert(index, new_id)
        _renumber(transaction, ids, {row["id"]: row["position"] for row in siblings})
        return new_id


def update_item(store: WorkshopStore, item_id: str, *, title: str, kind: str, minutes: int) -> None:
    """Save an item's title, kind and planned minutes; a running item keeps its timebox."""
    title, kind, minutes = _check_item(title, kind, minutes)
    with store.write() as transaction:
        row = _live_item(store, item_id)
        if row["status"] in _ACTIVE and minutes != row["planned_minutes"]:
            raise ValueError(
                "That item's timer is running: add time with + or 5 instead of changing "
                "its planned minutes."
            )
        transaction.update(
            "agenda_items", item_id, {"title": title, "kind": kind, "planned_minutes": minutes}
        )


def delete_item(store: WorkshopStore, item_id: str) -> None:
    """Delete an item (undoable); the running item must be stopped first."""
    with store.write("delete agenda item") as transaction:
        row = _live_item(store, item_id)
        if row["status"] in _ACTIVE:
            raise ValueError("That item's timer is running: stop it (S) before deleting the item.")
        transaction.soft_delete("agenda_items", item_id)


def move_item(store: WorkshopStore, item_id: str, step: int) -> bool:
    """Move an item one place up (-1) or down (+1), across day boundaries; False at either end."""
    if step not in (-1, 1):
        raise ValueError("An item moves one place at a time.")
    with store.write() as transaction:
        row = _live_item(store, item_id)
        siblings = _day_items(store, row["day_id"])
        ids = [sibling["id"] for sibling in siblings]
        positions = {sibling["id"]: sibling["position"] for sibling in siblings}
        index = ids.index(item_id)
        target = index + step
        if 0 <= target < len(ids):
            ids[index], ids[target] = ids[target], ids[index]
            _renumber(transaction, ids, positions)
            return True
        neighbour = _neighbour_day(store, row["day_id"], step)
        if neighbour is None:
            return False
        others = _day_items(store, neighbour)
        other_ids = [other["id"] for other in others]
        other_positions = {other["id"]: other["position"] for other in others}
        ids.remove(item_id)
        other_ids = [*other_ids, item_id] if step < 0 else [item_id, *other_ids]
        transaction.update("agenda_items", item_id, {"day_id": neighbour})
        _renumber(transaction, ids, positions)
        _renumber(transaction, other_ids, {**other_positions, item_id: -1})
        return True


def toggle_skip(store: WorkshopStore, item_id: str) -> str:
    """Skip a planned item, or bring a skipped one back; return the new status."""
    with store.write() as transaction:
        row = _live_item(store, item_id)
        if row["status"] in _ACTIVE:
            raise ValueError("That item's timer is running: use n for the next item instead.")
        if row["status"] == "done":
            raise ValueError("That item is already done; it cannot be skipped.")
        status = "planned" if row["status"] == "skipped" else "skipped"
        transaction.update("agenda_items", item_id, {"status": status})
        return status


def _live_item(store: WorkshopStore, item_id: str) -> Row:
    """Return a live item row or refuse."""
    rows = store.query("SELECT * FROM agenda_items WHERE id = ? AND deleted_at IS NULL", [item_id])
    if not rows:
        raise StoreError("That agenda item no longer exists.")
    return rows[0]


def _day_items(store: WorkshopStore, day_id: str) -> list[Row]:
    """Return a day's live items in order."""
    return store.query(
        "SELECT id, position FROM agenda_items WHERE day_id = ? AND deleted_at IS NULL "
        "ORDER BY position, created_at",
        [day_id],
    )


def _neighbour_day(store: WorkshopStore, day_id: str, step: int) -> str | None:
    """Return the live day before (-1) or after (+1) a day."""
    days = [
        row["id"]
        for row in store.query(
            "SELECT id FROM agenda_days WHERE deleted_at IS NULL ORDER BY number, created_at"
        )
    ]
    index = days.index(day_id) + step
    return days[index] if 0 <= index < len(days) else None


def _renumber(transaction: Transaction, ids: list[str], positions: dict[str, int]) -> None:
    """Give items consecutive positions in the given order, touching only those that move."""
    for position, item_id in enumerate(ids):
        if positions.get(item_id) != position:
            transaction.update("agenda_items", item_id, {"position": position})


# Timer --------------------------------------------------------------------------------------


def start_item(
    store: WorkshopStore, item_id: str, seconds: int, *, seen_running: str | None = ANY_RUNNING
) -> None:
    """Start an item's timer, ending whichever item ran before (one running item at a time).

    seen_running is the running item the facilitator's console showed (None: nothing); when
    another console started something else in the meantime, that console wins and this refuses.
    """
    _check_timebox(seconds)
    with store.write() as transaction:
        row = _live_item(store, item_id)
        running = _active_items(store)
        running_ids = [other["id"] for other in running]
        if seen_running != ANY_RUNNING and running_ids and seen_running not in running_ids:
            raise ValueError(
                f"Another console has just started {running[0]['title']!r}; "
                "look again and press s once more to switch."
            )
        if row["status"] in _ACTIVE:
            raise ValueError(
                "That item is already on the clock: add time with + or 5, or stop it with S."
            )
        for other in running:
            _end(transaction, store, other["id"])
        _event(transaction, item_id, TimerEventKind.START, seconds)
        transaction.update("agenda_items", item_id, {"status": "running", "actual_seconds": None})


def toggle_pause(store: WorkshopStore) -> str:
    """Pause the running timer or resume the paused one; return the new status."""
    with store.write() as transaction:
        current = _require_current(store)
        if current["status"] == "running":
            _event(transaction, current["id"], TimerEventKind.PAUSE)
            status = "paused"
        else:
            _event(transaction, current["id"], TimerEventKind.RESUME)
            status = "running"
        transaction.update("agenda_items", current["id"], {"status": status})
        return status


def extend_timer(store: WorkshopStore, seconds: int) -> None:
    """Add time to the current item's timebox."""
    if seconds <= 0:
        raise ValueError("Add at least one second.")
    with store.write() as transaction:
        current = _require_current(store)
        state = timer_state(timer_events(store, current["id"]), store.clock())
        if state.timebox_seconds + seconds > MAX_TIMEBOX_SECONDS:
            raise ValueError("A timebox cannot be longer than 24 hours.")
        _event(transaction, current["id"], TimerEventKind.EXTEND, seconds)
        # Touch the item so that every console's agenda row and header pick up the new timebox.
        transaction.update("agenda_items", current["id"], {})


def stop_timer(store: WorkshopStore) -> str:
    """End the current item (done, with its actual time); return its title."""
    with store.write() as transaction:
        current = _require_current(store)
        _end(transaction, store, current["id"])
        return str(current["title"])


def next_item(store: WorkshopStore) -> str | None:
    """End the current item and start the next planned one with its planned time.

    Return the started item's title, or None when the agenda has nothing left to start.
    """
    with store.write() as transaction:
        order = store.query(
            "SELECT i.id, i.title, i.status, i.planned_minutes "
            "FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id "
            "WHERE i.deleted_at IS NULL AND d.deleted_at IS NULL "
            "ORDER BY d.number, d.created_at, i.position, i.created_at"
        )
        active = [index for index, row in enumerate(order) if row["status"] in _ACTIVE]
        begin = active[0] + 1 if active else 0
        for index in active:
            _end(transaction, store, order[index]["id"])
        upcoming = next((row for row in order[begin:] if row["status"] == "planned"), None)
        if upcoming is None:
            if not active:
                raise ValueError("Nothing left to start: every item is done or skipped.")
            return None
        _event(transaction, upcoming["id"], TimerEventKind.START, upcoming["planned_minutes"] * 60)
        transaction.update(
            "agenda_items", upcoming["id"], {"status": "running", "actual_seconds": None}
        )
        return str(upcoming["title"])


def _check_timebox(seconds: int) -> None:
    """Refuse zero, negative, non-finite and absurd timeboxes."""
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not math.isfinite(seconds)
    ):
        raise ValueError("A timebox must be a number of minutes.")
    if seconds < 60:
        raise ValueError("A timebox must be at least 1 minute.")
    if seconds > MAX_TIMEBOX_SECONDS:
        raise ValueError("A timebox cannot be longer than 24 hours.")


def _active_items(store: WorkshopStore) -> list[Row]:
    """Return the running or paused items (normally at most one)."""
    return store.query(
        "SELECT id, title, status FROM agenda_items "
        "WHERE status IN ('running', 'paused') AND deleted_at IS NULL ORDER BY updated_at DESC"
    )


def _require_current(store: WorkshopStore) -> Row:
    """Return the running or paused item, or refuse."""
    active = _active_items(store)
    if not active:
        raise ValueError("No timer is running: select an item and press s to start it.")
    return active[0]


def _end(transaction: Transaction, store: WorkshopStore, item_id: str) -> None:
    """Stop an item's timer and mark it done with the time it actually ran."""
    _event(transaction, item_id, TimerEventKind.STOP)
    state = timer_state(timer_events(store, item_id), parse_iso(transaction.now))
    transaction.update(
        "agenda_items",
        item_id,
        {"status": "done", "actual_seconds": round(state.elapsed_seconds, 3)},
    )


def _event(transaction: Transaction, item_id: str, kind: TimerEventKind, seconds: int = 0) -> None:
    """Record one timer action at the transaction's instant."""
    transaction.insert(
        "timer_events",
        {"agenda_item_id": item_id, "kind": kind.value, "at": transaction.now, "seconds": seconds},
    )
