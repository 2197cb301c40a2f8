"""The agenda pane: days, items, timeboxes, the running timer and how far the day has drifted."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from console.domain.schedule import format_drift
from console.domain.timers import TimerPhase, TimerStatus, format_clock, timer_state
from console.store.agenda import (
    Agenda,
    AgendaDay,
    AgendaItem,
    CurrentItem,
    add_day,
    add_item,
    current_item,
    day_plan,
    delete_day,
    delete_item,
    extend_timer,
    load_agenda,
    move_item,
    next_item,
    parse_minutes,
    start_item,
    stop_timer,
    toggle_pause,
    toggle_skip,
    update_day,
    update_item,
)
from console.store.changes import EVERY_FEATURE, Feature
from console.store.core import StoreError
from console.ui.agenda.agenda_table import AgendaTable
from console.ui.common.keys import HintLine, PaneKey
from console.ui.common.pane import Pane, cell

DAY_KEY_PREFIX = "day:"
STATUS_STYLES = {
    "planned": "",
    "running": "bold green",
    "paused": "bold yellow",
    "done": "dim",
    "skipped": "dim strike",
}

Cells = tuple[str, str, str, str, str, str, str]
"""Number, planned start, title, kind, planned minutes, status, actual time: as plain text."""
ACTUAL = 6
"""The column of the actual time, which the running item's timer updates every second."""


def _clock_time(instant: datetime) -> str:
    """Show an instant as local HH:MM."""
    return instant.astimezone().strftime("%H:%M")


def _day_label(day: AgendaDay) -> str:
    """Name a day as 'Day 2 · Afternoon · 2026-11-27', not repeating a title like 'Day 2'."""
    named = day.title.casefold().startswith("day")
    label = day.title if named else " · ".join(filter(None, [f"Day {day.ordinal}", day.title]))
    return label + (f" · {day.date}" if day.date else "")


# The dialogs (agenda_modals) are imported on use: the console's first screen is this pane,
# and it does not need them.

TITLE_WIDTH = 56
"""Cells shown of an item's title (columns have fixed widths: see AgendaPane.COLUMNS)."""


class AgendaPane(Pane):
    """The agenda over one or more days, with the timer of the item the room is on."""

    TIME = Binding.Group("add 1/5 min")
    MOVE = Binding.Group("move")
    BINDINGS: ClassVar = [
        PaneKey(
            "s",
            "start",
            "start timer",
            tooltip="Start the selected item's timer (on a day: the next planned item): "
            "Enter = planned time, or a preset",
        ),
        PaneKey("space", "pause", "pause", tooltip="Pause or resume the timer"),
        PaneKey(
            "plus,1", "extend(60)", "add 1 min", tooltip="Add 1 minute to the timer", group=TIME
        ),
        PaneKey("5", "extend(300)", "add 5 min", tooltip="Add 5 minutes to the timer", group=TIME),
        PaneKey(
            "N",
            "next_item",
            "next",
            tooltip="Next: end the current item and start the next planned one",
        ),
        PaneKey("S", "stop", "stop", tooltip="Stop: end the current item (done, actual time kept)"),
        PaneKey("n,insert", "add_item", "new item", tooltip="New item after the selected row"),
        PaneKey(
            "e",
            "edit",
            "edit",
            tooltip="Edit the selected item, or the day (start time, date, title)",
        ),
        PaneKey("x", "skip", "skip", tooltip="Skip the selected item, or bring it back"),
        PaneKey("D", "add_day", "new day", hint=False, tooltip="New day after the last one"),
        PaneKey(
            "shift+up",
            "move(-1)",
            "move up",
            hint=False,
            tooltip="Move the selected item up (across days at the edges)",
            group=MOVE,
        ),
        PaneKey(
            "shift+down",
            "move(1)",
            "move down",
            hint=False,
            tooltip="Move the selected item down (across days at the edges)",
            group=MOVE,
        ),
        PaneKey(
            "delete",
            "delete_row",
            "delete",
            hint=False,
            tooltip="Delete the selected item or empty day (Ctrl+Z brings it back)",
        ),
    ]
    MORE_KEYS: ClassVar = (("Enter", "Edit the selected row, as e does"),)

    TITLE = "Agenda"
    WATCHED = frozenset({Feature.AGENDA})
    COLUMNS: ClassVar[tuple[tuple[str, int], ...]] = (
        ("#", 5),
        ("Start", 5),
        ("Item", TITLE_WIDTH),
        ("Kind", 10),
        ("Plan", 5),
        ("Status", 8),
        ("Actual", 7),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agenda = Agenda((), ())
        self.current: CurrentItem | None = None
        self._shown: dict[str, Cells] = {}

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, classes="pane-title")
        yield Static(id="agenda-now")
        yield Static(id="agenda-drift")
        yield AgendaTable(self.COLUMNS, id="agenda-table")
        yield HintLine(self.hint())

    def on_mount(self) -> None:
        if self.being_removed:
            return  # the console closed while this pane was being built: it has no children
        self.sync(0, EVERY_FEATURE)
        self.set_interval(1.0, self.tick)

    @on(AgendaTable.RowSelected)
    def _row_selected(self, event: AgendaTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    @property
    def table(self) -> AgendaTable:
        """Return the agenda's table."""
        return self.query_one(AgendaTable)

    def default_focus(self) -> Widget:
        return self.table

    # Showing ------------------------------------------------------------------------------

    def sync(self, since_rev: int, changed: frozenset[Feature]) -> None:
        """Bring rows up to date in place; starts and numbers depend on every earlier item."""
        if since_rev and not (changed & self.WATCHED):
            return
        # An agenda is at most a few hundred rows, and one moved or resized item shifts the
        # planned start of every later one, so the whole (small) agenda is read and diffed.
        self.agenda = load_agenda(self.store)
        self.current = current_item(self.store)
        wanted = self._all_cells()
        if wanted != self._shown:  # the table keeps the cursor on its row
            self._shown = wanted
            self.table.set_rows({key: self._render_cells(key, v) for key, v in wanted.items()})
        self.tick()

    def tick(self) -> None:
        """Show the running timer and the day's drift as of now."""
        now = self.store.clock()
        now_line = self.query_one("#agenda-now", Static)
        for phase in TimerPhase:
            now_line.remove_class(f"phase-{phase.value}")
        current = self.current
        if current is None:
            now_line.update(Text("No timer running: select an item and press s.", style="dim"))
            self.query_one("#agenda-drift", Static).update(self._drift_text(None, now))
            return
        state = timer_state(current.events, now)
        line = Text("Now: ", style="bold")
        line.append_text(cell(current.title, 60))
        if state.remaining_seconds >= 0:
            line.append(f"  {format_clock(state.remaining_seconds)} left")
        else:
            line.append(f"  {format_clock(state.remaining_seconds)} over time")
        if state.status is TimerStatus.PAUSED:
            line.append("  (paused)")
        now_line.update(line)
        now_line.add_class(f"phase-{state.phase.value}")
        key = current.id
        if key in self._shown:
            self.table.update_cell(key, ACTUAL, Text(format_clock(state.elapsed_seconds)))
        self.query_one("#agenda-drift", Static).update(self._drift_text(current, now))

    def _drift_text(self, current: CurrentItem | None, now: datetime) -> Text:
        """Describe how far the running day is ahead or behind plan, and when it will end."""
        day = self._running_day(current)
        if day is None:
            return Text("")
        schedule = day_plan(self.agenda, day.id, now, current)
        text = Text(f"Day {day.ordinal}: ", style="bold")
        drift = format_drift(schedule.drift_seconds)
        style = "green" if "ahead" in drift else "red" if "behind" in drift else ""
        text.append(drift, style=style)
        text.append(
            f" · projected end {_clock_time(schedule.projected_end)}"
            f" (planned {_clock_time(schedule.planned_end)})"
        )
        return text

    def _running_day(self, current: CurrentItem | None) -> AgendaDay | None:
        """Return the day of the running item, or else the last day with a finished item."""
        item = self.agenda.item(current.id) if current else None
        if item is None:
            finished = [i for i in self.agenda.items if i.status == "done"]
            item = finished[-1] if finished else None
        return self.agenda.day(item.day_id) if item else None

    def _all_cells(self) -> dict[str, Cells]:
        """Return every row's cells in agenda order, keyed by row key."""
        now = self.store.clock()
        rows: dict[str, Cells] = {}
        for day in self.agenda.days:
            items = self.agenda.items_of(day.id)
            title = _day_label(day)
            total = sum(item.planned_minutes for item in items)
            rows[DAY_KEY_PREFIX + day.id] = (
                str(day.ordinal),
                day.start_time,
                title,
                "",
                str(total),
                "",
                "",
            )
            starts = {
                slot.item_id: slot.planned_start
                for slot in day_plan(self.agenda, day.id, now).items
            }
            for number, item in enumerate(items, start=1):
                actual = "" if item.actual_seconds is None else format_clock(item.actual_seconds)
                rows[item.id] = (
                    f"{day.ordinal}.{number}",
                    _clock_time(starts[item.id]),
                    item.title,
                    item.kind,
                    str(item.planned_minutes),
                    item.status,
                    actual,
                )
        return rows

    def _render_cells(self, key: str, values: Cells) -> tuple[Text, ...]:
        """Turn plain cell values into what the table shows (user text stays literal)."""
        # Text, not str: the table would read a str as markup, and the first frame waits for that.
        number, start, title, kind, minutes, status, actual = values
        if key.startswith(DAY_KEY_PREFIX):
            shown_title = cell(title, TITLE_WIDTH)
            shown_title.stylize("bold")
            return (
                Text(number, style="bold"),
                Text(start),
                shown_title,
                Text(kind),
                Text(minutes),
                Text(status),
                Text(actual),
            )
        return (
            Text(number),
            Text(start),
            cell(title, TITLE_WIDTH),
            Text(kind),
            Text(minutes),
            Text(status, style=STATUS_STYLES.get(status, "")),
            Text(actual),
        )

    # Selection ----------------------------------------------------------------------------

    def selected_key(self) -> str | None:
        """Return the key of the row under the cursor."""
        return self.table.cursor_key

    def selected_item(self) -> AgendaItem | None:
        """Return the selected agenda item (None on a day row)."""
        key = self.selected_key()
        return self.agenda.item(key) if key else None

    def selected_day(self) -> AgendaDay | None:
        """Return the selected day, or the day of the selected item."""
        key = self.selected_key()
        if key is None:
            return None
        if key.startswith(DAY_KEY_PREFIX):
            return self.agenda.day(key.removeprefix(DAY_KEY_PREFIX))
        item = self.agenda.item(key)
        return self.agenda.day(item.day_id) if item else None

    def _first_planned_from_selected_day(self) -> AgendaItem | None:
        """Return the first planned item of the day row under the cursor, or of a later day
        (s on a day row starts it)."""
        key = self.selected_key()
        if key is None or not key.startswith(DAY_KEY_PREFIX):
            return None
        day_ids = [day.id for day in self.agenda.days]
        later = set(day_ids[day_ids.index(key.removeprefix(DAY_KEY_PREFIX)) :])
        return next(
            (i for i in self.agenda.items if i.day_id in later and i.status == "planned"), None
        )

    def select_key(self, key: str) -> None:
        """Put the cursor on a row."""
        if key in self._shown:
            self.table.move_cursor(self.table.get_row_index(key))

    # Actions ------------------------------------------------------------------------------

    def action_start(self) -> None:
        """Start the selected item's timer after choosing its length."""
        from console.ui.agenda.agenda_modals import TimerPresetModal

        item = self.selected_item() or self._first_planned_from_selected_day()
        if item is None:
            day = self.selected_day()
            self.notify(
                f"No planned item is left to start from day {day.ordinal} on."
                if day
                else "Add an agenda item first (n).",
                severity="warning",
            )
            return
        seen = self.current.id if self.current else None

        def started(seconds: int | None) -> None:
            if seconds is not None and self._attempt(
                start_item, self.store, item.id, seconds, seen_running=seen
            ):
                self.select_key(item.id)
                self.notify(f"Started: {item.title} ({format_clock(seconds)}).")

        self.app.push_screen(TimerPresetModal(item.title, item.planned_minutes), started)

    def action_pause(self) -> None:
        """Pause the running timer, or resume the paused one."""
        self._attempt(toggle_pause, self.store)

    def action_extend(self, seconds: int) -> None:
        """Add time to the running timer."""
        if self._attempt(extend_timer, self.store, seconds):
            self.notify(f"Added {seconds // 60} min.")

    def action_next_item(self) -> None:
        """End the current item and start the next planned one."""
        try:
            title = next_item(self.store)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        self.post_message(self.Edited())
        if title is None:
            self.notify("That was the last item: the agenda is done.")
        else:
            self.notify(f"Now: {title}.")

    def action_stop(self) -> None:
        """Stop the timer and mark its item done."""
        try:
            title = stop_timer(self.store)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        self.post_message(self.Edited())
        self.notify(f"Done: {title}.")

    def action_add_item(self) -> None:
        """Add an item after the selected one (or at the end of the selected day)."""
        from console.ui.agenda.agenda_modals import AgendaItemModal

        day = self.selected_day() or (self.agenda.days[-1] if self.agenda.days else None)
        if day is None:
            self.notify("Add a day first (D).", severity="warning")
            return
        after = self.selected_item()

        def save(title: str, kind: str, minutes: str) -> None:
            new_id = add_item(
                self.store,
                day.id,
                title=title,
                kind=kind,
                minutes=parse_minutes(minutes),
                after_item_id=after.id if after else None,
            )
            self._saved(new_id)

        self.app.push_screen(AgendaItemModal(f"New item on day {day.ordinal}", save))

    def action_add_day(self) -> None:
        """Add a day after the last one."""
        from console.ui.agenda.agenda_modals import AgendaDayModal

        def save(start_time: str, date: str, title: str) -> None:
            day_id = add_day(self.store, start_time=start_time, date_text=date, title=title)
            self._saved(DAY_KEY_PREFIX + day_id)

        self.app.push_screen(AgendaDayModal("New day", save))

    def action_edit(self) -> None:
        """Edit the selected item or day."""
        from console.ui.agenda.agenda_modals import AgendaDayModal, AgendaItemModal

        item = self.selected_item()
        if item is not None:

            def save_item(title: str, kind: str, minutes: str) -> None:
                update_item(
                    self.store, item.id, title=title, kind=kind, minutes=parse_minutes(minutes)
                )
                self._saved(item.id)

            self.app.push_screen(
                AgendaItemModal(
                    "Edit agenda item",
                    save_item,
                    title=item.title,
                    kind=item.kind,
                    minutes=item.planned_minutes,
                )
            )
            return
        day = self.selected_day()
        if day is None:
            return

        def save_day(start_time: str, date: str, title: str) -> None:
            update_day(self.store, day.id, start_time=start_time, date_text=date, title=title)
            self._saved(DAY_KEY_PREFIX + day.id)

        self.app.push_screen(
            AgendaDayModal(
                f"Day {day.ordinal}",
                save_day,
                start_time=day.start_time,
                date=day.date or "",
                title=day.title,
            )
        )

    def action_delete_row(self) -> None:
        """Delete the selected item (or empty day); Ctrl+Z brings it back."""
        key = self.selected_key()
        if key is None:
            return
        if key.startswith(DAY_KEY_PREFIX):
            done = self._attempt(delete_day, self.store, key.removeprefix(DAY_KEY_PREFIX))
        else:
            done = self._attempt(delete_item, self.store, key)
        if done:
            self.notify("Deleted. Ctrl+Z undoes it.")

    def action_move(self, step: int) -> None:
        """Move the selected item up or down, across days at the edges."""
        item = self.selected_item()
        if item is None:
            self.notify("Select an agenda item to move it.", severity="warning")
            return
        try:
            moved = move_item(self.store, item.id, step)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        if not moved:
            self.notify("That item is already at the edge of the agenda.", severity="warning")
            return
        self._saved(item.id)

    def action_skip(self) -> None:
        """Skip the selected item, or bring a skipped one back."""
        item = self.selected_item()
        if item is None:
            self.notify("Select an agenda item to skip it.", severity="warning")
            return
        self._attempt(toggle_skip, self.store, item.id)

    def _saved(self, key: str) -> None:
        """Show a saved change at once and keep the cursor on the row it concerns."""
        self.sync(0, EVERY_FEATURE)
        self.select_key(key)
        self.post_message(self.Edited())
