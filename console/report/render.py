"""The report templates (console/report/templates) and what both formats share to fill them.

Each format gets its own Jinja2 environment whose one escaping rule applies to every value a
template prints: HTML-escaped for the HTML report, Markdown-escaped for the Markdown one. A
template never escapes by hand, so no value can be forgotten. Jinja2 is imported only when a
report is rendered: console start-up does not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from console.domain.ranking import top_n
from console.report.model import (
    CARD_RESULT_COLUMNS,
    PAIN_POINT_COLUMNS,
    ActionLine,
    AgendaDayReport,
    AgendaLine,
    CardLine,
    CardRoundReport,
    ReferenceReport,
    TakeawayLine,
    ThemeReport,
)

if TYPE_CHECKING:
    import jinja2

KIND_LABELS = {
    "insight": "Insight",
    "quote": "Quote",
    "decision": "Decision",
    "question": "Open question",
    "action": "Action",
}

AGENDA_COLUMNS = ("#", "Item", "Kind", "Planned", "Actual", "Status")
ACTION_COLUMNS = ("What", "Who", "When", "Status", "Done means")
REFERENCE_COLUMNS = ("Card", "Room rank", "Published rank")


def minutes(value: float | None) -> str:
    """Return a duration in minutes for a table cell, or a dash."""
    if value is None:
        return "–"
    return f"{value:.0f} min" if value >= 1 or value == 0 else f"{value * 60:.0f} s"


def actual_cell(item: AgendaLine) -> str:
    """Return the actual-time cell of an agenda item."""
    text = minutes(item.actual_minutes)
    return f"{text} (running)" if item.running else text


def rank_cell(rank: int, tied: bool) -> str:
    """Return a rank with its tie mark, or a dash for an unranked group."""
    if rank <= 0:
        return "–"
    return f"{rank}=" if tied else str(rank)


def day_heading(day: AgendaDayReport) -> str:
    """Return a day's heading: its title, led by "Day N" unless the title already says so."""
    lead = f"Day {day.number}"
    if not day.title:
        return lead
    if day.title.casefold().startswith(lead.casefold()):
        return day.title
    return f"{lead}: {day.title}"


def count(number: int, noun: str) -> str:
    """Return a number with its noun, in the plural unless the number is one."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class VariantRow(tuple):
    """A table row shown quieter than the rows around it: a variant merged into a pain point."""

    __slots__ = ()


class Flag(str):
    """A cell that says yes, highlighted in the HTML report."""

    __slots__ = ()


# The cells of every table, computed once for both formats. A cell is text (or a number), a
# tuple of texts shown as lines in one cell, or a Flag; each format's row renderer escapes it.


def agenda_rows(day: AgendaDayReport) -> Iterator[tuple[Any, ...]]:
    """Yield a day's agenda items: number, title, kind, planned, actual, status."""
    for number, item in enumerate(day.items, start=1):
        planned = minutes(item.planned_minutes)
        yield (number, item.title, item.kind, planned, actual_cell(item), item.status)


def pain_point_rows(theme: ThemeReport) -> Iterator[tuple[Any, ...]]:
    """Yield a theme's pain points, best first, each followed by the variants merged into it."""
    for item in theme.items:
        rank = rank_cell(item.rank, item.tied)
        yield (rank, item.position, item.text, item.score, item.voters, item.raised_by)
        for text in item.variants:
            yield VariantRow(("", "", f"↳ variant: {text}", "", "", ""))


def card_rows(card_round: CardRoundReport) -> Iterator[tuple[Any, ...]]:
    """Yield a card round's results, best first, with their places in published rankings."""
    for card in card_round.cards:
        yield (
            rank_cell(card.rank, card.tied),
            card.code,
            card.title,
            card.category or "",
            card.score,
            card.voters,
            card.reference_ranks or "–",
            Flag("also a global top card") if card.global_top else "",
            card.pain_points,
        )


def reference_rows(reference: ReferenceReport) -> Iterator[tuple[Any, ...]]:
    """Yield the cards the room or a published ranking put on top, with both ranks."""
    for row in reference.rows:
        if row.in_reference or row.in_room_top:
            published = (row.reference_rank or "listed") if row.in_reference else "–"
            yield (row.label, row.room_rank or "not picked", published)


def action_rows(actions: Iterable[ActionLine]) -> Iterator[tuple[Any, ...]]:
    """Yield the actions: what, who, when, status, what done means."""
    for action in actions:
        when = action.when or "–"
        yield (action.what, action.who or "–", when, action.status, action.done_means)


class Tagged(NamedTuple):
    """A list entry led by a label: a takeaway led by its kind."""

    label: str
    text: str


def takeaway_entries(lines: Iterable[TakeawayLine]) -> Iterator[Tagged]:
    """Yield takeaways as list entries: the kind, then the text with who said it."""
    for line in lines:
        label = KIND_LABELS.get(line.kind, line.kind)
        if line.kind == "quote":
            text = f"“{line.text}”" + (f" — {line.speaker}" if line.speaker else "")
        else:
            text = line.text + (f" ({line.speaker})" if line.speaker else "")
        yield Tagged(label, text)


def texts(lines: Iterable[TakeawayLine]) -> Iterator[str]:
    """Yield the takeaways' texts alone, as list entries."""
    for line in lines:
        yield line.text


class Bar(NamedTuple):
    """One bar of a chart: its label, its length in percent of the longest, its value as text."""

    label: str
    width: str
    value: str
    actual: bool = False


def bars(rows: Iterable[tuple[str, float]], unit: str = "") -> list[Bar]:
    """Return the bars of a chart of labelled values, the largest one full length."""
    rows = list(rows)
    top = max((value for _label, value in rows), default=0) or 1
    return [
        Bar(label, f"{max(0.0, min(100.0, 100 * value / top)):.1f}", f"{value:g}{unit}")
        for label, value in rows
    ]


def theme_bars(themes: Iterable[ThemeReport]) -> list[Bar]:
    """Return the bars of the themes' points."""
    return bars(((theme.name, theme.score) for theme in themes), " pts")


def card_bars(cards: Iterable[CardLine]) -> list[Bar]:
    """Return the bars of the cards' points."""
    return bars(((f"{card.code} {card.title}", card.score) for card in cards), " pts")


def planned_actual_bars(items: Iterable[AgendaLine]) -> list[Bar]:
    """Return paired bars of planned and actual minutes of the items that ran."""
    items = [item for item in items if item.actual_seconds is not None]
    top = max((max(i.planned_minutes, i.actual_minutes or 0) for i in items), default=0) or 1
    out: list[Bar] = []
    for item in items:
        actual = item.actual_minutes or 0
        planned = item.planned_minutes
        out.append(Bar(item.title, f"{100 * planned / top:.1f}", f"{planned:.0f} min"))
        out.append(Bar("", f"{100 * actual / top:.1f}", f"{actual:.0f} min", actual=True))
    return out


def environment(
    finalize: Callable[[Any], Any],
    *,
    table_rows: Callable[..., Any],
    list_items: Callable[..., Any],
) -> jinja2.Environment:
    """Return an environment over the shipped templates that prints every value through finalize.

    finalize must return markupsafe.Markup: Jinja2's autoescape then leaves the value as it is,
    and text already rendered by a template (a macro's output) is never escaped twice. table_rows
    and list_items render a table's rows and a list's entries, escaping them the same way: they
    are the bulk of a big report, and rendered in Python they cost a fraction of a macro per row.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("console.report", "templates"),
        autoescape=True,
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals.update(
        minutes=minutes,
        actual_cell=actual_cell,
        rank_cell=rank_cell,
        day_heading=day_heading,
        count=count,
        table_rows=table_rows,
        list_items=list_items,
        takeaway_entries=takeaway_entries,
        texts=texts,
        agenda_rows=agenda_rows,
        pain_point_rows=pain_point_rows,
        card_rows=card_rows,
        reference_rows=reference_rows,
        action_rows=action_rows,
        bars=bars,
        theme_bars=theme_bars,
        card_bars=card_bars,
        top_n=top_n,
        planned_actual_bars=planned_actual_bars,
        PAIN_POINT_COLUMNS=PAIN_POINT_COLUMNS,
        CARD_RESULT_COLUMNS=CARD_RESULT_COLUMNS,
        AGENDA_COLUMNS=AGENDA_COLUMNS,
        ACTION_COLUMNS=ACTION_COLUMNS,
        REFERENCE_COLUMNS=REFERENCE_COLUMNS,
    )
    return env
