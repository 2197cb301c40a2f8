"""Example workshops the tests share: a realistic two-day workshop built by store writes, and
files that are not workshops at all.

Two days, 40 pain points (one merged into another), 3 themes (a fourth merged into one),
a revealed and a later hidden pain-point round, two card rounds and 30 takeaways.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta
from pathlib import Path

from conftest import FakeClock, make_workshop

from console.store.core import WorkshopStore, iso
from console.store.format import FORMAT_VERSION

SCRIPT = "<script>alert('x')</script>"
FORMULA = '=HYPERLINK("http://evil.example","click")'

# position -> [(delegate number, points)] in the revealed round.
VOTES: dict[int, list[tuple[int, int]]] = {
    7: [(1, 3), (2, 3), (3, 3)],
    3: [(4, 3), (5, 2)],
    40: [(6, 2)],  # A variant of #3: counts toward #3.
    12: [(7, 3), (8, 3), (9, 1)],
    30: [(12, 2), (1, 2), (2, 2)],
    25: [(10, 3), (11, 3)],
    26: [(3, 2), (4, 2)],
    1: [(5, 1)],
    2: [(6, 1)],
    31: [(7, 1)],
}
EXPECTED_TOP = [7, 3, 12, 30, 25, 26]
"""#3 and #12 tie on 7 points and 3 voters (capture order decides); #30 beats #25 on voters."""

THEME_OF = {
    **dict.fromkeys(range(1, 15), "People and culture"),
    **dict.fromkeys(range(15, 26), "Strategic fit"),
    **dict.fromkeys((26, 27), "Value and priorities"),
    **dict.fromkeys(range(28, 40), "Ways of working"),
}
EXPECTED_THEMES = ["People and culture", "Strategic fit", "Ways of working"]

CARD_PICKS = {"ABC01": 8, "ABC02": 6, "ABC05": 4, "ABC11": 3, "ABC07": 1}
"""Delegates picking each card in the revealed top-3 round."""

TAKEAWAYS: list[dict[str, object]] = [
    *(
        {"kind": "quote", "text": text, "speaker": speaker}
        for text, speaker in [
            ("Improving daily work is more important than doing daily work", "Mike Orzen"),
            ("It might as well be me", "Gene Kim"),
            ("Technical debt is like financial debt", "Gene Kim"),
            ("We also need to start marketing our value to the business", "Gene Kim"),
            ("Blameless post-mortems unlock open sharing", "Gene Kim"),
            (f"Beware of {SCRIPT} and </script> in notes", "A delegate"),
        ]
    ),
    *(
        {"kind": "insight", "text": f"Insight number {n} about ways of working"}
        for n in range(1, 11)
    ),
    *({"kind": "decision", "text": f"Decision {n}: run a follow-up session"} for n in range(1, 5)),
    *({"kind": "question", "text": f"Open question {n} on ITIL and DevOps"} for n in range(1, 5)),
    {
        "kind": "action",
        "text": "Send the report to all delegates",
        "owner": "Ann",
        "due_on": "2026-11-30",
        "action_status": "open",
        "done_means": "Everyone has it",
    },
    {
        "kind": "action",
        "text": "Book the follow-up workshop",
        "owner": "Bob",
        "due_on": "2026-12-15",
        "action_status": "open",
    },
    {
        "kind": "action",
        "text": "Share the ABC card results",
        "owner": "Cleo",
        "due_on": "2026-11-28",
        "action_status": "done",
    },
    {"kind": "action", "text": FORMULA, "owner": "@mallory", "action_status": "open"},
    {"kind": "action", "text": "Drop the old survey", "owner": "Dan", "action_status": "dropped"},
    {
        "kind": "action",
        "text": "Draft the blog post",
        "owner": "Eve",
        "due_on": "2026-11-29",
        "action_status": "open",
    },
]
assert len(TAKEAWAYS) == 30


def build_realistic_workshop(path: Path, clock: FakeClock | None = None) -> Path:
    """Create the realistic workshop at path (closed again) and return the path."""
    make_workshop(path)
    clock = clock or FakeClock()
    store = WorkshopStore.open(path, clock=clock)
    try:
        _fill(store, clock)
    finally:
        store.close()
    return path


def _fill(store: WorkshopStore, clock: FakeClock) -> None:
    """Fill the template's workshop with two days of results."""
    ids = lambda sql, *p: {r["k"]: r["id"] for r in store.query(sql, p)}  # noqa: E731
    delegates = ids("SELECT number AS k, id FROM participants")
    themes = ids("SELECT name AS k, id FROM themes")
    cards = ids("SELECT code AS k, id FROM cards")
    days = ids("SELECT number AS k, id FROM agenda_days")
    areas = ids("SELECT name AS k, id FROM competence_areas")
    with store.write() as tx:
        workshop_id = store.query("SELECT id FROM workshop")[0]["id"]
        tx.update(
            "workshop",
            workshop_id,
            {
                "event": "itSMF USA Fusion 18",
                "venue": "St. Louis",
                "starts_on": "2026-11-26",
                "ends_on": "2026-11-27",
            },
        )
        tx.update("agenda_days", days[1], {"date": "2026-11-26"})
        tx.update("agenda_days", days[2], {"date": "2026-11-27"})
        for index, item in enumerate(
            store.query(
                "SELECT i.id, i.planned_minutes FROM agenda_items i "
                "JOIN agenda_days d ON d.id = i.day_id WHERE d.number = 1 ORDER BY i.position"
            )
        ):
            actual = (item["planned_minutes"] + (index % 3) * 5) * 60
            tx.update("agenda_items", item["id"], {"status": "done", "actual_seconds": actual})
        running = store.query(
            "SELECT i.id FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id "
            "WHERE d.number = 2 ORDER BY i.position LIMIT 1"
        )[0]["id"]
        tx.update("agenda_items", running, {"status": "running"})
        tx.insert(
            "timer_events",
            {
                "agenda_item_id": running,
                "kind": "start",
                "at": iso(clock() - timedelta(minutes=10)),
                "seconds": 1200,
            },
        )
        tx.update(
            "themes", themes["Value and priorities"], {"merged_into_id": themes["Strategic fit"]}
        )
        points: dict[int, str] = {}
        for position in range(1, 41):
            text = f"Pain point number {position}"
            if position == 5:
                text = f"Tools first {SCRIPT}"
            points[position] = tx.insert(
                "pain_points",
                {
                    "text": text,
                    "theme_id": themes[THEME_OF[position]] if position in THEME_OF else None,
                    "raised_by": f"Delegate {position % 12 + 1}",
                    "position": position,
                },
            )
        tx.update("pain_points", points[40], {"merged_into_id": points[3]})
        revealed = tx.insert(
            "voting_rounds",
            {
                "title": "Score the pain points",
                "target": "pain_points",
                "method": "dot",
                "status": "closed",
                "revealed_at": tx.now,
                "position": 0,
            },
        )
        hidden = tx.insert(
            "voting_rounds",
            {"title": "Second look", "target": "pain_points", "method": "dot", "position": 1},
        )
        for position, ballots in VOTES.items():
            for number, amount in ballots:
                tx.insert(
                    "pain_point_votes",
                    {
                        "round_id": revealed,
                        "pain_point_id": points[position],
                        "participant_id": delegates[number],
                        "points": amount,
                    },
                )
        tx.insert(
            "pain_point_votes",
            {
                "round_id": hidden,
                "pain_point_id": points[39],
                "participant_id": delegates[1],
                "points": 50,
            },
        )
        deck = store.query("SELECT id FROM decks")[0]["id"]
        top3 = tx.insert(
            "voting_rounds",
            {
                "title": "ABC cards: top 3",
                "target": "cards",
                "deck_id": deck,
                "method": "pick_n",
                "status": "closed",
                "revealed_at": tx.now,
                "position": 2,
            },
        )
        recognise = tx.insert(
            "voting_rounds",
            {
                "title": "Cards we recognise",
                "target": "cards",
                "deck_id": deck,
                "method": "approval",
                "position": 3,
            },
        )
        for code, picks in CARD_PICKS.items():
            for number in range(1, picks + 1):
                tx.insert(
                    "card_votes",
                    {
                        "round_id": top3,
                        "card_id": cards[code],
                        "participant_id": delegates[number],
                        "points": 1,
                    },
                )
        for code in ("ABC05", "ABC09"):
            tx.insert(
                "card_votes",
                {
                    "round_id": recognise,
                    "card_id": cards[code],
                    "participant_id": delegates[2],
                    "points": 1,
                },
            )
        tx.insert("card_pain_points", {"card_id": cards["ABC01"], "pain_point_id": points[7]})
        tx.insert("card_pain_points", {"card_id": cards["ABC02"], "pain_point_id": points[25]})
        for index, values in enumerate(TAKEAWAYS):
            clock.advance(30)
            takeaway = tx.insert(
                "takeaways",
                {"speaker": "", "owner": "", "captured_at": iso(clock()), **values},
            )
            if index % 3 == 0:
                tx.insert(
                    "takeaway_themes",
                    {"takeaway_id": takeaway, "theme_id": themes["People and culture"]},
                )
            if index % 4 == 0:
                tx.insert(
                    "takeaway_competence_areas",
                    {"takeaway_id": takeaway, "competence_area_id": areas["Courage"]},
                )
            if index % 5 == 0:
                tx.insert(
                    "takeaway_competence_areas",
                    {
                        "takeaway_id": takeaway,
                        "competence_area_id": areas["Business Value Optimization"],
                    },
                )


def copy_workshop(source: Path, target: Path) -> Path:
    """Copy a closed or open workshop file safely (the backup API), as a note-taker would."""
    import sqlite3

    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
    return target


# Files that are not (usable) workshops ------------------------------------------------------


def random_bytes(path: Path) -> None:
    """Write bytes that are no SQLite file."""
    path.write_bytes(os.urandom(8192))


def empty(path: Path) -> None:
    """Write an empty file."""
    path.write_bytes(b"")


def truncated(path: Path) -> None:
    """Write a workshop cut to a third of its length."""
    make_workshop(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def corrupt(path: Path) -> None:
    """Write a workshop whose first pages are noise."""
    make_workshop(path)
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(3996)
    path.write_bytes(bytes(data))


def damaged_deep_inside(path: Path) -> None:
    """Write a workshop whose last page is overwritten."""
    make_workshop(path)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    last_page = len(data) // page_size - 1
    data[last_page * page_size : (last_page + 1) * page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))


def foreign(path: Path) -> None:
    """Write another program's SQLite database."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        connection.execute("INSERT INTO invoices (total) VALUES (12.5)")
    connection.close()


def newer(path: Path) -> None:
    """Write a workshop of a format newer than this console reads."""
    make_workshop(path)
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {FORMAT_VERSION + 1}")
    connection.close()
