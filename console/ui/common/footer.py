"""The console's footer: the keys of where the focus is, redrawn once per change of focus."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class ConsoleFooter(Footer):
    """Textual's footer, redrawn once however often the keys change before it is redrawn."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._changed: Screen | None = None
        """The screen whose keys changed since the last redraw started (None: they did not)."""

    def bindings_changed(self, screen: Screen) -> None:
        # Textual's footer rebuilds all its keys (20 ms and more) after each change of keys:
        # after the first frame and after a pane key they change several times in a row, before
        # the first rebuild has started. One rebuild, started after them, shows the same keys.
        first = self._changed is None
        self._changed = screen
        if first and not self.call_after_refresh(self._redraw):
            self._changed = None  # the footer is closing: nothing to redraw

    async def _redraw(self) -> None:
        """Rebuild the keys as they are now, as Textual's footer does on a change of keys."""
        screen, self._changed = self._changed, None
        self._bindings_ready = True
        if screen is None or not (screen.app.app_focus and self.is_attached):
            return
        if screen is self.screen:
            await self.recompose()
