"""The help screen: every key of the console (read from the bindings), and the ranking rule."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.domain.ranking import TIE_BREAK_RULE
from console.ui.common.key_map import FOCUS_RULE, KeySection


class HelpModal(ModalScreen[None]):
    """Lists every key of the console."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close")]

    def __init__(self, sections: Sequence[KeySection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            for section in self.sections:
                table = Table(
                    title=section.title, title_justify="left", show_header=False, box=None
                )
                table.add_column(style="bold", min_width=18)
                table.add_column()
                for row in section.rows:
                    table.add_row(row.keys, row.meaning)
                yield Static(table)
            yield Static(Text(FOCUS_RULE), id="help-focus")
            yield Static(Text("Ranking: " + TIE_BREAK_RULE), id="help-ranking")
            yield Static(Text("Escape closes this help.", style="dim"))

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
