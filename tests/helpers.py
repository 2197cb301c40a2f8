"""Helpers shared by the test modules: waiting for a condition with a deadline, reading the app.

Tests never synchronise with a fixed sleep: on a busy machine any fixed pause is sometimes too
short. They wait for what the user would see (or what the file holds), with a deadline long
enough for a loaded machine, and fail with a message that says what never happened.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

DEADLINE = 30.0
"""Seconds a condition may take on a loaded machine before the test gives up."""

POLL = 0.005
"""Seconds between looks at a condition: short, so waiting adds next to nothing."""

Message = str | Callable[[], str]


def _describe(message: Message) -> str:
    return message() if callable(message) else message


def wait_until(
    predicate: Callable[[], object], timeout: float = DEADLINE, message: Message = ""
) -> None:
    """Return as soon as predicate() is true; fail after timeout seconds, saying what was awaited.

    `message` may be a callable, so that what it reports (a screen, a file's rows) is read only
    when the wait fails.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"not within {timeout:g} s: {_describe(message) or 'condition never held'}"
            )
        time.sleep(POLL)


async def pilot_wait_until(
    pilot: Any,
    predicate: Callable[[], object],
    timeout: float = DEADLINE,
    message: Message = "",
) -> None:
    """Let the app work (Pilot) until predicate() is true; fail after timeout seconds.

    Each look first waits for the app to be idle (`pilot.pause()`), so a condition that needs
    only the keys already pressed holds on the first look; one that needs a timer (another
    console's change, the clock) holds on the first look after the timer fired.
    """
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        if predicate():
            return
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"not within {timeout:g} s: {_describe(message) or 'condition never held'}"
            )
        await asyncio.sleep(POLL)


def visible_text(app: Any) -> str:
    """Return the text of the active screen, as the user reads it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notices(app: Any) -> list[str]:
    """Return the notifications the user has been shown (and not yet dismissed)."""
    return [notification.message for notification in app._notifications]
