"""The browser projector: /screen shows what the facilitator chose, nothing before the reveal."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import START, FakeClock
from helpers import poll_until
from starlette.testclient import TestClient

from console.domain.ranking import top_n
from console.domain.room import RoomActivity, new_place_token
from console.room.app import make_app
from console.room.screen import qr_svg
from console.store import card_rounds, inventory, inventory_votes, room
from console.store.agenda import load_agenda, start_item, toggle_pause
from console.store.core import WorkshopStore
from console.store.decks import deck_cards, live_decks, update_card
from console.store.display import set_display
from console.store.takeaways import capture_takeaway
from console.store.workshop import add_participants, participants
from console.ui.projector.cards_view import board_sections


class Element:
    """One parsed HTML element: its tag, attributes, text and children."""

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Element] = []
        self.parts: list[str] = []

    @property
    def classes(self) -> set[str]:
        """Return the element's classes."""
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        """Return the element's text, its children's included, spaces collapsed."""
        return " ".join("".join(self.parts).split())

    def find(self, cls: str) -> list[Element]:
        """Return the elements below this one with the class, in document order."""
        found: list[Element] = []
        for child in self.children:
            if cls in child.classes:
                found.append(child)
            found.extend(child.find(cls))
        return found

    def by_id(self, wanted: str) -> Element | None:
        """Return the element below this one with the id, or None."""
        for child in self.children:
            if child.attrs.get("id") == wanted:
                return child
            inner = child.by_id(wanted)
            if inner is not None:
                return inner
        return None

    def every(self) -> Iterator[Element]:
        """Yield every element below this one."""
        for child in self.children:
            yield child
            yield from child.every()


VOID = {"meta", "link", "img", "br", "input", "hr", "source", "rect"}


class TreeParser(HTMLParser):
    """A small HTML parser that keeps the tree the tests look into."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.parts.append(data)


def parse(html: str) -> Element:
    """Return the parsed tree of an HTML page or fragment."""
    parser = TreeParser()
    parser.feed(html)
    parser.close()
    return parser.root


def rows_of(tree: Element) -> list[tuple[str, str, str]]:
    """Return the rank, title and score of every ranked row shown."""
    rows = []
    for row in tree.find("rank-row"):
        (rank,), (title,), (score,) = row.find("rank"), row.find("title"), row.find("score")
        rows.append((rank.text, title.text, score.text))
    return rows


def live(client: TestClient) -> dict[str, str]:
    """Return what the screen's script reads from /screen/live."""
    response = client.get("/screen/live")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def both_views(client: TestClient) -> list[Element]:
    """Return the page and the live body, parsed: the screen shows the same in both."""
    page = client.get("/screen")
    assert page.status_code == 200, page.text
    return [parse(page.text), parse(live(client)["html"])]


@pytest.fixture
def screen(workshop_path: Path, clock: FakeClock) -> Iterator[TestClient]:
    """A room server on the workshop file, seen through a test client."""
    with TestClient(make_app(workshop_path, clock=clock)) as client:
        yield client


def test_the_agenda_shows_the_running_item_its_countdown_and_what_comes_next(
    screen: TestClient, store: WorkshopStore, clock: FakeClock
) -> None:
    items = load_agenda(store).items
    first, second = items[0], items[1]
    for tree in both_views(screen):
        assert tree.by_id("headline").text == f"Up next: {first.title}"
        assert "data-wall" in tree.by_id("clock").attrs

    start_item(store, first.id, 20 * 60, seen_running=None)
    clock.advance(65)
    for tree in both_views(screen):
        clock_line = tree.by_id("clock")
        assert tree.by_id("headline").text == first.title
        assert clock_line.text == "18:55"
        ends_at = START + timedelta(minutes=20)
        assert clock_line.attrs["data-ends-at"] == str(round(ends_at.timestamp() * 1000))
        assert tree.by_id("next").text == f"Next: {second.title}"
        assert tree.by_id("timer-status").text == ""

    toggle_pause(store)
    for tree in both_views(screen):
        assert tree.by_id("timer-status").text == "Paused"
        assert tree.by_id("clock").text == "18:55"
        assert "data-ends-at" not in tree.by_id("clock").attrs, "a paused clock stands still"

    toggle_pause(store)
    clock.advance(20 * 60)
    for tree in both_views(screen):
        assert tree.by_id("clock").text == "+01:05"
        assert tree.by_id("timer-status").text == "Over time"
        assert "phase-overtime" in tree.by_id("agenda").classes


def dot_round(store: WorkshopStore, titles: list[str], ballots: list[dict[int, int]]) -> str:
    """Capture pain points and save one dot ballot per delegate; return the round's id."""
    points = [inventory.capture_pain_point(store, title) for title in titles]
    add_participants(store, len(ballots))
    round_id = inventory_votes.open_round(store, "dot", budget=5, cap_per_item=5)
    for person, ballot in zip(participants(store), ballots, strict=False):
        inventory_votes.save_ballot(
            store, round_id, person.id, {points[index]: dots for index, dots in ballot.items()}
        )
    return round_id


def test_pain_point_scores_appear_only_after_the_reveal_with_ties_marked(
    screen: TestClient, store: WorkshopStore
) -> None:
    titles = ["Silos between plants", "Budget frozen", "Nobody owns safety", "Night shift gaps"]
    round_id = dot_round(store, titles, [{0: 4, 1: 1}, {0: 3, 2: 2}, {1: 2, 2: 1, 3: 2}])
    set_display(store, "inventory", {"round_id": round_id, "top": 10})
    for tree in both_views(screen):
        text = tree.by_id("results").text
        assert tree.by_id("waiting").text == "Scores are revealed soon · 3 ballots in"
        assert tree.find("rank-row") == [] and tree.find("score") == []
        for title in titles:
            assert title not in text, "no pain point is named before the reveal"
        assert "Top 10 pain points" in text

    inventory_votes.set_revealed(store, round_id, True)
    for tree in both_views(screen):
        assert rows_of(tree) == [
            ("1", "Silos between plants", "7"),
            ("2=", "Budget frozen", "3"),
            ("2=", "Nobody owns safety", "3"),
            ("4", "Night shift gaps", "2"),
        ]
        assert rows_of(tree) == expected_pain_point_rows(store, round_id)
        assert tree.by_id("waiting") is None
        for row in tree.find("rank-row"):
            (bar,) = row.find("bar")
            assert bar.tag == "svg" and [child.tag for child in bar.children] == ["rect"]
        widths = [
            int(row.find("bar")[0].children[0].attrs["width"]) for row in tree.find("rank-row")
        ]
        assert widths[0] == 1000 and widths[1] == widths[2] and widths[3] < widths[1]


def test_the_screen_shows_as_many_as_the_facilitator_asked_for_up_to_the_projectors_most(
    screen: TestClient, store: WorkshopStore
) -> None:
    # The console lets the facilitator ask for up to 20: the browser must not say "Top 10"
    # while the terminal projector shows 15.
    titles = [f"Pain point {number:02d}" for number in range(1, 25)]
    ballots = [{index: 1 + index % 3} for index in range(len(titles))]
    round_id = dot_round(store, titles, ballots)
    inventory_votes.set_revealed(store, round_id, True)
    for asked, shown in ((15, 15), (20, 20), (50, 20)):
        set_display(store, "inventory", {"round_id": round_id, "top": asked})
        for tree in both_views(screen):
            assert f"Top {shown} pain points" in tree.by_id("results").text
            ranked = top_n(inventory_votes.rank_pain_points(store, round_id), shown)
            assert len(rows_of(tree)) == len(ranked) >= shown  # ties at the end are all kept


def expected_pain_point_rows(store: WorkshopStore, round_id: str) -> list[tuple[str, str, str]]:
    """Return the rows the console's own ranking gives, in the screen's words."""
    return [
        (f"{entry.rank}{'=' if entry.tied else ''}", entry.item.label, str(entry.item.score))
        for entry in inventory_votes.rank_pain_points(store, round_id)
    ]


def test_theme_totals_are_ranked_once_revealed(screen: TestClient, store: WorkshopStore) -> None:
    round_id = dot_round(
        store,
        ["Silos #Structure", "Handovers #Structure", "Pay #Reward"],
        [
            {0: 2, 1: 2, 2: 1},
        ],
    )
    set_display(store, "inventory", {"round_id": round_id, "show": "themes"})
    for tree in both_views(screen):
        assert tree.by_id("heading").text == "Top 10 themes"
        assert tree.find("rank-row") == [] and "Structure" not in tree.by_id("results").text
    inventory_votes.set_revealed(store, round_id, True)
    for tree in both_views(screen):
        assert rows_of(tree)[:2] == [("1", "Structure", "4"), ("2", "Reward", "1")]


def test_card_results_appear_only_after_the_reveal(
    screen: TestClient, store: WorkshopStore
) -> None:
    deck = live_decks(store)[0]
    round_id = card_rounds.create_round(store, deck.id, "pick_n", title="Pick three", pick_count=3)
    cards = store.query("SELECT id, code, title FROM cards ORDER BY position LIMIT 4")
    room.ensure_room(store)
    room.set_activity(store, RoomActivity.CARDS)
    for picks in ([0, 1, 2], [0, 1, 3], [0]):
        seat = room.join(store, new_place_token())
        room.save_card_picks(store, seat, round_id, [cards[i]["id"] for i in picks])
    set_display(store, "cards", {"round_id": round_id, "top": 3})
    for tree in both_views(screen):
        text = tree.by_id("results").text
        assert tree.by_id("waiting").text == "Results are revealed soon · 3 ballots in"
        assert tree.find("rank-row") == []
        assert all(card["title"] not in text for card in cards)
        assert tree.by_id("round-title").text == "Pick three"

    card_rounds.set_revealed(store, round_id, True)
    first, second, third, fourth = (f"{card['code']} {card['title']}" for card in cards)
    for tree in both_views(screen):
        # Top 3, and the card tied with the third is never cut.
        assert rows_of(tree) == [
            ("1", first, "3"),
            ("2", second, "2"),
            ("3=", third, "1"),
            ("3=", fourth, "1"),
        ]


MARKUP_TITLE = '<b>x</b> & "y"'
"""A card title typed with markup in it: the screen shows its characters."""


def categorised_cards(store: WorkshopStore) -> tuple[str, dict[str, str]]:
    """Give the ABC deck's first six cards categories (ABC05's title holds markup); return
    the deck's id and each card as the screen names it ("ABC01 Title"), by code."""
    deck = next(deck for deck in live_decks(store) if deck.name == "ABC cards")
    categories = {
        "ABC01": "Attitude",
        "ABC02": "Attitude",
        "ABC03": "Behavior",
        "ABC04": "Culture",
        "ABC05": "Culture",
        "ABC06": "",
    }
    for card in deck_cards(store, deck.id):
        if card.code in categories:
            title = MARKUP_TITLE if card.code == "ABC05" else card.title
            update_card(store, card.id, code=card.code, title=title, category=categories[card.code])
    named = {card.code: f"{card.code} {card.title}" for card in deck_cards(store, deck.id)}
    return deck.id, named


def sections_of(tree: Element) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Return each card section's heading and its rows (rank, code and title, score)."""
    return [
        (" ".join(heading.text for heading in section.find("section-heading")), rows_of(section))
        for section in tree.find("ranking-section")
    ]


def test_card_results_show_the_top_cards_then_each_category_once_revealed(
    screen: TestClient, store: WorkshopStore
) -> None:
    deck_id, named = categorised_cards(store)
    assert named["ABC05"] == f"ABC05 {MARKUP_TITLE}"
    round_id = card_rounds.create_round(store, deck_id, "pick_n", title="Pick three", pick_count=3)
    for number, ballot in enumerate(["1 2 3", "1 4 5", "1 2 6", "6 4 3"], start=1):
        card_rounds.save_ballot(store, round_id, number, ballot)
    set_display(store, "cards", {"round_id": round_id, "top": 3})
    for tree in both_views(screen):
        text = tree.by_id("results").text
        assert tree.by_id("waiting").text == "Results are revealed soon · 4 ballots in"
        assert tree.find("ranking-section") == [] and tree.find("rank-row") == []
        for word in ("Attitude", "Behavior", "Culture", "(votes)", "ABC0", MARKUP_TITLE):
            assert word not in text, f"{word!r} is shown before the reveal"

    card_rounds.set_revealed(store, round_id, True)
    for tree in both_views(screen):
        # Top 3 overall keeps every card tied with the third; then each category in the
        # deck's order, ranked within it; a card with no category is only in the top N.
        assert sections_of(tree) == [
            (
                "Top 3 (votes)",
                [
                    ("1", named["ABC01"], "3"),
                    ("2=", named["ABC02"], "2"),
                    ("2=", named["ABC03"], "2"),
                    ("2=", named["ABC04"], "2"),
                    ("2=", named["ABC06"], "2"),
                ],
            ),
            ("Attitude", [("1", named["ABC01"], "3"), ("2", named["ABC02"], "2")]),
            ("Behavior", [("1", named["ABC03"], "2")]),
            ("Culture", [("1", named["ABC04"], "2"), ("2", named["ABC05"], "1")]),
        ]
        # The bars share one scale across sections, as on the terminal's projector.
        widths = [
            (row.find("code")[0].text, int(row.find("bar")[0].children[0].attrs["width"]))
            for row in tree.find("rank-row")
        ]
        assert widths[:5] == [("ABC01", 1000)] + [
            (code, 667) for code in ("ABC02", "ABC03", "ABC04", "ABC06")
        ]
        assert widths[-1] == ("ABC05", 333)
    for html in client_html(screen):
        assert "<b>x</b>" not in html
        assert "&lt;b&gt;x&lt;/b&gt; &amp; &#34;y&#34;" in html


def test_card_sections_are_the_terminal_projectors_with_hands(
    screen: TestClient, store: WorkshopStore
) -> None:
    deck_id, named = categorised_cards(store)
    round_id = card_rounds.create_round(store, deck_id, "hand_count", title="Hands up")
    card_rounds.save_hand_counts(store, round_id, "ABC01 7, ABC02 7, ABC06 9, ABC04 2")
    card_rounds.set_revealed(store, round_id, True)
    set_display(store, "cards", {"round_id": round_id})
    results = card_rounds.round_results(store, round_id)
    terminal = [
        (
            section.heading,
            [
                (row.rank.rstrip("."), f"{row.code} {row.title}", row.score_text)
                for row in section.rows
            ],
        )
        for section in board_sections(results, 5)
    ]
    for tree in both_views(screen):
        # Hands, not votes; no card of Behavior got a hand, so it has no section.
        assert sections_of(tree) == [
            (
                "Top 5 (hands)",
                [
                    ("1", named["ABC06"], "9"),
                    ("2=", named["ABC01"], "7"),
                    ("2=", named["ABC02"], "7"),
                    ("4", named["ABC04"], "2"),
                ],
            ),
            ("Attitude", [("1=", named["ABC01"], "7"), ("1=", named["ABC02"], "7")]),
            ("Culture", [("1", named["ABC04"], "2")]),
        ]
        # The terminal's projector shows the same (it writes "1." where the screen writes "1").
        assert sections_of(tree) == terminal


def test_a_quote_is_shown_with_its_speaker(screen: TestClient, store: WorkshopStore) -> None:
    quote = capture_takeaway(store, "q: Improving daily work is the work -- Mike Orzen")
    capture_takeaway(store, "i: a newer insight")
    set_display(store, "takeaway", {"takeaway_id": quote.id})
    for tree in both_views(screen):
        assert tree.by_id("takeaway-text").text == "“Improving daily work is the work”"
        assert tree.by_id("takeaway-by").text == "— Mike Orzen"
        assert "a newer insight" not in tree.by_id("takeaway").text


def test_titles_are_shown_literally_never_as_markup(
    screen: TestClient, store: WorkshopStore
) -> None:
    title = '<script>alert("x")</script> & <b onclick=1>bold</b>'
    round_id = dot_round(store, [title], [{0: 2}])
    inventory_votes.set_revealed(store, round_id, True)
    set_display(store, "inventory", {"round_id": round_id})
    page, body = client_html(screen)
    for html in (page, body):
        assert "<script>alert" not in html and "<b onclick" not in html
        assert "&lt;script&gt;alert(" in html
    for tree in both_views(screen):
        assert rows_of(tree) == [("1", title, "2")]


def client_html(client: TestClient) -> tuple[str, str]:
    """Return the page's HTML and the live body's HTML."""
    return client.get("/screen").text, live(client)["html"]


def test_the_stamp_changes_when_another_program_changes_the_file(
    workshop_path: Path, clock: FakeClock
) -> None:
    with TestClient(make_app(workshop_path, clock=clock)) as client:
        before = live(client)["stamp"]
        assert live(client)["stamp"] == before, "nothing changed: the page keeps its body"
        assert parse(client.get("/screen").text).by_id("screen").attrs["data-stamp"] == before
        other = WorkshopStore.open(workshop_path, role="console", clock=clock)
        try:
            set_display(other, "takeaway", {})
        finally:
            other.close()
        seen: list[dict[str, str]] = []
        changed = poll_until(
            lambda: bool(seen) and seen[-1]["stamp"] != before,
            10,
            lambda: seen.append(live(client)),
        )
        assert changed, f"the stamp stayed {before}"
        assert parse(seen[-1]["html"]).by_id("takeaway") is not None


def test_the_join_corner_shows_while_joining_is_open(
    workshop_path: Path, store: WorkshopStore, clock: FakeClock
) -> None:
    state = room.ensure_room(store)
    room.join(store, new_place_token())
    room.join(store, new_place_token())
    join_url = f"http://192.168.4.1:8765/join?code={state.code}"
    with TestClient(make_app(workshop_path, clock=clock, join_url=join_url)) as client:
        for tree in both_views(client):
            corner = tree.by_id("join")
            assert corner is not None
            assert tree.by_id("join-url").text == join_url
            assert tree.by_id("join-code").text == state.code
            assert tree.by_id("joined").text == "2 joined"
            (image,) = [element for element in corner.every() if element.tag == "img"]
            assert image.attrs["src"].startswith("/qr.svg")
        room.set_joining(store, False)
        for tree in both_views(client):
            assert tree.by_id("join") is None and state.code not in tree.text


def svg_of(response_text: str) -> ElementTree.Element:
    """Return the parsed SVG document (raises if it is not well-formed)."""
    return ElementTree.fromstring(response_text)


def test_the_qr_code_is_an_svg_of_the_join_address(
    workshop_path: Path, store: WorkshopStore, clock: FakeClock
) -> None:
    code = room.ensure_room(store).code
    with TestClient(make_app(workshop_path, clock=clock)) as client:
        response = client.get("/qr.svg")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/svg+xml"
        assert svg_of(response.text).tag == "{http://www.w3.org/2000/svg}svg"
        assert response.content == qr_svg(f"http://testserver/join?code={code}")
    with TestClient(
        make_app(workshop_path, clock=clock, join_url="http://10.0.0.7:8000/")
    ) as client:
        expected = qr_svg(f"http://10.0.0.7:8000/join?code={code}")
        assert client.get("/qr.svg").content == expected
        code = room.new_code(store)
        assert client.get("/qr.svg").content == qr_svg(f"http://10.0.0.7:8000/join?code={code}")
        assert expected != client.get("/qr.svg").content


class InlineFinder(HTMLParser):
    """Collects what the page's CSP would block: inline scripts, style attributes and elements."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if "style" in names or tag == "style":
            self.found.append(f"style on <{tag}>")
        if any(name.startswith("on") for name in names):
            self.found.append(f"handler on <{tag}>")
        if tag == "script":
            self.in_script = True
            if "src" not in names:
                self.found.append("a script without src")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.found.append("an inline script")


def test_the_page_runs_only_its_own_files_under_the_csp(
    screen: TestClient, store: WorkshopStore
) -> None:
    room.ensure_room(store)
    round_id = dot_round(store, ["Silos", "Budget"], [{0: 2, 1: 1}])
    inventory_votes.set_revealed(store, round_id, True)
    set_display(store, "inventory", {"round_id": round_id})
    page = screen.get("/screen")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for html in (page.text, live(screen)["html"]):
        finder = InlineFinder()
        finder.feed(html)
        assert finder.found == []
        assert rows_of(parse(html)) == [("1", "Silos", "2"), ("2", "Budget", "1")]
    sources = [
        element.attrs.get("src") or element.attrs.get("href")
        for element in parse(page.text).every()
        if element.tag == "script" or element.attrs.get("rel") == "stylesheet"
    ]
    assert sources == ["/static/screen.css", "/static/screen.js"]
    for source in sources:
        assert screen.get(source).status_code == 200


def test_an_unknown_view_falls_back_to_the_agenda(screen: TestClient, store: WorkshopStore) -> None:
    set_display(store, "echo", {"text": "hello"})
    for tree in both_views(screen):
        assert tree.by_id("agenda") is not None and "hello" not in tree.text
