"""User text hygiene: strip terminal controls, refuse empty or huge input, preview, CSV-safe."""

from __future__ import annotations

import re
import unicodedata

MAX_TEXT_CHARS = 10_000
"""Longest text accepted for one item; longer input is refused, never silently truncated."""

ELLIPSIS = "…"

# Terminal escape sequences, removed whole so their parameters do not leak into the text.
# CSI: ESC [ (or C1 0x9b) parameters, intermediates, one final byte.
# OSC/DCS/SOS/PM/APC: ESC ] P X ^ _ (or C1 0x9d 0x90 0x98 0x9e 0x9f) up to BEL or ST
# (ESC \ or C1 0x9c); an unterminated string runs to the end of the text.
# Other escapes: ESC, optional intermediates, one final byte (e.g. ESC ( B, ESC 7, ESC c).
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?
    | (?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|\Z)
    | \x1b[ -/]*[0-~]?
    """,
    re.VERBOSE | re.DOTALL,
)

# Line and paragraph breaks and tabs become a space, so words on either side do not merge.
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")

# Bidirectional embedding, override and isolate controls: they can reorder what the
# facilitator sees on screen (and leak into following text), so they are removed.
# Ordinary right-to-left letters, LRM/RLM marks, ZWJ and ZWNJ are kept.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""What a text a spreadsheet could read as a formula starts with."""


class TextError(ValueError):
    """A user-facing, one-line explanation of why a piece of text was refused."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _is_removed_char(char: str) -> bool:
    """Return True for a control, surrogate or bidi-override character that must not be shown."""
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or char in _BIDI_CONTROLS


def strip_control(text: str) -> str:
    """Remove terminal escape sequences and control characters; breaks and tabs become spaces."""
    if text.isprintable():  # the usual case: no control, break, escape or bidi control in it
        return text
    without_escapes = _ESCAPE_SEQUENCE.sub("", text)
    spaced = _BREAKS.sub(" ", without_escapes)
    return "".join(char for char in spaced if not _is_removed_char(char))


def clean_user_text(raw: str, *, max_chars: int = MAX_TEXT_CHARS, field: str = "Text") -> str:
    """Return one line of displayable text, or raise TextError if it is empty or too long."""
    if len(raw) > max_chars * 4 + 1_000:
        # Refuse an enormous paste before scanning it; escapes cannot shrink it that far.
        raise TextError(
            f"{field} is too long ({len(raw):,} characters; the limit is {max_chars:,})."
        )
    cleaned = strip_control(raw).strip()
    if not cleaned:
        raise TextError(f"{field} is empty: type something first.")
    if len(cleaned) > max_chars:
        raise TextError(
            f"{field} is too long ({len(cleaned):,} characters; the limit is {max_chars:,})."
        )
    return cleaned


def char_cells(char: str) -> int:
    """Return how many terminal cells one code point occupies (0, 1 or 2)."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc"):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    return 1


def cell_width(text: str) -> int:
    """Return the number of terminal cells the text occupies on one line."""
    if text.isascii() and text.isprintable():  # one cell each: the usual case, in C
        return len(text)
    return sum(char_cells(char) for char in text)


def one_line_preview(text: str, width: int) -> str:
    """Return the text on one line, cut with an ellipsis to fit in width terminal cells."""
    line = strip_control(text).strip()
    if width <= 0:
        return ""
    if cell_width(line) <= width:
        return line
    budget = width - 1  # One cell for the ellipsis.
    kept: list[str] = []
    used = 0
    for char in line:
        cells = char_cells(char)
        if used + cells > budget:
            break
        kept.append(char)
        used += cells
    return "".join(kept).rstrip("\u200d ") + ELLIPSIS


def csv_safe(value: object) -> object:
    """Return the value with a leading apostrophe if a spreadsheet could read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def counted(count: int, noun: str) -> str:
    """Return "1 pain point" or "12 pain points": a count with its noun in the right number."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"
