"""Widgets of the cards pane: the ballot line that steps from one delegate to the next."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class BallotInput(Input):
    """The line where the facilitator types one delegate's cards; Up and Down change delegate."""

    BINDINGS = [
        Binding("up", "step(-1)", "Previous delegate", show=False),
        Binding("down", "step(1)", "Next delegate", show=False),
        Binding("escape", "leave", "Leave the ballot line", show=False),
    ]

    @dataclass
    class Step(Message):
        """The facilitator moved to the previous (-1) or next (+1) delegate."""

        delta: int

    @dataclass
    class Leave(Message):
        """The facilitator left the ballot line for the card list."""

    def action_step(self, delta: int) -> None:
        """Move to the previous or next delegate."""
        self.post_message(self.Step(delta))

    def action_leave(self) -> None:
        """Go back to the card list."""
        self.post_message(self.Leave())


class SearchInput(Input):
    """The type-to-search line above the card list: Escape clears it, Down keeps it; both go
    back to the list."""

    BINDINGS = [
        Binding("escape", "clear", "Clear the search", show=False),
        Binding("down", "leave", "Back to the list", show=False),
    ]

    @dataclass
    class Leave(Message):
        """The facilitator left the search line for the card list."""

    def action_leave(self) -> None:
        """Go back to the card list."""
        self.post_message(self.Leave())

    def action_clear(self) -> None:
        """Clear the search and go back to the whole card list."""
        self.value = ""
        self.post_message(self.Leave())
