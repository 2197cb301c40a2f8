"""What every projector view shares."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.widget import Widget

from console.store.changes import Feature
from console.store.core import WorkshopStore


class ProjectorView(Widget):
    """One kind of content the projector can show; the facilitator's console picks which."""

    MODE: ClassVar[str] = ""
    """The value of `display.mode` in the file that selects this view."""

    WATCHED: ClassVar[frozenset[Feature]] = frozenset()
    """Features whose changes make this view redraw."""

    def __init__(self, store: WorkshopStore, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store

    def show(self, payload: dict[str, Any]) -> None:
        """Redraw from the file; payload is what the facilitator stored with the mode."""
