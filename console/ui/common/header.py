"""The console's header: workshop title, the current agenda item, its remaining time, whether a
report is being written, and the room when phones can join."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from console.domain.timers import TimerPhase, format_clock, timer_state
from console.store.agenda import CurrentItem
from console.ui.common.text import literal

if TYPE_CHECKING:
    from console.ui.common.report_export import ReportExport


class WorkshopHeader(Horizontal):
    """Shows what the room is on and how much time it has left, on every pane."""

    workshop_title: reactive[str] = reactive("")
    pane_title: reactive[str] = reactive("")
    current: reactive[CurrentItem | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Static(id="header-title")
        yield Static(id="header-item")
        yield Static(id="header-room")
        # The report's indicator (ReportExport, hidden while no report is being written) is
        # mounted here, before the clock, at the first export: the first frame does without it.
        yield Static(id="header-clock")

    async def report_export(self) -> ReportExport:
        """Return the report's writer and indicator, mounting it before the clock on first use."""
        from console.ui.common.report_export import ReportExport

        found = self.query_children(ReportExport)
        if found:
            return found.first()
        exporter = ReportExport(id="header-report")
        await self.mount(exporter, before=self.query_one("#header-clock"))
        return exporter

    def watch_workshop_title(self) -> None:
        self._show_title()

    def watch_pane_title(self) -> None:
        self._show_title()

    def watch_current(self) -> None:
        item = self.current
        text = (
            literal(item.title, width=60) if item else Text("No agenda item running", style="dim")
        )
        self.query_one("#header-item", Static).update(text)

    def tick(self, now: datetime) -> None:
        """Recompute the remaining time from the stored timer events."""
        clock = self.query_one("#header-clock", Static)
        for phase in TimerPhase:
            clock.remove_class(f"phase-{phase.value}")
        if self.current is None:
            clock.update("")
            return
        state = timer_state(self.current.events, now)
        shown = format_clock(state.remaining_seconds)
        if state.status.value == "paused":
            shown += " paused"
        clock.update(shown)
        clock.add_class(f"phase-{state.phase.value}")

    def show_room(self, line: Text) -> None:
        """Show what the room is doing (an empty line hides it: no room server runs)."""
        room = self.query_one("#header-room", Static)
        room.update(line)
        room.display = bool(line.plain)

    def _show_title(self) -> None:
        title = literal(self.workshop_title, width=48)
        if self.pane_title:
            title.append(f"  ·  {self.pane_title}", style="bold")
        self.query_one("#header-title", Static).update(title)
