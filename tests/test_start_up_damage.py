"""The console paints before its file has been read whole for damage: that read runs in a child
process, and nothing is written to the file until it has answered. A damaged file is still
refused in one line with exit 1, untouched, even after the console painted and a line was typed;
on a sound file, a line typed before the answer is saved once it comes.

The read is held back by the test (a FIFO the child must open before it reads), so the console
has painted and the line is typed while the answer is still to come, every time.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import make_workshop
from helpers import (
    DEADLINE,
    between_looks,
    integrity,
    journal_files,
    poll_until,
    wait_for_exit,
)
from pty_console import ESCAPE, Console
from workshops import damaged_deep_inside

HOLD = '''
"""Hold the console's read of its file for damage until the test opens a FIFO for writing, and
tell the test when a write waits for that read's answer."""
import os

import console.store.core as core
import console.store.files as files

_folder = os.environ["FACILITATE_HOLD_DIR"]
_check_whole_file = files.check_whole_file
_wait_for_damage_check = core.WorkshopStore._wait_for_damage_check


def _held(path):
    with open(f"{_folder}/held", "w") as held:
        held.write(str(os.getpid()))
    with open(f"{_folder}/release", "rb"):
        pass  # opening blocks until the test opens the other end
    _check_whole_file(path)


def _waiting(store):
    if store.damage_check is not None:
        open(f"{_folder}/write-waits", "w").close()
    _wait_for_damage_check(store)


files.check_whole_file = _held
core.WorkshopStore._wait_for_damage_check = _waiting

import console.launch as launch  # after the patches: it takes check_whole_file by name

launch.READ_AT_ONCE_BYTES = 0  # the test's small file is read by the child as a big one is
'''


@dataclass
class Hold:
    """The read for damage of a console started meanwhile, held back until released."""

    folder: Path

    def held(self) -> bool:
        """Tell whether the child process has started the read and waits for the release."""
        return (self.folder / "held").exists() and bool((self.folder / "held").read_text())

    def write_waits(self) -> bool:
        """Tell whether the console has a write waiting for the answer."""
        return (self.folder / "write-waits").exists()

    def child(self) -> int:
        """Return the process id of the child that reads the file."""
        return int((self.folder / "held").read_text())

    def release(self) -> bool:
        """Let the read go on; tell whether it did (the child was waiting at the FIFO)."""
        try:
            descriptor = os.open(self.folder / "release", os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno == errno.ENXIO:  # nobody has the other end open yet
                return False
            raise
        os.close(descriptor)
        return True


@pytest.fixture
def hold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    """Hold the read for damage of every console the test starts."""
    folder = tmp_path / "hold"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(HOLD)
    os.mkfifo(folder / "release")
    paths = [str(folder), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    monkeypatch.setenv("FACILITATE_HOLD_DIR", str(folder))
    yield Hold(folder)


def read_briefly(console: Console) -> None:
    """Read the terminal between two looks, so the console never blocks writing to it."""
    console.read(0.05)


def gone(pid: int) -> bool:
    """Tell whether a process has ended (a zombie nobody reaped yet has ended too)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def takeaways_text(path: Path) -> list[str]:
    """Return the takeaways saved in the file."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT text FROM takeaways WHERE deleted_at IS NULL").fetchall()
    connection.close()
    return [text for (text,) in rows]


def painted_while_held(console: Console, hold: Hold) -> None:
    """Wait until the note-taker's console has painted while its read for damage is held."""
    console.wait_for("·  Takeaways", seconds=DEADLINE)
    assert poll_until(hold.held, DEADLINE, lambda: read_briefly(console)), "no read was held"


def type_line(console: Console, hold: Hold, text: str) -> None:
    """Type a line, press Enter, and wait until its save waits for the read's answer."""
    console.send(text)
    console.wait_for(text, seconds=DEADLINE)
    console.send("enter")
    assert poll_until(hold.write_waits, DEADLINE, lambda: read_briefly(console)), (
        f"the save did not wait for the answer\n{console.screen.text()}"
    )


def test_a_damaged_file_is_refused_after_the_first_paint_and_a_typed_line_is_not_written(
    tmp_path: Path, hold: Hold
) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / "workshop.db"
    damaged_deep_inside(path)
    before = path.read_bytes()
    with Console(["notes", "workshop.db"], cwd=folder) as console:
        painted_while_held(console, hold)
        type_line(console, hold, "tk-held-001")
        assert path.read_bytes() == before
        assert poll_until(hold.release, DEADLINE, lambda: read_briefly(console))
        code = wait_for_exit(console.pid, DEADLINE, lambda: read_briefly(console))
        console.alive = False
        console.drain()
    output = ESCAPE.sub("", console.output.decode("utf-8", errors="replace"))
    assert code == 1, output[-2000:]
    # The one line comes after the console has left the terminal as it found it.
    refusals = re.findall(r"facilitate: [^\r\n]*", output)
    assert len(refusals) == 1, output[-2000:]
    assert refusals[0].startswith("facilitate: workshop.db is damaged: "), refusals
    assert output.rstrip().endswith(refusals[0].rstrip()), output[-2000:]
    assert path.read_bytes() == before
    assert sorted(os.listdir(folder)) == ["workshop.db"]


def test_a_line_typed_before_the_answer_is_saved_once_the_file_passes(
    tmp_path: Path, hold: Hold
) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    path = make_workshop(folder / "workshop.db")
    with Console(["notes", "workshop.db"], cwd=folder) as console:
        painted_while_held(console, hold)
        type_line(console, hold, "tk-held-002")
        assert poll_until(hold.release, DEADLINE, lambda: read_briefly(console))
        # Shown in the list (outside the line being typed, drawn with a "▊" border) once saved.
        assert poll_until(
            lambda: any(
                "tk-held-002" in row and "▊" not in row for row in console.screen.rows()[1:]
            ),
            DEADLINE,
            lambda: read_briefly(console),
        ), console.screen.text()
        assert console.quit() == 0
    assert "tk-held-002" in takeaways_text(path)
    assert not journal_files(path)


def test_the_read_for_damage_ends_with_a_killed_console(tmp_path: Path, hold: Hold) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    path = make_workshop(folder / "workshop.db")
    with Console(["notes", "workshop.db"], cwd=folder) as console:
        painted_while_held(console, hold)
        child = hold.child()
        assert not gone(child)
        assert console.kill()
    assert poll_until(lambda: gone(child), DEADLINE, between_looks), "the child outlived it"
    assert integrity(path) == "ok"


def test_a_damaged_file_in_rollback_mode_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    # Opening a file not in WAL mode switches it to WAL, which writes its header: such a file
    # is read whole before the console opens it, and a damaged one is refused untouched.
    path = tmp_path / "workshop.db"
    make_workshop(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    damaged = bytearray(path.read_bytes())
    page_size = int.from_bytes(damaged[16:18], "big")
    damaged[-page_size:] = b"\xff" * page_size
    path.write_bytes(bytes(damaged))
    done = subprocess.run(
        [sys.executable, "-m", "console", "workshop.db"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        env={**os.environ, "TERM": "dumb"},
    )
    assert done.returncode == 1
    assert done.stderr.startswith("facilitate: workshop.db is damaged: "), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == bytes(damaged)
    assert sorted(os.listdir(tmp_path)) == ["workshop.db"]
