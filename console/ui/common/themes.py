"""The console's themes: a calm one for the laptop, a high-contrast one for the projector."""

from __future__ import annotations

from textual.theme import Theme

PROJECTOR_THEME = Theme(
    name="projector",
    primary="#FFD700",
    secondary="#00BFFF",
    accent="#FFD700",
    warning="#FFB000",
    error="#FF4040",
    success="#40FF40",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    boost="#333333",
    dark=True,
)
"""White and yellow on black: readable from the back of a room through a weak projector."""

CONSOLE_THEME = "textual-dark"
