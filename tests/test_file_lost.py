"""A workshop file deleted, moved or replaced while the console runs: nothing typed is lost.

The store notices at the next write or poll (it compares the file at the path with the one it
opened), refuses every write from then on, and writes the whole workshop back from its open
connection (SQLite's backup API) with F12: to its own path when that is free, else to a path
the facilitator chooses. The pseudo-terminal tests do it all through the real command.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FakeClock, make_workshop
from helpers import notices, pilot_wait_until, poll_until, visible_text
from pty_console import Console
from textual.widgets import Input, Static

from console.store.core import (
    NOT_SAVED_FILE_LOST,
    SAVED_ONLY_IN_MEMORY,
    FileLostError,
    StoreError,
    WorkshopStore,
)
from console.store.inventory import capture_pain_point
from console.store.recovery import write_back
from console.ui.app import make_app
from console.ui.common.file_lost import FileLostBanner, WriteBackModal

F12 = b"\x1b[24~"
"""What an xterm sends for F12."""

BANNER = {
    "delete": "The workshop file was deleted or moved",
    "rename": "The workshop file was deleted or moved",
    "replace": "The workshop file was replaced by another file",
}


def texts(path: Path) -> list[str]:
    """Return the live pain points of the file at path, as a new console would read them."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT text FROM pain_points WHERE deleted_at IS NULL ORDER BY rowid"
        ).fetchall()
    finally:
        connection.close()
    return [text for (text,) in rows]


def integrity(path: Path) -> list[tuple[str]]:
    """Return SQLite's integrity check of the file."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()


def another_workshop(folder: Path) -> Path:
    """Build another workshop, with a pain point of its own, closed and self-contained."""
    path = make_workshop(folder / "other.db")
    with WorkshopStore.open(path, role="other") as other:
        capture_pain_point(other, "Someone else's pain point")
    return path


def replace_with(path: Path, replacement: Path) -> None:
    """Put a copy of another file at path, as a copy-then-rename (a save, a sync) does."""
    incoming = path.with_name("incoming.tmp")
    shutil.copy(replacement, incoming)
    os.replace(incoming, path)


def lose(path: Path, how: str) -> Path | None:
    """Make the file leave its path; return where the moved file went, if it still exists."""
    if how == "delete":
        path.unlink()
        return None
    if how == "rename":
        moved = path.with_name("moved-away.db")
        path.rename(moved)
        return moved
    replace_with(path, another_workshop(path.parent))
    return path


def leftovers(folder: Path) -> list[str]:
    """Return the temporary copies left in a folder (there must be none)."""
    return sorted(name for name in os.listdir(folder) if name.endswith((".tmp", ".tmp-journal")))


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[WorkshopStore]:
    """A workshop opened by a console, with two pain points saved."""
    path = make_workshop(tmp_path / "w.db")
    store = WorkshopStore.open(path, clock=FakeClock())
    capture_pain_point(store, "Budget frozen")
    capture_pain_point(store, "No time to think")
    yield store
    store.close()


# The store ------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["delete", "rename", "replace"])
def test_a_write_after_the_file_left_its_path_is_refused_and_the_rows_stay(
    opened: WorkshopStore, how: str
) -> None:
    path = opened.path
    lose(path, how)
    with pytest.raises(FileLostError) as refused:
        capture_pain_point(opened, "Typed after the loss")
    assert str(refused.value) == NOT_SAVED_FILE_LOST
    assert opened.check_file() == ("replaced" if how == "replace" else "gone")
    kept = [row["text"] for row in opened.query("SELECT text FROM pain_points ORDER BY rowid")]
    assert kept == ["Budget frozen", "No time to think"]


def test_a_file_that_vanishes_during_a_write_is_said_to_be_in_memory_only(
    opened: WorkshopStore,
) -> None:
    with pytest.raises(FileLostError) as error, opened.write() as transaction:
        transaction.insert("pain_points", {"text": "Saved as it vanished", "position": 3})
        opened.path.unlink()  # between the check before the write and its commit
    assert str(error.value) == SAVED_ONLY_IN_MEMORY
    assert opened.check_file() == "gone"
    written = write_back(opened, opened.path)
    assert texts(written) == ["Budget frozen", "No time to think", "Saved as it vanished"]


@pytest.mark.parametrize("how", ["delete", "rename"])
def test_write_back_puts_every_row_at_the_path_and_saving_goes_on_there(
    opened: WorkshopStore, how: str
) -> None:
    path = opened.path
    instance = opened.instance_id
    moved = lose(path, how)
    assert opened.check_file() == "gone"

    assert write_back(opened, path) == path.resolve()
    assert texts(path) == ["Budget frozen", "No time to think"]
    assert integrity(path) == [("ok",)]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert opened.check_file() is None
    capture_pain_point(opened, "After the write-back")
    assert texts(path)[-1] == "After the write-back"
    assert opened.instance_id == instance
    assert leftovers(path.parent) == []
    if moved is not None:  # the moved copy lost only its journal name, never its bytes
        assert integrity(moved) == [("ok",)]


def test_another_console_on_the_lost_file_does_not_spoil_the_file_written_back(
    opened: WorkshopStore,
) -> None:
    path = opened.path
    notes = WorkshopStore.open(path, role="notes")  # a note-taker's console, same file
    path.unlink()
    assert opened.check_file() == "gone"
    write_back(opened, path)
    capture_pain_point(opened, "Only in the file written back")
    # The note-taker still holds the old file: quitting it must not touch the new one.
    with pytest.raises(FileLostError):
        capture_pain_point(notes, "Typed in the other console")
    notes.close()
    opened.close()
    assert texts(path) == ["Budget frozen", "No time to think", "Only in the file written back"]
    assert integrity(path) == [("ok",)]


def test_a_replacement_file_is_left_alone_and_the_workshop_goes_elsewhere(
    opened: WorkshopStore,
) -> None:
    path = opened.path
    lose(path, "replace")
    replacement = path.read_bytes()
    assert opened.check_file() == "replaced"
    with pytest.raises(FileLostError):
        capture_pain_point(opened, "Not into the replacement")
    with pytest.raises(StoreError, match="already exists: choose another path"):
        write_back(opened, path)

    elsewhere = write_back(opened, path.with_name("rescued.db"))
    capture_pain_point(opened, "Into the rescued file")
    opened.close()
    assert texts(elsewhere) == ["Budget frozen", "No time to think", "Into the rescued file"]
    # The replacement keeps its own bytes and rows: this console's journal was not left for it.
    assert path.read_bytes() == replacement
    assert texts(path) == ["Someone else's pain point"]
    assert leftovers(path.parent) == []


def test_a_removed_folder_is_noticed_and_the_workshop_written_elsewhere(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "usb-stick"
    folder.mkdir()
    store = WorkshopStore.open(make_workshop(folder / "w.db"))
    try:
        capture_pain_point(store, "Budget frozen")
        shutil.rmtree(folder)
        with pytest.raises(FileLostError):
            capture_pain_point(store, "Typed after the loss")
        assert store.check_file() == "gone"
        with pytest.raises(StoreError, match="usb-stick does not exist: choose another path"):
            write_back(store, store.path)
        written = write_back(store, tmp_path / "w.db")
        capture_pain_point(store, "Saved again")
    finally:
        store.close()
    assert texts(written) == ["Budget frozen", "Saved again"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("taken.db", "taken.db already exists: choose another path."),
        ("missing/w.db", "missing does not exist: choose another path."),
        (
            "journal.db",
            "journal.db-wal is in the way (another file's journal): choose another path.",
        ),
    ],
)
def test_write_back_refuses_a_path_where_it_would_touch_another_file(
    opened: WorkshopStore, target: str, message: str
) -> None:
    folder = opened.path.parent
    (folder / "taken.db").write_bytes(b"keep me")
    (folder / "journal.db-wal").write_bytes(b"not mine")
    opened.path.unlink()
    with pytest.raises(StoreError) as error:
        write_back(opened, folder / target)
    assert str(error.value).endswith(message)
    assert (folder / "taken.db").read_bytes() == b"keep me"
    assert (folder / "journal.db-wal").read_bytes() == b"not mine"
    assert opened.check_file() == "gone"
    assert leftovers(folder) == []


# The console ----------------------------------------------------------------------------------


async def test_f12_asks_for_another_path_when_the_file_was_replaced(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    store = WorkshopStore.open(path, clock=FakeClock())
    try:
        capture_pain_point(store, "Budget frozen")
        app = make_app(store, first_pane="inventory")
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            lose(path, "replace")
            await pilot_wait_until(pilot, lambda: BANNER["replace"] in visible_text(app))

            await pilot.press("f12")
            await pilot_wait_until(pilot, lambda: "choose another path." in visible_text(app))
            assert isinstance(app.screen, WriteBackModal)
            why = app.screen.query_one("#write-back-why", Static)
            assert str(why.content) == f"{path} already exists: choose another path."
            field = app.screen.query_one("#write-back-path", Input)
            assert field.value == str(tmp_path / "w-restored.db")

            taken = tmp_path / "other.db"
            field.value = str(taken)  # taken too: the dialog stays
            await pilot.press("enter")
            refused = f"{taken} already exists: choose another path."
            await pilot_wait_until(pilot, lambda: refused in notices(app))
            assert isinstance(app.screen, WriteBackModal)

            field.value = str(tmp_path / "rescued.db")
            await pilot.press("enter")
            written = (
                f"Written back to {tmp_path / 'rescued.db'}: it holds the whole workshop; "
                "saving goes on there."
            )
            await pilot_wait_until(pilot, lambda: written in notices(app))
            assert not isinstance(app.screen, WriteBackModal)
            await pilot_wait_until(pilot, lambda: BANNER["replace"] not in visible_text(app))
            assert not app.query(FileLostBanner)

            app.query_one("#inventory-input").focus()
            await pilot.press(*"Saved again", "enter")
            await pilot_wait_until(pilot, lambda: len(texts(tmp_path / "rescued.db")) == 2)
        assert texts(tmp_path / "rescued.db") == ["Budget frozen", "Saved again"]
        assert texts(path) == ["Someone else's pain point"]
    finally:
        store.close()


async def test_escape_in_the_dialog_keeps_the_banner_and_refuses_writes(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    store = WorkshopStore.open(path, clock=FakeClock())
    try:
        app = make_app(store, first_pane="inventory")
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            lose(path, "replace")
            await pilot.press("f12")
            await pilot_wait_until(pilot, lambda: isinstance(app.screen, WriteBackModal))
            await pilot.press("escape")
            await pilot_wait_until(pilot, lambda: not isinstance(app.screen, WriteBackModal))
            await pilot_wait_until(pilot, lambda: BANNER["replace"] in visible_text(app))
            app.query_one("#inventory-input").focus()
            await pilot.press(*"Typed while lost", "enter")
            await pilot_wait_until(pilot, lambda: NOT_SAVED_FILE_LOST in notices(app))
            assert app.query_one("#inventory-input", Input).value == "Typed while lost"
        assert texts(tmp_path / "other.db") == ["Someone else's pain point"]
        assert texts(path) == ["Someone else's pain point"]
    finally:
        store.close()


async def test_quitting_while_the_file_is_lost_asks_twice(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    store = WorkshopStore.open(path, clock=FakeClock())
    try:
        app = make_app(store)
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            commands = [command.title for command in app.key_commands()]
            assert "Write back" in commands, "F12 is in the command palette by name"
            await pilot.press("f12")
            in_place = "The workshop file is in place: everything is saved to"
            await pilot_wait_until(pilot, lambda: any(n.startswith(in_place) for n in notices(app)))
            path.unlink()
            await pilot.press("ctrl+q")
            warning = "The workshop file is gone: quitting now loses this workshop."
            await pilot_wait_until(pilot, lambda: any(n.startswith(warning) for n in notices(app)))
            assert app.is_running
            await pilot.press("ctrl+q")
            await pilot_wait_until(pilot, lambda: not app.is_running)
    finally:
        store.close()


# The real command in a pseudo-terminal -------------------------------------------------------


def capture_line(console: Console) -> str:
    """Return the screen row of the capture line (drawn with a "▊" border)."""
    rows = [row for row in console.screen.rows() if "▊" in row and "pp-" in row]
    return rows[0] if rows else ""


def type_line(console: Console, text: str) -> None:
    """Type a line and Enter, as a facilitator would."""
    console.send(text.encode())
    console.send("enter")


@pytest.mark.parametrize("how", ["delete", "rename", "replace"])
def test_the_real_console_says_the_file_is_lost_refuses_and_writes_it_back(
    tmp_path: Path, how: str
) -> None:
    path = make_workshop(tmp_path / "w.db")
    with Console(["open", str(path)]) as console:
        console.wait_for("Agenda")
        console.send("f3")
        console.wait_for("0 pain points")  # the first visit opens on the capture line
        for number in (1, 2):
            type_line(console, f"pp-before-{number}")
            console.wait_for(f"{number} pain point")
        assert texts(path) == ["pp-before-1", "pp-before-2"]

        moved = lose(path, how)
        assert poll_until(
            lambda: BANNER[how] in console.screen.text(), 30, lambda: console.read(0.05)
        ), f"no banner within 1 s:\n{console.screen.text()}"

        type_line(console, "pp-after-1")
        console.wait_for("Not saved: the workshop file is gone")
        assert "pp-after-1" in capture_line(console)

        console.send(F12)
        if how == "replace":
            console.wait_for("Write the workshop back")
            console.send("enter")  # the suggested free path beside it
            target = tmp_path / "w-restored.db"
            console.wait_for("Written back to")
        else:
            target = path
            console.wait_for("Written back to w.db (its own path)")
        assert poll_until(
            lambda: BANNER[how] not in console.screen.text(), 30, lambda: console.read(0.05)
        )
        assert texts(target) == ["pp-before-1", "pp-before-2"]
        assert integrity(target) == [("ok",)]
        assert stat.S_IMODE(target.stat().st_mode) == 0o600

        console.send("enter")  # the line refused before is still there: now it saves
        console.wait_for("3 pain points")
        assert texts(target) == ["pp-before-1", "pp-before-2", "pp-after-1"]
        assert console.quit() == 0
    assert texts(target) == ["pp-before-1", "pp-before-2", "pp-after-1"]
    assert integrity(target) == [("ok",)]
    if how == "replace":
        assert moved is not None
        assert texts(path) == ["Someone else's pain point"]
