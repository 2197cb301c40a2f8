"""Escape and a character typed fast reach the console as Alt+character, never as "^".

A terminal sends Escape as one ESC and Alt+x as ESC then x, so Escape typed just before a
character arrives exactly as Alt+x. Textual's xterm parser (textual/_xterm_parser.py, Textual
8.2.8 as pinned) reads ESC then a character it knows no sequence for as the start of a longer
sequence and waits for more; when the next ESC comes first it reissues what it holds as single
keys and shows the ESC as "^", so `Escape n Escape q` typed at once put "^nq" in a line. An
ESC then a printable character that begins no sequence Textual knows is taken as Alt+character
at once, and an ESC that Textual would show as "^" becomes the Alt of the character after it;
OrderedKeysApp makes an Alt+character its binding or Escape and the character.

Only what runs in a real terminal on Linux or macOS changes: the console asks for
`EscapeKeysDriver` where Textual would pick its LinuxDriver (headless runs keep their driver).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable
from typing import Any

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import SPECIAL_SEQUENCES, XTermParser
from textual.drivers.linux_driver import LinuxDriver

ESC = "\x1b"

SEQUENCE_STARTS = frozenset(
    sequence[1]
    for sequence in (*ANSI_SEQUENCES_KEYS, *SPECIAL_SEQUENCES, "\x1b[")  # "\x1b[": mouse, reports
    if len(sequence) > 2 and sequence[0] == ESC
)
"""The characters after an ESC that begin a longer sequence Textual knows: "[" and "O"."""


class EscapeKeysParser(XTermParser):
    """Textual's xterm parser, reading ESC and a character as Alt+character, never as "^"."""

    def __init__(self, debug: bool = False) -> None:
        self._alt_next = False
        super().__init__(debug)

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        """Return the keys a sequence stands for, as Textual does, save for ESC + a character."""
        if sequence == ESC:
            # Textual asks for a lone ESC only to reissue a pending sequence that another ESC (or
            # its length limit) cut short, and would show it as "^": it is the Alt of the next.
            self._alt_next = True
            return
        if self._alt_next:
            self._alt_next, alt = False, True
        if (
            len(sequence) == 2
            and sequence[0] == ESC
            and sequence[1] not in SEQUENCE_STARTS
            and sequence not in ANSI_SEQUENCES_KEYS
        ):
            sequence, alt = sequence[1], True  # no sequence begins so: Alt+character, now
        if alt and len(sequence) == 1 and sequence.isprintable():
            for key in super()._sequence_to_key_events(sequence, alt=True):
                # Textual names Alt+punctuation without its Alt ("comma"): the Escape is kept.
                name = key.key if key.key.startswith("alt+") else f"alt+{key.key}"
                yield events.Key(name, key.character)
            return
        yield from super()._sequence_to_key_events(sequence, alt)


def _with_parser(function: Callable[..., Any]) -> Callable[..., Any]:
    """Return LinuxDriver's input loop, unchanged, building EscapeKeysParser for XTermParser."""
    # The loop builds its parser by the module's name XTermParser; this runs Textual's own code
    # with that one name bound to ours rather than keeping a copy of the loop.
    namespace = {**function.__globals__, "XTermParser": EscapeKeysParser}
    loop = types.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
    )
    loop.__kwdefaults__ = function.__kwdefaults__
    loop.__qualname__ = function.__qualname__
    return loop


class EscapeKeysDriver(LinuxDriver):
    """Textual's LinuxDriver, reading keys with EscapeKeysParser."""

    run_input_thread = _with_parser(LinuxDriver.run_input_thread)
