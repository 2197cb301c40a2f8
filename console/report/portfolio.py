"""Many workshops combined: cards and pain-point themes ranked across rooms and years.

Cards are the same card when their deck name and code match (both folded), or, for cards
without a code, when their normalised titles match. Themes are the same theme when their
normalised names match. Each workshop counts with its deciding card round: the latest revealed
card round, else the latest. Cards rank by total points, then by the number of workshops that
picked them (the documented tie-break, workshops standing in for voters).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from console.domain.ranking import TIE_BREAK_RULE, normalise_title
from console.domain.scoring import Item, Tally, Vote, rank, tally
from console.report.markdown import md
from console.report.model import Portfolio, PortfolioCard, PortfolioTheme, PortfolioWorkshop
from console.store.portfolio import TOP, WorkshopSummary

YEAR_TOP = 3
"""How many cards the by-year trend lists per year."""


def card_key(deck: str, code: str, title: str) -> str:
    """Return the key that identifies one card across workshop files."""
    if code.strip():
        return f"code:{normalise_title(deck)}:{code.strip().casefold()}"
    return f"title:{normalise_title(title)}"


def combine(summaries: Iterable[WorkshopSummary], skipped: Iterable[str] = ()) -> Portfolio:
    """Combine workshop summaries into one portfolio."""
    summaries = list(summaries)
    cards: dict[str, Item] = {}
    themes: dict[str, Item] = {}
    decks: dict[str, tuple[str, str]] = {}
    top3: dict[str, int] = defaultdict(int)
    card_votes: list[Vote] = []
    theme_votes: list[Vote] = []
    pain_points: dict[str, int] = defaultdict(int)
    card_years: dict[int, list[Vote]] = defaultdict(list)
    theme_years: dict[int, list[Vote]] = defaultdict(list)
    workshops: list[PortfolioWorkshop] = []
    for number, summary in enumerate(summaries):
        for place, card in enumerate(summary.cards):
            key = card_key(card.deck, card.code, card.title)
            if key not in cards:
                cards[key] = Item(key, card.title, len(cards), "")
                decks[key] = (card.deck, card.code)
            # Each workshop's result for a card counts once, as if the workshop were a voter.
            card_votes.append(Vote(key, card.points, f"{number}:{place}"))
            card_years[summary.year].append(Vote(key, card.points))
            top3[key] += int(card.rank <= TOP)
        for place, theme in enumerate(summary.themes):
            key = normalise_title(theme.name) or theme.name
            if key not in themes:
                themes[key] = Item(key, theme.name, len(themes), "")
            theme_votes.append(Vote(key, theme.points, f"{number}:{place}"))
            theme_years[summary.year].append(Vote(key, theme.points))
            pain_points[key] += theme.pain_points
        top_card = summary.cards[0].title if summary.cards else ""
        workshops.append(
            PortfolioWorkshop(
                summary.file,
                summary.title,
                summary.year,
                summary.pain_points,
                len(summary.themes),
                summary.card_votes,
                summary.takeaways,
                top_card,
            )
        )
    card_tallies = tally(card_votes)
    theme_tallies = tally(theme_votes)
    card_by_year = {year: tally(votes) for year, votes in sorted(card_years.items())}
    theme_by_year = {year: tally(votes) for year, votes in sorted(theme_years.items())}
    top_by_year = {
        year: tuple(
            entry.item.label for entry in rank((cards[key] for key in found), found)[:YEAR_TOP]
        )
        for year, found in card_by_year.items()
    }
    return Portfolio(
        workshops=tuple(sorted(workshops, key=lambda w: (w.year, w.title.casefold(), w.file))),
        cards=tuple(
            PortfolioCard(
                entry.rank,
                entry.tied,
                decks[entry.item.item_id][0],
                decks[entry.item.item_id][1],
                entry.item.label,
                int(entry.item.score),
                entry.item.voters,
                top3[entry.item.item_id],
                _by_year(card_by_year, entry.item.item_id),
            )
            for entry in rank(cards.values(), card_tallies)
        ),
        themes=tuple(
            PortfolioTheme(
                entry.rank,
                entry.tied,
                entry.item.label,
                int(entry.item.score),
                entry.item.voters,
                pain_points[entry.item.item_id],
                _by_year(theme_by_year, entry.item.item_id),
            )
            for entry in rank(themes.values(), theme_tallies)
        ),
        years=tuple(sorted({summary.year for summary in summaries})),
        skipped=tuple(skipped),
        top_cards_by_year=top_by_year,
        tie_break_rule=TIE_BREAK_RULE,
    )


def _by_year(by_year: dict[int, dict[str, Tally]], key: str) -> dict[int, int]:
    """Return an item's points per year, for the years it scored in."""
    return {year: found[key].score for year, found in by_year.items() if key in found}


def _rank(rank: int, tied: bool) -> str:
    """Return a rank with its tie mark."""
    return f"{rank}=" if tied else str(rank)


def portfolio_sections(portfolio: Portfolio) -> Iterator[tuple[str, str, Any]]:
    """Yield the portfolio's content as (kind, text, payload) for the Markdown and HTML writers."""
    count = len(portfolio.workshops)
    years = portfolio.years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
    yield "p", f"{count} workshops" + (f", {span}" if span else "") + ".", None
    yield "h2", "Cards across workshops", None
    if portfolio.cards:
        yield "chart", "", [(card.title, card.points) for card in portfolio.cards[:15]]
        rows = [
            [
                _rank(c.rank, c.tied),
                c.code,
                c.title,
                c.deck,
                str(c.points),
                str(c.workshops),
                str(c.top3),
            ]
            for c in portfolio.cards
        ]
        header = ["Rank", "Card", "Title", "Deck", "Points", "Workshops", f"In a room's top {TOP}"]
        yield "table", "", (header, rows, {0, 4, 5, 6})
    else:
        yield "p", "No card rounds.", None
    yield "h2", "Top cards by year", None
    rows = [[str(year), "; ".join(titles)] for year, titles in portfolio.top_cards_by_year.items()]
    if rows:
        yield "table", "", (["Year", f"Top {YEAR_TOP} cards"], rows, {0})
    yield "h2", "Pain-point themes across workshops", None
    if portfolio.themes:
        yield "chart", "", [(theme.name, theme.points) for theme in portfolio.themes[:15]]
        year_header = [str(year) for year in years]
        rows = [
            [
                _rank(t.rank, t.tied),
                t.name,
                str(t.points),
                str(t.workshops),
                str(t.pain_points),
                *(str(t.by_year.get(year, 0)) for year in years),
            ]
            for t in portfolio.themes
        ]
        header = ["Rank", "Theme", "Points", "Workshops", "Pain points", *year_header]
        yield "table", "", (header, rows, set(range(len(header))) - {1})
    else:
        yield "p", "No themes.", None
    yield "h2", "Workshops", None
    rows = [
        [
            str(w.year),
            w.title,
            w.file,
            str(w.pain_points),
            str(w.themes),
            str(w.card_votes),
            str(w.takeaways),
            w.top_card,
        ]
        for w in portfolio.workshops
    ]
    header = [
        "Year",
        "Workshop",
        "File",
        "Pain points",
        "Themes",
        "Card votes",
        "Takeaways",
        "Top card",
    ]
    yield "table", "", (header, rows, {0, 3, 4, 5, 6})
    if portfolio.skipped:
        yield "h2", "Files skipped", None
        for line in portfolio.skipped:
            yield "p", line, None
    yield "p", "Ranking: " + portfolio.tie_break_rule, None


def render_portfolio_markdown(portfolio: Portfolio) -> str:
    """Return a portfolio as Markdown."""
    out = ["# Workshop portfolio", ""]
    for kind, text, payload in portfolio_sections(portfolio):
        if kind == "h2":
            out += [f"## {md(text)}", ""]
        elif kind == "p":
            out += [md(text), ""]
        elif kind == "table":
            header, rows, _numeric = payload
            out.append("| " + " | ".join(md(name) for name in header) + " |")
            out.append("|" + "|".join(" --- " for _ in header) + "|")
            out += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def portfolio_json(portfolio: Portfolio) -> str:
    """Return a portfolio as JSON."""
    data = asdict(portfolio)
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
