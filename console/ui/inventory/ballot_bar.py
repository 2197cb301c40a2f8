"""The ballot bar: one delegate's dot votes typed as pain point numbers, then the next delegate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static


class BallotInput(Input):
    """The ballot line: Up and Down switch delegates, Escape ends ballot entry."""

    BINDINGS: ClassVar = [
        Binding("up", "switch(-1)", "Previous delegate"),
        Binding("down", "switch(1)", "Next delegate"),
        Binding("escape", "close", "End ballots"),
    ]

    @dataclass
    class Switch(Message):
        """Show the previous (-1) or next (+1) delegate's ballot."""

        step: int

    @dataclass
    class Close(Message):
        """Leave ballot entry."""

    def action_switch(self, step: int) -> None:
        """Go to the previous or next delegate."""
        self.post_message(self.Switch(step))

    def action_close(self) -> None:
        """End ballot entry."""
        self.post_message(self.Close())


class BallotBar(Horizontal):
    """Who is voting now and the line their ballot is typed into."""

    def compose(self) -> ComposeResult:
        yield Static(id="ballot-who")
        yield BallotInput(
            placeholder="Pain point numbers, e.g. 3 7 7 12 (3x2 = two dots), then Enter",
            max_length=400,
            id="ballot-input",
        )

    @property
    def ballot_input(self) -> BallotInput:
        """Return the ballot line."""
        return self.query_one(BallotInput)
