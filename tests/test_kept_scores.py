"""The kept score of each pain point in each round always equals its live votes added up afresh,
whatever writes the votes: ballots, hand counts, undo, the room, a merge, an import, an upgrade,
or a hand edit in another SQLite program."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import make_workshop
from workshops import build_realistic_workshop, copy_workshop

from console.domain.room import RoomActivity
from console.report.json_export import (
    parse_workshop_json,
    workshop_json_chunks,
    workshop_json_tables,
)
from console.store.core import WorkshopStore
from console.store.export import open_read_only
from console.store.importer import import_workshop
from console.store.inventory import capture_pain_point, delete_pain_point
from console.store.inventory_votes import (
    bump_hand_count,
    open_round,
    read_leading_pain_points,
    save_ballot,
    set_hand_count,
)
from console.store.merge import merge_workshops
from console.store.room import join, save_dot_ballot, set_activity

KEPT = "SELECT round_id, pain_point_id, score, voters, votes FROM pain_point_scores"
RECOUNTED = """
    SELECT round_id, pain_point_id, sum(points), count(DISTINCT participant_id), count(*)
    FROM pain_point_votes WHERE deleted_at IS NULL GROUP BY round_id, pain_point_id
"""


def kept_and_recounted(path: Path) -> tuple[set[tuple], set[tuple]]:
    """Return the file's kept scores and the same added up afresh from its live votes."""
    connection = sqlite3.connect(path)
    try:
        return set(connection.execute(KEPT)), set(connection.execute(RECOUNTED))
    finally:
        connection.close()


def assert_in_step(path: Path) -> None:
    """Check that the kept scores are the live votes added up, and that there are some."""
    kept, recounted = kept_and_recounted(path)
    assert recounted, "the workshop has no live votes: the check would prove nothing"
    assert kept == recounted


def delegates(store: WorkshopStore, count: int) -> list[str]:
    """Return the ids of the first count delegates."""
    rows = store.query("SELECT id FROM participants ORDER BY number LIMIT ?", [count])
    return [row["id"] for row in rows]


def test_ballots_hand_counts_and_undo_keep_the_scores_in_step(store: WorkshopStore) -> None:
    points = [capture_pain_point(store, f"Pain {number}") for number in range(1, 8)]
    first, second, third = delegates(store, 3)
    dots = open_round(store, "dot", budget=5, cap_per_item=3)
    save_ballot(store, dots, first, {points[0]: 3, points[1]: 2})
    save_ballot(store, dots, second, {points[0]: 1, points[2]: 3, points[3]: 1})
    save_ballot(store, dots, first, {points[1]: 3, points[4]: 2})  # entered again: replaces
    save_ballot(store, dots, third, {points[0]: 2, points[5]: 3})
    store.undo_last()  # the third delegate's ballot goes again
    assert_in_step(store.path)
    hands = open_round(store, "hand_count")
    set_hand_count(store, hands, points[0], 9)
    bump_hand_count(store, hands, points[1], 4)
    bump_hand_count(store, hands, points[1], -4)  # back to none, in two votes
    set_hand_count(store, hands, points[2], 3)
    delete_pain_point(store, points[2])  # its votes stay: the scoring leaves it out
    assert_in_step(store.path)
    scores = {row[1]: row[2:] for row in kept_and_recounted(store.path)[0] if row[0] == hands}
    assert scores[points[0]] == (9, 0, 1) and scores[points[1]] == (0, 0, 2)


def test_phone_ballots_keep_the_scores_in_step(store: WorkshopStore) -> None:
    points = [capture_pain_point(store, f"Pain {number}") for number in range(1, 5)]
    dots = open_round(store, "dot", budget=5, cap_per_item=3)
    set_activity(store, RoomActivity.DOTS)
    seat = join(store, "a-phone-token", "Ana")
    save_dot_ballot(store, seat, dots, {points[0]: 3, points[1]: 2})
    save_dot_ballot(store, seat, dots, {points[1]: 1, points[2]: 3, points[3]: 1})
    assert_in_step(store.path)
    kept = {row[1]: row[2:] for row in kept_and_recounted(store.path)[0]}
    assert points[0] not in kept and kept[points[1]] == (1, 1, 1)


def test_a_hand_edit_of_the_votes_keeps_the_scores_in_step(tmp_path: Path) -> None:
    path = build_realistic_workshop(tmp_path / "w.db")
    connection = sqlite3.connect(path)
    with connection:
        rows = connection.execute(
            "SELECT id FROM pain_point_votes WHERE deleted_at IS NULL ORDER BY rowid LIMIT 4"
        ).fetchall()
        other = connection.execute("SELECT id FROM pain_points ORDER BY position DESC").fetchone()
        connection.execute("UPDATE pain_point_votes SET points = points + 5 WHERE id = ?", rows[0])
        connection.execute(
            "UPDATE pain_point_votes SET pain_point_id = ? WHERE id = ?", [other[0], rows[1][0]]
        )
        connection.execute("DELETE FROM pain_point_votes WHERE id = ?", rows[2])
        # The same delegate's vote twice (two consoles took the ballot, then merged): one voter.
        for copy in ("copy-1", "copy-2"):
            connection.execute(
                "INSERT INTO pain_point_votes SELECT ?, round_id, pain_point_id, participant_id, "
                "points, created_at, created_by, updated_at, updated_by, rev, deleted_at "
                "FROM pain_point_votes WHERE id = ?",
                [copy, rows[0][0]],
            )
        connection.execute("DELETE FROM pain_point_votes WHERE id = 'copy-2'")
        connection.execute(
            "UPDATE pain_point_votes SET deleted_at = '2026-12-02T09:00:00+00:00' WHERE id = ?",
            rows[3],
        )
    connection.close()
    assert_in_step(path)


def test_a_merge_of_two_copies_keeps_the_scores_in_step(tmp_path: Path) -> None:
    master = build_realistic_workshop(tmp_path / "master.db")
    notes = copy_workshop(master, tmp_path / "notes.db")
    for path, text in ((master, "Only in the master"), (notes, "Only in the notes")):
        store = WorkshopStore.open(path)
        try:
            round_id = open_round(store, "hand_count", title=text)
            set_hand_count(store, round_id, capture_pain_point(store, text), 4)
        finally:
            store.close()
    merge_workshops(master, [notes])
    assert_in_step(master)
    kept, _ = kept_and_recounted(master)
    assert sum(1 for row in kept if row[2:] == (4, 0, 1)) >= 2


def test_an_imported_workshop_has_its_scores_kept(tmp_path: Path) -> None:
    source = build_realistic_workshop(tmp_path / "source.db")
    with open_read_only(source) as reader:
        data = "".join(workshop_json_chunks(workshop_json_tables(reader))).encode()
    target = tmp_path / "imported.db"
    import_workshop(target, parse_workshop_json(data, "source.json"), source="source.json")
    assert_in_step(target)
    assert kept_and_recounted(target)[0] == kept_and_recounted(source)[0]


def test_an_older_file_gets_its_scores_added_up_when_it_is_upgraded(tmp_path: Path) -> None:
    path = build_realistic_workshop(tmp_path / "w.db")
    expected = kept_and_recounted(path)[1]
    connection = sqlite3.connect(path)
    with connection:  # back to format 12, as a console before step 0013 left it
        for trigger in ("ai", "ad", "au_old", "au_new"):
            connection.execute(f"DROP TRIGGER pain_point_scores_{trigger}")
        connection.execute("DROP TABLE pain_point_scores")
        connection.execute("DELETE FROM _sqlite_migrations WHERE name LIKE '0013_%'")
        connection.execute("PRAGMA user_version = 12")
    connection.close()
    store = WorkshopStore.open(path)
    try:
        assert store.query("PRAGMA user_version")[0]["user_version"] == 13
        bump_hand_count(store, open_round(store, "hand_count"), _first_point(store), 2)
    finally:
        store.close()
    kept, recounted = kept_and_recounted(path)
    assert kept == recounted and expected <= kept


def _first_point(store: WorkshopStore) -> str:
    """Return the id of the live pain point numbered lowest."""
    rows = store.query(
        "SELECT id FROM pain_points WHERE deleted_at IS NULL AND merged_into_id IS NULL "
        "ORDER BY position LIMIT 1"
    )
    return rows[0]["id"]


def test_the_first_screen_ranks_from_the_kept_scores(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    store = WorkshopStore.open(path)
    try:
        points = [capture_pain_point(store, f"Pain {number}") for number in range(1, 6)]
        round_id = open_round(store, "hand_count")
        for point, count in zip(points, [1, 5, 2, 5, 3], strict=True):
            set_hand_count(store, round_id, point, count)
    finally:
        store.close()
    connection = sqlite3.connect(path)
    with connection:  # a score kept wrong shows through: the first screen reads nothing else
        connection.execute(
            "UPDATE pain_point_scores SET score = 99 WHERE pain_point_id = ?", [points[0]]
        )
    connection.close()
    chosen = {point.text for point in read_leading_pain_points(path, 1).points}
    assert chosen == {"Pain 1"}
