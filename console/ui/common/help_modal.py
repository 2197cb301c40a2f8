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
            (
                "p",
                "Projector: choose what it shows (in a pane with results: put them on it)",
            ),
            ("Ctrl+R", "Room: delegates' phones (room server, joining, what phones do)"),
            ("F8", "Projector theme (high contrast) on or off"),
            ("F9", "Export the report now: Markdown and HTML next to the workshop file"),
            ("Ctrl+Z", "Undo this console's last delete, also after a restart"),
            ("F12", "Write the workshop back after its file was deleted, moved or replaced"),
            ("F1 or ?", "This help"),
            ("Ctrl+P", "Command palette: every command by name"),
            ("Ctrl+Q", "Quit (everything is already saved)"),
        ),
    ),
    (
        "Agenda",
        (
            ("s", "Start the selected item's timer: Enter = planned time, or a preset"),
            ("Space", "Pause or resume the timer"),
            ("+ or 1 / 5", "Add 1 / 5 minutes to the timer"),
            ("n", "Next: end the current item and start the next planned one"),
            ("S (Shift+s)", "Stop: end the current item (done, actual time kept)"),
            ("o or Insert", "New item after the selected row"),
            ("e or Enter", "Edit the selected item, or the day (start time, date, title)"),
            ("D (Shift+d)", "New day after the last one"),
            ("x", "Skip the selected item, or bring it back"),
            ("Shift+Up / Down", "Move the selected item (across days at the edges)"),
            ("Delete", "Delete the selected item or empty day (Ctrl+Z brings it back)"),
        ),
    ),
    (
        "Inventory (pain points)",
        (
            ("n or Enter", "From the list: go to the capture line (Escape goes back)"),
            (
                "#theme @name",
                'While typing: the theme (its name or start: #people; new: #"Name" or '
                "#New_name, marked before Enter) and who raised it",
            ),
            ("Up/Down, PgUp/PgDn", "Move through the pain points; Home/End first/last"),
            ("e", "Edit the pain point under the cursor (its variants are listed)"),
            ("Delete", "Delete the pain point (Ctrl+Z brings it back)"),
            ("Space", "Mark or unmark a pain point (Escape clears the marks)"),
            ("m", "Merge the marked duplicates into the one under the cursor (Ctrl+Z undoes)"),
            ("g", "Put the marked pain points (or the one under the cursor) into a theme"),
            ("Tab", "Go to the theme list: r renames, m merges the theme into another"),
            ("v", "New voting round: dot vote (budget, cap per item) or hand count"),
            ("b", "Enter dot-vote ballots: numbers like 3 7 7 12, Enter = next delegate"),
            ("Up/Down in ballots", "Previous/next delegate; re-entering replaces a ballot"),
            ("+ / -", "Hand count: one more / one fewer raised hand (never below zero)"),
            ("h", "Hand count: type the number of raised hands"),
            ("R (Shift+r)", "Reveal the round's scores on the projector, or hide them again"),
            ("p", "Put the top N pain points (Enter) or themes (Ctrl+T) on the projector"),
            ("o", "List in ranked order or in capture order"),
            ("[ / ]", "Show the previous / next voting round"),
        ),
    ),
    (
        "Cards",
        (
            ("b", "Ballot line: type one delegate's cards (1 2 10 or ABC01 ABC02 ABC10)"),
            ("Enter (ballot)", "Save the ballot and move to the next delegate"),
            ("Up / Down (ballot)", "Previous / next delegate, with their saved ballot to correct"),
            ("7: 1 2 10", "Save (or replace) the ballot of delegate 7"),
            ("-", "As a ballot: the delegate picks nothing (removes a saved ballot)"),
            ("5 12", "In a hand-count round: card 5 got 12 hands (0 clears)"),
            ("v", "New voting round: pick N, recognise (approval) or hand count"),
            ("[ / ] or r", "Previous / next voting round"),
            ("x", "Close the round to ballots, or reopen it"),
            ("R (Shift+r)", "Reveal the results on the projector, or hide them again"),
            ("p", "Put this round's top N on the projector"),
            ("+ / -", "Show more or fewer top cards"),
            ("/", "Search the cards (number, code or words); Escape back to the list"),
            ("g / k", "Show one category / one deck at a time"),
            ("n / e or Enter", "New card / edit the selected card"),
            ("d", "Import a deck from a .csv or .toml file"),
            ("l", "Link the selected card to the pain points it explains"),
        ),
    ),
    (
        "Takeaways (facilitate notes PATH opens the console here)",
        (
            ("i: q: d: o: a:", "Line prefix: insight, quote, decision, open question, action"),
            ("F7 / Alt+i q d o a", "Kind of the next lines (shown left of the capture line)"),
            ("-- name", "At the end of any line: who said it (a quote's is kept for the next)"),
            ("@owner !date", "In an action: owner and due date (2026-12-01, friday, +7)"),
            ("#tag", "Competence area (or alias) or theme; unknown: asks to create a theme"),
            ("Ctrl+F or /", "Search: words, kind:quote, #tag, @speaker, item:now, status:open"),
            ("F10 or v", "Actions view: only the actions, with open/done/dropped counts"),
            ("e", "Edit the selected takeaway (kind, text, speaker, owner, due, status)"),
            ("g", "Tag with competence areas or themes by typing"),
            ("l", "Link to a pain point or a card by typing"),
            ("d / x / o", "Mark the selected action done / dropped / open again"),
            ("p", "Show the selected takeaway or quote on the projector"),
        ),
    ),
)


class HelpModal(ModalScreen[None]):
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
