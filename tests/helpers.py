"""Helpers shared by several test modules (no test module imports another)."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from conftest import make_workshop

from console.store.format import FORMAT_VERSION


def change_by_hand(path: Path, sql: str) -> None:
    """Change a workshop file with plain sqlite3, as someone at the sqlite3 prompt would."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(sql)
    finally:
        connection.close()


def _retype_participant_number(path: Path) -> None:
    """Change participants.number from INTEGER to TEXT, as `sqlite-utils transform` does."""
    from sqlite_utils import Database

    database = Database(path)
    try:
        database["participants"].transform(types={"number": str})
    finally:
        database.close()


def _sql(sql: str) -> Callable[[Path], None]:
    return lambda path: change_by_hand(path, sql)


HAND_CHANGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "dropped-column": (
        _sql("ALTER TABLE pain_points DROP COLUMN raised_by"),
        'table pain_points has no column "raised_by"',
    ),
    "changed-column-type": (
        _retype_participant_number,
        'column "number" of table participants is TEXT, not INTEGER',
    ),
    "dropped-view": (_sql("DROP VIEW card_results"), "view card_results is missing"),
    "dropped-index": (_sql("DROP INDEX pain_points_rev"), "index pain_points_rev is missing"),
    "dropped-trigger": (_sql("DROP TRIGGER takeaways_ai"), "trigger takeaways_ai is missing"),
}
"""Schema changes made by hand that the console must refuse, with what its message names."""


def changed_workshop(path: Path, change: str) -> Path:
    """Build a workshop file, then change its schema by hand (see HAND_CHANGES)."""
    make_workshop(path)
    HAND_CHANGES[change][0](path)
    return path


def schema_refusal(name: str, change: str, version: int = FORMAT_VERSION) -> str:
    """Return the one line that refuses the file `name` changed by hand with `change`."""
    return f"facilitate: {name} does not match the workshop format {version}: " + (
        f"{HAND_CHANGES[change][1]}."
    )


def journal_files(path: Path) -> list[str]:
    """Return the SQLite journal files (-wal, -shm, -journal) present beside a file."""
    return [
        f"{path.name}{suffix}"
        for suffix in ("-wal", "-shm", "-journal")
        if Path(f"{path}{suffix}").exists()
    ]


def wait_for_exit(pid: int, seconds: float, while_waiting: Callable[[], object]) -> int | None:
    """Wait for a child process to end, calling while_waiting meanwhile (e.g. to read its
    terminal so it never blocks on output); return its exit code, or None if still running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            return os.waitstatus_to_exitcode(status)
        while_waiting()
    return None


def wait_until(
    condition: Callable[[], bool], seconds: float, while_waiting: Callable[[], object]
) -> bool:
    """Call while_waiting until condition holds or the deadline passes; tell if it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        while_waiting()
    return condition()
