"""Escape then a character, however fast it comes, reaches the console as Alt+character."""

from __future__ import annotations

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from console.ui.app import ConsoleApp
from console.ui.common.escape_keys import EscapeKeysDriver, EscapeKeysParser


def keys(parser: XTermParser, *chunks: str) -> list[tuple[str, str | None]]:
    """Feed the terminal's input in chunks, then its end; return each key and its character."""
    found = [event for chunk in (*chunks, "") for event in parser.feed(chunk)]
    return [(event.key, event.character) for event in found if isinstance(event, events.Key)]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Escape n Escape q in one write: Textual showed the first Escape as "^".
        (
            "ab\x1bn\x1bq",
            [("a", "a"), ("b", "b"), ("alt+n", "n"), ("alt+q", "q")],
        ),
        # ESC before an uppercase letter or punctuation keeps its Alt (Textual drops it for ",").
        ("\x1bV\x1b,x", [("alt+shift+v", "V"), ("alt+comma", ","), ("x", "x")]),
        # An ESC cutting short the start of a real sequence is the Alt of what it held.
        (
            "\x1bO\x1b[\x1bn",
            [("alt+shift+o", "O"), ("alt+left_square_bracket", "["), ("alt+n", "n")],
        ),
        # A pending sequence too long for any Textual knows: its ESC is not "^" either.
        ("\x1b[" + "x" * 31, [("alt+left_square_bracket", "["), *[("x", "x")] * 31]),
    ],
)
def test_escape_then_a_character_is_alt_and_never_a_circumflex(
    typed: str, expected: list[tuple[str, str | None]]
) -> None:
    assert keys(EscapeKeysParser(), typed) == expected
    assert ("circumflex_accent", "^") in keys(XTermParser(), typed)  # what Textual 8.2.8 made


def test_real_sequences_and_a_lone_escape_read_as_textual_reads_them() -> None:
    # ESC b is Option+Left in macOS terminals, ESC 3 Option+3 in WezTerm on macOS: kept so.
    typed = ["\x1bOQ", "\x1b[A", "\x1b[20~", "\x1b[<0;3;4M", "\x1bb", "\x1b3", "\x1b\x1b", "\x1b"]
    assert keys(EscapeKeysParser(), *typed) == keys(XTermParser(), *typed)
    assert keys(EscapeKeysParser(), "".join(typed)) == keys(XTermParser(), "".join(typed))
    assert keys(EscapeKeysParser(), *typed) == [
        ("f2", None),
        ("up", None),
        ("f9", None),
        ("ctrl+left", None),
        ("pound_sign", "£"),
        ("escape", "\x1b"),
        ("escape", "\x1b"),
        ("escape", "\x1b"),  # the last: no character came after it before the input ended
    ]


def test_escape_alone_in_one_read_and_a_letter_in_the_next_is_alt_of_the_letter() -> None:
    assert keys(EscapeKeysParser(), "\x1b", "n", "\x1b", "q") == [("alt+n", "n"), ("alt+q", "q")]


def test_the_console_reads_a_real_terminal_through_the_escape_keys_parser() -> None:
    app = ConsoleApp.__new__(ConsoleApp)  # the driver is picked without a workshop
    assert app.get_driver_class() is EscapeKeysDriver
    assert issubclass(EscapeKeysDriver, LinuxDriver)
    # The input loop is Textual's own, building its parser by that name: bound to ours.
    loop = EscapeKeysDriver.run_input_thread
    assert "XTermParser" in loop.__code__.co_names
    assert loop.__globals__["XTermParser"] is EscapeKeysParser
    assert LinuxDriver.run_input_thread.__globals__["XTermParser"] is XTermParser
