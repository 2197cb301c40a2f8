"""The exported report of a session as a facilitator runs it: hands for hand counts, the round's
real label, singular and plural, no empty themes or columns, delegates and turnout, speakers and
owners wherever a takeaway appears, and no theme that only existed by mistake."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FakeClock, make_workshop

from console.cli import cli
from console.store import card_rounds, inventory, inventory_votes
from console.store.core import WorkshopStore
from console.store.decks import live_decks
from console.store.takeaways import capture_takeaway, update_takeaway

HANDS = {"Budget frozen": 5, "No sponsor": 1, "Too many tools": 1}
"""Hands raised per pain point: People and culture 6 hands, Strategic fit 1 hand."""

BALLOTS = ["1 2 10", "1 2 11", "1 2 3", "2 11 4", "2 10 12", "1 11 13", "2 1 5", "10 11 2"]
"""Eight of the twelve delegates' pick-3 ballots."""

SPEAKER = "Gene <b>Kim</b>"


def build_session(path: Path) -> Path:
    """Create a session scored by a show of hands, with a stray theme merged away, a pick-3
    round, a hand count on cards, an insight with its speaker and an action under an area."""
    make_workshop(path)  # 12 delegates; themes People and culture, Strategic fit, Ways of
    # working, Value and priorities
    with WorkshopStore.open(path, clock=FakeClock()) as store:
        ids = {
            text: inventory.capture_pain_point(store, f'{text} #"{theme}"')
            for text, theme in [
                ("Budget frozen", "People and culture"),
                ("No sponsor", "People and culture"),
                ("Too many tools", "Strategic fit"),
            ]
        }
        # A stray theme "people" (`#"people"` makes a new theme; `#people` would mean People
        # and culture), which the facilitator merged into the theme that was meant.
        inventory.capture_pain_point(store, 'x #"people"')
        themes = {row["name"]: row["id"] for row in store.query("SELECT id, name FROM themes")}
        inventory.merge_themes(store, themes["people"], themes["People and culture"])
        hands_round = inventory_votes.open_round(store, "hand_count", title="Hands up")
        for text, hands in HANDS.items():
            inventory_votes.set_hand_count(store, hands_round, ids[text], hands)
        inventory_votes.set_revealed(store, hands_round, True)
        deck = live_decks(store)[0].id
        pick = card_rounds.create_round(store, deck, "pick_n", "Pick three", pick_count=3)
        for number, ballot in enumerate(BALLOTS, start=1):
            card_rounds.save_ballot(store, pick, number, ballot)
        card_rounds.set_revealed(store, pick, True)
        counted = card_rounds.create_round(store, deck, "hand_count", "Hands on cards")
        card_rounds.save_hand_counts(store, counted, "5 12, 7 1")
        insight = capture_takeaway(store, "i: Ownership beats tooling").id
        update_takeaway(
            store,
            insight,
            {"kind": "insight", "text": "Ownership beats tooling", "speaker": SPEAKER},
        )
        capture_takeaway(store, "a: Send the report @CIO !2026-12-31 #Courage")
    return path


@pytest.fixture
def session(tmp_path: Path) -> Path:
    """The session's workshop file."""
    return build_session(tmp_path / "workshop.db")


def export(workshop: Path, fmt: str) -> str:
    """Export the report the way a facilitator does and return the file's text."""
    result = CliRunner().invoke(cli, ["export", str(workshop), "--format", fmt])
    assert result.exit_code == 0, result.output
    return (workshop.parent / f"workshop-report.{fmt}").read_text("utf-8")


def section(text: str, start: str, end: str) -> str:
    """Return the part of a report between two headings."""
    return text.split(start, 1)[1].split(end, 1)[0]


def test_a_hand_count_shows_hands_and_only_the_themes_that_hold_pain_points(
    session: Path,
) -> None:
    text = export(session, "md")
    inventory_part = section(text, "## Inventory of pain points", "## Card results")
    assert "4 pain points. Scored in the round “Hands up” by a show of hands." in inventory_part
    headings = [line for line in inventory_part.splitlines() if line.startswith("### ")]
    assert headings == [
        "### 1. People and culture — 6 hands",
        "### 2. Strategic fit — 1 hand",
    ]
    header = next(line for line in inventory_part.splitlines() if line.startswith("| Rank"))
    assert header == "| Rank | # | Pain point | Hands |"  # nobody named: no "Raised by"
    assert "| 1 | 1 | Budget frozen | 5 |" in inventory_part
    tables = inventory_part.split("*Ranking:")[0]
    assert "Voters" not in tables and "voters" not in tables
    assert "Includes the merged themes" not in text
    assert "people" not in inventory_part

    html = export(session, "html")
    themes_box = section(html, 'id="summary-themes"', "</div>")
    figures = re.findall(r'<span class="figure">([^<]*)</span>', themes_box)
    assert figures == ["6 hands", "1 hand"]
    assert "Ways of working" not in section(html, 'id="inventory"', "</section>")
    assert '<span class="bar-value">1 hand</span>' in html
    assert "1 pts" not in html and "1 hands" not in html


def test_card_rounds_say_their_label_turnout_and_hands(session: Path) -> None:
    text = export(session, "md")
    cards = section(text, "## Card results", "## Takeaways")
    assert "Deck ABC cards, pick 3, 8 of 12 delegates voted, revealed." in cards
    assert "pick n" not in cards.casefold()
    assert "Deck ABC cards, hand count, 13 hands counted, open." in cards
    headers = [line for line in cards.splitlines() if line.startswith("| Rank |")]
    assert headers[0].startswith("| Rank | Card | Title | Points | Voters |")
    assert headers[1].startswith("| Rank | Card | Title | Hands |")
    assert "Category" not in cards  # no card of the deck has a category

    html = export(session, "html")
    turnout = section(html, 'id="summary-turnout"', "</div>")
    assert "<dt>12</dt><dd>delegates</dd>" in turnout
    assert "ballots in “Pick three”: 8 of 12 delegates voted" in turnout
    assert "<dt>13</dt><dd>hands counted in “Hands on cards”</dd>" in turnout
    assert "<th>Category</th>" not in html


def test_speakers_owners_and_due_dates_wherever_a_takeaway_appears(session: Path) -> None:
    text = export(session, "md")
    insights = section(text, "### Insights", "###")
    assert insights.strip() == "- Ownership beats tooling (Gene \\<b\\>Kim\\</b\\>)"
    by_area = section(text, "### By competence area", "## Decisions")
    assert "#### Courage" in by_area
    assert "- **Action:** Send the report (owner CIO, due 2026-12-31)" in by_area

    html = export(session, "html")
    insights_html = section(html, "<h3>Insights</h3>", "</ul>")
    assert "Ownership beats tooling (Gene &lt;b&gt;Kim&lt;/b&gt;)" in insights_html
    area_html = section(html, "<h3>By competence area</h3>", "</section>")
    assert "Send the report (owner CIO, due 2026-12-31)" in unescape(area_html)
