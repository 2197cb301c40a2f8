"""Helpers shared by the tests: waiting for what the user will see, reading the screen."""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections.abc import Callable

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


def screen_text(app: App) -> str:
    """Return the text on the screen as the user reads it (from a screenshot of the app)."""
    svg = app.export_screenshot()
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.DOTALL)
    return html.unescape("".join(texts)).replace("\xa0", " ")
