"""The console's footer: the keys of where the focus is, redrawn once per change of focus."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.screen import Screen
from textual.widgets import Footer


class ConsoleFooter(Footer):
    """Textual's footer, redrawn once however often the keys change before it is redrawn, and
    not while it is held (a pane being built and shown goes first)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._changed: Screen | None = None
        """The screen whose keys changed since the last redraw started (None: they did not)."""
        self._redraw_due = False
        """A redraw is asked for and has not started yet: another request adds nothing."""
        self._holds = 0

    def bindings_changed(self, screen: Screen) -> None:
        # Textual's footer rebuilds all its keys (some 20 ms) after each change of keys: after
        # the first frame and after a pane key they change up to three times in a row, before
        # the first rebuild has started. One rebuild, started after them, shows the same keys.
        self._changed = screen
        self._ask_for_redraw()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Redraw nothing until the block ends, then once if the keys changed meanwhile."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            # Asked from the footer's own messages: its keys are built in its context.
            self.call_next(self._ask_for_redraw)

    def _ask_for_redraw(self) -> None:
        if self._changed is None or self._redraw_due or self._holds or not self.is_attached:
            return
        self._redraw_due = True
        self.call_after_refresh(self._redraw)

    async def _redraw(self) -> None:
        """Rebuild the keys as they are now, as Textual's footer does on a change of keys."""
        self._redraw_due = False
        if self._holds:
            return  # the hold's end asks again
        screen, self._changed = self._changed, None
        self._bindings_ready = True
        if screen is not None and screen.app.app_focus and screen is self.screen:
            await self.recompose()
