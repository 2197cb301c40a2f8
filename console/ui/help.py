"""The help screen: every key of the console, and the ranking rule."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.domain.ranking import TIE_BREAK_RULE

KEY_MAP: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Everywhere",
        (
            ("F2 or a", "Agenda pane"),
            ("F3 or i", "Inventory pane (pain points)"),
            ("F4 or c", "Cards pane"),
            ("F5 or t", "Takeaways pane"),
            ("F6 or w", "Workshop details and participants"),
            ("F8", "Projector theme (high contrast) on or off"),
            ("Ctrl+Z", "Undo this console's last delete, also after a restart"),
            ("F1 or ?", "This help"),
            ("Ctrl+P", "Command palette: every command by name"),
            ("Ctrl+Q", "Quit (everything is already saved)"),
        ),
    ),
    (
        "Inventory and Takeaways",
        (
            ("Enter", "Save the typed line at once; the line clears for the next"),
            ("Tab / Shift+Tab", "Move between the capture line and the list"),
            ("Delete", "Delete the selected row (Ctrl+Z brings it back)"),
            ("#theme @name", "While typing a pain point: set its theme and who raised it"),
            ("q: a: d: o:", "While typing a takeaway: quote, action, decision, open question"),
        ),
    ),
)


class HelpScreen(ModalScreen[None]):
    """Lists every key of the console."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            for section, keys in KEY_MAP:
                table = Table(title=section, title_justify="left", show_header=False, box=None)
                table.add_column(style="bold", min_width=18)
                table.add_column()
                for key, meaning in keys:
                    table.add_row(key, meaning)
                yield Static(table)
            yield Static(Text("Ranking: " + TIE_BREAK_RULE), id="help-ranking")
            yield Static(Text("Escape closes this help.", style="dim"))

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
