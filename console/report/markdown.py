"""The workshop report as Markdown, every piece of user text escaped so it shows literally.

The document comes from the templates in console/report/templates (report.md.jinja), which it
shares section by section with the HTML report. Every value a template prints goes through md(),
and so does every table cell and list entry rendered here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from console.report.model import Report, TakeawayLine
from console.report.render import Flag, Tagged, environment, in_pieces

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

# One pass over a text does all of md(): a line break (with the blanks around it) becomes one
# space, a Markdown or table character gets a backslash, and so does an "&" that would start an
# entity. An "&#" needs none: its "#" is escaped; nor an "&" before a name holding "_" (escaped).
_MARKDOWN = re.compile(r"\s*[\r\n]+\s*|[\\`*_\[\]<>|#~!]|&(?=[^\W_]+;)")
_BLANK_LINES = re.compile(r"\n{3,}")


def _escaped(match: re.Match[str]) -> str:
    """Return what replaces one piece of text md() changes."""
    piece = match.group()
    return " " if piece[0].isspace() else "\\" + piece


_ACTIVE = re.compile(r"[\\`*_\[\]<>|#~!\r\n&]")
"""What md() may have to change; most texts hold none of it."""
_BACKSLASHED = str.maketrans({char: "\\" + char for char in "\\`*_[]<>|#~!"})
"""md() for a text without a line break or an "&": each markup character gets a backslash."""


def md(text: object) -> str:
    """Escape user text for Markdown: on one line, with no markup or table breaks left active."""
    text = str(text)
    # The same result as the one expression, by the cheapest way the text allows: it runs on
    # every cell of a report, hundreds of thousands of times in a big workshop.
    if _ACTIVE.search(text) is None:
        return text.strip()
    if "\n" in text or "\r" in text or "&" in text:
        return _MARKDOWN.sub(_escaped, text).strip()
    return text.translate(_BACKSLASHED).strip()


def render_markdown(report: Report) -> str:
    """Return the whole report as a Markdown document."""
    return "".join(markdown_chunks(report))


def markdown_chunks(report: Report) -> Iterator[str]:
    """Yield the report as a Markdown document, piece by piece (a table row at a time)."""
    facts = [
        (label, value)
        for label, value in (
            ("Event", report.event),
            ("Venue", report.venue),
            ("Dates", report.dates),
        )
        if value
    ]
    pieces = _template().generate(
        report=report,
        blocks="blocks/md.jinja",
        table_block="blocks/md-table.jinja",
        items_block="blocks/md-items.jinja",
        facts=facts,
        stamp=report.generated_at[:16].replace("T", " "),
    )
    return tidied(pieces)


def tidied(pieces: Iterable[str]) -> Iterator[str]:
    """Yield a document's pieces with its blank lines folded and its ends trimmed, as
    `_BLANK_LINES.sub("\\n\\n", text).strip() + "\\n"` does to the whole text.

    Every block ends with a blank line; where blocks meet, their blank lines fold into one. Each
    piece's trailing whitespace is held back until the next piece shows whether it is blank lines
    to fold, or the end of the document to trim.
    """
    held = ""
    started = False
    for piece in pieces:
        text = held + piece
        end = len(text.rstrip())
        held = text[end:]
        text = text[:end]
        if not text:
            continue
        if not started:
            text = text.lstrip()
            started = True
        # Most pieces hold no blank lines to fold: a search for them costs less than the regex.
        yield _BLANK_LINES.sub("\n\n", text) if "\n\n\n" in text else text
    yield "\n"


@functools.cache
def _template() -> jinja2.Template:
    """Return the report's Markdown template, every printed value Markdown-escaped."""
    from markupsafe import Markup

    def finalize(value: Any) -> Markup:
        return value if isinstance(value, Markup) else Markup(md(value))

    env = environment(
        finalize, table_rows=markdown_rows, list_items=markdown_items, quotes=markdown_quotes
    )
    return env.get_template("report.md.jinja")


def markdown_rows(
    rows: Iterable[tuple[Any, ...]], numeric: Container[int] = ()
) -> Iterator[Markup]:
    """Yield a table's rows as lines, every cell Markdown-escaped unless a template rendered it."""
    # md() called at once on a text, without _cell: most cells of a big table are texts.
    return in_pieces(
        "| " + " | ".join([md(cell) if type(cell) is str else _cell(cell) for cell in row]) + " |\n"
        for row in rows
    )


def markdown_items(entries: Iterable[str | Tagged]) -> Iterator[Markup]:
    """Yield a list's entries as lines, every entry Markdown-escaped, a tagged one led by its
    label in bold."""
    return in_pieces(
        f"- **{md(entry.label)}:** {md(entry.text)}\n"
        if isinstance(entry, Tagged)
        else f"- {md(entry)}\n"
        for entry in entries
    )


def markdown_quotes(lines: Iterable[TakeawayLine]) -> Iterator[Markup]:
    """Yield quotes as block quotes, each text in quotation marks followed by who said it."""
    return in_pieces(
        f"> “{md(line.text)}” — {md(line.speaker)}\n\n"
        if line.speaker
        else f"> “{md(line.text)}”\n\n"
        for line in lines
    )


def _cell(cell: object) -> str:
    """Return one cell's Markdown: text escaped, a tuple's texts in a row, a flag saying yes."""
    kind = type(cell)
    if kind is str:
        return md(cell)
    if kind is int:
        return str(cell)
    if hasattr(cell, "__html__"):
        return cell.__html__()
    if kind is tuple:
        return "; ".join([md(text) for text in cell])
    if kind is Flag:
        return f"yes, {md(cell)}"
    return md(cell)
