"""The floor of benchmarks/tmux_latency.py: the least a console could be, run in tmux the same way.

A first screen (marked FLOOR-READY), then two panes (F3, F5), each an Input over a small
DataTable: Enter adds the line as a row, moves the cursor to it and clears the line.
Run: python benchmarks/_floor_input_app.py
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static


class FloorInputApp(App[None]):
    """A start screen and two panes of an Input and a DataTable."""

    # The table takes the rest of the pane and scrolls itself, so the new row's line is shown.
    CSS = """
    #one, #two { height: 1fr; }
    DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        ("f3", "show('one')", "One"),
        ("f5", "show('two')", "Two"),
    ]

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="start", id="switcher"):
            yield Static("FLOOR-READY", id="start")
            for pane in ("one", "two"):
                with Vertical(id=pane):
                    yield Static(f"FLOOR PANE {pane.upper()}")
                    yield Input(placeholder=f"Line {pane}, then Enter", id=f"{pane}-line")
                    yield DataTable(id=f"{pane}-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.add_columns("#", "Text")
            for number in range(10):
                table.add_row(str(number), f"row {number}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        pane = str(event.input.id).split("-")[0]
        table = self.query_one(f"#{pane}-table", DataTable)
        table.add_row(str(table.row_count), event.value)
        table.move_cursor(row=table.row_count - 1)
        event.input.value = ""

    def action_show(self, pane: str) -> None:
        self.query_one(ContentSwitcher).current = pane
        self.query_one(f"#{pane}-line", Input).focus()


if __name__ == "__main__":
    FloorInputApp().run()
