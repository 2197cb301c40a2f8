"""The projector's default view: the agenda item the room is on and its timer, in large type."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Digits, Static

from console.domain.timers import TimerPhase, TimerStatus, format_clock, timer_state
from console.store.agenda import CurrentItem, current_item, load_agenda
from console.store.changes import Feature
from console.ui.common.text import literal
from console.ui.projector.base import ProjectorView


class AgendaView(ProjectorView):
    """Shows the current item's title and remaining time; the next item when nothing runs."""

    MODE: ClassVar[str] = "agenda"
    WATCHED: ClassVar[frozenset[Feature]] = frozenset({Feature.AGENDA})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current: CurrentItem | None = None
        self.up_next: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="projector-item")
        yield Digits(id="projector-clock")
        yield Static(id="projector-status")
        yield Static(id="projector-next")

    def show(self, payload: dict[str, Any]) -> None:
        """Read the current and next items from the file and redraw."""
        self.current = current_item(self.store)
        agenda = load_agenda(self.store)
        order = [item.id for item in agenda.items]
        after = order.index(self.current.id) + 1 if self.current and self.current.id in order else 0
        upcoming = next((i for i in agenda.items[after:] if i.status == "planned"), None)
        self.up_next = upcoming.title if upcoming else None
        item_line = self.query_one("#projector-item", Static)
        if self.current is None:
            item_line.update(literal(f"Up next: {self.up_next}") if self.up_next else "")
        else:
            item_line.update(literal(self.current.title))
        self.tick(self._now())

    def tick(self, now: datetime) -> None:
        """Recompute the clock from the stored timer events."""
        clock = self.query_one("#projector-clock", Digits)
        status = self.query_one("#projector-status", Static)
        following = self.query_one("#projector-next", Static)
        for phase in TimerPhase:
            clock.remove_class(f"phase-{phase.value}")
            status.remove_class(f"phase-{phase.value}")
        if self.current is None:
            clock.update(now.astimezone().strftime("%H:%M"))
            status.update("")
            following.update("")
            return
        state = timer_state(self.current.events, now)
        clock.update(format_clock(state.remaining_seconds))
        clock.add_class(f"phase-{state.phase.value}")
        status.add_class(f"phase-{state.phase.value}")
        if state.status is TimerStatus.PAUSED:
            status.update("Paused")
        elif state.phase is TimerPhase.OVERTIME:
            status.update("Over time")
        else:
            status.update("")
        following.update(literal(f"Next: {self.up_next}") if self.up_next else "")

    def _now(self) -> datetime:
        """Return the projector app's clock reading (the store's clock outside it)."""
        clock = getattr(self.app, "clock", None)
        return clock() if callable(clock) else self.store.clock()
