"""The agenda's table: days and items in fixed-width columns, drawn a line at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

ShownCells = tuple[Text, ...]
"""One row's cells, as drawn."""


class AgendaTable(ScrollView, can_focus=True):
    """The agenda's rows under a header that stays put, with a row cursor; it looks and moves
    like a DataTable with a row cursor and zebra stripes.

    The agenda is the console's first screen. A DataTable renders each cell through Rich's
    layout (padding, wrapping, cropping): for the agenda's hundred-odd cells that was a fifth
    of the start-up. These cells are one line each, in columns of fixed width, so each row is
    drawn straight into one strip, once, and kept until it changes.
    """

    BINDINGS: ClassVar = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first_row", "First row", show=False),
        Binding("end,ctrl+end", "last_row", "Last row", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "agenda-table--header",
        "agenda-table--cursor",
        "agenda-table--even-row",
        "agenda-table--odd-row",
    }
    # DataTable's own look, so that the agenda looks like the console's other tables.
    DEFAULT_CSS = """
    AgendaTable {
        background: $surface;
        color: $foreground;
        height: 1fr;

        &:focus {
            background-tint: $foreground 5%;
            & > .agenda-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .agenda-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .agenda-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .agenda-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .agenda-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .agenda-table--odd-row {
        }
        & > .agenda-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .agenda-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    PARTS = (
        "agenda-table--header",
        "agenda-table--cursor",
        "agenda-table--even-row",
        "agenda-table--odd-row",
    )
    """The component classes a row's look is drawn from, in the order _row_strip reads them."""

    PADDING = 1
    """Blank cells either side of each column's text."""

    @dataclass
    class RowSelected(Message):
        """Enter (or a click on the row under the cursor) chose a row."""

        key: str

    def __init__(self, columns: Sequence[tuple[str, int]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels = tuple(Text(label) for label, _ in columns)
        self.widths = tuple(width for _, width in columns)
        self._keys: list[str] = []
        self._rows: dict[str, ShownCells] = {}
        self._cursor = 0
        self._strips: dict[tuple[int, bool], Strip] = {}
        """Each row's whole strip (index -1: the header), with or without the cursor on it."""
        self._styles: tuple[Style, ...] = ()
        """The component styles the kept strips were drawn with."""

    # Rows --------------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Return how many rows the table has."""
        return len(self._keys)

    def get_row_at(self, index: int) -> ShownCells:
        """Return the cells of the row shown at index."""
        return self._rows[self._keys[index]]

    def get_row_index(self, key: str) -> int:
        """Return where the row with this key is shown."""
        return self._keys.index(key)

    def set_rows(self, rows: dict[str, ShownCells]) -> None:
        """Show these rows, in this order, keeping the cursor on the row it was on."""
        selected = self.cursor_key
        self._keys = list(rows)
        self._rows = dict(rows)
        self._strips.clear()
        self.virtual_size = Size(self._table_width, len(self._keys) + 1)
        if selected in self._rows:
            self._cursor = self._keys.index(selected)
        self._cursor = max(0, min(self._cursor, len(self._keys) - 1))
        self.refresh()

    def update_cell(self, key: str, column: int, value: Text) -> None:
        """Show a new value in one cell."""
        cells = list(self._rows[key])
        cells[column] = value
        self._rows[key] = tuple(cells)
        index = self._keys.index(key)
        self._strips.pop((index, False), None)
        self._strips.pop((index, True), None)
        self.refresh()

    # The cursor ----------------------------------------------------------------------------

    @property
    def cursor_row(self) -> int:
        """Return the index of the row under the cursor."""
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        """Return the key of the row under the cursor (None: no rows)."""
        return self._keys[self._cursor] if self._keys else None

    def move_cursor(self, row: int) -> None:
        """Put the cursor on a row, scrolled into view."""
        if not self._keys:
            return
        self._cursor = max(0, min(row, len(self._keys) - 1))
        self.refresh()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        """Scroll so that the cursor's row shows under the header."""
        shown = self.scrollable_content_region.height - 1
        if shown <= 0:
            return  # not laid out yet: on_resize scrolls
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + shown:
            self.scroll_to(y=self._cursor - shown + 1, animate=False, immediate=True)

    # Drawing -----------------------------------------------------------------------------------

    @property
    def _table_width(self) -> int:
        return sum(width + 2 * self.PADDING for width in self.widths)

    def render_lines(self, crop: Region) -> list[Strip]:
        style = self.get_component_rich_style
        styles = (*map(style, self.PARTS), self.rich_style)
        if styles != self._styles:  # focus, the theme or the window's colours changed
            self._styles = styles
            self._strips.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = -1 if y == 0 else scroll_y + y - 1
        if index >= len(self._keys):
            return Strip.blank(width, base)
        cursor = index == self._cursor
        strip = self._strips.get((index, cursor))
        if strip is None:
            strip = self._strips[index, cursor] = self._row_strip(index, cursor)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _row_strip(self, index: int, cursor: bool) -> Strip:
        """Draw a whole row (index -1: the header), as wide as the widget or the columns."""
        header, cursor_style, even, odd, _ = self._styles
        if index < 0:
            row_style, cells = header, self.labels
        else:
            row_style, cells = (odd if index % 2 else even), self._rows[self._keys[index]]
        # The cursor's colours win over a cell's own (a running item's green), as in a DataTable.
        over = cursor_style if cursor and index >= 0 else Style()
        after = Style.from_color(over.color, over.bgcolor)
        around = row_style + over + after
        console = self.app.console
        pad = Segment(" " * self.PADDING, around)
        segments: list[Segment] = []
        for value, width in zip(cells, self.widths, strict=True):
            # A Text without spans renders without its own style: it is added here.
            own = row_style + over + console.get_style(value.style, default=Style.null())
            drawn = [Segment(text, own + style + after) for text, style, _ in value.render(console)]
            segments.append(pad)
            segments.extend(Segment.adjust_line_length(drawn, width, style=around))
            segments.append(pad)
        spare = max(0, self.size.width - self._table_width)
        if spare:
            segments.append(Segment(" " * spare, row_style + over))
        return Strip(segments).simplify()

    # Handlers ----------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()  # a row fills the widget's width
        self._scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return  # the header
        index = round(self.scroll_y) + offset.y - 1
        if index >= len(self._keys):
            return
        if index == self._cursor:
            self.action_select_cursor()
        else:
            self.move_cursor(index)

    # Actions -----------------------------------------------------------------------------------

    def action_select_cursor(self) -> None:
        """Choose the row under the cursor."""
        if (key := self.cursor_key) is not None:
            self.post_message(self.RowSelected(key))

    def action_cursor_up(self) -> None:
        """Move the cursor one row up."""
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        """Move the cursor one row down."""
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        """Move the cursor one screenful up."""
        self.move_cursor(self._cursor - max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        """Move the cursor one screenful down."""
        self.move_cursor(self._cursor + max(1, self.scrollable_content_region.height - 1))

    def action_first_row(self) -> None:
        """Move the cursor to the first row."""
        self.move_cursor(0)

    def action_last_row(self) -> None:
        """Move the cursor to the last row."""
        self.move_cursor(len(self._keys) - 1)
