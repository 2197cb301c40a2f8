"""Helpers shared by test modules (no test module imports another)."""

from __future__ import annotations

from typing import Any


def visible_text(app: Any) -> str:
    """Return the text of the active screen, as the user reads it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notices(app: Any) -> list[str]:
    """Return the notifications the user has been shown (and not yet dismissed)."""
    return [notification.message for notification in app._notifications]
