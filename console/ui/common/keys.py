"""One source for keys: hint lines, the help, the README and the palette read the bindings.

What the panes need for the first screen is here; the key map of the help and the palette
(key_map.py) loads on use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.actions import parse as parse_action
from textual.binding import Binding
from textual.widgets import Static

SEPARATOR = " · "

TYPING_HINT = SEPARATOR.join(
    ["Typing: letters are text", "Enter saves", "Escape: the list's keys", "F1 all keys"]
)
"""The hint line while a capture line has the focus."""

KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "Space",
    "enter": "Enter",
    "escape": "Escape",
    "delete": "Delete",
    "insert": "Insert",
    "tab": "Tab",
    "up": "↑",
    "down": "↓",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
}


@dataclass(frozen=True)
class PaneKey(Binding):
    """A pane's key: its hint line shows it (unless hint is False), the footer leaves it out."""

    show: bool = False
    hint: bool = True


def key_name(key: str) -> str:
    """Return how the facilitator reads a key: F2, Ctrl+Z, Shift+↑, /, Space, R."""
    *modifiers, name = key.split("+")
    shown = KEY_NAMES.get(name, name.upper() if name[:1] == "f" and name[1:].isdigit() else name)
    if modifiers and len(shown) == 1:
        shown = shown.upper() if "ctrl" in modifiers else shown
    return "+".join([*(modifier.capitalize() for modifier in modifiers), shown])


def binding_keys(binding: Binding, joiner: str = " or ") -> str:
    """Return every key of a binding, as read."""
    return joiner.join(key_name(key.strip()) for key in binding.key.split(","))


def can_act(target: Any, action: str) -> bool:
    """Tell whether an action string (with its parameters) can act now on target, as its key
    would find it: by the target's check_action."""
    _namespace, name, parameters = parse_action(action)
    return bool(target.check_action(name, parameters))


def bound_actions(cls: type, key: str) -> list[str]:
    """Return the actions a class binds (or inherits) to a key."""
    return [binding.action for binding in declared_bindings(cls) if key in binding.key.split(",")]


def declared_bindings(cls: type) -> list[Binding]:
    """Return the bindings a class declares and inherits, its own first, as Textual binds them."""
    found: list[Binding] = []
    bound: set[str] = set()
    for base in cls.__mro__:
        for binding in base.__dict__.get("BINDINGS", ()):
            if not isinstance(binding, Binding):
                continue
            keys = set(binding.key.split(","))
            if keys <= bound:
                continue  # a subclass rebinds every key of it
            bound |= keys
            found.append(binding)
    return found


def hint_line(bindings: Sequence[Binding], closing: str = "F1 all keys") -> str:
    """Return a pane's hint line: its hinted keys by their labels; grouped keys share one."""
    parts: list[tuple[list[str], str]] = []
    shown: set[str] = set()
    group: Binding.Group | None = None
    for binding in bindings:
        if not isinstance(binding, PaneKey) or not binding.hint or binding.action in shown:
            continue
        shown.add(binding.action)
        first = key_name(binding.key.split(",")[0].strip())
        if binding.group is not None and binding.group is group:
            parts[-1][0].append(first)
            continue
        group = binding.group
        label = binding.group.description if binding.group else binding.description
        parts.append(([first], label))
    return SEPARATOR.join([*(f"{' '.join(keys)} {label}" for keys, label in parts), closing])


def wrap_hint(hint: str, width: int) -> str:
    """Break a hint line only between its parts, so a key never sits apart from its label."""
    lines: list[str] = []
    for part in hint.split(SEPARATOR):
        if lines and len(lines[-1]) + len(SEPARATOR) + len(part) <= width:
            lines[-1] += SEPARATOR + part
        else:
            lines.append(part)
    return "\n".join(lines)


class HintLine(Static):
    """A pane's hint line: its keys and what they do, wrapped between keys, never inside one."""

    def __init__(self, hint: str, *, id: str | None = None) -> None:
        super().__init__(hint, id=id, classes="pane-hint")
        self.hint: str | Text = hint

    def on_resize(self) -> None:
        self.show(self.hint)

    def show(self, hint: str | Text) -> None:
        """Show a hint line (a pane's keys, or a mode's own line while it lasts)."""
        self.hint = hint
        width = self.size.width
        self.update(wrap_hint(hint, width) if isinstance(hint, str) and width else hint)
