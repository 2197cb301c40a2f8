"""The schema check: a workshop file changed by hand is refused by every command that opens it,
in one line naming what differs, and is left exactly as it was."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_workshop
from helpers import (
    HAND_CHANGES,
    change_by_hand,
    changed_workshop,
    journal_files,
    schema_refusal,
    wait_for_exit,
)
from pty_console import Console

from console.store.core import WorkshopStore
from console.store.export import open_read_only
from console.store.files import StoreError
from console.store.format import (
    FORMAT_VERSION,
    SCHEMA_FINGERPRINT,
    SCHEMA_SQL_FINGERPRINT,
    STEP_NAMES,
)
from console.store.inventory import capture_pain_point
from console.store.schema import expected_schema, read_schema, sql_fingerprint

CSV = Path(__file__).parent / "data" / "bad" / "pain_points_script.csv"


def facilitate(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command in folder, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "TERM": "dumb"},
        timeout=120,
    )


def older_workshop(path: Path, version: int) -> Path:
    """Build a workshop file of an older format: only the steps up to `version` applied."""
    from sqlite_utils import Database

    from console.store.format import APPLICATION_ID
    from console.store.migrations import migrations

    later = [name for name in STEP_NAMES if int(name.split("_", 1)[0]) > version]
    database = Database(path)
    database.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    database.execute("PRAGMA journal_mode = WAL")
    migrations.apply(database, stop_before=later[0])
    database.execute(f"PRAGMA user_version = {version}")
    database.close()
    return path


# The fingerprint of the format ------------------------------------------------------------


def test_a_new_file_has_the_fingerprints_of_the_format(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    connection = sqlite3.connect(path)
    try:
        structure, text = read_schema(connection).fingerprint(), sql_fingerprint(connection)
    finally:
        connection.close()
    assert structure == expected_schema(FORMAT_VERSION).fingerprint()
    assert structure == SCHEMA_FINGERPRINT, (
        "the migrations changed the schema: set SCHEMA_FINGERPRINT in console/store/format.py "
        f"to {structure!r}"
    )
    assert text == SCHEMA_SQL_FINGERPRINT, (
        "the schema's SQL text changed: set SCHEMA_SQL_FINGERPRINT in console/store/format.py "
        f"to {text!r}"
    )


def test_the_same_structure_in_other_words_opens(tmp_path: Path) -> None:
    # As a file whose full-text triggers another sqlite-utils release wrote: other SQL text,
    # the same tables, columns, indexes, triggers and views.
    path = make_workshop(tmp_path / "w.db")
    connection = sqlite3.connect(path)
    trigger = connection.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'takeaways_ai'"
    ).fetchone()[0]
    connection.close()
    change_by_hand(
        path,
        f"DROP TRIGGER takeaways_ai; {trigger.replace('BEGIN', '/* other words */ BEGIN')};",
    )
    connection = sqlite3.connect(path)
    try:
        assert sql_fingerprint(connection) != SCHEMA_SQL_FINGERPRINT
        assert read_schema(connection).fingerprint() == SCHEMA_FINGERPRINT
    finally:
        connection.close()
    with WorkshopStore.open(path) as store:
        capture_pain_point(store, "Budget frozen")


# Every command refuses a changed file -----------------------------------------------------


@pytest.mark.parametrize("change", list(HAND_CHANGES))
def test_opening_a_file_changed_by_hand_is_refused_in_one_line(change: str, tmp_path: Path) -> None:
    path = changed_workshop(tmp_path / "w.db", change)
    before = path.read_bytes()
    result = facilitate(tmp_path, "w.db")
    assert result.stderr == schema_refusal("w.db", change) + "\n"
    assert result.returncode == 1
    assert path.read_bytes() == before
    assert journal_files(path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.db"]


COMMANDS = {
    "open": ("open", "w.db"),
    "present": ("present", "w.db"),
    "notes": ("notes", "w.db"),
    "export": ("export", "w.db", "--format", "md", "--out", "report.md"),
    "import-records": ("import", "w.db", CSV.name, "--kind", "pain-points"),
    "import-json": ("import", "w.db", "whole.json"),
    "merge-source": ("merge", "good.db", "w.db"),
    "merge-target": ("merge", "w.db", "good.db"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_that_opens_a_file_refuses_a_changed_one(
    command: str, tmp_path: Path
) -> None:
    change = list(HAND_CHANGES)[list(COMMANDS).index(command) % len(HAND_CHANGES)]
    path = changed_workshop(tmp_path / "w.db", change)
    good = make_workshop(tmp_path / "good.db")
    shutil.copy(CSV, tmp_path / CSV.name)
    exported = facilitate(tmp_path, "export", "good.db", "--format", "json", "--out", "whole.json")
    assert exported.returncode == 0, exported.stderr
    files = sorted(p.name for p in tmp_path.iterdir())
    before, good_before = path.read_bytes(), good.read_bytes()
    result = facilitate(tmp_path, *COMMANDS[command])
    assert result.stderr == schema_refusal("w.db", change) + "\n"
    assert result.returncode == 1
    assert path.read_bytes() == before
    assert good.read_bytes() == good_before
    assert journal_files(path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == files


def test_the_portfolio_skips_a_changed_file_and_says_why(tmp_path: Path) -> None:
    changed_workshop(tmp_path / "w.db", "dropped-view")
    make_workshop(tmp_path / "good.db")
    before = (tmp_path / "w.db").read_bytes()
    result = facilitate(tmp_path, "portfolio", "w.db", "good.db", "--format", "json")
    assert result.returncode == 0
    refusal = schema_refusal("w.db", "dropped-view").removeprefix("facilitate: ")
    assert f"facilitate: skipped {refusal}" in result.stderr.splitlines()
    assert '"file": "good.db"' in result.stdout
    assert '"file": "w.db"' not in result.stdout
    assert (tmp_path / "w.db").read_bytes() == before


def test_in_a_terminal_the_refusal_is_one_line_and_the_file_unchanged(tmp_path: Path) -> None:
    path = changed_workshop(tmp_path / "w.db", "dropped-column")
    before = path.read_bytes()
    with Console(["w.db"], cwd=tmp_path) as console:
        code = wait_for_exit(console.pid, 60, lambda: console.read(0.1))
        console.alive = code is None
        console.drain()
        output = console.output.decode()
    assert code == 1
    assert output == schema_refusal("w.db", "dropped-column") + "\r\n"
    assert path.read_bytes() == before
    assert journal_files(path) == []


# What the check names, and what it accepts ------------------------------------------------


def test_the_refusal_counts_the_other_differences(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    change_by_hand(path, "DROP TABLE card_pain_points")
    with pytest.raises(StoreError) as refused:
        open_read_only(path)
    assert str(refused.value) == (
        f"{path} does not match the workshop format {FORMAT_VERSION}: table card_pain_points "
        "is missing (and 4 more differences)."
    )


@pytest.mark.parametrize(
    ("sql", "difference"),
    [
        (
            "ALTER TABLE pain_points ADD COLUMN note TEXT",
            'table pain_points has an unexpected column "note"',
        ),
        (
            "ALTER TABLE pain_points RENAME COLUMN raised_by TO said_by",
            'table pain_points has no column "raised_by" (and 1 more difference)',
        ),
        (
            "DROP VIEW actions; CREATE TABLE actions (what TEXT)",
            "actions is a table, not a view",
        ),
        (
            "DROP VIEW actions; CREATE VIEW actions AS SELECT text AS what FROM takeaways",
            'view actions has no column "who" (and 6 more differences)',
        ),
        (
            "DROP INDEX pain_points_rev; CREATE INDEX pain_points_rev ON pain_points (position)",
            "index pain_points_rev indexes pain_points (position), not pain_points (rev)",
        ),
        (
            "DROP TRIGGER takeaways_au; CREATE TRIGGER takeaways_au AFTER UPDATE ON themes "
            "BEGIN SELECT 1; END",
            "trigger takeaways_au is on table themes, not takeaways",
        ),
    ],
)
def test_what_differs_is_named(tmp_path: Path, sql: str, difference: str) -> None:
    path = make_workshop(tmp_path / "w.db")
    change_by_hand(path, sql)
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        WorkshopStore.open(path)
    assert str(refused.value) == (
        f"{path} does not match the workshop format {FORMAT_VERSION}: {difference}."
    )
    assert path.read_bytes() == before


def test_additions_that_cannot_break_the_console_are_accepted(tmp_path: Path) -> None:
    from sqlite_utils import Database

    path = make_workshop(tmp_path / "w.db")
    change_by_hand(
        path,
        """
        CREATE TABLE my_notes (id INTEGER PRIMARY KEY, note TEXT);
        CREATE INDEX pain_points_text ON pain_points (text);
        CREATE VIEW open_actions AS SELECT what FROM actions WHERE status = 'open';
        ALTER TABLE undo_log ADD COLUMN reviewed INTEGER;
        ANALYZE;
        """,
    )
    database = Database(path)
    database["pain_points"].enable_fts(["text"], create_triggers=True)  # search in Datasette
    database.close()
    with WorkshopStore.open(path) as store:
        capture_pain_point(store, "Budget frozen")
        assert store.query("SELECT count(*) AS n FROM pain_points_fts")[0]["n"] >= 1
    with open_read_only(path) as reader:
        assert reader.query("SELECT text FROM pain_points WHERE text = 'Budget frozen'")


def test_a_file_of_an_older_format_is_checked_against_that_format(tmp_path: Path) -> None:
    good = older_workshop(tmp_path / "old.db", 5)
    with WorkshopStore.open(good) as store:  # upgraded on open
        assert store.query("PRAGMA user_version")[0]["user_version"] == FORMAT_VERSION
    changed = older_workshop(tmp_path / "changed.db", 5)
    change_by_hand(changed, "DROP INDEX takeaways_captured_at")
    before = changed.read_bytes()
    with pytest.raises(StoreError) as refused:
        WorkshopStore.open(changed)
    assert str(refused.value) == (
        f"{changed} does not match the workshop format 5: index takeaways_captured_at is missing."
    )
    assert changed.read_bytes() == before


def test_a_file_whose_creation_was_cut_short_is_still_built_on_open(tmp_path: Path) -> None:
    from console.store.format import APPLICATION_ID

    path = tmp_path / "w.db"
    change_by_hand(path, f"PRAGMA journal_mode = WAL; PRAGMA application_id = {APPLICATION_ID};")
    with WorkshopStore.open(path) as store:
        assert store.query("PRAGMA user_version")[0]["user_version"] == FORMAT_VERSION


def test_a_refused_file_another_program_has_open_keeps_its_journal(tmp_path: Path) -> None:
    path = changed_workshop(tmp_path / "w.db", "dropped-view")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("SELECT count(*) FROM pain_points").fetchone()
        assert journal_files(path) == ["w.db-wal", "w.db-shm"]
        with pytest.raises(StoreError, match="view card_results is missing"):
            WorkshopStore.open(path)
        # The other program's journal is left alone: it still reads and writes.
        assert journal_files(path) == ["w.db-wal", "w.db-shm"]
        other.execute("UPDATE revision SET rev = 41")
        assert other.execute("SELECT rev FROM revision").fetchone()[0] == 41
    finally:
        other.close()
