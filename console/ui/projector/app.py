"""The projector: a read-only screen for the room that follows the facilitator's choice."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container

from console.store.core import Clock, StoreError, WorkshopStore, utc_now
from console.store.display import display_state
from console.ui.common.crash import ReportingApp
from console.ui.common.themes import PROJECTOR_THEME
from console.ui.projector.agenda_view import AgendaView
from console.ui.projector.base import ProjectorView
from console.ui.projector.registry import VIEWS

POLL_SECONDS = 0.25
"""How often the projector looks for changes: it follows the facilitator within half a second."""


class ProjectorApp(ReportingApp):
    """Shows, in large type, whatever the facilitator's console put on the projector."""

    CSS_PATH: ClassVar = ["projector.tcss"]
    TITLE = "Projector"
    ENABLE_COMMAND_PALETTE = False

    BINDINGS: ClassVar = [Binding("q,ctrl+q,escape", "quit", "Quit", priority=True)]

    def __init__(self, store: WorkshopStore, *, clock: Clock = utc_now) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.seen_rev = store.current_rev()
        self.mode = ""
        self.payload: dict[str, Any] = {}
        self.register_theme(PROJECTOR_THEME)
        self.theme = PROJECTOR_THEME.name

    def compose(self) -> ComposeResult:
        yield Container(id="projector-stage")

    async def on_mount(self) -> None:
        await self.follow(force=True)
        self.set_interval(POLL_SECONDS, self.poll_changes)
        self.set_interval(1.0, self.tick)

    @property
    def view(self) -> ProjectorView | None:
        """Return the view on screen."""
        views = self.query(ProjectorView)
        return views.first() if views else None

    async def poll_changes(self) -> None:
        """Follow the file when any console has committed."""
        try:
            if self.store.changed_elsewhere():
                await self.follow()
        except StoreError as error:
            self.notify(str(error), severity="error")

    async def follow(self, *, force: bool = False) -> None:
        """Show the chosen view; redraw it when its features or its payload changed."""
        new_rev = self.store.current_rev()
        changed = self.store.changed_features(self.seen_rev)
        self.seen_rev = new_rev
        mode, payload = display_state(self.store)
        view = self.view
        if force or view is None or mode != self.mode:
            view_class = VIEWS.get(mode, AgendaView)
            stage = self.query_one("#projector-stage", Container)
            await stage.remove_children()
            view = view_class(self.store, id="projector-view")
            await stage.mount(view)
        elif payload == self.payload and not (changed & view.WATCHED):
            return
        self.mode, self.payload = mode, payload
        try:
            view.show(payload)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")

    def tick(self) -> None:
        """Let a view with a clock recompute it from the stored events."""
        tick = getattr(self.view, "tick", None)
        if callable(tick):
            tick(self.clock())


def make_projector_app(store: WorkshopStore, *, clock: Clock = utc_now) -> ProjectorApp:
    """Build the projector app; the CLI and the tests both call this."""
    return ProjectorApp(store, clock=clock)
