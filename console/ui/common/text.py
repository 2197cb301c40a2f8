"""Showing user text literally: no markup, no escape sequences ever reach the terminal."""

from __future__ import annotations

from rich.text import Text

from console.domain.text import one_line_preview, strip_control


def literal(text: object, *, width: int | None = None, style: str = "") -> Text:
    """Return user text as a Rich Text that is never parsed as markup, optionally truncated."""
    shown = strip_control(str(text if text is not None else ""))
    if width is not None:
        shown = one_line_preview(shown, width)
    return Text(shown, style=style, no_wrap=width is not None, end="")
