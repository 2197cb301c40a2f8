"""A process that has the workshop open never cancels its own SQLite locks on the file.

POSIX locks belong to a process, and closing any descriptor of a file drops them all. If the
console read the file raw while its store had it open, another program closing the file could
delete the journal the console still writes to: its later lines would be seen by nobody, and
lost to a kill -9.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FakeClock, make_workshop
from helpers import journal_files, notices, screen_text, wait_until

from console.store.core import WorkshopStore
from console.store.durable import settled_write
from console.store.export import open_read_only
from console.store.files import (
    check_existing_file,
    check_readable_workshop,
    open_in_sqlite,
    uses_write_ahead_log,
)
from console.store.inventory import capture_pain_point
from console.ui.app import make_app


def _read_only_export(path: Path, store: WorkshopStore) -> None:
    with open_read_only(path) as reader:  # F9's report and the inventory's load worker
        reader.query("SELECT count(*) FROM pain_points")


def _settled_write(path: Path, store: WorkshopStore) -> None:
    with settled_write(store, not_saved="nothing saved", not_settled="not folded in") as writing:
        writing.insert("pain_points", {"text": "Imported", "position": 1_000})


SAME_PROCESS_LOOKS: dict[str, Callable[[Path, WorkshopStore], object]] = {
    "read-only export": _read_only_export,
    "check_readable_workshop": lambda path, store: check_readable_workshop(path),
    "check_existing_file": lambda path, store: check_existing_file(path),
    "uses_write_ahead_log": lambda path, store: uses_write_ahead_log(path),
    "settled write (import, merge)": _settled_write,
}


def _open_and_close_elsewhere(path: Path) -> None:
    """Open the file in another process, read it and close it, as a note-taker's console ending."""
    script = (
        "import sqlite3, sys\n"
        "connection = sqlite3.connect(sys.argv[1])\n"
        "connection.execute('SELECT count(*) FROM sqlite_master').fetchone()\n"
        "connection.close()\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=60)


def _texts_seen_elsewhere(path: Path) -> list[str]:
    """Return the live pain points another process reads from the file."""
    script = (
        "import sqlite3, sys\n"
        "connection = sqlite3.connect(sys.argv[1])\n"
        "rows = connection.execute("
        "'SELECT text FROM pain_points WHERE deleted_at IS NULL ORDER BY text').fetchall()\n"
        "print('\\n'.join(row[0] for row in rows))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.splitlines()


@pytest.mark.parametrize("look", list(SAME_PROCESS_LOOKS), ids=list(SAME_PROCESS_LOOKS))
def test_the_journal_outlives_another_program_closing_the_file(tmp_path: Path, look: str) -> None:
    path = make_workshop(tmp_path / "w.db")
    with WorkshopStore.open(path) as store:
        capture_pain_point(store, "Typed before")
        SAME_PROCESS_LOOKS[look](path, store)
        _open_and_close_elsewhere(path)

        assert sorted(journal_files(path)) == ["w.db-shm", "w.db-wal"]
        capture_pain_point(store, "Typed after")
        assert "Typed after" in _texts_seen_elsewhere(path)


def test_a_file_is_counted_open_only_while_a_connection_is(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    assert not open_in_sqlite(path)
    with WorkshopStore.open(path):
        assert open_in_sqlite(path)
        with open_read_only(path):
            assert open_in_sqlite(path)
        assert open_in_sqlite(path)
    assert not open_in_sqlite(path)
    (tmp_path / "w.db").write_bytes(b"")  # a raw check again, once nothing has the file open
    with pytest.raises(Exception, match="is empty"):
        check_readable_workshop(path)


async def test_after_f9_a_line_typed_is_seen_by_others_once_another_console_has_closed(
    tmp_path: Path,
) -> None:
    path = make_workshop(tmp_path / "leaders.db")
    with WorkshopStore.open(path, clock=FakeClock()) as store:
        app = make_app(store, first_pane="inventory", clock=store.clock)
        async with app.run_test(size=(140, 40), notifications=True) as pilot:
            await pilot.press("f9")
            await wait_until(
                lambda: any(n.startswith("Report written:") for n in notices(app)),
                "the report to be written",
            )
            _open_and_close_elsewhere(path)  # a note-taker's console ends
            await pilot.press(*"Meetings without decisions", "enter")
            await wait_until(
                lambda: "Meetings without decisions" in screen_text(app), "the saved row"
            )
            assert "Meetings without decisions" in _texts_seen_elsewhere(path)
            assert sorted(journal_files(path)) == ["leaders.db-shm", "leaders.db-wal"]
