"""The report templates (console/report/templates) and what both formats share to fill them.

Each format gets its own Jinja2 environment whose one escaping rule applies to every value a
template prints: HTML-escaped for the HTML report, Markdown-escaped for the Markdown one. A
template never escapes by hand, so no value can be forgotten. Jinja2 is imported only when a
report is rendered: console start-up does not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from console.domain.ranking import top_n
from console.domain.text import counted
from console.report.model import (
    CARD_HAND_COLUMNS,
    CARD_RESULT_COLUMNS,
    PAIN_POINT_COLUMNS,
    PAIN_POINT_HAND_COLUMNS,
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
    from markupsafe import Markup

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


def score_noun(hands: bool) -> str:
    """Return what a round's scores count: raised hands, or points from ballots."""
    return "hand" if hands else "point"


def figure(score: int, voters: int, hands: bool) -> str:
    """Return a result's score with its voters ("7 pts · 3 voters"), or its hands alone."""
    if hands:
        return counted(score, "hand")
    return f"{counted(score, 'pt')} · {counted(voters, 'voter')}"


def turnout(voters: int | None, delegates: int | None) -> str:
    """Return how many of the workshop's delegates voted: "8 of 12 delegates voted"."""
    if voters is None:
        return ""
    if delegates:
        return f"{voters:,} of {counted(delegates, 'delegate')} voted"
    return f"{counted(voters, 'delegate')} voted"


def card_round_facts(card_round: CardRoundReport) -> str:
    """Return a card round's deck, method, turnout (or hands counted) and state, as one line."""
    if card_round.hands:
        taking_part = counted(sum(card.score for card in card_round.cards), "hand") + " counted"
    else:
        taking_part = turnout(card_round.ballots, card_round.delegates)
    state = "revealed" if card_round.revealed else card_round.status
    label = card_round.label or card_round.method.replace("_", " ")
    return f"Deck {card_round.deck}, {label}, {taking_part}, {state}."


class VariantRow(tuple):
    """A table row shown quieter than the rows around it: a variant merged into a pain point."""

    __slots__ = ()


class Flag(str):
    """A cell that says yes, highlighted in the HTML report."""

    __slots__ = ()


EMPTY_CELLS = ("", "–")
"""What a cell holds when it has nothing to say."""


class Table(NamedTuple):
    """A table as a report shows it: its columns, its rows, and which columns are numbers."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    numeric: tuple[int, ...]


def shown_table(
    columns: Sequence[str], rows: Iterable[tuple[Any, ...]], numeric: Iterable[int] = ()
) -> Table:
    """Return a table without its empty columns: those where no row has anything to say."""
    rows = list(rows)
    keep = [index for index in range(len(columns)) if not rows or _says_something(rows, index)]
    if len(keep) < len(columns):  # a big table mostly keeps every column: its rows stay as made
        # Every row of a big table with an empty column (no "Raised by") is made again: by
        # itemgetter, not a loop per cell.
        pick: Callable[[tuple[Any, ...]], tuple[Any, ...]] = (
            itemgetter(*keep) if len(keep) > 1 else lambda row: tuple(row[i] for i in keep)
        )
        rows = [pick(row) if type(row) is tuple else type(row)(pick(row)) for row in rows]
    numbers = set(numeric)
    return Table(
        tuple(columns[index] for index in keep),
        rows,
        tuple(place for place, index in enumerate(keep) if index in numbers),
    )


def _says_something(rows: list[tuple[Any, ...]], index: int) -> bool:
    """Tell whether a column of a table says anything in any row (a number always does): not
    None, an empty tuple or one of EMPTY_CELLS."""
    # One loop without a call per cell: an empty column of a big table is read to its end.
    for row in rows:
        if index < len(row):
            cell = row[index]
            if cell is not None and cell != () and cell not in EMPTY_CELLS:
                return True
    return False


# The cells of every table, computed once for both formats. A cell is text (or a number), a
# tuple of texts shown as lines in one cell, or a Flag; each format's row renderer escapes it.


def agenda_rows(day: AgendaDayReport) -> Iterator[tuple[Any, ...]]:
    """Yield a day's agenda items: number, title, kind, planned, actual, status."""
    for number, item in enumerate(day.items, start=1):
        planned = minutes(item.planned_minutes)
        yield (number, item.title, item.kind, planned, actual_cell(item), item.status)


def pain_point_columns(hands: bool) -> tuple[str, ...]:
    """Return the columns of a theme's pain points: hands alone when the round counted hands."""
    return PAIN_POINT_HAND_COLUMNS if hands else PAIN_POINT_COLUMNS


def pain_point_rows(theme: ThemeReport, hands: bool = False) -> Iterator[tuple[Any, ...]]:
    """Yield a theme's pain points, best first, each followed by the variants merged into it."""
    for item in theme.items:
        rank = rank_cell(item.rank, item.tied)
        if hands:
            yield (rank, item.position, item.text, item.score, item.raised_by)
        else:
            yield (rank, item.position, item.text, item.score, item.voters, item.raised_by)
        for text in item.variants:
            variant = ["", "", f"↳ variant: {text}", "", "", ""]
            yield VariantRow(tuple(variant[:-1] if hands else variant))


def card_columns(card_round: CardRoundReport) -> tuple[str, ...]:
    """Return the columns of a card round's results: hands alone in a hand count."""
    return CARD_HAND_COLUMNS if card_round.hands else CARD_RESULT_COLUMNS


def card_rows(card_round: CardRoundReport) -> Iterator[tuple[Any, ...]]:
    """Yield a card round's results, best first, with their places in published rankings."""
    for card in card_round.cards:
        counts = (card.score,) if card_round.hands else (card.score, card.voters)
        yield (
            rank_cell(card.rank, card.tied),
            card.code,
            card.title,
            card.category or "",
            *counts,
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


def takeaway_text(line: TakeawayLine) -> str:
    """Return a takeaway as the report writes it wherever it appears: the text with who said
    it, and an action's owner, due date and status."""
    if line.kind == "quote":
        return f"“{line.text}”" + (f" — {line.speaker}" if line.speaker else "")
    said = [line.speaker] if line.speaker else []
    if line.kind == "action":
        said.append(f"owner {line.owner}" if line.owner else "no owner")
        if line.due_on:
            said.append(f"due {line.due_on}")
        if line.status and line.status != "open":
            said.append(line.status)
    return line.text + (f" ({', '.join(said)})" if said else "")


def takeaway_entries(lines: Iterable[TakeawayLine]) -> Iterator[Tagged]:
    """Yield takeaways as list entries: the kind, then the text with who said it."""
    for line in lines:
        yield Tagged(KIND_LABELS.get(line.kind, line.kind), takeaway_text(line))


def texts(lines: Iterable[TakeawayLine]) -> Iterator[str]:
    """Yield the takeaways as list entries of one kind: each text with who said it."""
    return map(takeaway_text, lines)  # no generator frame per takeaway


class Bar(NamedTuple):
    """One bar of a chart: its label, its length in percent of the longest, its value as text."""

    label: str
    width: str
    value: str
    actual: bool = False


def bars(rows: Iterable[tuple[str, float]], unit: str = "", noun: str = "") -> list[Bar]:
    """Return the bars of a chart of labelled values, the largest one full length; a noun
    counts each value ("1 point", "2 points")."""
    rows = list(rows)
    top = max((value for _label, value in rows), default=0) or 1
    return [
        Bar(
            label,
            f"{max(0.0, min(100.0, 100 * value / top)):.1f}",
            counted(int(value), noun) if noun else f"{value:g}{unit}",
        )
        for label, value in rows
    ]


def theme_bars(themes: Iterable[ThemeReport], hands: bool = False) -> list[Bar]:
    """Return the bars of the themes' points (or hands)."""
    return bars(((theme.name, theme.score) for theme in themes), noun=score_noun(hands))


def card_bars(cards: Iterable[CardLine], hands: bool = False) -> list[Bar]:
    """Return the bars of the cards' points (or hands)."""
    return bars(
        ((f"{card.code} {card.title}", card.score) for card in cards), noun=score_noun(hands)
    )


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


ROWS_PER_PIECE = 200
"""How many table rows or list entries a renderer hands on at once: a piece per row would cost
the template engine's per-value work on each, and the whole table would not stream."""


def in_pieces(lines: Iterable[str]) -> Iterator[Markup]:
    """Yield rendered lines (rows or entries, already escaped) joined ROWS_PER_PIECE at a time."""
    from markupsafe import Markup

    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= ROWS_PER_PIECE:
            yield Markup("".join(batch))
            batch.clear()
    if batch:
        yield Markup("".join(batch))


def environment(
    finalize: Callable[[Any], Any],
    *,
    table_rows: Callable[..., Any],
    list_items: Callable[..., Any],
    quotes: Callable[..., Any],
) -> jinja2.Environment:
    """Return an environment over the shipped templates that prints every value through finalize.

    finalize must return markupsafe.Markup: Jinja2's autoescape then leaves the value as it is,
    and text already rendered by a template (a macro's output) is never escaped twice. table_rows
    and list_items render a table's rows and a list's entries, escaping them the same way: they
    are the bulk of a big report, and rendered in Python they cost a fraction of a macro per row.
    """
    import jinja2

    from console.report.template_cache import template_cache

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("console.report", "templates"),
        bytecode_cache=template_cache(),
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
        count=counted,
        counted=counted,
        score_noun=score_noun,
        figure=figure,
        turnout=turnout,
        card_round_facts=card_round_facts,
        shown_table=shown_table,
        pain_point_columns=pain_point_columns,
        card_columns=card_columns,
        table_rows=table_rows,
        list_items=list_items,
        quotes=quotes,
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
