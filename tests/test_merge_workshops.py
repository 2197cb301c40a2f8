"""Merging copies of a workshop edited on separate laptops: nothing lost, nothing doubled."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FakeClock, make_workshop
from helpers import DEADLINE, poll_until, wait_briefly
from workshops import build_realistic_workshop, copy_workshop

from console.cli import cli
from console.store.changes import Feature
from console.store.core import WorkshopStore
from console.store.export import dump_workshop, open_read_only
from console.store.merge import merge_workshops


def dump(path: Path) -> dict:
    """Return every synced row of a workshop file."""
    with open_read_only(path) as reader:
        return dump_workshop(reader)["tables"]


def digest(path: Path) -> str:
    """Return a hash of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ids(tables: dict) -> dict[str, list[str]]:
    """Return the ids of every table, sorted."""
    return {table: sorted(row["id"] for row in rows) for table, rows in tables.items()}


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path, Path, FakeClock]:
    """The master file and two copies, each then edited on its own."""
    clock = FakeClock()
    master = build_realistic_workshop(tmp_path / "master.db", clock)
    notes = copy_workshop(master, tmp_path / "notes.db")
    cofac = copy_workshop(master, tmp_path / "cofac.db")
    clock.advance(60)
    with WorkshopStore.open(notes, role="notes", clock=clock) as store, store.write() as tx:
        for n in range(3):
            tx.insert("takeaways", {"kind": "insight", "text": f"Note {n}", "captured_at": tx.now})
        first = store.query("SELECT id FROM pain_points WHERE position = 1")[0]["id"]
        tx.update("pain_points", first, {"text": "Edited on the notes laptop"})
        quote = store.query("SELECT id FROM takeaways WHERE kind = 'quote' ORDER BY rowid")[0]
        tx.soft_delete("takeaways", quote["id"])
    clock.advance(60)
    with WorkshopStore.open(master, clock=clock) as store, store.write() as tx:
        tx.insert("pain_points", {"text": "Raised late on the master", "position": 41})
        second = store.query("SELECT id FROM pain_points WHERE position = 2")[0]["id"]
        tx.update("pain_points", second, {"text": "Edited on the master"})
        tx.update(
            "pain_points",
            store.query("SELECT id FROM pain_points WHERE position = 1")[0]["id"],
            {"raised_by": "Master"},
        )
    clock.advance(60)
    with WorkshopStore.open(cofac, clock=clock) as store, store.write() as tx:
        round_id = store.query("SELECT id FROM voting_rounds WHERE title = 'Second look'")[0]["id"]
        point = store.query("SELECT id FROM pain_points WHERE position = 9")[0]["id"]
        tx.insert("pain_point_votes", {"round_id": round_id, "pain_point_id": point, "points": 4})
        second = store.query("SELECT id FROM pain_points WHERE position = 2")[0]["id"]
        tx.update("pain_points", second, {"text": "Edited later by the co-facilitator"})
    return master, notes, cofac, clock


def test_two_copies_merge_with_nothing_lost_or_doubled_twice_in_a_row(copies) -> None:
    master, notes, cofac, _clock = copies
    sources_before = {path: digest(path) for path in (notes, cofac)}
    expected = ids(dump(master))
    for source in (notes, cofac):
        for table, found in ids(dump(source)).items():
            expected[table] = sorted(set(expected[table]) | set(found))

    result = merge_workshops(master, [notes, cofac])
    merged = dump(master)
    assert ids(merged) == expected
    notes_result, cofac_result = result.sources
    assert notes_result.added == {"takeaways": 3}
    assert cofac_result.added == {"pain_point_votes": 1}
    by_position = {row["position"]: row for row in merged["pain_points"]}
    assert by_position[2]["text"] == "Edited later by the co-facilitator"
    assert by_position[41]["text"] == "Raised late on the master"
    # Pain point 1 was edited on both laptops: the master's later edit wins, and it is listed.
    assert by_position[1]["raised_by"] == "Master"
    assert by_position[1]["text"] == "Pain point number 1"
    assert any(
        d.table == "pain_points" and d.row_id == by_position[1]["id"] and d.kept == "target"
        for d in notes_result.differences
    )
    deleted = [row for row in merged["takeaways"] if row["deleted_at"]]
    assert len(deleted) == 1 and deleted[0]["kind"] == "quote"
    assert {path: digest(path) for path in (notes, cofac)} == sources_before

    again = merge_workshops(master, [notes, cofac])
    assert dump(master) == merged
    assert all(sum(source.added.values()) == 0 for source in again.sources)
    assert all(source.updated == 0 for source in again.sources)
    assert {path: digest(path) for path in (notes, cofac)} == sources_before


def test_merged_rows_are_seen_by_an_open_console(copies) -> None:
    master, notes, _cofac, clock = copies
    with WorkshopStore.open(master, clock=clock) as console:
        seen = console.current_rev()
        merge_workshops(master, [notes])
        assert console.changed_elsewhere()
        assert Feature.TAKEAWAYS in console.changed_features(seen)


def test_the_merge_command_reports_added_already_there_and_differing_rows(copies) -> None:
    master, notes, _cofac, _clock = copies
    result = CliRunner().invoke(cli, ["merge", str(master), str(notes)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{notes}: added 3 rows (3 takeaways),")
    assert "already there" in lines[0] and "differed" in lines[0]
    assert any("kept the target's later version" in line for line in lines[1:])
    second = CliRunner().invoke(cli, ["merge", str(master), str(notes)])
    assert second.stdout.startswith(f"{notes}: added 0 rows,")


def test_bad_merges_are_refused_in_one_line_without_writing(copies, tmp_path: Path) -> None:
    master, notes, _cofac, _clock = copies
    before = digest(master)
    runner = CliRunner()

    def refused(*args: str) -> str:
        result = runner.invoke(cli, ["merge", *args])
        assert result.exit_code == 1, result.stdout
        assert result.stderr.count("\n") == 1
        return result.stderr

    assert "is the target itself" in refused(str(master), str(notes), str(master))
    same = tmp_path / "." / "master.db"
    assert "is the target itself" in refused(str(master), str(same))
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 10)
    assert "not a workshop file" in refused(str(master), str(junk))
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.close()
    assert "not a workshop file" in refused(str(master), str(plain))
    newer = copy_workshop(notes, tmp_path / "newer.db")
    with sqlite3.connect(newer) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    assert "newer console" in refused(str(master), str(newer))
    other = make_workshop(tmp_path / "other.db")
    assert "another workshop" in refused(str(master), str(other))
    assert "does not exist" in refused(str(master), str(tmp_path / "missing.db"))
    assert digest(master) == before


def test_an_error_mid_merge_leaves_the_target_as_it_was(copies) -> None:
    master, notes, cofac, _clock = copies
    before = dump(master)

    def explode(source: str, table: str) -> None:
        if source.endswith("cofac.db") and table == "pain_points":
            raise RuntimeError("injected failure")

    with pytest.raises(RuntimeError):
        merge_workshops(master, [notes, cofac], progress=explode)
    assert dump(master) == before


KILLED_MERGE = """
import sys
from pathlib import Path
from console.store.merge import merge_workshops

marker = Path(sys.argv[3])

def stall(source, table):
    if table == "takeaways":
        marker.write_text("mid-merge")
        sys.stdin.read()  # the merge stays open here until the test kills it

merge_workshops(Path(sys.argv[1]), [Path(sys.argv[2])], progress=stall)
"""


def test_a_killed_merge_leaves_the_target_as_it_was(copies, tmp_path: Path) -> None:
    master, notes, _cofac, _clock = copies
    before = dump(master)
    marker = tmp_path / "marker"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_MERGE, str(master), str(notes), str(marker)],
        stdin=subprocess.PIPE,
    )
    try:
        reached = poll_until(
            lambda: marker.exists() or process.poll() is not None,
            DEADLINE,
            lambda: wait_briefly(process),
        )
        assert reached, "the merge never reached the takeaways"
        # The kill lands inside the merge: the process is still at work, stalled mid-merge.
        assert marker.exists(), f"the merge ended by itself (exit {process.returncode})"
        assert process.poll() is None, "the merge ended by itself before the kill"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert dump(master) == before
    with WorkshopStore.open(master) as store:
        assert store.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
