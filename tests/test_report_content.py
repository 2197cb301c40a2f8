"""What the HTML and Markdown reports say: rankings in order with their scores and voters, the
one-screen summary, a page that prints and reads on a phone, every text escaped, Jinja2 loaded
only when a report is rendered."""

from __future__ import annotations

import collections.abc
import dataclasses
import itertools
import re
import subprocess
import sys
import types
import typing
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FakeClock, make_workshop
from hypothesis import given
from hypothesis import strategies as st

from console.cli import cli
from console.report.html import render_html
from console.report.markdown import md, render_markdown
from console.report.model import Report
from console.store import card_rounds, inventory, inventory_votes
from console.store.core import WorkshopStore
from console.store.decks import live_decks
from console.store.takeaways import capture_takeaway

# Pain points, their themes, and each delegate's dots: every theme, pain point and card ends on
# a different score and a different number of voters, in an order unlike the capture order.
PAIN_POINTS = [
    ("Blame culture", "Culture", "Ann"),
    ("Too many tools", "Tooling", "Bob"),
    ("Silos", "Culture", "Cleo"),
    ("Everything is urgent", "Priorities", "Dan"),
]
DOTS = {
    1: {"Blame culture": 3, "Everything is urgent": 2},
    2: {"Blame culture": 2, "Silos": 1, "Everything is urgent": 1},
    3: {"Everything is urgent": 4},
    4: {"Too many tools": 2},
}
CARD_BALLOTS = {1: "ABC07 ABC03 ABC11", 2: "ABC07 ABC03 ABC11", 3: "ABC07 ABC03 ABC01", 4: "ABC07"}

# (rank, theme, points, voters), best first.
THEMES = [("1", "Priorities", 7, 3), ("2", "Culture", 6, 2), ("3", "Tooling", 2, 1)]
# Theme -> [(rank, number, pain point, points, voters, raised by)], best first.
PAIN_POINT_ROWS = {
    "Priorities": [["1", "4", "Everything is urgent", "7", "3", "Dan"]],
    "Culture": [
        ["2", "1", "Blame culture", "5", "2", "Ann"],
        ["4", "3", "Silos", "1", "1", "Cleo"],
    ],
    "Tooling": [["3", "2", "Too many tools", "2", "1", "Bob"]],
}
PAIN_POINT_HEADER = ["Rank", "#", "Pain point", "Points", "Voters", "Raised by"]
# (rank, code, points, voters), best first.
CARDS = [("1", "ABC07", "4", "4"), ("2", "ABC03", "3", "3"), ("3", "ABC11", "2", "2")]
CARDS += [("4", "ABC01", "1", "1")]


def build_scored_workshop(path: Path) -> Path:
    """Create a workshop scored as DOTS and CARD_BALLOTS say, with two open actions."""
    make_workshop(path, "blank")
    with WorkshopStore.open(path, clock=FakeClock()) as store:
        ids = {
            text: inventory.capture_pain_point(store, f'{text} #"{theme}" @{who}')
            for text, theme, who in PAIN_POINTS
        }
        delegates = {row["number"]: row["id"] for row in store.query("SELECT * FROM participants")}
        dot_round = inventory_votes.open_round(
            store, "dot", title="Score the pain points", budget=10, cap_per_item=5
        )
        for number, dots in DOTS.items():
            ballot = {ids[text]: points for text, points in dots.items()}
            inventory_votes.save_ballot(store, dot_round, delegates[number], ballot)
        inventory_votes.set_revealed(store, dot_round, True)
        deck = live_decks(store)[0].id
        card_round = card_rounds.create_round(store, deck, "pick_n", "Top cards", pick_count=3)
        for number, ballot_text in CARD_BALLOTS.items():
            card_rounds.save_ballot(store, card_round, number, ballot_text)
        card_rounds.set_revealed(store, card_round, True)
        capture_takeaway(store, "a: Send the report @Ann !2026-12-01")
        capture_takeaway(store, "a: Book the room @Bob")
    return path


def export(workshop: Path, fmt: str) -> str:
    """Export the workshop the way a facilitator does and return the file's text."""
    result = CliRunner().invoke(cli, ["export", str(workshop), "--format", fmt])
    assert result.exit_code == 0, result.output
    return (workshop.parent / f"workshop-report.{fmt}").read_text("utf-8")


class Page(HTMLParser):
    """The report page as the reader sees it: headings, table rows and list items, each with
    the id of the section or box around it. Fails on an element closed out of order."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.headings: list[tuple[str, str, str]] = []
        self.rows: list[tuple[str, list[str]]] = []
        self.items: list[tuple[str, list[str]]] = []
        self.row: list[str] = []
        self.spans: list[str] = []
        self.tables_outside_scroll = 0
        self.style = ""
        self.feed(html)
        self.close()
        assert not self.open, f"unclosed: {[tag for tag, _attrs, _text in self.open]}"

    def where(self) -> str:
        """Return the id of the innermost open element that has one."""
        return next(
            (attrs["id"] or "" for _t, attrs, _x in reversed(self.open) if "id" in attrs), ""
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        if tag == "table" and not (self.open and self.open[-1][1].get("class") == "scroll"):
            self.tables_outside_scroll += 1
        self.row = [] if tag == "tr" else self.row
        self.spans = [] if tag == "li" else self.spans
        self.open.append((tag, dict(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1][0] == tag, f"</{tag}> closes {self.open[-1:]}"
        _tag, _attrs, chunks = self.open.pop()
        text = "".join(chunks).strip()
        if tag in ("td", "th"):
            self.row.append(text)
        elif tag == "tr":
            self.rows.append((self.where(), self.row))
        elif tag == "span" and any(open_tag == "li" for open_tag, _a, _c in self.open):
            self.spans.append(text)
        elif tag == "li":
            self.items.append((self.where(), self.spans or [text]))
        elif tag in ("h1", "h2", "h3", "h4"):
            self.headings.append((self.where(), tag, text))
        elif tag == "style":
            self.style = text

    def handle_data(self, data: str) -> None:
        for _tag, _attrs, chunks in self.open:
            chunks.append(data)


def theme_headings(headings: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """Return the inventory's theme headings as (rank, name, points)."""
    found = []
    for _level, text in headings:
        match = re.fullmatch(r"(\S+)\. (.+) — (\d+) points", text)
        if match:
            found.append((match[1], match[2], int(match[3])))
    return found


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    """The scored workshop."""
    return build_scored_workshop(tmp_path / "workshop.db")


def test_the_html_report_lists_themes_pain_points_and_cards_with_their_scores_and_voters(
    workshop: Path,
) -> None:
    page = Page(export(workshop, "html"))
    assert [cells for where, cells in page.items if where == "summary-themes"] == [
        ["1", "Priorities", "7 pts · 3 voters"],
        ["2", "Culture", "6 pts · 2 voters"],
        ["3", "Tooling", "2 pts · 1 voter"],
    ]
    inventory_headings = [
        (level, text) for where, level, text in page.headings if where == "inventory"
    ]
    assert theme_headings(inventory_headings) == [(r, n, p) for r, n, p, _v in THEMES]
    pain_points = [cells for where, cells in page.rows if where == "inventory"]
    assert pain_points == [
        *(PAIN_POINT_HEADER, *PAIN_POINT_ROWS["Priorities"]),
        *(PAIN_POINT_HEADER, *PAIN_POINT_ROWS["Culture"]),
        *(PAIN_POINT_HEADER, *PAIN_POINT_ROWS["Tooling"]),
    ]
    # No card has a category or a linked pain point: those columns are left out.
    results = [cells for where, cells in page.rows if where == "cards" and len(cells) == 7]
    assert results[0] == [
        "Rank",
        "Card",
        "Title",
        "Points",
        "Voters",
        "Published rankings",
        "Global top",
    ]
    assert [(c[0], c[1], c[3], c[4]) for c in results[1:]] == CARDS
    top_cards = [cells for where, cells in page.items if where == "summary-cards"]
    assert [(rank, what.split()[0], figures) for rank, what, figures in top_cards] == [
        ("1", "ABC07", "4 pts · 4 voters"),
        ("2", "ABC03", "3 pts · 3 voters"),
        ("3", "ABC11", "2 pts · 2 voters"),
        ("4", "ABC01", "1 pt · 1 voter"),
    ]


def test_the_markdown_report_lists_themes_pain_points_and_cards_with_their_scores_and_voters(
    workshop: Path,
) -> None:
    text = export(workshop, "md")
    inventory = text.split("## Inventory of pain points")[1].split("## Card results")[0]
    headings = [("h3", line[4:]) for line in inventory.splitlines() if line.startswith("### ")]
    assert theme_headings(headings) == [(r, n, p) for r, n, p, _v in THEMES]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in inventory.splitlines()
        if re.match(r"\| [\d=]+ \|", line)
    ]
    assert rows == [
        *PAIN_POINT_ROWS["Priorities"],
        *PAIN_POINT_ROWS["Culture"],
        *PAIN_POINT_ROWS["Tooling"],
    ]
    results = text.split("## Card results")[1].split("####")[0]
    card_rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in results.splitlines()
        if re.match(r"\| \d+=? \| ABC", line)
    ]
    assert [(row[0], row[1], row[3], row[4]) for row in card_rows] == CARDS


def test_the_html_report_opens_with_a_one_screen_summary(workshop: Path) -> None:
    html = export(workshop, "html")
    page = Page(html)
    assert html.index('id="summary"') < html.index('id="agenda"')
    boxes = [heading for where, level, heading in page.headings if where.startswith("summary")]
    assert boxes == ["Summary", "Top themes", "Top cards", "Open actions", "Turnout"]
    actions = [cells for where, cells in page.items if where == "summary-actions"]
    assert actions == [["Send the report", "Ann · 2026-12-01"], ["Book the room", "Bob"]]
    assert "From the round “Top cards”." in html
    turnout = html.split('id="summary-turnout"')[1].split("</div>")[0]
    assert (
        "<dt>4</dt><dd>pain points, scored in “Score the pain points”: 4 of 12 delegates voted"
        in turnout
    )
    assert "<dt>4</dt><dd>ballots in “Top cards”: 4 of 12 delegates voted</dd>" in turnout


def test_the_summary_counts_delegates_and_who_voted(workshop: Path) -> None:
    with WorkshopStore.open(workshop) as store:
        delegates = len(store.query("SELECT id FROM participants WHERE deleted_at IS NULL"))
    voters = len(DOTS)
    turnout = export(workshop, "html").split('id="summary-turnout"')[1].split("</div>")[0]
    assert f"<dt>{delegates}</dt><dd>delegates</dd>" in turnout
    assert f"scored in “Score the pain points”: {voters} of {delegates} delegates voted" in turnout


def test_the_html_report_prints_well_and_reads_on_a_phone(workshop: Path) -> None:
    html = export(workshop, "html")
    page = Page(html)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert html.count("<table>") >= 5 and page.tables_outside_scroll == 0
    style = re.sub(r"\s+", " ", page.style)
    assert ".scroll { overflow-x: auto;" in style
    printed = style.split("@media print {")[1]
    assert "h1, h2, h3, h4 { break-after: avoid; }" in printed
    assert re.search(r"\.chart-block[^{]*\{ break-inside: avoid; \}", printed)
    charts = html.split('<div class="chart-block">')[1:]
    assert len(charts) == 2  # the themes' points and the cards' points
    assert all(re.match(r"\s*<h[34]>[^<]+</h[34]>", chart) for chart in charts)
    assert html.count('<div class="chart">') == len(charts)
    for network in ("src=", "href=", "@import", "url(", "http://", "https://"):
        assert network not in html


HOSTILE = "<b>x</b> *y* _z_ | #1 &amp; `c` [l](u) ~s~ !"


def hostile(kind: typing.Any) -> typing.Any:
    """Return a value of the type with every text in it hostile."""
    if kind is str:
        return HOSTILE
    if kind is bool:
        return True
    if kind in (int, float):
        return kind(3)
    if isinstance(kind, types.UnionType):
        return hostile(typing.get_args(kind)[0])
    origin = typing.get_origin(kind)
    if origin in (tuple, collections.abc.Sequence):
        return (hostile(typing.get_args(kind)[0]),) * 2
    if origin is dict:
        return {}
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(
            **{field.name: hostile(hints[field.name]) for field in dataclasses.fields(kind)}
        )
    if isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields"):
        hints = typing.get_type_hints(kind)
        return kind(*(hostile(hints[name]) for name in kind._fields))
    raise AssertionError(f"no hostile value for {kind}")


def test_every_text_of_the_report_is_escaped_in_both_formats() -> None:
    report = hostile(Report)
    html = render_html(report)
    page = Page(html)
    assert "<b>" not in html and "</b>" not in html
    escaped = "&lt;b&gt;x&lt;/b&gt; *y* _z_ | #1 &amp;amp; `c` [l](u) ~s~ !"
    assert html.count(escaped) >= 40
    texts = [text for _where, _level, text in page.headings] + [
        cell for _where, cells in page.rows + page.items for cell in cells
    ]
    assert sum(HOSTILE in text for text in texts) >= 30
    markdown = render_markdown(report)
    assert "<b>" not in markdown and "&lt;" not in markdown and "&amp;amp;" not in markdown
    assert markdown.count(md(HOSTILE)) >= 40
    lines = markdown.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("| --- |"):
            width = len(re.split(r"(?<!\\)\|", lines[index - 1]))
            for row in itertools.takewhile(bool, lines[index + 1 :]):
                assert len(re.split(r"(?<!\\)\|", row)) == width, row


SPECIAL = set("\\`*_[]<>|#~!")


@given(st.text())
def test_markdown_escaping_keeps_the_text_on_one_line_with_nothing_active(text: str) -> None:
    escaped = md(text)
    assert "\n" not in escaped and "\r" not in escaped
    flat = re.sub(r"\s*[\r\n]+\s*", " ", text).strip()
    assert re.sub(r"\\(.)", r"\1", escaped) == flat
    index = 0
    while index < len(escaped):
        if escaped[index] == "\\":
            index += 2
            continue
        assert escaped[index] not in SPECIAL, (text, escaped)
        assert not re.match(r"&[^\W_]+;", escaped[index:]), (text, escaped)
        index += 1


def test_jinja2_is_loaded_only_when_a_report_is_rendered(workshop: Path) -> None:
    script = (
        "import sys\n"
        "import console.launch, console.cli, console.ui.app, console.report.build\n"
        "import console.report.html, console.report.markdown, console.report.portfolio\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'markupsafe')))\n"
        "from pathlib import Path\n"
        "from console.report.build import export\n"
        "from console.store.export import open_read_only\n"
        "with open_read_only(Path(sys.argv[1])) as reader:\n"
        "    export(reader, Path(sys.argv[1]), 'html')\n"
        "print('jinja2' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(workshop)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split("\n")[:2] == ["[]", "True"]
