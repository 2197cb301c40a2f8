"""Helpers shared by the tests: waiting for a condition with a deadline, reading the app.

Tests never synchronise with a fixed sleep: on a busy machine any fixed pause is sometimes too
short. They wait for what the user would see (or what the file holds), with a deadline long
enough for a loaded machine, and fail with a message that says what never happened.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.app import App

POLL = 0.01
"""Seconds between two looks at a condition while waiting for it."""


async def wait_until(condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    """Wait until condition holds, looking every few milliseconds; fail after the deadline."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Still waiting after {seconds:.0f} s for {what}.")
        await asyncio.sleep(POLL)


def notices(app: App, severity: str | None = None) -> list[str]:
    """Return the notifications the console has shown, optionally of one severity only."""
    return [
        str(notification.message)
        for notification in app._notifications
        if severity is None or notification.severity == severity
    ]


Message = str | Callable[[], str]


DEADLINE = 30.0


def _describe(message: Message) -> str:
    return message() if callable(message) else message


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


def block_until(
    predicate: Callable[[], object], timeout: float = DEADLINE, message: Message = ""
) -> None:
    """Block until predicate() is true, looking every few milliseconds; fail after timeout
    seconds, saying what never happened (for tests of other processes, outside an event loop).

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
