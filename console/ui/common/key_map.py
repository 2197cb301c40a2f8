"""The key map: the help's and the README's sections and the palette's commands, made from the
bindings (loaded on use: the first screen needs only keys.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.ui.common.keys import binding_keys, can_act

FOCUS_RULE = (
    "Letters act as keys only when no text field has the focus: while you type, they are text. "
    "Escape leaves a text field. The first time you open a pane, the focus is where you would "
    "type: the capture line in the inventory and the takeaways (no n or Enter needed first), "
    "the ballot line in the cards while a round takes ballots, else the list. After that a pane "
    "key goes back to where you left that pane: to its capture line (or ballot line) if you were "
    "typing there, else to the list. On the list a key acts only when its command can (+ in a "
    "hand-count round, m with pain points marked, e with a row to edit); any other key starts "
    "the capture line, so nothing typed is lost."
)
"""Where the keys go, for the help and the README."""


@dataclass(frozen=True)
class KeyRow:
    """One row of the key map: the keys, a short label, what it does, and the action."""

    keys: str
    label: str
    meaning: str
    action: str = ""


@dataclass(frozen=True)
class KeySection:
    """The keys of one part of the console, in the help and the README."""

    title: str
    rows: tuple[KeyRow, ...]


def key_rows(bindings: Iterable[Binding]) -> tuple[KeyRow, ...]:
    """Return one row per action, its keys joined, in the order they are declared."""
    rows: dict[str, KeyRow] = {}
    for binding in bindings:
        if binding.system or not binding.description:
            continue  # Textual's own, such as Ctrl+C telling how to quit
        row = rows.get(binding.action)
        if row is None:
            meaning = binding.tooltip or binding.description
            rows[binding.action] = KeyRow(
                binding_keys(binding), binding.description, meaning, binding.action
            )
        else:
            keys = f"{row.keys} or {binding_keys(binding)}"
            rows[binding.action] = KeyRow(keys, row.label, row.meaning, row.action)
    return tuple(rows.values())


def section(
    title: str, bindings: Iterable[Binding], more: Iterable[tuple[str, str]] = ()
) -> KeySection:
    """Return a section of the key map: the bindings' rows, then the rows of typed syntax."""
    rows = key_rows(bindings) + tuple(KeyRow(keys, "", meaning) for keys, meaning in more)
    return KeySection(title, rows)


@dataclass(frozen=True)
class Command:
    """One palette command: a title, what it does with its keys, and what runs it."""

    title: str
    help: str
    run: Callable[[], Any]


def commands_of(target: Any, bindings: Iterable[Binding], where: str = "") -> Iterator[Command]:
    """Return a palette command for every binding of target that can act now (as its key
    would: one that cannot is not offered), run as its key would run it."""
    for row in key_rows(bindings):
        if not can_act(target, row.action):
            continue
        prefix = f"{where}: " if where else ""
        run = partial(target.call_later, target.run_action, row.action)
        yield Command(f"{prefix}{row.label}", f"{row.keys} · {row.meaning}", run)


class KeyCommands(Provider):
    """Lists the keys of the console and of the pane on screen in the palette, by what they do."""

    def commands(self) -> list[Command]:
        """Return the commands on offer now (the app says which)."""
        offered: Callable[[], list[Command]] | None = getattr(self.app, "key_commands", None)
        return offered() if offered is not None else []

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        words = query.casefold().split()
        for command in self.commands():
            score = matcher.match(command.title)
            if not score and words and all(word in command.help.casefold() for word in words):
                score = 0.5  # found by what it does: "timer" finds "Start"
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
