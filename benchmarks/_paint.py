"""Time a key from the moment it reaches the app to the screen update that shows its effect.

Textual's Pilot waits for the whole app to be idle after each key (~60 ms of its own), which
says nothing about what a facilitator sees. Instead this sends the key event the way the
terminal driver does, and hooks the screen's compositor refresh (the step that renders the
changed regions and hands them to the terminal) to note the first update after which the
expected effect holds. Only the benchmark patches Textual; the console's code is untouched.
"""

from __future__ import annotations

import asyncio
import time
import unicodedata
from collections.abc import Callable

from textual import events
from textual.app import App
from textual.screen import Screen


class PaintProbe:
    """Notes when a screen update first shows what a check expects."""

    def __init__(self) -> None:
        self.check: Callable[[Screen], bool] | None = None
        self.painted_at = 0.0
        self.sent_at = 0.0
        self.done = asyncio.Event()
        self.updates = 0
        original = Screen._compositor_refresh
        probe = self

        def hooked(screen: Screen) -> None:
            original(screen)
            probe.updates += 1
            if probe.check is not None and probe.check(screen):
                probe.painted_at = time.perf_counter()
                probe.check = None
                probe.done.set()

        self._original = original
        Screen._compositor_refresh = hooked  # type: ignore[method-assign]

    def close(self) -> None:
        """Take the hook out again."""
        Screen._compositor_refresh = self._original  # type: ignore[method-assign]

    async def key_to_paint(
        self, app: App, key: str, check: Callable[[Screen], bool], timeout: float = 10.0
    ) -> float:
        """Send one key and return milliseconds until a screen update satisfies check."""
        self.check = check
        self.done.clear()
        event = key_event(key)
        event.set_sender(app)
        assert app._driver is not None
        self.sent_at = time.perf_counter()
        app._driver.send_message(event)
        await asyncio.wait_for(self.done.wait(), timeout)
        return (self.painted_at - self.sent_at) * 1000

    async def settle(self, app: App) -> None:
        """Let the app finish everything the key started before the next one."""
        from textual._wait import wait_for_idle

        await wait_for_idle(0)
        await app._animator.wait_until_complete()
        await wait_for_idle(0)
        await asyncio.sleep(0.02)


def key_event(key: str) -> events.Key:
    """Build the key event the terminal driver would send for key."""
    names = {"enter": "\r", "backspace": "\x7f", "escape": "\x1b", "space": " "}
    if key in names:
        return events.Key(key, names[key])
    if len(key) == 1:
        return events.Key(key, key)
    try:
        return events.Key(key, unicodedata.lookup(key.upper().replace("_", " ")))
    except KeyError:
        return events.Key(key, None)


def shows(widget_check: Callable[[], bool], widget_getter: Callable[[Screen], object]):  # type: ignore[no-untyped-def]
    """Return a check: the state holds and the widget is among the rendered visible ones."""

    def check(screen: Screen) -> bool:
        widget = widget_getter(screen)
        return widget_check() and widget in screen._compositor.visible_widgets

    return check
