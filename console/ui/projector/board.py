"""A ranking drawn to fit the projector's window: every row shown has its rank, title and score."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, chop_cells
from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.renderables.digits import Digits
from textual.widgets import Static

from console.domain.text import strip_control

EIGHTHS = " ▏▎▍▌▋▊▉"
"""Partial blocks, one more eighth of a cell each: bars differ by an eighth of a cell."""

BIG_ROWS = 3
"""How many rows at the top are drawn large when the window has the room."""

BIG_MIN_WIDTH = 60
"""Below this many columns the large digits would take the titles' room."""

MIN_BAR = 6
"""The narrowest bar column: six cells still tell 48 scores apart."""

GLYPH_LINES = 3


@dataclass(frozen=True)
class BoardRow:
    """One ranked entry: its rank label ("1." or "4="), title, score and optional code."""

    rank: str
    title: str
    score: float
    score_text: str
    code: str = ""


@dataclass(frozen=True)
class BoardSection:
    """A ranking with an optional heading line above it."""

    heading: str
    rows: tuple[BoardRow, ...]


@dataclass(frozen=True)
class BoardStyles:
    """The colours the board draws with (the projector theme's, in the app)."""

    rank: str = "bold"
    title: str = ""
    top_title: str = "bold"
    score: str = "bold"
    big: str = "bold"
    bar: str = "bold"
    heading: str = "bold"
    more: str = "dim"


@dataclass(frozen=True)
class BoardLayout:
    """The lines drawn, how many rows of each section they show, and how many are large."""

    lines: tuple[Text, ...]
    shown: tuple[int, ...]
    big: int


def big_glyph(text: str) -> list[str]:
    """Return text in Textual's three-line digits, one string per line."""
    drawn = "".join(segment.text for segment in Digits(text).render(Style(bold=True)))
    return drawn.split("\n")[:GLYPH_LINES]


def wrap_words(text: str, width: int) -> list[str]:
    """Return text wrapped to width at spaces; a word wider than width alone is folded."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if cell_len(word) > width:
            if current:
                lines.append(current)
            *whole, word = chop_cells(word, width)
            lines.extend(whole)
            current = word
        elif not current:
            current = word
        elif cell_len(current) + 1 + cell_len(word) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def clip_lines(lines: list[str], limit: int, width: int) -> list[str]:
    """Return at most limit lines; the last one cut at a word with "…" when more followed."""
    if len(lines) <= limit:
        return lines
    kept = lines[:limit]
    words = kept[-1].split(" ")
    while words and cell_len(" ".join(words)) + 1 > width:
        words.pop()
    if words:
        kept[-1] = " ".join(words) + "…"
    else:  # One word as wide as the column: no word boundary to cut at.
        kept[-1] = chop_cells(kept[-1], max(1, width - 1))[0] + "…"
    return kept


def bar_text(score: float, maximum: float, width: int) -> str:
    """Return a bar of score out of maximum in width cells, exact to an eighth of a cell."""
    if maximum <= 0 or score <= 0 or width <= 0:
        return ""
    eighths = max(1, round(score / maximum * width * 8))
    full, rest = divmod(min(eighths, width * 8), 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


@dataclass(frozen=True)
class _Columns:
    """Where each part of a row goes, in cells."""

    rank: int
    code: int
    title: int
    score: int
    bar: int


def _columns(rows: Sequence[BoardRow], width: int, big: int, codes: bool) -> _Columns:
    """Share width between rank, code, title, score and bar; titles get what they need first."""
    rank = max((cell_len(row.rank) for row in rows), default=2)
    code = max((cell_len(row.code) for row in rows), default=0) if codes else 0
    score = max((cell_len(row.score_text) for row in rows), default=1)
    score = max([score, *(Digits.get_width(row.score_text) for row in rows[:big])])
    fixed = rank + 1 + (code + 2 if code else 0) + 2 + score + 1
    room = max(1, width - fixed)
    widest_title = max((cell_len(row.title) for row in rows), default=1)
    shortest_bar = max(MIN_BAR, room // 4)
    title = max(1, min(widest_title, room - shortest_bar))
    return _Columns(rank, code, title, score, max(0, room - title))


def _row_lines(
    row: BoardRow,
    columns: _Columns,
    maximum: float,
    *,
    big: bool,
    top: bool,
    limit: int | None,
    styles: BoardStyles,
) -> list[Text]:
    """Return the lines of one row: rank, code and score on its first line, the title wrapped."""
    title = wrap_words(strip_control(row.title), columns.title)
    if limit is not None:
        title = clip_lines(title, limit, columns.title)
    glyph = big_glyph(row.score_text) if big else []
    height = max(len(title), len(glyph) if big else 1)
    bar = bar_text(row.score, maximum, columns.bar)
    lines: list[Text] = []
    for index in range(height):
        line = Text(no_wrap=True, overflow="crop")
        first = index == 0
        line.append((row.rank if first else "").rjust(columns.rank), styles.rank)
        line.append(" ")
        if columns.code:
            code = strip_control(row.code) if first else ""
            line.append(code.ljust(columns.code) + "  ", styles.rank)
        part = title[index] if index < len(title) else ""
        line.append(part, styles.top_title if top else styles.title)
        line.append(" " * (columns.title - cell_len(part) + 2))
        if big:
            score = glyph[index] if index < len(glyph) else ""
            line.append(score.rjust(columns.score), styles.big)
        else:
            line.append((row.score_text if first else "").rjust(columns.score), styles.score)
        line.append(" ")
        if first or (big and index < GLYPH_LINES):
            line.append(bar.ljust(columns.bar), styles.bar)
        else:
            line.append(" " * columns.bar)
        lines.append(line)
    return lines


def _section_lines(
    section: BoardSection,
    columns: _Columns,
    maximum: float,
    *,
    count: int,
    big: int,
    gap: int,
    limit: int | None,
    styles: BoardStyles,
) -> list[Text]:
    """Return a section's heading and its first count rows, gap blank lines between rows."""
    lines: list[Text] = []
    if section.heading:
        lines.append(literal_line(section.heading, styles.heading))
    for index, row in enumerate(section.rows[:count]):
        if index and gap:
            lines.extend(Text("") for _ in range(gap))
        big_row = index < big
        lines.extend(
            _row_lines(
                row,
                columns,
                maximum,
                big=big_row,
                top=_rank_number(row) <= BIG_ROWS,
                limit=None if big_row else limit,
                styles=styles,
            )
        )
    hidden = len(section.rows) - count
    if hidden > 0:
        lines.append(Text(f"+{hidden} more", style=styles.more))
    return lines


def literal_line(text: str, style: str) -> Text:
    """Return user text as one line that is never parsed as markup."""
    return Text(strip_control(text), style=style, no_wrap=True, overflow="ellipsis")


def _top_rows(rows: Sequence[BoardRow]) -> int:
    """Return how many rows rank in the top three, those tied with the third included."""
    return sum(1 for row in rows if _rank_number(row) <= BIG_ROWS)


def _rank_number(row: BoardRow) -> int:
    """Return a row's rank as a number ("4=" is 4); a rank that is not a number ranks last."""
    digits = "".join(character for character in row.rank if character.isdigit())
    return int(digits) if digits else 1 << 30


def _tries(rows: int, top: int, width: int) -> Iterable[tuple[int, int, int | None]]:
    """Yield (large rows, gap, title line limit) from the roomiest drawing to the tightest."""
    big = min(top, rows) if width >= BIG_MIN_WIDTH else 0
    if big:
        yield rows, 1, None  # A wide, tall window: every score in large digits.
        yield big, 1, None
        yield big, 0, None
        yield big, 0, 2
    yield 0, 1, None
    for limit in (None, 3, 2, 1):
        yield 0, 0, limit


def lay_out(
    sections: Sequence[BoardSection],
    width: int,
    height: int,
    *,
    codes: bool = True,
    styles: BoardStyles | None = None,
) -> BoardLayout:
    """Return the sections drawn in width x height: the first one as roomy as fits, then the rest.

    Rows are shown whole or not at all: what does not fit is counted in a "+N more" line.
    """
    styles = styles or BoardStyles()
    width = max(1, width)
    codes = codes and width >= BIG_MIN_WIDTH
    if not sections:
        return BoardLayout((), (), 0)
    first = sections[0]
    every_row = [row for section in sections for row in section.rows]
    maximum = max((row.score for row in every_row), default=0.0)
    chosen: tuple[list[Text], int, int] | None = None
    for big, gap, limit in _tries(len(first.rows), _top_rows(first.rows), width):
        columns = _columns(every_row, width, big, codes)
        lines = _section_lines(
            first,
            columns,
            maximum,
            count=len(first.rows),
            big=big,
            gap=gap,
            limit=limit,
            styles=styles,
        )
        if len(lines) <= height:
            chosen = (lines, len(first.rows), big)
            break
    if chosen is None:
        # Not even one line per row fits: show the rows that do, and count the rest.
        columns = _columns(every_row, width, 0, codes)
        heading = 1 if first.heading else 0
        count = max(0, min(len(first.rows), height - heading - 1))
        lines = _section_lines(
            first, columns, maximum, count=count, big=0, gap=0, limit=1, styles=styles
        )
        chosen = (lines[: max(0, height)], count, 0)
    lines, count, big = chosen
    shown = [count]
    columns = _columns(every_row, width, big, codes)
    for section in sections[1:]:
        # Further sections (a deck's categories) only when they fit whole, one line a row.
        rows = _section_lines(
            section, columns, maximum, count=len(section.rows), big=0, gap=0, limit=1, styles=styles
        )
        extra = [Text(""), *rows]
        if len(lines) + len(extra) > height:
            shown.append(0)
            continue
        lines.extend(extra)
        shown.append(len(section.rows))
    return BoardLayout(tuple(lines), tuple(shown), big)


class RankingBoard(Static):
    """Draws a ranking to fit the widget's own size, again whenever the window changes."""

    DEFAULT_CSS = """
    RankingBoard {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self, *args: Any, codes: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections: tuple[BoardSection, ...] = ()
        self.codes = codes
        self.message: Text | None = None
        self.layout_shown: BoardLayout = BoardLayout((), (), 0)
        self.room = 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Return the lines the ranking takes in the room its view leaves below its heading."""
        if self.message is not None or not width:
            return super().get_content_height(container, viewport, width)
        # The view centres heading and board together: the board may take what the heading
        # leaves, and says how much of it the ranking needs.
        above = 0
        for sibling in self.parent.children if self.parent else ():
            if sibling is self:
                break
            if sibling.display:
                margin = sibling.styles.margin
                above += sibling.get_content_height(container, viewport, width)
                above += margin.top + margin.bottom
        self.room = max(1, container.height - above)
        return len(self._lay_out(width, self.room).lines)

    def on_resize(self) -> None:
        self.redraw()

    def show_message(self, message: Text) -> None:
        """Show one line instead of a ranking (nothing revealed yet, no votes)."""
        self.sections = ()
        self.message = message
        self.layout_shown = BoardLayout((), (), 0)
        self.update(message)

    def show_sections(self, sections: Sequence[BoardSection]) -> None:
        """Draw these rankings, the first one first."""
        self.sections = tuple(sections)
        self.message = None
        self.redraw()

    def redraw(self) -> None:
        """Lay the rankings out again for the widget's size."""
        if self.message is not None:
            return
        width = self.content_size.width
        room = self.room
        if not width or not room:
            # Not laid out yet: draw for the window, a resize follows with the real size.
            width, room = max(1, self.app.size.width - 4), max(1, self.app.size.height - 4)
        self.layout_shown = self._lay_out(width, room)
        self.update(Group(*self.layout_shown.lines))

    def _lay_out(self, width: int, height: int) -> BoardLayout:
        """Return the rankings laid out in width x height in the theme's colours."""
        return lay_out(self.sections, width, height, codes=self.codes, styles=self._styles())

    def _styles(self) -> BoardStyles:
        """Return the board's styles in the app theme's colours."""
        colours = self.app.theme_variables
        primary = colours.get("primary", "")
        secondary = colours.get("secondary", "")
        return BoardStyles(
            rank=f"bold {primary}".strip(),
            big=f"bold {primary}".strip(),
            bar=secondary or "bold",
            heading=f"bold {primary}".strip(),
        )
