"""The workshop report as one self-contained, printable HTML file (no scripts, no network)."""

from __future__ import annotations

from html import escape

from console.report.markdown import KIND_LABELS, actual_cell, day_heading, minutes, rank_cell
from console.report.model import (
    CARD_RESULT_COLUMNS,
    PAIN_POINT_COLUMNS,
    CardRoundReport,
    Portfolio,
    Report,
    TakeawayLine,
    ThemeReport,
)

STYLE = """
:root { --ink: #1d2330; --muted: #5b6473; --line: #d6dbe3; --bar: #2f6db5; --bar2: #c77d1a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; }
h2 { border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { margin-top: 1.6rem; }
.facts { color: var(--muted); margin: 0 0 1rem; }
.facts span + span::before { content: " · "; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left;
         vertical-align: top; }
th { background: #f3f5f8; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.variant td { color: var(--muted); font-size: .85rem; border-bottom-style: dotted; }
.chart { margin: .5rem 0 1.2rem; }
.bar-row { display: grid; grid-template-columns: 16rem 1fr 3.5rem; gap: .5rem;
           align-items: center; margin: .15rem 0; }
.bar-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bar-track { background: #eef1f5; height: .9rem; border-radius: 2px; }
.bar { background: var(--bar); height: 100%; border-radius: 2px;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.bar.actual { background: var(--bar2); }
.bar-value { text-align: right; font-variant-numeric: tabular-nums; }
.tag { display: inline-block; background: #eef1f5; border-radius: 3px; padding: 0 .35rem;
       margin-right: .25rem; font-size: .8rem; color: var(--muted); }
.global { color: #1c7c3a; font-weight: 600; }
blockquote { margin: .6rem 0; padding: .2rem 1rem; border-left: 4px solid var(--line); }
blockquote cite { display: block; color: var(--muted); font-style: normal; }
.muted { color: var(--muted); }
.legend span { margin-right: 1rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem;
            vertical-align: middle; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  table, .chart, blockquote, h3 { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def e(text: object) -> str:
    """Escape user text for HTML content and attributes."""
    return escape(str(text), quote=True)


def page(title: str, body: list[str]) -> str:
    """Return a complete HTML document around the body."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def bar_chart(rows: list[tuple[str, float]], unit: str = "") -> list[str]:
    """Return a horizontal bar chart of labelled values, in pure CSS."""
    if not rows:
        return []
    top = max((value for _label, value in rows), default=0) or 1
    out = ['<div class="chart">']
    for label, value in rows:
        width = max(0.0, min(100.0, 100 * value / top))
        out.append(
            f'<div class="bar-row"><span class="bar-label" title="{e(label)}">{e(label)}</span>'
            f'<span class="bar-track"><span class="bar" style="display:block;width:{width:.1f}%">'
            f'</span></span><span class="bar-value">{value:g}{e(unit)}</span></div>'
        )
    out.append("</div>")
    return out


def table(header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> list[str]:
    """Return a table; the cells are already-escaped HTML."""
    numeric = numeric or set()
    cls = [' class="num"' if index in numeric else "" for index in range(len(header))]
    out = ["<table>", "<thead><tr>"]
    out += [f"<th{cls[i]}>{e(name)}</th>" for i, name in enumerate(header)]
    out += ["</tr></thead>", "<tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td{cls[i]}>{cell}</td>" for i, cell in enumerate(row)))
        out.append("</tr>")
    return [*out, "</tbody>", "</table>"]


def render_html(report: Report) -> str:
    """Return the whole report as one self-contained HTML document."""
    body = [f"<h1>{e(report.title)}</h1>"]
    facts = [value for value in (report.event, report.venue, report.dates) if value]
    if facts:
        body.append('<p class="facts">' + "".join(f"<span>{e(v)}</span>" for v in facts) + "</p>")
    stamp = report.generated_at[:16].replace("T", " ")
    body.append(f'<p class="muted">Report generated {e(stamp)} UTC.</p>')
    body += _agenda(report)
    body += _inventory(report)
    body += _cards(report)
    body += _takeaways(report)
    body += _simple("Decisions", report.decisions)
    body += _simple("Open questions", report.questions)
    body += _actions(report)
    return page(report.title, body)


def _agenda(report: Report) -> list[str]:
    """Return the agenda: planned against actual time per day, with a chart."""
    out = ["<h2>Agenda</h2>"]
    if not report.agenda:
        return [*out, "<p>No agenda.</p>"]
    for day in report.agenda:
        title = day_heading(day)
        details = ", ".join(part for part in (day.date or "", f"starts {day.start_time}") if part)
        out.append(f"<h3>{e(title)} <span class='muted'>({e(details)})</span></h3>")
        rows = [
            [
                str(number),
                e(item.title),
                e(item.kind),
                e(minutes(item.planned_minutes)),
                e(actual_cell(item)),
                e(item.status),
            ]
            for number, item in enumerate(day.items, start=1)
        ]
        out += table(["#", "Item", "Kind", "Planned", "Actual", "Status"], rows, {0, 3, 4})
        out.append(
            f"<p>Planned {e(minutes(day.planned_minutes))}, "
            f"actual {e(minutes(day.actual_minutes))}.</p>"
        )
        ran = [item for item in day.items if item.actual_seconds is not None]
        if ran:
            out += _planned_actual_chart(ran)
    return out


def _planned_actual_chart(items: list) -> list[str]:
    """Return paired bars of planned and actual minutes."""
    top = max(max(item.planned_minutes, item.actual_minutes or 0) for item in items) or 1
    out = [
        '<div class="chart">',
        '<p class="legend"><span><i style="background:#2f6db5"></i>planned</span>'
        '<span><i style="background:#c77d1a"></i>actual</span></p>',
    ]
    for item in items:
        for kind, value in (("", item.planned_minutes), (" actual", item.actual_minutes or 0)):
            label = e(item.title) if not kind else ""
            out.append(
                f'<div class="bar-row"><span class="bar-label">{label}</span>'
                f'<span class="bar-track"><span class="bar{kind}" '
                f'style="display:block;width:{100 * value / top:.1f}%"></span></span>'
                f'<span class="bar-value">{value:.0f} min</span></div>'
            )
    out.append("</div>")
    return out


def _inventory(report: Report) -> list[str]:
    """Return the inventory ranked by theme and item."""
    out = ["<h2>Inventory of pain points</h2>"]
    if not report.pain_point_count:
        return [*out, "<p>No pain points.</p>"]
    scored = (
        f"Scored in the round “{e(report.pain_point_round)}”."
        if report.pain_point_round
        else "Not scored yet."
    )
    out.append(f"<p>{report.pain_point_count} pain points. {scored}</p>")
    out += bar_chart([(theme.name, theme.score) for theme in report.themes], " pts")
    for theme in report.themes:
        out += _theme(theme)
    out.append(f'<p class="muted">Ranking: {e(report.tie_break_rule)}</p>')
    return out


def _theme(theme: ThemeReport) -> list[str]:
    """Return one theme's heading and its pain points."""
    rank = f"{rank_cell(theme.rank, theme.tied)}. " if theme.rank else ""
    out = [f"<h3>{e(rank)}{e(theme.name)} <span class='muted'>— {theme.score} points</span></h3>"]
    if theme.description:
        out.append(f"<p>{e(theme.description)}</p>")
    if theme.merged_themes:
        merged = ", ".join(e(name) for name in theme.merged_themes)
        out.append(f'<p class="muted">Includes the merged themes: {merged}</p>')
    if not theme.items:
        return [*out, "<p>No pain points.</p>"]
    header = PAIN_POINT_COLUMNS
    out += ["<table>", "<thead><tr>"]
    out += [
        f"<th{' class=num' if i in (0, 1, 3, 4) else ''}>{h}</th>" for i, h in enumerate(header)
    ]
    out += ["</tr></thead>", "<tbody>"]
    for item in theme.items:
        out.append(
            f'<tr><td class="num">{e(rank_cell(item.rank, item.tied))}</td>'
            f'<td class="num">{item.position}</td><td>{e(item.text)}</td>'
            f'<td class="num">{item.score}</td><td class="num">{item.voters}</td>'
            f"<td>{e(item.raised_by)}</td></tr>"
        )
        out += [
            f'<tr class="variant"><td></td><td></td><td>↳ variant: {e(text)}</td>'
            "<td></td><td></td><td></td></tr>"
            for text in item.variants
        ]
    return [*out, "</tbody>", "</table>"]


def _cards(report: Report) -> list[str]:
    """Return every card round's results and comparisons."""
    out = ["<h2>Card results</h2>"]
    if not report.card_rounds:
        return [*out, "<p>No card rounds.</p>"]
    for card_round in report.card_rounds:
        out += _card_round(card_round)
    return out


def _card_round(card_round: CardRoundReport) -> list[str]:
    """Return one card round: chart, results table, comparisons."""
    state = "revealed" if card_round.revealed else card_round.status
    out = [
        f"<h3>{e(card_round.title)}</h3>",
        f'<p class="muted">Deck {e(card_round.deck)}, {e(card_round.method.replace("_", " "))}, '
        f"{card_round.ballots} ballots, {e(state)}.</p>",
    ]
    if not card_round.cards:
        return [*out, "<p>No votes yet.</p>"]
    out += bar_chart([(f"{c.code} {c.title}", c.score) for c in card_round.cards[:10]], " pts")
    rows = [
        [
            e(rank_cell(card.rank, card.tied)),
            e(card.code),
            e(card.title),
            e(card.category or ""),
            str(card.score),
            str(card.voters),
            "<br>".join(e(text) for text in card.reference_ranks) or "–",
            '<span class="global">also a global top card</span>' if card.global_top else "",
            "<br>".join(e(text) for text in card.pain_points),
        ]
        for card in card_round.cards
    ]
    out += table(
        list(CARD_RESULT_COLUMNS),
        rows,
        {0, 4, 5},
    )
    for reference in card_round.references:
        year = f" ({reference.year})" if reference.year else ""
        out.append(f"<h4>Compared with {e(reference.name)}{e(year)}</h4>")
        rows = [
            [
                e(row.label),
                str(row.room_rank) if row.room_rank else "not picked",
                (str(row.reference_rank) if row.reference_rank else "listed")
                if row.in_reference
                else "–",
            ]
            for row in reference.rows
            if row.in_reference or row.in_room_top
        ]
        out += table(["Card", "Room rank", "Published rank"], rows, {1, 2})
        if reference.shared_top:
            shared = "; ".join(e(title) for title in reference.shared_top)
            out.append(f"<p>The room's top cards also in this ranking: {shared}.</p>")
    return out


def _takeaway(line: TakeawayLine) -> str:
    """Return one takeaway as a list item."""
    label = KIND_LABELS.get(line.kind, line.kind)
    if line.kind == "quote":
        text = f"“{e(line.text)}”" + (f" — {e(line.speaker)}" if line.speaker else "")
    else:
        text = e(line.text) + (f" ({e(line.speaker)})" if line.speaker else "")
    return f'<li><span class="tag">{e(label)}</span>{text}</li>'


def _takeaways(report: Report) -> list[str]:
    """Return quotes, insights and takeaways grouped by theme and by competence area."""
    out = ["<h2>Takeaways</h2>"]
    if report.quotes:
        out.append("<h3>Quotes</h3>")
        for line in report.quotes:
            cite = f"<cite>— {e(line.speaker)}</cite>" if line.speaker else ""
            out.append(f"<blockquote>“{e(line.text)}”{cite}</blockquote>")
    if report.insights:
        out += ["<h3>Insights</h3>", "<ul>"]
        out += [f"<li>{e(line.text)}</li>" for line in report.insights] + ["</ul>"]
    for heading, groups in (("By theme", report.by_theme), ("By competence area", report.by_area)):
        if not groups:
            continue
        out.append(f"<h3>{e(heading)}</h3>")
        for group in groups:
            out += [f"<h4>{e(group.name)}</h4>", "<ul>"]
            out += [_takeaway(line) for line in group.takeaways] + ["</ul>"]
    if len(out) == 1:
        out.append("<p>No takeaways.</p>")
    return out


def _simple(heading: str, lines: tuple[TakeawayLine, ...]) -> list[str]:
    """Return a section listing takeaways of one kind."""
    out = [f"<h2>{e(heading)}</h2>"]
    if not lines:
        return [*out, "<p>None.</p>"]
    return [*out, "<ul>", *(f"<li>{e(line.text)}</li>" for line in lines), "</ul>"]


def _actions(report: Report) -> list[str]:
    """Return the actions table."""
    out = ["<h2>Actions</h2>"]
    if not report.actions:
        return [*out, "<p>No actions.</p>"]
    rows = [
        [e(a.what), e(a.who) or "–", e(a.when) or "–", e(a.status), e(a.done_means)]
        for a in report.actions
    ]
    return out + table(["What", "Who", "When", "Status", "Done means"], rows)


def render_portfolio_html(portfolio: Portfolio) -> str:
    """Return a portfolio of many workshops as one self-contained HTML document."""
    from console.report.portfolio import portfolio_sections

    body = ["<h1>Workshop portfolio</h1>"]
    for kind, heading, payload in portfolio_sections(portfolio):
        if kind == "h2":
            body.append(f"<h2>{e(heading)}</h2>")
        elif kind == "p":
            body.append(f"<p>{e(heading)}</p>")
        elif kind == "chart":
            body += bar_chart(payload)
        elif kind == "table":
            header, rows, numeric = payload
            body += table(header, [[e(cell) for cell in row] for row in rows], numeric)
    return page("Workshop portfolio", body)
