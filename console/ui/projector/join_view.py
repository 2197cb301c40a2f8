"""The projector's join view: the QR code phones scan, the address and the room code."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from console.store.changes import Feature
from console.store.room import room_counts, room_state
from console.ui.common.qr import qr_text
from console.ui.common.text import literal
from console.ui.projector.base import ProjectorView


class JoinView(ProjectorView):
    """Shows how phones join while a room server runs and joining is open."""

    MODE: ClassVar[str] = "join"
    WATCHED: ClassVar[frozenset[Feature]] = frozenset({Feature.ROOM, Feature.PARTICIPANTS})

    def compose(self) -> ComposeResult:
        yield Static("Join from your phone", id="join-view-title", classes="view-title")
        yield Static(id="join-view-qr")
        yield Static(id="join-view-url")
        yield Static(id="join-view-code")
        yield Static(id="join-view-joined")

    def show(self, payload: dict[str, Any]) -> None:
        """Redraw from the room's record in the file."""
        state = room_state(self.store)
        qr = self.query_one("#join-view-qr", Static)
        url = self.query_one("#join-view-url", Static)
        code = self.query_one("#join-view-code", Static)
        joined = self.query_one("#join-view-joined", Static)
        if not state.join_url or not state.joining:
            qr.display = False
            url.update(Text("The room is not open to phones yet.", style="dim"))
            code.update("")
            joined.update("")
            return
        qr.display = True
        drawn = qr_text(state.join_url)
        drawn.justify = "center"  # every line is as wide as the code: the block is centred
        qr.update(drawn)
        url.update(literal(state.join_url))
        line = Text("Room code ")
        line.append(state.code, style="bold")
        code.update(line)
        count = room_counts(self.store).joined
        joined.update(f"{count} joined" if count else "")
