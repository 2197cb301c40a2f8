"""The room in a real browser: a phone joins, adds a pain point, votes dots and picks cards;
the console on the same file shows it; /screen fits a revealed ranking on a projector.

Debian's chromium (/usr/bin/chromium) runs headless through Playwright against the real room
server (`facilitate room`) on 127.0.0.1. UPDATE_SCREENSHOTS=1 also saves the README's pictures
(docs/screenshots/room-phone.png, room-screen.png).
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import make_workshop
from helpers import chromium, pilot_wait_until, room_server, visible_text, why_no_chromium

from console.domain.room import new_place_token
from console.store import card_rounds
from console.store.agenda import load_agenda, start_item
from console.store.card_rounds import create_round
from console.store.core import WorkshopStore
from console.store.decks import deck_cards, live_decks, update_card
from console.store.display import set_display
from console.store.inventory import capture_pain_point
from console.store.inventory_votes import open_round, save_ballot, set_revealed
from console.store.room import ensure_room, join, seats, set_activity
from console.ui.app import make_app

pytestmark = pytest.mark.skipif(why_no_chromium() is not None, reason=why_no_chromium() or "")

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
UPDATE_SCREENSHOTS = os.environ.get("UPDATE_SCREENSHOTS") == "1"

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    ),
}
"""A phone as the room sees one: 390 x 844, touch, a mobile browser."""

WAIT_MS = 15_000
"""How long the browser waits for what the page should show (the phone polls every 2 s)."""

PAIN_POINT = "Every change waits for the <b>CAB</b> & a week of sign-offs"
"""Typed on the phone: HTML in it must be stored and shown as the characters typed."""

FIRST = "Nobody owns the release from end to end"
SECOND = "Priorities change every week without telling the team"
OTHERS = (
    "The business and IT do not speak the same language",
    "Handovers between teams lose what the customer asked for",
)
"""Pain points the facilitator typed: the phone votes on them too."""

SCORES = (13, 11, 9, 8, 6, 5, 4, 2, 1, 1)
"""The revealed round's scores, highest first: 60 dots, what 12 delegates with 5 each hold."""

PLUS = re.compile(r"^\s*\+\s*$")
MINUS = re.compile(r"^\s*[-−–]\s*$")


def submit(page: Any, form: str) -> None:
    """Tap the submit button of a form on the page."""
    page.locator(f"#{form}").locator("button[type=submit], input[type=submit]").first.tap()


def dot_button(page: Any, item: str, sign: re.Pattern[str]) -> Any:
    """Return the + or - button of a pain point in the dots form."""
    return page.locator(f'#dots-form button[data-item="{item}"]').filter(has_text=sign)


def tap_anyway(control: Any) -> None:
    """Tap a control even if the page has disabled it (as a thumb would), once."""
    control.tap(force=True)


def dots_on(page: Any, item: str) -> int:
    """Return the dots the phone's form holds for a pain point."""
    return int(page.locator(f'#dots-form input[name="dots.{item}"]').input_value())


def wait_for_url(page: Any, pattern: str) -> None:
    """Wait until the page has loaded a URL matching the pattern; fail with what it shows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_url(re.compile(pattern), timeout=WAIT_MS)
    except PlaywrightTimeout:
        error = page.locator("#error")
        said = error.inner_text() if error.count() else page.inner_text("body")[:200]
        raise AssertionError(f"the phone stayed at {page.url}, showing: {said!r}") from None


def test_a_phone_joins_adds_a_pain_point_votes_dots_and_picks_cards(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "workshop.db")
    with WorkshopStore.open(path) as store:
        code = ensure_room(store).code
        first = capture_pain_point(store, FIRST)
        second = capture_pain_point(store, SECOND)
        for text in OTHERS:
            capture_pain_point(store, text)
        deck = next(deck for deck in live_decks(store) if deck.name == "ABC cards")
        cards = deck_cards(store, deck.id)
    with room_server(path) as server, chromium() as browser:
        phone = browser.new_context(**PHONE)
        page = phone.new_page()
        page.set_default_timeout(WAIT_MS)

        # Join with the code from the QR code's URL and a name.
        page.goto(f"{server.url}/join?code={code}")
        assert page.locator('#join-form [name="code"]').input_value() == code
        page.locator('#join-form [name="name"]').fill("Ann")
        submit(page, "join-form")
        wait_for_url(page, r"/me$")
        delegate = page.locator("#delegate").inner_text()
        assert re.fullmatch(r"Delegate \d+ \(Ann\)", delegate.strip()), delegate
        with WorkshopStore.open(path) as store:
            (seat,) = seats(store)
            assert seat.name == "Ann"
            assert delegate.strip() == seat.label

            # The facilitator opens pain points: the waiting phone shows the form by itself.
            set_activity(store, "pain_points")
        page.wait_for_selector("#pain-point-form", timeout=WAIT_MS)
        page.locator('#pain-point-form [name="text"]').fill(PAIN_POINT)
        submit(page, "pain-point-form")
        wait_for_url(page, r"/me\?saved=pain-point$")
        assert page.locator("#flash").is_visible()

        with WorkshopStore.open(path) as store:
            rows = store.query(
                "SELECT id, text, origin, participant_id FROM pain_points "
                "WHERE origin = 'room' AND deleted_at IS NULL"
            )
            assert [(row["text"], row["participant_id"]) for row in rows] == [
                (PAIN_POINT, seat.participant_id)
            ]
            mine = rows[0]["id"]

            # A dot vote (5 dots, at most 3 on one pain point) while its agenda item runs.
            scoring = next(
                item for item in load_agenda(store).items if item.title == "Score the pain points"
            )
            start_item(store, scoring.id, 15 * 60)
            round_id = open_round(store, "dot", title="Top pain points", budget=5, cap_per_item=3)
            set_activity(store, "dots", round_id)
        page.wait_for_selector("#dots-form", timeout=WAIT_MS)
        # The pain point is shown as typed: its HTML is text, not markup.
        assert page.get_by_text(PAIN_POINT, exact=False).count() >= 1
        assert page.locator("#dots-form b, #dots-form i").count() == 0
        assert page.locator('#dots-form input[name="round_id"]').input_value() == round_id

        for _ in range(3):
            dot_button(page, mine, PLUS).tap()
        tap_anyway(dot_button(page, mine, PLUS))
        assert dots_on(page, mine) == 3, "the phone let a pain point take more than the cap"
        for _ in range(2):
            dot_button(page, first, PLUS).tap()
        tap_anyway(dot_button(page, first, PLUS))
        tap_anyway(dot_button(page, second, PLUS))
        assert dots_on(page, first) == 2, "the phone let the ballot go over the budget"
        assert dots_on(page, second) == 0, "the phone let the ballot go over the budget"
        dot_button(page, first, MINUS).tap()
        dot_button(page, second, PLUS).tap()
        dot_button(page, second, MINUS).tap()
        tap_anyway(dot_button(page, second, MINUS))
        assert (dots_on(page, mine), dots_on(page, first), dots_on(page, second)) == (3, 1, 0)
        assert "Score the pain points" in page.locator("#now").inner_text()
        if UPDATE_SCREENSHOTS:
            page.locator("#delegate").tap()  # The last tap's highlight goes with the finger.
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SCREENSHOTS / "room-phone.png"), full_page=True)
        dot_button(page, second, PLUS).tap()
        assert (dots_on(page, mine), dots_on(page, first), dots_on(page, second)) == (3, 1, 1)
        submit(page, "dots-form")
        wait_for_url(page, r"/me\?saved=ballot$")
        assert page.locator("#flash").is_visible()

        # A pick-3 card round: search, pick three, a fourth is refused.
        with WorkshopStore.open(path) as store:
            card_round = create_round(store, deck.id, "pick_n", "Top 3", pick_count=3)
            set_activity(store, "cards", card_round)
        page.wait_for_selector("#cards-form", timeout=WAIT_MS)
        boxes = page.locator('#cards-form input[name="card"]')
        assert boxes.count() == len(cards)
        by_code = {card.code: card for card in cards}
        page.locator("#card-search").fill("responsibility")
        shown = boxes.evaluate_all(
            "boxes => boxes.filter(box => (box.closest('label, li') || box)"
            ".getClientRects().length > 0).map(box => box.value)"
        )
        assert by_code["ABC06"].id in shown
        assert by_code["ABC05"].id not in shown, "the search did not filter the cards"
        picked = [by_code["ABC06"], by_code["ABC01"], by_code["ABC05"]]
        for number, card in enumerate(picked):
            if number:
                page.locator("#card-search").fill(card.code)
            pick = page.locator(f'#cards-form input[name="card"][value="{card.id}"]')
            pick.check()
            assert pick.is_checked()
        page.locator("#card-search").fill("")
        fourth = page.locator(f'#cards-form input[name="card"][value="{by_code["ABC02"].id}"]')
        tap_anyway(fourth)
        assert not fourth.is_checked(), "the phone let a delegate pick a fourth card"
        submit(page, "cards-form")
        wait_for_url(page, r"/me\?saved=picks$")
        assert page.locator("#flash").is_visible()
        phone.close()

    with WorkshopStore.open(path) as store:
        ballot = store.query(
            "SELECT pain_point_id, points FROM pain_point_votes "
            "WHERE round_id = ? AND participant_id = ? AND deleted_at IS NULL",
            [round_id, seat.participant_id],
        )
        assert {row["pain_point_id"]: row["points"] for row in ballot} == {
            mine: 3,
            first: 1,
            second: 1,
        }
        chosen = store.query(
            "SELECT card_id FROM card_votes WHERE round_id = ? AND participant_id = ? "
            "AND deleted_at IS NULL",
            [card_round, seat.participant_id],
        )
        assert sorted(row["card_id"] for row in chosen) == sorted(card.id for card in picked)
    asyncio.run(console_shows(path, [PAIN_POINT, FIRST, SECOND], [c.code for c in picked]))


async def console_shows(path: Path, pain_points: list[str], card_codes: list[str]) -> None:
    """Open the console on the file and check it shows what the phone sent, with its votes."""
    with WorkshopStore.open(path) as store:
        app = make_app(store, first_pane="inventory")
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot_wait_until(
                pilot,
                lambda: all(text[:60] in visible_text(app) for text in pain_points),
                message=lambda: f"the room's pain points in the console:\n{visible_text(app)}",
            )
            scores = {}
            for line in visible_text(app).splitlines():
                for text in pain_points:
                    if text[:60] in line:
                        scores[text] = int(re.findall(r"\d+", line.split(text[:60])[0])[-1])
            assert scores == dict(zip(pain_points, (3, 1, 1), strict=True)), visible_text(app)
            await pilot.press("f4")
            await pilot_wait_until(
                pilot,
                lambda: set(card_votes(visible_text(app))) >= set(card_codes),
                message=lambda: f"the phone's cards in the console:\n{visible_text(app)}",
            )
            shown = card_votes(visible_text(app))
            assert {code: shown[code] for code in card_codes} == dict.fromkeys(card_codes, 1)
            assert "1 ballots" in visible_text(app)


CARD_RESULT = re.compile(r"(?<!\S)\d+=?  (ABC\d\d)  \S.*?\s(\d+)  █")
"""A line of the cards pane's results: rank, code, title, votes and a bar."""


def card_votes(screen: str) -> dict[str, int]:
    """Return the votes of each card in the results the cards pane shows, by code."""
    return {match[1]: int(match[2]) for match in CARD_RESULT.finditer(screen)}


def revealed_ranking(path: Path) -> None:
    """Fill the file with a revealed dot vote over 10 pain points, on the projector."""
    make_workshop(path)
    ballots: dict[str, dict[str, int]] = {}
    with WorkshopStore.open(path) as store:
        ensure_room(store)
        texts = [
            "Approvals for small purchases take weeks and nobody knows who signs",
            "Priorities change every week without telling the team",
            "Nobody owns the release from end to end",
            "The business and IT do not speak the same language",
            "Handovers between teams lose what the customer asked for",
            "We measure activity, not outcomes",
            "Too many tools, none of them shared",
            "Incidents are fixed, their causes never",
            "Outsourced work comes back late and unexplained",
            "Training budget is the first thing cut",
        ]
        items = [capture_pain_point(store, text) for text in texts]
        for number in range(1, 11):
            join(store, new_place_token(), f"Phone {number}")
        round_id = open_round(store, "dot", title="Day 1 dot vote", budget=5, cap_per_item=3)
        people = [row["id"] for row in store.query("SELECT id FROM participants")]
        left = dict.fromkeys(people, 5)
        for item, score in zip(items, SCORES, strict=True):
            for person in people:
                dots = min(3, left[person], score)
                if dots:
                    ballots.setdefault(person, {})[item] = dots
                    left[person] -= dots
                    score -= dots
        for person, ballot in ballots.items():
            save_ballot(store, round_id, person, ballot)
        set_revealed(store, round_id, True)
        set_display(store, "inventory", {"round_id": round_id, "show": "items", "top": 10})


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)], ids=["1024x768", "1920x1080"])
def test_the_screen_fits_a_revealed_ranking_of_ten(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "workshop.db"
    revealed_ranking(path)
    width, height = size
    with room_server(path) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(WAIT_MS)
        page.goto(f"{server.url}/screen")
        rows = page.locator(".rank-row")
        page.wait_for_function("document.querySelectorAll('.rank-row').length === 10")
        assert rows.count() == 10
        assert "Approvals for small purchases" in page.inner_text("body")
        for row in rows.all():
            for part in (".rank", ".title", ".score"):
                box = row.locator(part).bounding_box()
                assert box is not None, f"{part} of a row is not shown"
                assert box["x"] >= 0 and box["y"] >= 0, (part, box)
                assert box["x"] + box["width"] <= width + 0.5, (part, box, size)
                assert box["y"] + box["height"] <= height + 0.5, (part, box, size)
        fits = page.evaluate(
            "[document.documentElement.scrollHeight, window.innerHeight,"
            " document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert fits[0] <= fits[1], f"the screen scrolls: {fits[0]} px tall in {fits[1]} px"
        assert fits[2] <= fits[3], f"the screen scrolls sideways: {fits[2]} px in {fits[3]} px"
        if UPDATE_SCREENSHOTS and size == (1920, 1080):
            page.wait_for_selector("img[src*='qr.svg'], svg", timeout=WAIT_MS)
            page.screenshot(path=str(SCREENSHOTS / "room-screen.png"))


CARD_BALLOTS = (
    "9 10 13",
    "9 1 8",
    "9 10 17",
    "9 13 2",
    "10 1 8",
    "13 4 7",
    "9 3 6",
    "1 12 18",
    "10 8 21",
    "9 13 5",
    "17 11 20",
    "1 6 22",
)
"""Twelve delegates' pick-3 ballots on the ABC cards (ABC09 leads with 6)."""


def categorised_card_round(path: Path) -> str:
    """Fill the file with a pick-3 round on the ABC cards, each card in Attitude, Behavior or
    Culture in turn, twelve ballots in, not yet revealed, on the projector; return its id."""
    make_workshop(path)
    with WorkshopStore.open(path) as store:
        ensure_room(store)
        deck = next(deck for deck in live_decks(store) if deck.name == "ABC cards")
        for index, card in enumerate(deck_cards(store, deck.id)):
            category = ("Attitude", "Behavior", "Culture")[index % 3]
            update_card(store, card.id, code=card.code, title=card.title, category=category)
        round_id = create_round(store, deck.id, "pick_n", "ABC cards", pick_count=3)
        for number, ballot in enumerate(CARD_BALLOTS, start=1):
            card_rounds.save_ballot(store, round_id, number, ballot)
        set_display(store, "cards", {"round_id": round_id, "top": 5})
    return round_id


def inside(box: dict[str, float] | None, width: int, height: int) -> bool:
    """Tell whether an element's box is wholly within the window."""
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width + 0.5
        and box["y"] + box["height"] <= height + 0.5
    )


@pytest.mark.parametrize(
    "size", [(390, 844), (1024, 768), (1920, 1080)], ids=["phone", "1024x768", "1920x1080"]
)
def test_the_screen_shows_each_card_category_after_the_reveal(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    path = tmp_path / "workshop.db"
    round_id = categorised_card_round(path)
    width, height = size
    with room_server(path) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(WAIT_MS)
        page.goto(f"{server.url}/screen")
        assert page.locator("#waiting").inner_text() == "Results are revealed soon · 12 ballots in"
        assert page.locator(".ranking-section, .rank-row").count() == 0
        assert "ABC0" not in page.inner_text("#results")

        # The facilitator reveals: the page, polling, shows the sections by itself.
        with WorkshopStore.open(path) as store:
            card_rounds.set_revealed(store, round_id, True)
        page.wait_for_selector(".ranking-section")
        sections = page.locator(".ranking-section")
        headings = [text.strip() for text in page.locator(".section-heading").all_inner_texts()]
        assert headings == ["Top 5 (votes)", "Attitude", "Behavior", "Culture"]
        leaders = []
        for section in sections.all():
            row = section.locator(".rank-row").first
            parts = (
                row.locator(part).inner_text().strip() for part in (".rank", ".code", ".score")
            )
            leaders.append(tuple(parts))
        assert leaders == [
            ("1", "ABC09", "6"),
            ("1=", "ABC01", "4"),
            ("1", "ABC08", "3"),
            ("1", "ABC09", "6"),
        ]
        # The top 5 overall keeps the three cards tied second.
        overall = sections.first.locator(".rank-row")
        assert [text.strip() for text in overall.locator(".rank").all_inner_texts()] == [
            "1",
            "2=",
            "2=",
            "2=",
            "5",
        ]

        # Every heading and every row shown (each whole: rank, code, title, score) is on the
        # screen; rows left out for room are counted under the ranking.
        for heading in page.locator(".section-heading").all():
            assert inside(heading.bounding_box(), width, height), (heading.inner_text(), size)
        shown = page.locator(".rank-row:not(.not-shown)")
        for row in shown.all():
            for part in (".rank", ".code", ".title", ".score"):
                box = row.locator(part).bounding_box()
                assert inside(box, width, height), (part, box, size)
        left_out = page.locator(".rank-row.not-shown").count()
        assert shown.count() + left_out == 23
        if left_out:
            assert page.locator(".more").inner_text() == f"+{left_out} more not shown"
        fits = page.evaluate(
            "[document.documentElement.scrollHeight, window.innerHeight,"
            " document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert fits[0] <= fits[1] and fits[2] <= fits[3], f"the screen scrolls: {fits}"

        # Two columns on a projector, one on a phone held upright.
        first, second = (sections.nth(i).bounding_box() for i in (0, 1))
        assert first is not None and second is not None
        if width > height:
            assert second["x"] > first["x"] + first["width"] - 1 and second["y"] == first["y"]
        else:
            assert second["x"] == first["x"] and second["y"] >= first["y"] + first["height"]
