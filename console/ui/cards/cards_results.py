"""Drawing a card round's results: top cards with bars, per category, and beside published ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from console.store.card_rounds import CardResult, RoundResults
from console.store.decks import CATEGORIES
from console.store.rankings import ReferenceComparison
from console.ui.common.text import literal

_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(score: float, maximum: float, width: int) -> Text:
    """Return a horizontal bar of score out of maximum, width cells at most, in eighth steps."""
    if maximum <= 0 or score <= 0 or width <= 0:
        return Text("")
    eighths = round(score / maximum * width * 8)
    full, rest = divmod(max(1, eighths), 8)
    return Text("█" * full + (_EIGHTHS[rest] if rest else ""), style="bold", no_wrap=True)


def results_table(
    results: Sequence[CardResult],
    maximum: int,
    *,
    title: str = "",
    title_width: int = 48,
    bar_width: int = 20,
) -> Table:
    """Return a table of ranked cards: rank, code, title, score and a bar."""
    table = Table(
        title=Text(title) if title else None,
        title_justify="left",
        title_style="bold",
        show_header=False,
        box=None,
        padding=(0, 1),
        expand=False,
    )
    table.add_column(justify="right", no_wrap=True, min_width=3)
    table.add_column(no_wrap=True, min_width=5)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True, min_width=2)
    table.add_column(no_wrap=True)
    for result in results:
        rank = f"{result.rank}=" if result.tied else f"{result.rank}."
        table.add_row(
            rank,
            literal(result.card.code, width=12),
            literal(result.card.title, width=title_width),
            Text(str(result.score), style="bold"),
            bar(result.score, maximum, bar_width),
        )
    return table


def results_renderable(
    results: RoundResults,
    top: int,
    *,
    title_width: int = 48,
    bar_width: int = 20,
    categories: bool = True,
) -> RenderableType:
    """Return the round's top cards overall and, where cards have one, per category."""
    shown = results.top(top)
    if not shown:
        return Text("No votes yet.", style="dim")
    maximum = shown[0].score
    points = "hands" if results.round.method.value == "hand_count" else "votes"
    parts: list[RenderableType] = [
        results_table(
            shown,
            maximum,
            title=f"Top {top} ({points})",
            title_width=title_width,
            bar_width=bar_width,
        )
    ]
    if categories:
        for category in CATEGORIES:
            in_category = results.top(top, category)
            if in_category:
                parts.append(Text(""))
                parts.append(
                    results_table(
                        in_category,
                        maximum,
                        title=category,
                        title_width=title_width,
                        bar_width=bar_width,
                    )
                )
    return Group(*parts)


def comparison_renderable(
    results: RoundResults, comparisons: Sequence[ReferenceComparison], top: int
) -> RenderableType:
    """Return the room's top cards beside each published ranking, and the cards they share."""
    if not comparisons:
        return Text("No published rankings for this deck.", style="dim")
    shown = results.top(top)
    rows: list[list[Text]] = []
    for result in shown:
        cells: list[Text] = [
            Text(f"{result.rank}=" if result.tied else str(result.rank)),
            literal(f"{result.card.code} {result.card.title}", width=30),
        ]
        for comparison in comparisons:
            present, rank = comparison.reference_rank(result.card.id)
            if not present:
                cells.append(Text("–", style="dim"))
            elif rank is None:
                cells.append(Text("top", style="bold"))
            else:
                cells.append(Text(f"#{rank}", style="bold"))
        rows.append(cells)
    headings = [
        literal(str(comparison.year) if comparison.year else comparison.name, width=10)
        for comparison in comparisons
    ]
    lines: list[RenderableType] = [_ComparisonTable(headings, rows)] if shown else []
    for comparison in comparisons:
        line = Text()
        year = f" ({comparison.year})" if comparison.year else ""
        line.append_text(literal(f"{comparison.name}{year}: "))
        if comparison.shared:
            codes = ", ".join(_code_of(results, row.item_id) for row in comparison.shared)
            line.append(f"shares the room's top {top}: ", style="")
            line.append_text(literal(codes, style="bold"))
        else:
            line.append(f"shares none of the room's top {top}.", style="dim")
        lines.append(line)
    return Group(*lines)


@dataclass(frozen=True)
class _ComparisonTable:
    """The room's top cards beside the published ranks: as wide as it needs, or, in a narrower
    panel, as wide as the panel, the card titles cut short and the rank columns whole."""

    headings: list[Text]
    rows: list[list[Text]]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = self._table(fit=False)
        needed = Measurement.get(console, options.update_width(_UNBOUNDED), table).maximum
        yield self._table(fit=True) if needed > options.max_width else table

    def _table(self, *, fit: bool) -> Table:
        """Return the table; fit: the card column takes what the fixed-width ranks leave."""
        table = Table(
            title="Room and published rankings",
            title_justify="left",
            title_style="bold",
            box=None,
            expand=fit,
            pad_edge=not fit,  # two more cells for the card, where every cell counts
        )
        table.add_column("Room", justify="right", no_wrap=True, width=4 if fit else None)
        table.add_column("Card", no_wrap=True, ratio=1 if fit else None)
        for heading in self.headings:
            width = max(heading.cell_len, 4) if fit else None
            table.add_column(heading, justify="right", no_wrap=True, width=width)
        for cells in self.rows:
            table.add_row(*cells)
        return table


_UNBOUNDED = 10_000
"""A width no panel reaches: the table measured as wide as it would like to be."""


def _code_of(results: RoundResults, card_id: str | None) -> str:
    """Return the code of a card in the results, or "?" if it is not there."""
    for result in results.results:
        if result.card.id == card_id:
            return result.card.code
    return "?"
