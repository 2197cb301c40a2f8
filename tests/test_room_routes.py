"""The room server's phone side over HTTP: joining, each activity, and every bad input refused.

Each refusal is checked twice: the phone sees a short page with one line (no traceback), and
the file's rows are as they were. Facilitator actions are run on the server's own store
thread (as the console's would reach the file), so the pages see them at once.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import make_workshop
from helpers import poll_until
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from console.domain.room import RoomActivity
from console.room.app import SECURITY_HEADERS, make_app
from console.room.security import Limits, SlidingWindow
from console.store import card_rounds, inventory, inventory_votes, room
from console.store.core import WorkshopStore
from console.store.decks import live_decks

TABLES = ("participants", "room_seats", "pain_points", "pain_point_votes", "card_votes", "room")
"""What a phone could change: each refusal must leave all of it as it was."""

FAST = Limits(wrong_code_delay=0.01)

FORM = "application/x-www-form-urlencoded"


class Phone:
    """One phone's browser: its own cookies, the csrf value of the last page it loaded."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def get(self, path: str) -> Any:
        """Load a page, keeping the csrf value its forms carry."""
        response = self.client.get(path, follow_redirects=False)
        found = re.search(r'name="csrf" value="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(
        self, path: str, fields: list[tuple[str, str]] | dict[str, str], **options: Any
    ) -> Any:
        """Send a form as the page would (the csrf field added unless given)."""
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if not any(name == "csrf" for name, _ in pairs):
            pairs.append(("csrf", self.csrf))
        headers = {"Content-Type": FORM, **options.pop("headers", {})}
        body = urlencode(pairs)
        return self.client.post(
            path, content=body, headers=headers, follow_redirects=False, **options
        )

    def join(self, code: str, name: str = "") -> Any:
        """Open the join page and send the code."""
        self.get(f"/join?code={code}")
        return self.post("/join", {"code": code, "name": name})


@pytest.fixture
def room_file(tmp_path: Path) -> tuple[Path, str]:
    """A workshop file with an open room; returns its path and room code."""
    path = make_workshop(tmp_path / "room.db")
    with WorkshopStore.open(path) as store:
        code = room.ensure_room(store).code
    return path, code


@pytest.fixture
def server(room_file: tuple[Path, str]) -> Iterator[tuple[TestClient, str]]:
    """The room app with its lifespan running, and the room code."""
    path, code = room_file
    with TestClient(make_app(path, limits=FAST)) as client:
        yield client, code


def facilitate(client: TestClient, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a facilitator's store action on the server's store thread (as the console would)."""
    context = client.app.state.room  # type: ignore[attr-defined]
    return client.portal.call(partial(context.call, fn, *args, **kwargs))  # type: ignore[union-attr]


def rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Return every row of the tables a phone could change."""
    with WorkshopStore.open(path, role="check") as store:
        return {table: store.query(f"SELECT * FROM {table} ORDER BY rowid") for table in TABLES}


def assert_refused(response: Any, status: int, message: str) -> None:
    """Check a refusal: the status, a short page with the one-line reason, no traceback."""
    assert response.status_code == status, response.text
    found = re.search(r'<p id="error"[^>]*>(.*?)</p>', response.text, flags=re.DOTALL)
    assert found, response.text
    line = html.unescape(found.group(1))
    assert message in line
    assert "\n" not in line.strip()
    assert "Traceback" not in response.text
    assert len(response.text) < 2000
    assert 'href="/me"' in response.text
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def live(rows_of: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the rows not deleted."""
    return [row for row in rows_of if row.get("deleted_at") is None]


# Joining ---------------------------------------------------------------------------------------


def test_the_join_page_sets_the_csrf_cookie_and_prefills_the_code(
    server: tuple[TestClient, str],
) -> None:
    client, code = server
    response = client.get(f"/join?code={code}")
    assert response.status_code == 200
    assert '<form id="join-form" method="post" action="/join">' in response.text
    assert f'name="code" value="{code}"' in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("room_csrf=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    value = client.cookies["room_csrf"]
    assert f'name="csrf" value="{value}"' in response.text
    for name, expected in SECURITY_HEADERS.items():
        assert response.headers[name] == expected
    assert client.get("/").status_code == 200


def test_a_phone_joins_with_the_right_code_and_keeps_its_place(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    phone = Phone(client)
    response = phone.join(code, "Ann")
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("room_place=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    page = phone.get("/me")
    assert '<h1 id="delegate">Delegate 1 (Ann)</h1>' in page.text
    # A reload, the home page and joining again all keep the same place.
    assert '<h1 id="delegate">Delegate 1 (Ann)</h1>' in phone.get("/me").text
    assert phone.get("/").headers["location"] == "/me"
    again = phone.post("/join", {"code": code, "name": "Other"})
    assert (again.status_code, again.headers["location"]) == (303, "/me")
    seats = rows(room_file[0])["room_seats"]
    assert len(seats) == 1
    token = client.cookies["room_place"]
    assert token not in str(seats), "the file holds only the token's hash"
    # Another phone gets the next place.
    # (Other phones share the running server: their clients do not run its lifespan again.)
    other = Phone(TestClient(client.app, client=("127.0.0.2", 5000)))
    assert other.join(code).status_code == 303
    assert '<h1 id="delegate">Delegate 2</h1>' in other.get("/me").text


def test_a_phone_without_a_place_is_sent_to_the_join_page(server: tuple[TestClient, str]) -> None:
    client, _ = server
    assert client.get("/me", follow_redirects=False).headers["location"] == "/join"
    client.cookies.set("room_place", "made-up-token")
    assert client.get("/me", follow_redirects=False).headers["location"] == "/join"


def test_a_wrong_code_is_refused_after_a_delay_and_five_lock_the_address_out(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    guard = client.app.state.guard  # type: ignore[attr-defined]
    waited: list[float] = []

    async def record(seconds: float) -> None:
        waited.append(seconds)

    guard.sleep = record
    before = rows(room_file[0])
    phone = Phone(client)
    wrong = "0000" if code != "0000" else "1111"
    for _ in range(5):
        assert_refused(phone.join(wrong), 403, "That room code is not right.")
    assert waited == [FAST.wrong_code_delay] * 5, "every wrong code waits before the answer"
    assert guard.waits == waited
    # The sixth try is refused even with the right code, at once.
    locked = phone.join(code)
    assert_refused(locked, 429, "Too many tries: wait a minute.")
    assert int(locked.headers["retry-after"]) > 0
    assert len(waited) == 5
    assert rows(room_file[0]) == before


def test_wrong_codes_wait_a_second_by_default() -> None:
    assert Limits().wrong_code_delay >= 1.0
    assert Limits().wrong_codes_per_address == 5
    assert Limits().wrong_code_window == 300.0


def test_codes_typed_with_spaces_join(server: tuple[TestClient, str]) -> None:
    client, code = server
    phone = Phone(client)
    assert phone.join(f" {code[:2]} {code[2:]} ").status_code == 303


def test_joining_closed_is_refused(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    facilitate(client, room.set_joining, False)
    before = rows(room_file[0])
    assert_refused(Phone(client).join(code), 403, "Joining is closed")
    assert rows(room_file[0]) == before


def test_a_name_too_long_is_refused(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    before = rows(room_file[0])
    assert_refused(Phone(client).join(code, "N" * 41), 400, "Name is too long")
    assert rows(room_file[0]) == before


# Forged and missing cookies, tokens and origins -------------------------------------------------


def test_forged_or_missing_csrf_is_refused(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    phone = Phone(client)
    phone.get(f"/join?code={code}")
    before = rows(room_file[0])
    stale = "This page is out of date"
    assert_refused(phone.post("/join", {"code": code, "csrf": "forged"}), 403, stale)
    assert_refused(phone.post("/join", {"code": code, "csrf": ""}), 403, stale)
    # Two csrf fields, one of them right, is still a forgery.
    pairs = [("code", code), ("csrf", "forged"), ("csrf", phone.csrf)]
    assert_refused(phone.post("/join", pairs), 403, stale)
    # No csrf cookie (another site's form cannot send it): refused even with a field.
    client.cookies.delete("room_csrf")
    assert_refused(phone.post("/join", {"code": code, "csrf": phone.csrf}), 403, stale)
    assert rows(room_file[0]) == before


def test_a_post_from_another_origin_is_refused(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    phone = Phone(client)
    phone.get(f"/join?code={code}")
    before = rows(room_file[0])
    response = phone.post("/join", {"code": code}, headers={"Origin": "http://evil.example"})
    assert_refused(response, 403, "Forms from other sites are refused.")
    assert rows(room_file[0]) == before
    same = phone.post("/join", {"code": code}, headers={"Origin": "http://testserver"})
    assert same.status_code == 303


def test_an_origin_of_null_still_needs_the_phones_csrf_cookie(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    """Some phone browsers send "Origin: null"; a forged form sends it too, without the cookie."""
    client, code = server
    phone = Phone(client)
    page = phone.get(f"/join?code={code}")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    before = rows(room_file[0])
    client.cookies.clear()
    forged = Phone(client).post(
        "/join", {"code": code, "csrf": token.group(1)}, headers={"Origin": "null"}
    )
    assert_refused(forged, 403, "This page is out of date: go back, reload it and try again.")
    assert rows(room_file[0]) == before
    phone = Phone(client)
    phone.get(f"/join?code={code}")
    assert phone.post("/join", {"code": code}, headers={"Origin": "null"}).status_code == 303


def test_a_forged_or_freed_place_cannot_send(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    facilitate(client, room.set_activity, RoomActivity.PAIN_POINTS)
    phone = Phone(client)
    phone.get("/join")
    before = rows(room_file[0])
    assert_refused(phone.post("/pain-points", {"text": "x"}), 403, "join first")
    client.cookies.set("room_place", "forged-token-of-nobody")
    assert_refused(phone.post("/pain-points", {"text": "x"}), 403, "join first")
    assert rows(room_file[0]) == before
    client.cookies.delete("room_place")
    phone.join(code)
    seat = facilitate(client, room.seats)[0]
    facilitate(client, room.free_seat, seat.id)
    before = rows(room_file[0])
    assert_refused(phone.post("/pain-points", {"text": "x"}), 403, "join first")
    assert rows(room_file[0]) == before


# Pain points -------------------------------------------------------------------------------------


def test_a_pain_point_from_a_phone_is_in_the_file_marked_as_from_the_room(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    phone = Phone(client)
    phone.join(code, "Ann")
    assert 'id="pain-point-form"' not in phone.get("/me").text
    facilitate(client, room.set_activity, RoomActivity.PAIN_POINTS)
    page = phone.get("/me")
    assert '<form id="pain-point-form" method="post" action="/pain-points">' in page.text
    response = phone.post("/pain-points", {"text": "  Decisions take weeks  "})
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/me?saved=pain-point",
    )
    assert 'id="flash"' in phone.get("/me?saved=pain-point").text
    points = rows(room_file[0])["pain_points"]
    assert [(p["text"], p["origin"], p["raised_by"]) for p in points] == [
        ("Decisions take weeks", "room", "1")
    ]


def test_pain_points_are_refused_when_not_open_too_long_or_empty(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    phone = Phone(client)
    phone.join(code)
    phone.get("/me")
    before = rows(room_file[0])
    assert_refused(phone.post("/pain-points", {"text": "x"}), 409, "not set to add pain points")
    assert rows(room_file[0]) == before
    facilitate(client, room.set_activity, RoomActivity.PAIN_POINTS)
    before = rows(room_file[0])
    assert_refused(phone.post("/pain-points", {"text": "   "}), 400, "empty")
    assert_refused(phone.post("/pain-points", {"text": "y" * 281}), 400, "too long")
    assert_refused(phone.post("/pain-points", {"csrf": phone.csrf}), 400, "not right")
    two = [("text", "a"), ("text", "b")]
    assert_refused(phone.post("/pain-points", two), 400, "not right")
    assert rows(room_file[0]) == before


def test_ten_kilobytes_are_refused_before_they_are_read(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    phone = Phone(client)
    phone.join(code)
    phone.get("/me")
    facilitate(client, room.set_activity, RoomActivity.PAIN_POINTS)
    before = rows(room_file[0])
    assert_refused(phone.post("/pain-points", {"text": "z" * 10_000}), 413, "too much text")
    # Sent in chunks with no length given: counted as it arrives.
    body = f"csrf={phone.csrf}&text=".encode() + b"z" * 10_000
    chunks = iter([body[:3000], body[3000:6000], body[6000:]])
    response = client.post("/pain-points", content=chunks, headers={"Content-Type": FORM})
    assert_refused(response, 413, "too much text")
    assert rows(room_file[0]) == before


def test_html_and_script_are_stored_literally_and_shown_escaped(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    phone = Phone(client)
    phone.join(code, "<i>Eve</i>")
    facilitate(client, room.set_activity, RoomActivity.PAIN_POINTS)
    phone.get("/me")
    evil = '<script>alert("x")</script> & <b>bold</b>'
    assert phone.post("/pain-points", {"text": evil}).status_code == 303
    stored = rows(room_file[0])["pain_points"][0]["text"]
    assert stored == evil
    round_id = facilitate(client, inventory_votes.open_round, "dot", budget=3, cap_per_item=3)
    facilitate(client, room.set_activity, RoomActivity.DOTS)
    page = phone.get("/me")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold" in page.text
    assert "<script>alert" not in page.text
    assert "&lt;i&gt;Eve&lt;/i&gt;" in page.text
    point = rows(room_file[0])["pain_points"][0]["id"]
    assert phone.post("/ballot/dots", {"round_id": round_id, f"dots.{point}": "2"}).is_redirect
    facilitate(client, inventory_votes.set_revealed, round_id, True)
    results = phone.get("/me").text.split('id="results"')[1]
    assert "&lt;script&gt;alert" in results and "<script>alert" not in results


# Dot votes -----------------------------------------------------------------------------------


@pytest.fixture
def dot_vote(server: tuple[TestClient, str]) -> tuple[Phone, str, list[str]]:
    """A joined phone in an open dot vote (5 dots, at most 3 on one) on three pain points."""
    client, code = server
    points = [facilitate(client, inventory.capture_pain_point, text) for text in "ABC"]
    round_id = facilitate(client, inventory_votes.open_round, "dot", budget=5, cap_per_item=3)
    facilitate(client, room.set_activity, RoomActivity.DOTS)
    phone = Phone(client)
    phone.join(code)
    phone.get("/me")
    return phone, round_id, points


def test_a_dot_ballot_is_saved_and_a_second_replaces_the_first(
    dot_vote: tuple[Phone, str, list[str]], room_file: tuple[Path, str]
) -> None:
    phone, round_id, (a, b, c) = dot_vote
    page = phone.get("/me").text
    assert '<form id="dots-form" method="post" action="/ballot/dots"' in page
    for point in (a, b, c):
        assert f'name="dots.{point}" value="0"' in page
        assert f'data-item="{point}"' in page
    response = phone.post(
        "/ballot/dots", {"round_id": round_id, f"dots.{a}": "3", f"dots.{b}": "2"}
    )
    assert (response.status_code, response.headers["location"]) == (303, "/me?saved=ballot")
    page = phone.get("/me").text
    assert f'name="dots.{a}" value="3"' in page and f'name="dots.{c}" value="0"' in page
    fields = {"round_id": round_id, f"dots.{a}": "0", f"dots.{b}": "1", f"dots.{c}": "1"}
    assert phone.post("/ballot/dots", fields).status_code == 303
    votes = live(rows(room_file[0])["pain_point_votes"])
    assert sorted((v["pain_point_id"], v["points"]) for v in votes) == sorted([(b, 1), (c, 1)])


def test_a_page_without_its_script_sends_a_ballot_of_a_long_inventory(
    dot_vote: tuple[Phone, str, list[str]], room_file: tuple[Path, str]
) -> None:
    """Without the script every pain point's field is sent: 120 of them still fit."""
    phone, round_id, (a, _, _) = dot_vote
    client = phone.client
    more = [facilitate(client, inventory.capture_pain_point, f"P{n}") for n in range(117)]
    fields = [("round_id", round_id), (f"dots.{a}", "2")]
    fields += [(f"dots.{point}", "0") for point in more]
    assert len(urlencode(fields)) > 4096
    assert phone.post("/ballot/dots", fields).status_code == 303
    votes = live(rows(room_file[0])["pain_point_votes"])
    assert [(v["pain_point_id"], v["points"]) for v in votes] == [(a, 2)]


def test_bad_dot_ballots_are_refused_and_change_nothing(
    dot_vote: tuple[Phone, str, list[str]], room_file: tuple[Path, str]
) -> None:
    phone, round_id, (a, b, _) = dot_vote
    before = rows(room_file[0])
    cases = [
        ({f"dots.{a}": "3", f"dots.{b}": "3"}, 400, "the budget is 5"),
        ({f"dots.{a}": "4"}, 400, "At most 3 dots"),
        ({f"dots.{a}": "-1"}, 400, "whole numbers"),
        ({f"dots.{a}": "1.5"}, 400, "whole numbers"),
        ({f"dots.{a}": "two"}, 400, "whole numbers"),
        ({f"dots.{a}": "99999"}, 400, "whole numbers"),
        ({"dots.not-a-pain-point": "1"}, 400, "not in this vote"),
        ({"dots.": "1"}, 400, "not right"),
        ({f"dots.{a}": "1", "participant": "someone"}, 400, "A phone votes only for its own"),
        ({f"dots.{a}": "1", "delegate": "3"}, 400, "A phone votes only for its own place."),
    ]
    for extra, status, message in cases:
        response = phone.post("/ballot/dots", {"round_id": round_id, **extra})
        assert_refused(response, status, message)
    twice = [("round_id", round_id), (f"dots.{a}", "1"), (f"dots.{a}", "1")]
    assert_refused(phone.post("/ballot/dots", twice), 400, "not right")
    assert_refused(phone.post("/ballot/dots", {f"dots.{a}": "1"}), 400, "not right")
    assert rows(room_file[0]) == before


def test_a_dot_ballot_for_a_closed_or_other_round_is_refused(
    dot_vote: tuple[Phone, str, list[str]], room_file: tuple[Path, str], server: Any
) -> None:
    phone, round_id, (a, _, _) = dot_vote
    client, _ = server
    before = rows(room_file[0])
    assert_refused(
        phone.post("/ballot/dots", {"round_id": "other", f"dots.{a}": "1"}), 409, "not open"
    )
    facilitate(client, room.set_activity, RoomActivity.PAIN_POINTS)
    before = rows(room_file[0])
    response = phone.post("/ballot/dots", {"round_id": round_id, f"dots.{a}": "1"})
    assert_refused(response, 409, "not set to dot vote")
    assert rows(room_file[0]) == before
    assert 'id="dots-form"' not in phone.get("/me").text


def test_a_merged_pain_point_is_refused_in_a_ballot(
    dot_vote: tuple[Phone, str, list[str]], room_file: tuple[Path, str], server: Any
) -> None:
    phone, round_id, (a, b, _) = dot_vote
    client, _ = server
    facilitate(client, inventory.merge_pain_points, a, [b])
    before = rows(room_file[0])
    response = phone.post("/ballot/dots", {"round_id": round_id, f"dots.{b}": "1"})
    assert_refused(response, 400, "not in this vote")
    assert rows(room_file[0]) == before


def test_revealed_results_show_ranks_and_ties(
    dot_vote: tuple[Phone, str, list[str]], server: Any
) -> None:
    phone, round_id, (a, b, c) = dot_vote
    client, _ = server
    assert phone.post(
        "/ballot/dots", {"round_id": round_id, f"dots.{a}": "2", f"dots.{b}": "2", f"dots.{c}": "1"}
    ).is_redirect
    assert 'id="results"' not in phone.get("/me").text, "hidden until revealed"
    facilitate(client, inventory_votes.set_revealed, round_id, True)
    results = phone.get("/me").text.split('id="results"')[1]
    ranks = re.findall(
        r'<span class="rank">([^<]*)</span>\s*<span class="title">([^<]*)</span>\s*'
        r'<span class="score">(\d+)',
        results,
    )
    assert ranks == [("1=", "A", "2"), ("1=", "B", "2"), ("3", "C", "1")]
    assert "shares its rank" in results


# Card picks ------------------------------------------------------------------------------------


@pytest.fixture
def card_vote(server: tuple[TestClient, str]) -> tuple[Phone, str, list[str]]:
    """A joined phone in an open pick-3 card round; returns the phone, round and card ids."""
    client, code = server
    deck = facilitate(client, live_decks)[0]
    round_id = facilitate(client, card_rounds.create_round, deck.id, "pick_n", "", 3)
    facilitate(client, room.set_activity, RoomActivity.CARDS)
    cards = [card.id for card in facilitate(client, card_rounds_cards, deck.id)]
    phone = Phone(client)
    phone.join(code)
    phone.get("/me")
    return phone, round_id, cards


def card_rounds_cards(store: WorkshopStore, deck_id: str) -> list[Any]:
    """Return a deck's cards in order."""
    from console.store.decks import deck_cards

    return deck_cards(store, deck_id)


def test_card_picks_are_saved_and_replaced(
    card_vote: tuple[Phone, str, list[str]], room_file: tuple[Path, str]
) -> None:
    phone, round_id, cards = card_vote
    page = phone.get("/me").text
    assert '<form id="cards-form" method="post" action="/ballot/cards"' in page
    assert 'id="card-search"' in page
    assert page.count('type="checkbox" name="card"') == len(cards)
    picks = [("round_id", round_id), *(("card", card) for card in cards[:3])]
    response = phone.post("/ballot/cards", picks)
    assert (response.status_code, response.headers["location"]) == (303, "/me?saved=picks")
    assert phone.get("/me").text.count(" checked>") == 3
    assert phone.post("/ballot/cards", [("round_id", round_id), ("card", cards[5])]).is_redirect
    votes = live(rows(room_file[0])["card_votes"])
    assert [v["card_id"] for v in votes] == [cards[5]]


def test_bad_card_picks_are_refused_and_change_nothing(
    card_vote: tuple[Phone, str, list[str]], room_file: tuple[Path, str], server: Any
) -> None:
    phone, round_id, cards = card_vote
    client, _ = server
    before = rows(room_file[0])
    cases = [
        ([("card", c) for c in cards[:4]], 400, "Pick at most 3"),
        ([("card", "no-such-card")], 400, "not in this round's deck"),
        ([("card", cards[0]), ("card", cards[0])], 400, "only once"),
        ([("card", cards[0]), ("participant", "p1")], 400, "A phone votes only for its own place."),
    ]
    for picks, status, message in cases:
        assert_refused(
            phone.post("/ballot/cards", [("round_id", round_id), *picks]), status, message
        )
    assert rows(room_file[0]) == before
    facilitate(client, card_rounds.set_round_open, round_id, False)
    before = rows(room_file[0])
    response = phone.post("/ballot/cards", [("round_id", round_id), ("card", cards[0])])
    assert_refused(response, 409, "closed")
    assert rows(room_file[0]) == before


# Floods and the route table ------------------------------------------------------------------


def test_a_flood_from_one_address_is_refused(room_file: tuple[Path, str]) -> None:
    path, code = room_file
    limits = Limits(posts_per_address=5, wrong_code_delay=0.0)
    with TestClient(make_app(path, limits=limits)) as client:
        facilitate(client, room.set_activity, RoomActivity.PAIN_POINTS)
        phone = Phone(client)
        phone.join(code)
        phone.get("/me")
        for number in range(4):
            assert phone.post("/pain-points", {"text": f"Point {number}"}).status_code == 303
        before = rows(path)
        flood = phone.post("/pain-points", {"text": "One too many"})
        assert_refused(flood, 429, "Too many requests")
        assert int(flood.headers["retry-after"]) >= 1
        assert rows(path) == before
        # Another address is not held back by this one.
        other = Phone(TestClient(client.app, client=("127.0.0.9", 5000)))
        assert other.join(code).status_code == 303


def test_one_place_is_limited_across_addresses(room_file: tuple[Path, str]) -> None:
    path, code = room_file
    limits = Limits(posts_per_place=3, wrong_code_delay=0.0)
    with TestClient(make_app(path, limits=limits)) as client:
        facilitate(client, room.set_activity, RoomActivity.PAIN_POINTS)
        phone = Phone(client)
        phone.join(code)
        phone.get("/me")
        for number in range(3):
            assert phone.post("/pain-points", {"text": f"Point {number}"}).status_code == 303
        assert_refused(phone.post("/pain-points", {"text": "Four"}), 429, "Too many requests")


def test_the_sliding_window_counts_only_recent_events() -> None:
    now = [0.0]
    window = SlidingWindow(2, 10.0, clock=lambda: now[0], max_keys=3)
    assert window.allow("a") and window.allow("a")
    assert not window.allow("a")
    assert window.retry_after("a") == pytest.approx(10.0)
    assert window.allow("b")
    now[0] = 10.5
    assert window.allow("a"), "events older than the window are forgotten"
    assert window.count("a") == 1
    for key in "cdef":
        window.hit(key)
    assert window.count("b") == 0, "no more than max_keys keys are kept"


def test_no_facilitator_action_is_reachable_over_http(room_file: tuple[Path, str]) -> None:
    path, code = room_file
    with TestClient(make_app(path, limits=Limits(posts_per_address=1000))) as client:
        refuse_facilitator_actions(client, code, path)


def refuse_facilitator_actions(client: TestClient, code: str, path: Path) -> None:
    """Try what a facilitator does, from a joined phone: none of it exists over HTTP."""
    phone = Phone(client)
    phone.join(code)
    phone.get("/me")
    before = rows(path)
    paths = [
        "/activity", "/room/activity", "/api/activity", "/reveal", "/round", "/rounds/close",
        "/seats", "/seats/1", "/free", "/code", "/admin", "/api/seats", "/joining", "/me",
        "/api/me", "/screen", "/healthz",
    ]  # fmt: skip
    for url in paths:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            form = {"Content-Type": FORM}
            response = client.request(method, url, content=f"csrf={phone.csrf}", headers=form)
            assert response.status_code in (404, 405), (method, url)
            assert '<p id="error"' in response.text
    assert rows(path) == before


CONTRACT = {
    ("/", "GET"),
    ("/join", "GET"),
    ("/join", "POST"),
    ("/me", "GET"),
    ("/pain-points", "POST"),
    ("/ballot/dots", "POST"),
    ("/ballot/cards", "POST"),
    ("/api/me", "GET"),
    ("/healthz", "GET"),
    ("/screen", "GET"),
    ("/screen/live", "GET"),
    ("/qr.svg", "GET"),
}
"""Every route the room answers: what phones send, and pages to read."""


def test_the_route_table_holds_only_the_contract(room_file: tuple[Path, str]) -> None:
    app = make_app(room_file[0])
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == "/static"
            continue
        assert isinstance(route, Route), route
        found |= {(route.path, method) for method in (route.methods or set()) - {"HEAD"}}
    assert found <= CONTRACT
    assert {path for path, method in found if method != "GET"} == {
        "/join",
        "/pain-points",
        "/ballot/dots",
        "/ballot/cards",
    }
    assert CONTRACT - found <= {("/screen", "GET"), ("/screen/live", "GET"), ("/qr.svg", "GET")}


def test_errors_answer_a_short_page_and_log_the_details(
    server: tuple[TestClient, str], caplog: pytest.LogCaptureFixture
) -> None:
    client, code = server
    phone = Phone(client)
    phone.join(code)

    def broken(store: WorkshopStore) -> None:
        raise RuntimeError("a bug with secret details")

    context = client.app.state.room  # type: ignore[attr-defined]
    real_call = context.call

    async def failing_call(fn: Callable[..., Any], *args: Any) -> Any:
        if getattr(fn, "__name__", "") == "load_room_view":
            return await real_call(broken)
        return await real_call(fn, *args)

    context.call = failing_call
    client.app.state.phone_views.rev = -1  # type: ignore[attr-defined]
    with caplog.at_level("ERROR", logger="console.room"):
        response = client.get("/me")
    assert_refused(response, 500, "Something went wrong")
    assert "secret details" not in response.text
    assert "a bug with secret details" in caplog.text


def test_the_stamp_changes_when_the_facilitator_changes_the_room_from_another_process(
    server: tuple[TestClient, str], room_file: tuple[Path, str]
) -> None:
    client, code = server
    phone = Phone(client)
    phone.join(code)
    page = phone.get("/me").text
    stamp = re.search(r'data-stamp="([^"]+)"', page)
    assert stamp and client.get("/api/me").json() == {"stamp": stamp.group(1)}
    with WorkshopStore.open(room_file[0], role="console") as console:
        room.set_activity(console, RoomActivity.PAIN_POINTS)
    changed = poll_until(
        lambda: client.get("/api/me").json()["stamp"] != stamp.group(1),
        10,
        lambda: client.get("/healthz"),
    )
    assert changed, "the phone's stamp follows a change made by the console"
    assert 'id="pain-point-form"' in phone.get("/me").text
    # Another phone's pain point does not make this phone reload.
    settled = client.get("/api/me").json()["stamp"]
    other = Phone(TestClient(client.app, client=("127.0.0.2", 5000)))
    other.join(code)
    other.get("/me")
    assert other.post("/pain-points", {"text": "From another phone"}).is_redirect
    assert client.get("/api/me").json()["stamp"] == settled


def test_the_page_shows_what_is_on_now_with_the_end_of_its_timebox(
    room_file: tuple[Path, str], clock: Any
) -> None:
    from datetime import datetime, timedelta

    from console.store.agenda import load_agenda, start_item, toggle_pause

    path, code = room_file
    with TestClient(make_app(path, clock=clock, limits=FAST)) as client:
        phone = Phone(client)
        phone.join(code)
        assert "The session is about to start." in phone.get("/me").text
        item = facilitate(client, load_agenda).items[0]
        facilitate(client, start_item, item.id, 600)
        clock.advance(90)
        page = phone.get("/me").text
        now = re.search(r'<section id="now".*?</section>', page, flags=re.DOTALL)
        assert now and html.escape(item.title) in now.group(0)
        ends = re.search(r'data-ends-at="([^"]+)"', now.group(0))
        assert ends and datetime.fromisoformat(ends.group(1)) == clock.now + timedelta(seconds=510)
        assert '<span id="time-left"' in now.group(0) and "08:30 left" in now.group(0)
        facilitate(client, toggle_pause)
        paused = phone.get("/me").text
        assert "data-ends-at" not in paused and "(paused)" in paused


def test_a_running_timer_does_not_make_phones_reload(room_file: tuple[Path, str]) -> None:
    from conftest import FakeClock

    from console.room.views import load_room_view
    from console.store.agenda import load_agenda, start_item

    path, _ = room_file
    clock = FakeClock()
    with WorkshopStore.open(path, clock=clock) as store:
        start_item(store, load_agenda(store).items[0].id, 600)
        first = load_room_view(store, clock)
        clock.advance(12.345)
        later = load_room_view(store, clock)
    assert first.now_on is not None and first.now_on.status == "running"
    assert first.now_on == later.now_on
    assert first.stamp == later.stamp
