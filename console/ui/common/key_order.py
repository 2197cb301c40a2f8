"""Keys handled strictly in the order they were typed, however fast they arrive.

Textual sends a typed character straight to the focused widget, but a key that acts through a
binding (Enter, Backspace, arrows, a pane key) first bubbles from the focused widget up through
each of its containers, one message queue at a time, before the app runs the binding. Keys typed
right after it overtake it on the way: a burst of "line one⏎line two⏎" saved "line oneline t",
and a letter typed right after a key that opens a dialog landed in the pane behind it.

`OrderedKeysApp` keeps the order. A key that is typed text goes to the focused widget as before
(its queue keeps the order among typed characters). Any other key waits until the focused widget
and its containers have handled everything sent before it, runs its binding at once, and lets the
messages that binding posted (a submitted line, a dialog opening) be handled before the next key
is routed. A key typed while a dialog opens waits until the dialog has focus, so type-ahead lands
in its first field.

A terminal sends Alt+letter as Escape then the letter, and Escape typed just before a letter
the same way, as one key with the letter as its character (escape_keys.py has Textual read it
so however fast keys come): a text line would take it as that letter. An Alt+letter bound where
the focus is (the takeaways' kinds) runs its binding, even in a line; any other is the two keys
typed, so that the letter does not land in the line Escape was leaving.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections import deque
from typing import Any

from textual import events
from textual.app import App, ReturnType
from textual.dom import DOMNode
from textual.driver import Driver
from textual.screen import Screen
from textual.widget import Widget

SETTLE_SECONDS = 5.0
"""How long a key waits for the widgets before it is routed anyway (a guard, not a pause)."""


class OrderedKeysApp(App[ReturnType]):
    """An app whose keys take effect in the order they were typed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: deque[events.Key | events.Paste] = deque()
        self._keys_resume_scheduled = False
        self._keys_settled_screen: Screen[Any] | None = None
        self._keys_turned_screen: Screen[Any] | None = None
        self._binding_settling: asyncio.Future[None] | None = None

    def get_driver_class(self) -> type[Driver]:
        """Return Textual's driver for this terminal, or EscapeKeysDriver for its LinuxDriver."""
        driver_class = super().get_driver_class()
        linux = sys.modules.get("textual.drivers.linux_driver")  # loaded if it was picked
        if linux is not None and driver_class is linux.LinuxDriver:
            from console.ui.common.escape_keys import EscapeKeysDriver

            return EscapeKeysDriver
        return driver_class

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            # A paste keeps its place among the keys too (a dialog opening, Enter before it).
            self._held_keys.append(event)
            if not self._keys_resume_scheduled and len(self._held_keys) == 1:
                await self._route_held_keys()
            return
        await super().on_event(event)

    async def _route_held_keys(self) -> None:
        """Route the keys typed so far, one at a time, each after the last took effect."""
        self._keys_resume_scheduled = False
        while self._held_keys:
            if self._binding_settling is not None:  # the last binding's messages come first
                settling, self._binding_settling = self._binding_settling, None
                await settling
            if not await self._screen_ready():
                self._resume_keys_later()
                return
            event = self._held_keys.popleft()
            typed = await self._route_key(event)
            if not self._held_keys:
                if typed:  # the last key so far: done once its widget has it (as tests expect)
                    await self.settle(self.focused)
                return
            if not typed:
                # What the key did may have queued work on the app itself (Widget.focus does):
                # the next key is routed after it, so it reaches the widget that now has focus.
                self._resume_keys_later()
                return

    def _resume_keys_later(self) -> None:
        self._keys_resume_scheduled = True
        self.call_later(self._route_held_keys)

    async def _route_key(self, event: events.Key | events.Paste) -> bool:
        """Route one key; tell whether it was typed text, which needs no settling."""
        focused = self.focused
        if isinstance(event, events.Paste):
            await super().on_event(event)  # pasted text: straight to the focused widget
            return True
        if (keys := self._alt_key(event)) is not None:
            self._held_keys.extendleft(reversed(keys))  # routed next, in this order
            return False
        if focused is not None and focused.check_consume_key(event.key, event.character):
            await super().on_event(event)  # typed text: the widget's own queue keeps the order
            return True
        await self.settle(focused)
        self.app_focus = True
        if await self.intercept_key(event, focused):
            return False
        if await self._check_bindings(event.key, priority=True) or await self._check_bindings(
            event.key
        ):
            # What the binding posted (a submitted line) is handled before the next key, but
            # the app goes on at once: waiting here would hold its repaint back for a layout.
            self._binding_settling = asyncio.ensure_future(self._after_binding(focused))
            return False
        # No binding: the widgets' own key handlers, as Textual routes it.
        await super().on_event(event)
        await self.settle(focused)
        return False

    def _alt_key(self, event: events.Key) -> tuple[events.Key, ...] | None:
        """Return what an Alt+character key stands for: the key bound to it where the focus is
        (never text, even in a line), or else Escape and the character typed just after it,
        which the terminal sent as one; None for any other key."""
        key, character = event.key, event.character
        if not key.startswith("alt+") or character is None or len(character) != 1:
            return None
        if not character.isprintable():
            return None
        if key in self.active_bindings:
            return (events.Key(key, None),)  # no character: a text line does not take it
        plain = key.removeprefix("alt+")
        if plain.startswith("shift+") and len(plain) == len("shift+") + 1:
            plain = plain.removeprefix("shift+").upper()  # Escape then V: "V", as typed alone
        return events.Key("escape", "\x1b"), events.Key(plain, character)

    async def _after_binding(self, focused: Widget | None) -> None:
        await self.settle(focused)
        await self.key_settled(focused)

    async def intercept_key(self, event: events.Key, focused: Widget | None) -> bool:
        """Handle a key before its binding, once every earlier key took effect; tell if handled."""
        return False

    async def key_settled(self, focused: Widget | None) -> None:
        """React to what a key's binding did, before the next key is routed."""

    async def _screen_ready(self) -> bool:
        """Tell whether keys may go to the screen: a new one must first focus its first field."""
        screen = self.screen
        if screen is self._keys_settled_screen:
            return True
        if screen is not self._keys_turned_screen:
            # A screen focuses its first field from its mount, through the app's queue
            # (Widget.focus): once its own queue and then the app's have been worked through,
            # the field that is to get the keys has them.
            self._keys_turned_screen = screen
            await self._barrier(screen)
            return False
        self._keys_settled_screen = screen
        return True

    async def settle(self, node: DOMNode | None) -> None:
        """Wait until node and each container above it has handled what is queued for it."""
        chain: list[DOMNode] = []
        while node is not None and node is not self:
            chain.append(node)
            node = node.parent
        if not chain:
            chain.append(self.screen)
        for pump in chain:  # bottom up: a message bubbling up is queued before the next barrier
            await self._barrier(pump)

    async def _barrier(self, pump: DOMNode) -> None:
        """Wait until pump has handled every message queued for it before this call."""
        reached = asyncio.Event()
        if not pump.call_later(reached.set):
            return  # closed or closing: nothing more will be handled there
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(reached.wait(), SETTLE_SECONDS)
