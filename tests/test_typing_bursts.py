"""Keys as fast as a paste, a text expander or a laggy link sends them: nothing garbled or lost.

Each test runs the real `facilitate` in a pseudo-terminal and writes whole bursts of lines with no
gap between them, then checks the file row for row and the screen against the file.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from conftest import make_workshop
from pty_console import Console

from console.store.card_rounds import create_round
from console.store.core import WorkshopStore
from console.store.decks import live_decks
from console.store.workshop import add_participants

LINES = 200
LIST_ROW = re.compile(r"\s*\d+\s+(?:\d+=?\s+\d+\s+)?(burst pain point \d{3})")
KIND_QUOTE = re.compile(r"\s+quote\s+▊")
"""The takeaways' capture line with quote as the kind of the next lines."""
QUOTE_KIND = "SELECT kind FROM takeaways WHERE text = 'a quote kept as a quote'"
LAST_TAKEAWAY = "SELECT kind || '|' || text FROM takeaways ORDER BY rowid DESC LIMIT 1"
CARD_ZZ01 = "SELECT code || '|' || title || '|' || category FROM cards WHERE code = 'ZZ01'"


def burst(console: Console, lines: list[str]) -> None:
    """Write every line and its Enter to the terminal at once, in chunks as a pty takes them.

    A pane's first visit opens on its capture line, where letters that are keys on the list
    (b, t) are text.
    """
    data = "".join(f"{line}\r" for line in lines).encode()
    for start in range(0, len(data), 1024):
        os.write(console.fd, data[start : start + 1024])
        console.read(0)  # keep the console's output flowing so it never blocks on the pty


def rows(path: Path, sql: str) -> list[str]:
    """Return the first column of a query on the workshop file."""
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute(sql)]


def pain_points(path: Path) -> list[str]:
    """Return the live pain points in the order they were captured."""
    return rows(path, "SELECT text FROM pain_points WHERE deleted_at IS NULL ORDER BY position")


def takeaways(path: Path) -> list[str]:
    """Return the live takeaways in the order they were captured."""
    return rows(path, "SELECT text FROM takeaways WHERE deleted_at IS NULL ORDER BY rowid")


def wait_for_rows(console: Console, count: int, read: callable, path: Path) -> list[str]:
    """Read the console until the file holds count new rows (or the deadline passes)."""
    console.read(60, until=lambda _screen: len(read(path)) >= count)
    return read(path)


@contextmanager
def console_on(path: Path, pane_key: str, title: str) -> Iterator[Console]:
    """The real console on path, showing the pane pane_key opens."""
    with Console([str(path)]) as console:
        console.wait_for("Agenda")
        console.send(pane_key)
        console.wait_for(title)
        yield console
        assert console.quit() == 0


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    return make_workshop(tmp_path / "ws.db")


def test_200_lines_with_no_gap_become_200_inventory_rows_exactly_as_typed(workshop: Path) -> None:
    before = pain_points(workshop)
    lines = [f"burst pain point {number:03d}" for number in range(LINES)]
    with console_on(workshop, "f3", "Inventory") as console:
        burst(console, lines)
        saved = wait_for_rows(console, len(before) + LINES, pain_points, workshop)
        assert saved == before + lines
        console.wait_for(f"{len(saved)} pain points")

        def in_file_order(shown: list[str]) -> bool:
            first = lines.index(shown[0]) if shown else 0
            return len(shown) >= 3 and shown == lines[first : first + len(shown)]

        def visible() -> list[str]:  # the list's rows: a number, then the pain point
            return [m[1] for row in console.screen.rows() if (m := LIST_ROW.match(row))]

        # The list scrolls to the newest rows while it repaints: wait until it has.
        console.read(30, until=lambda _screen: in_file_order(visible()))
        assert in_file_order(visible()), console.screen.text()


def test_200_lines_with_no_gap_become_200_takeaways_exactly_as_typed(workshop: Path) -> None:
    before = takeaways(workshop)
    lines = [f"burst takeaway {number:03d}" for number in range(LINES)]
    with console_on(workshop, "f5", "Takeaways") as console:
        burst(console, lines)
        saved = wait_for_rows(console, len(before) + LINES, takeaways, workshop)
        assert saved == before + lines
        console.wait_for(lines[-1])


def test_two_consoles_typing_bursts_at_once_keep_every_line_of_each(workshop: Path) -> None:
    before = pain_points(workshop)
    first = [f"first console {number:03d}" for number in range(LINES)]
    second = [f"second console {number:03d}" for number in range(LINES)]
    with (
        console_on(workshop, "f3", "Inventory") as one,
        console_on(workshop, "f3", "Inventory") as two,
    ):
        for start in range(0, LINES, 20):  # interleaved: both consoles type at the same time
            burst(one, first[start : start + 20])
            burst(two, second[start : start + 20])
        total = len(before) + 2 * LINES
        wait_for_rows(one, total, pain_points, workshop)
        saved = wait_for_rows(two, total, pain_points, workshop)
        assert [line for line in saved if line.startswith("first")] == first
        assert [line for line in saved if line.startswith("second")] == second
        assert len(saved) == total
        one.wait_for(f"{total} pain points")
        two.wait_for(f"{total} pain points")


def test_keys_typed_while_a_dialog_opens_land_in_its_fields_in_order(workshop: Path) -> None:
    with console_on(workshop, "f4", "Cards") as console:
        # n opens the new-card dialog; the rest is typed before it has finished opening.
        os.write(console.fd, b"nZZ01\tA card typed ahead\tA\tits description\r")
        console.read(30, until=lambda _screen: bool(rows(workshop, CARD_ZZ01)))
        # F2, then w opens the details; the new title is typed while the dialog opens.
        os.write(console.fd, b"\x1bOQwA title typed ahead\x13")
        console.wait_for("Workshop details saved")
    assert rows(workshop, CARD_ZZ01) == ["ZZ01|A card typed ahead|Attitude"]
    assert rows(workshop, "SELECT title FROM workshop") == ["A title typed ahead"]


def test_a_lock_held_by_another_program_keeps_typed_lines_and_saves_them_when_it_goes(
    workshop: Path,
) -> None:
    before = pain_points(workshop)
    with console_on(workshop, "f3", "Inventory") as console:
        with closing(sqlite3.connect(workshop, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
            burst(console, ["typed while locked", "and one more"])
            console.send(b"still typing")
            console.wait_for("Waiting for the workshop file")
            console.wait_for("2 typed lines wait")
            assert pain_points(workshop) == before  # nothing shown as saved that is not
            screen = console.screen.text()
            assert "Saved" not in screen.split("Waiting for the workshop file")[-1]
            other.execute("ROLLBACK")
        console.read(30, until=lambda screen: "Waiting for the workshop file" not in screen.text())
        console.wait_for("2 waiting lines saved")
        console.wait_for("still typing")  # what was typed since stays in the line
        assert pain_points(workshop) == [*before, "typed while locked", "and one more"]


def test_a_burst_of_card_ballots_saves_each_delegate_s_cards_exactly(workshop: Path) -> None:
    store = WorkshopStore.open(workshop)
    try:
        add_participants(store, 40)
        deck = live_decks(store)[0].id
        round_id = create_round(store, deck, "pick_n", pick_count=3)
    finally:
        store.close()
    ballots = {number: sorted({number % 9 + 1, number % 7 + 10, 20}) for number in range(1, 41)}
    lines = [f"{number}: {' '.join(map(str, cards))}" for number, cards in ballots.items()]
    with console_on(workshop, "f4", "Cards") as console:
        console.wait_for("Delegate 1 of 52")  # an open round: the ballot line has the keys
        burst(console, lines)
        console.read(60, until=lambda _screen: len(saved_ballots(workshop, round_id)) == 40)
        console.wait_for("Delegate 40 saved")
    assert saved_ballots(workshop, round_id) == {
        number: [f"ABC{card:02d}" for card in cards] for number, cards in ballots.items()
    }


def saved_ballots(path: Path, round_id: str) -> dict[int, list[str]]:
    """Return each delegate's saved cards, by code, in the file."""
    found: dict[int, list[str]] = {}
    with closing(sqlite3.connect(path)) as connection:
        for number, code in connection.execute(
            "SELECT p.number, c.code FROM card_votes v "
            "JOIN participants p ON p.id = v.participant_id "
            "JOIN cards c ON c.id = v.card_id WHERE v.round_id = ? AND v.deleted_at IS NULL "
            "ORDER BY p.number, c.code",
            [round_id],
        ):
            found.setdefault(number, []).append(code)
    return found


def test_escape_typed_just_before_a_key_leaves_the_line_and_the_key_acts(workshop: Path) -> None:
    before = pain_points(workshop)
    with console_on(workshop, "f3", "Inventory") as console:  # on the capture line
        # The terminal sends Escape and v as one Alt+v: the line keeps its text, Escape leaves
        # it for the list, and v opens a voting round, as the two keys typed one by one do.
        os.write(console.fd, b"pricing is opaque\x1bv")
        console.wait_for("New voting round")
        os.write(console.fd, b"\x1b")  # cancel the dialog: back on the list
        console.read(30, until=lambda screen: "New voting round" not in screen.text())
        os.write(console.fd, b"n\r")  # back to the line, whose text is as it was typed
        wait_for_rows(console, len(before) + 1, pain_points, workshop)
        # Escape then q in the takeaways' line: Alt+q is a key there (quotes), even in the line.
        console.send("f5")
        console.wait_for("Takeaways")
        console.wait_for("Typing: letters are text")  # a first visit opens on the line
        os.write(console.fd, b"\x1bq")
        console.read(30, until=lambda screen: any(KIND_QUOTE.match(row) for row in screen.rows()))
        os.write(console.fd, b"a quote kept as a quote\r")
        console.read(30, until=lambda _screen: bool(rows(workshop, QUOTE_KIND)))
    assert pain_points(workshop) == [*before, "pricing is opaque"]
    assert rows(workshop, QUOTE_KIND) == ["quote"]


def test_escape_and_a_key_typed_twice_at_once_never_type_a_circumflex(workshop: Path) -> None:
    before = pain_points(workshop)
    with console_on(workshop, "f3", "Inventory") as console:  # on the capture line
        # Escape n twice in one write: each leaves the line and comes back to it, its text kept.
        # The terminal's parser used to wait after "ESC n" and show it as "^n" in the line.
        os.write(console.fd, b"pricing is opaque\x1bn\x1bn and slow\r")
        wait_for_rows(console, len(before) + 1, pain_points, workshop)
        # In the takeaways' line Alt+q and Alt+a choose the kind: quote, then action.
        console.send("f5")
        console.wait_for("Takeaways")
        console.wait_for("Typing: letters are text")
        os.write(console.fd, b"\x1bq\x1baan action typed at once\r")
        console.read(30, until=lambda _screen: "an action typed at once" in takeaways(workshop))
        console.wait_for("an action typed at once")
        shown = [row for row in console.screen.rows() if "typed at once" in row]
        assert shown and not any("^" in row for row in shown), console.screen.text()
    assert pain_points(workshop) == [*before, "pricing is opaque and slow"]
    assert rows(workshop, LAST_TAKEAWAY) == ["action|an action typed at once"]
