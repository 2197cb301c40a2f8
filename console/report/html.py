"""The workshop report as one self-contained, printable HTML file (no scripts, no network).

The page comes from the templates in console/report/templates (report.html.jinja): a one-screen
summary, then the sections it shares with the Markdown report. Every value a template prints is
HTML-escaped by the environment; tables and lists are rendered here, with the same escaping.
"""

from __future__ import annotations

import functools
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from console.domain.ranking import top_n
from console.report.model import (
    ActionLine,
    CardLine,
    CardRoundReport,
    Portfolio,
    Report,
    TakeawayLine,
    ThemeReport,
)
from console.report.render import Flag, Tagged, VariantRow, environment, in_pieces

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

SUMMARY_THEMES = 3
SUMMARY_CARDS = 5
SUMMARY_ACTIONS = 6
"""How many themes, cards and open actions the summary lists: it must fit on one screen (themes
and cards tied with the last one listed come too)."""


@dataclass(frozen=True)
class Summary:
    """What the report's first screen shows, besides the turnout."""

    themes: tuple[ThemeReport, ...]
    card_round: CardRoundReport | None
    cards: tuple[CardLine, ...]
    actions: tuple[ActionLine, ...]
    more_actions: int


def summary(report: Report) -> Summary:
    """Return the top scored themes, the top cards of the deciding card round (the latest
    revealed, else the latest) and the open actions."""
    revealed = [card_round for card_round in report.card_rounds if card_round.revealed]
    deciding = (revealed or list(report.card_rounds) or [None])[-1]
    scored = [theme for theme in report.themes if theme.rank > 0 and theme.score > 0]
    open_actions = [action for action in report.actions if action.status == "open"]
    return Summary(
        themes=tuple(top_n(scored, SUMMARY_THEMES)),
        card_round=deciding,
        cards=tuple(top_n(deciding.cards, SUMMARY_CARDS)) if deciding else (),
        actions=tuple(open_actions[:SUMMARY_ACTIONS]),
        more_actions=max(0, len(open_actions) - SUMMARY_ACTIONS),
    )


def render_html(report: Report) -> str:
    """Return the whole report as one self-contained HTML document."""
    return "".join(html_chunks(report))


def html_chunks(report: Report) -> Iterator[str]:
    """Yield the report as one self-contained HTML document, piece by piece (a table row at a
    time)."""
    facts = [value for value in (report.event, report.venue, report.dates) if value]
    return (
        _environment()
        .get_template("report.html.jinja")
        .generate(
            title=report.title,
            report=report,
            summary=summary(report),
            blocks="blocks/html.jinja",
            table_block="blocks/html-table.jinja",
            items_block="blocks/html-items.jinja",
            facts=facts,
            stamp=report.generated_at[:16].replace("T", " "),
        )
    )


def render_portfolio_html(portfolio: Portfolio) -> str:
    """Return a portfolio of many workshops as one self-contained HTML document."""
    from console.report.portfolio import portfolio_sections

    return (
        _environment()
        .get_template("portfolio.html.jinja")
        .render(
            title="Workshop portfolio",
            sections=list(portfolio_sections(portfolio)),
            blocks="blocks/html.jinja",
            table_block="blocks/html-table.jinja",
            items_block="blocks/html-items.jinja",
        )
    )


@functools.cache
def _environment() -> jinja2.Environment:
    """Return the environment of the HTML templates, every printed value HTML-escaped."""
    from markupsafe import Markup

    def finalize(value: Any) -> Markup:
        # The standard library's escape, as the report has always used (&#x27; for "'").
        return value if isinstance(value, Markup) else Markup(escape(str(value)))

    return environment(finalize, table_rows=html_rows, list_items=html_items, quotes=html_quotes)


def html_rows(rows: Iterable[tuple[Any, ...]], numeric: Container[int] = ()) -> Iterator[Markup]:
    """Yield a table's rows, every cell HTML-escaped unless a template rendered it."""
    return in_pieces(_html_rows(rows, numeric))


def _html_rows(rows: Iterable[tuple[Any, ...]], numeric: Container[int]) -> Iterator[str]:
    """Yield each row of a table as HTML."""
    opening: list[str] = []
    for row in rows:
        if len(opening) < len(row):
            opening = ['<td class="num">' if i in numeric else "<td>" for i in range(len(row))]
        out = ['<tr class="variant">' if isinstance(row, VariantRow) else "<tr>"]
        for index, cell in enumerate(row):
            kind = type(cell)  # Text and numbers first: they are nearly every cell.
            text = escape(cell) if kind is str else str(cell) if kind is int else _cell(cell)
            out.append(f"{opening[index]}{text}</td>")
        out.append("</tr>\n")
        yield "".join(out)


def html_items(entries: Iterable[str | Tagged]) -> Iterator[Markup]:
    """Yield a list's entries, every entry HTML-escaped, a tagged one led by its label."""
    return in_pieces(
        f'<li><span class="tag">{escape(entry.label)}</span>{escape(entry.text)}</li>\n'
        if isinstance(entry, Tagged)
        else f"<li>{escape(entry)}</li>\n"
        for entry in entries
    )


def html_quotes(lines: Iterable[TakeawayLine]) -> Iterator[Markup]:
    """Yield quotes as block quotes, each text in quotation marks followed by who said it."""
    return in_pieces(
        f"<blockquote>“{escape(line.text)}”<cite>— {escape(line.speaker)}</cite></blockquote>\n\n"
        if line.speaker
        else f"<blockquote>“{escape(line.text)}”</blockquote>\n\n"
        for line in lines
    )


def _cell(cell: object) -> str:
    """Return one cell's HTML: text escaped, a tuple's texts on lines, a flag highlighted."""
    kind = type(cell)
    if hasattr(cell, "__html__"):
        return cell.__html__()
    if kind is tuple:
        return "<br>".join(escape(str(text)) for text in cell)
    if kind is Flag:
        return f'<span class="global">{escape(cell)}</span>'
    return escape(str(cell))
