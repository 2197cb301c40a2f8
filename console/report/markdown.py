"""The workshop report as Markdown, every piece of user text escaped so it shows literally."""

from __future__ import annotations

import re

from console.report.model import (
    CARD_RESULT_COLUMNS,
    PAIN_POINT_COLUMNS,
    AgendaDayReport,
    AgendaLine,
    CardRoundReport,
    Report,
    TakeawayLine,
    ThemeReport,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BREAKS = re.compile(r"\s*[\r\n]+\s*")

KIND_LABELS = {
    "insight": "Insight",
    "quote": "Quote",
    "decision": "Decision",
    "question": "Open question",
    "action": "Action",
}


def md(text: object) -> str:
    """Escape user text for Markdown: on one line, with no markup or table breaks left active."""
    flat = _BREAKS.sub(" ", str(text)).strip()
    return _ENTITY.sub(r"\\&", _SPECIAL.sub(r"\\\1", flat))


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


def render_markdown(report: Report) -> str:
    """Return the whole report as a Markdown document."""
    out: list[str] = [f"# {md(report.title)}", ""]
    facts = [
        (label, value)
        for label, value in (
            ("Event", report.event),
            ("Venue", report.venue),
            ("Dates", report.dates),
        )
        if value
    ]
    if facts:
        out += ["  \n".join(f"**{label}:** {md(value)}" for label, value in facts), ""]
    out += [f"*Report generated {md(report.generated_at[:16].replace('T', ' '))} UTC.*", ""]
    out += _agenda(report)
    out += _inventory(report)
    out += _cards(report)
    out += _takeaways(report)
    out += _simple_list("Decisions", report.decisions)
    out += _simple_list("Open questions", report.questions)
    out += _actions(report)
    return "\n".join(out).rstrip() + "\n"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Return a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _agenda(report: Report) -> list[str]:
    """Return the agenda section: planned against actual time, per day."""
    out = ["## Agenda", ""]
    if not report.agenda:
        return [*out, "No agenda.", ""]
    for day in report.agenda:
        title = md(day_heading(day))
        details = ", ".join(
            part for part in (md(day.date or ""), f"starts {md(day.start_time)}") if part
        )
        out += [f"### {title} ({details})", ""]
        rows = [
            [
                str(number),
                md(item.title),
                md(item.kind),
                minutes(item.planned_minutes),
                actual_cell(item),
                md(item.status),
            ]
            for number, item in enumerate(day.items, start=1)
        ]
        out += _table(["#", "Item", "Kind", "Planned", "Actual", "Status"], rows)
        out += [
            f"Planned {minutes(day.planned_minutes)}, actual {minutes(day.actual_minutes)}.",
            "",
        ]
    return out


def _inventory(report: Report) -> list[str]:
    """Return the ranked inventory: themes, then their pain points with scores and variants."""
    out = ["## Inventory of pain points", ""]
    if not report.pain_point_count:
        return [*out, "No pain points.", ""]
    scored_by = (
        f"Scored in the round “{md(report.pain_point_round)}”."
        if report.pain_point_round
        else "Not scored yet."
    )
    out += [f"{report.pain_point_count} pain points. {scored_by}", ""]
    for theme in report.themes:
        out += _theme(theme)
    out += [f"*Ranking: {md(report.tie_break_rule)}*", ""]
    return out


def _theme(theme: ThemeReport) -> list[str]:
    """Return one theme's heading and table."""
    rank = f"{rank_cell(theme.rank, theme.tied)}. " if theme.rank else ""
    out = [f"### {rank}{md(theme.name)} — {theme.score} points", ""]
    if theme.description:
        out += [md(theme.description), ""]
    if theme.merged_themes:
        out += ["Includes the merged themes: " + ", ".join(md(n) for n in theme.merged_themes), ""]
    if not theme.items:
        return [*out, "No pain points.", ""]
    rows: list[list[str]] = []
    for item in theme.items:
        rows.append(
            [
                rank_cell(item.rank, item.tied),
                str(item.position),
                md(item.text),
                str(item.score),
                str(item.voters),
                md(item.raised_by),
            ]
        )
        rows += [["", "", f"↳ variant: {md(text)}", "", "", ""] for text in item.variants]
    return out + _table(list(PAIN_POINT_COLUMNS), rows)


def _cards(report: Report) -> list[str]:
    """Return the card results of every round with the comparisons."""
    out = ["## Card results", ""]
    if not report.card_rounds:
        return [*out, "No card rounds.", ""]
    for card_round in report.card_rounds:
        out += _card_round(card_round)
    return out


def _card_round(card_round: CardRoundReport) -> list[str]:
    """Return one card round's results table and its comparisons with published rankings."""
    state = "revealed" if card_round.revealed else card_round.status
    out = [
        f"### {md(card_round.title)}",
        "",
        f"Deck {md(card_round.deck)}, {md(card_round.method.replace('_', ' '))}, "
        f"{card_round.ballots} ballots, {md(state)}.",
        "",
    ]
    if not card_round.cards:
        return [*out, "No votes yet.", ""]
    rows = [
        [
            rank_cell(card.rank, card.tied),
            md(card.code),
            md(card.title),
            md(card.category or ""),
            str(card.score),
            str(card.voters),
            "; ".join(md(text) for text in card.reference_ranks) or "–",
            "yes, also a global top card" if card.global_top else "",
            "; ".join(md(text) for text in card.pain_points),
        ]
        for card in card_round.cards
    ]
    out += _table(
        list(CARD_RESULT_COLUMNS),
        rows,
    )
    for reference in card_round.references:
        year = f" ({reference.year})" if reference.year else ""
        out += [f"#### Compared with {md(reference.name)}{year}", ""]
        rows = [
            [
                md(row.label),
                str(row.room_rank) if row.room_rank else "not picked",
                (str(row.reference_rank) if row.reference_rank else "listed")
                if row.in_reference
                else "–",
            ]
            for row in reference.rows
            if row.in_reference or row.in_room_top
        ]
        out += _table(["Card", "Room rank", "Published rank"], rows)
        if reference.shared_top:
            shared = "; ".join(md(title) for title in reference.shared_top)
            out += [f"The room's top cards also in this ranking: {shared}.", ""]
    return out


def takeaway_text(line: TakeawayLine) -> str:
    """Return one takeaway as a Markdown list item's text."""
    label = KIND_LABELS.get(line.kind, line.kind)
    if line.kind == "quote":
        text = f"“{md(line.text)}”" + (f" — {md(line.speaker)}" if line.speaker else "")
    else:
        text = md(line.text) + (f" ({md(line.speaker)})" if line.speaker else "")
    return f"**{label}:** {text}"


def _takeaways(report: Report) -> list[str]:
    """Return the takeaways: quotes, insights, then grouped by theme and by competence area."""
    out = ["## Takeaways", ""]
    if report.quotes:
        out += ["### Quotes", ""]
        for line in report.quotes:
            speaker = f" — {md(line.speaker)}" if line.speaker else ""
            out += [f"> “{md(line.text)}”{speaker}", ""]
    if report.insights:
        out += ["### Insights", ""]
        out += [f"- {md(line.text)}" for line in report.insights] + [""]
    for heading, groups in (("By theme", report.by_theme), ("By competence area", report.by_area)):
        if not groups:
            continue
        out += [f"### {heading}", ""]
        for group in groups:
            out += [f"#### {md(group.name)}", ""]
            out += [f"- {takeaway_text(line)}" for line in group.takeaways] + [""]
    if len(out) == 2:
        out += ["No takeaways.", ""]
    return out


def _simple_list(heading: str, lines: tuple[TakeawayLine, ...]) -> list[str]:
    """Return a section listing takeaways of one kind."""
    out = [f"## {heading}", ""]
    if not lines:
        return [*out, "None.", ""]
    return out + [f"- {md(line.text)}" for line in lines] + [""]


def _actions(report: Report) -> list[str]:
    """Return the actions table: what, who, when, status."""
    out = ["## Actions", ""]
    if not report.actions:
        return [*out, "No actions.", ""]
    rows = [
        [
            md(action.what),
            md(action.who) or "–",
            md(action.when) or "–",
            md(action.status),
            md(action.done_means),
        ]
        for action in report.actions
    ]
    return out + _table(["What", "Who", "When", "Status", "Done means"], rows)
