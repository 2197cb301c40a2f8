"""The real console starts the real room server by keys, and never leaves it behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import make_workshop
from helpers import between_looks, poll_until, process_running, room_answers
from pty_console import Console

CTRL_R = b"\x12"


def server_of(path: Path) -> tuple[str, int | None]:
    """Return the room server's recorded address and process id, read without writing."""
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        row = connection.execute("SELECT server_url, server_pid FROM room").fetchone()
    return (row[0], row[1]) if row else ("", None)


def test_a_console_killed_with_sigkill_leaves_no_room_server_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_workshop(tmp_path / "w.db")
    # Only this laptop: the test talks to 127.0.0.1 alone.
    monkeypatch.setenv("FACILITATE_ROOM_HOST", "127.0.0.1")
    console = Console([str(path)], cwd=tmp_path)
    try:
        console.wait_for("Agenda")
        console.send(CTRL_R)
        console.wait_for("Start the room server")
        console.send("enter")
        console.wait_for("Room open", seconds=60)
        url, pid = server_of(path)
        assert pid is not None and url.startswith("http://127.0.0.1:")
        assert poll_until(lambda: room_answers(url), 30, between_looks)
        assert console.kill(), "the console was killed while its room server ran"
        assert poll_until(lambda: not process_running(pid), 15, between_looks), (
            "the server outlived it"
        )
        assert not room_answers(url)
        assert server_of(path) == ("", None), "the server cleared its record as it closed"
    finally:
        console.kill()
