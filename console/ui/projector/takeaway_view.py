"""The projector's takeaway view: one takeaway or quote, in large type; a quote with its speaker."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from console.domain.capture import TakeawayKind
from console.store.changes import Feature
from console.store.takeaways import latest_takeaway, takeaway
from console.ui.common.text import literal
from console.ui.projector.base import ProjectorView


class TakeawayView(ProjectorView):
    """Shows the takeaway the facilitator chose, or the newest quote when none is chosen."""

    MODE: ClassVar[str] = "takeaway"
    WATCHED: ClassVar[frozenset[Feature]] = frozenset({Feature.TAKEAWAYS})

    def compose(self) -> ComposeResult:
        yield Static(id="projector-takeaway-kind")
        yield Static(id="projector-takeaway-text")
        yield Static(id="projector-takeaway-speaker")

    def show(self, payload: dict[str, Any]) -> None:
        """Read the chosen takeaway from the file and redraw it."""
        chosen = payload.get("takeaway_id")
        shown = (
            takeaway(self.store, chosen) if isinstance(chosen, str) else latest_takeaway(self.store)
        )
        kind_line = self.query_one("#projector-takeaway-kind", Static)
        text_line = self.query_one("#projector-takeaway-text", Static)
        speaker_line = self.query_one("#projector-takeaway-speaker", Static)
        if shown is None:
            kind_line.update("")
            text_line.update(Text("Nothing to show yet.", style="dim"))
            speaker_line.update("")
            return
        if shown.kind is TakeawayKind.QUOTE:
            kind_line.update("")
            text_line.update(literal(f"“{shown.text}”"))
            speaker_line.update(literal(f"— {shown.speaker}") if shown.speaker else "")
            return
        kind_line.update(literal(shown.kind.value.capitalize()))
        text_line.update(literal(shown.text))
        owner = shown.owner if shown.kind is TakeawayKind.ACTION else shown.speaker
        speaker_line.update(literal(f"— {owner}") if owner else "")
