"""An unexpected error anywhere ends with one line on stderr, its traceback in a private log
beside the workshop file, a non-zero exit, and every committed row still in the file."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import make_workshop
from helpers import journal_files, poll_until, wait_for_exit
from pty_console import Console

import console.launch as launch
from console.store.core import WorkshopStore
from console.ui.app import ConsoleApp, make_app
from console.ui.common.crash import ReportingApp
from console.ui.projector.app import ProjectorApp, make_projector_app

LEAVE_ALTERNATE_SCREEN = "\x1b[?1049l"
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x07")
"""Terminal control sequences, and the bell Textual rings as an error ends the app."""


def in_a_headless_terminal(app: Any, *keys: str) -> Any:
    """Make app.run() run without a terminal, pressing keys once it is ready."""
    run = app.run

    async def press(pilot: Any) -> None:
        await pilot.press(*keys)

    app.run = lambda: run(headless=True, size=(120, 36), auto_pilot=press if keys else None)
    return app


def corrupt_agenda_item(path: Path) -> None:
    """As another program would: give an agenda item's actual time a text value, committed
    like a console's action (new revision), so the agenda pane cannot compute its schedule."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        rev = connection.execute("UPDATE revision SET rev = rev + 1 RETURNING rev").fetchone()[0]
        connection.execute(
            "UPDATE agenda_items SET actual_seconds = 'abc', status = 'done', rev = ? "
            "WHERE id = (SELECT id FROM agenda_items ORDER BY position LIMIT 1)",
            [rev],
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Read rows from the file as another program would, after the console has gone."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def assert_private_log(log: Path, *contains: str) -> str:
    """Check the error log is the owner's only and holds the traceback; return its text."""
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text("utf-8")
    assert "Traceback (most recent call last):" in text
    for part in contains:
        assert part in text, part
    return text


@pytest.fixture(autouse=True)
def _no_workshop_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts like a fresh process: no workshop file known to the launcher yet."""
    monkeypatch.setattr(launch, "_workshop", None)


# In-process: the console and the projector ----------------------------------------------


def test_an_error_in_the_running_console_is_logged_beside_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_help(self: ConsoleApp) -> None:
        raise RuntimeError("the help screen is broken")

    monkeypatch.setattr(ConsoleApp, "action_help", broken_help)
    path = make_workshop(tmp_path / "w.db")
    store = WorkshopStore.open(path)
    app: list[ConsoleApp] = []

    def factory() -> ConsoleApp:
        app.append(make_app(store))
        # The pain point is typed and saved, then F1 meets the broken help screen.
        return in_a_headless_terminal(app[0], "f3", *"Budget frozen", "enter", "f1")

    with pytest.raises(SystemExit) as ended:
        launch.run_app(store, factory)
    assert ended.value.code == 1
    log = Path(f"{path}.error.log")
    assert capsys.readouterr().err == (
        f"facilitate: unexpected error: RuntimeError: the help screen is broken; details in {log}\n"
    )
    assert app[0].return_code == 1
    assert journal_files(path) == []  # closed cleanly: the journal is folded into the file
    assert_private_log(log, "RuntimeError: the help screen is broken", "broken_help")
    assert rows(path, "SELECT text FROM pain_points") == [("Budget frozen",)]
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_an_error_in_the_projector_goes_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_tick(self: ProjectorApp) -> None:
        raise KeyError("clock")

    monkeypatch.setattr(ProjectorApp, "tick", broken_tick)
    path = make_workshop(tmp_path / "w.db")
    store = WorkshopStore.open(path, role="projector")
    with pytest.raises(SystemExit) as ended:
        launch.run_app(store, lambda: in_a_headless_terminal(make_projector_app(store)))
    assert ended.value.code == 1
    log = Path(f"{path}.error.log")
    assert capsys.readouterr().err == (
        f"facilitate: unexpected error: KeyError: 'clock'; details in {log}\n"
    )
    assert_private_log(log, "KeyError: 'clock'", "broken_tick")
    assert journal_files(path) == []


class FailingWorker(ReportingApp):
    """An app whose background work fails."""

    def on_mount(self) -> None:
        self.run_worker(self.count, exclusive=True)

    async def count(self) -> None:
        raise ZeroDivisionError("no delegates")


async def test_a_failed_worker_is_reported_as_its_own_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = FailingWorker()
    with pytest.raises(Exception, match="no delegates"):
        async with app.run_test() as pilot:
            await pilot.pause()
    assert isinstance(app.unexpected_error, ZeroDivisionError)
    assert app.return_code == 1
    assert "Traceback" not in capsys.readouterr().err  # Textual's own dump stays off


# In-process: where the log goes -----------------------------------------------------------


def crash_templates(monkeypatch: pytest.MonkeyPatch, error: Exception) -> Callable[[], None]:
    """Make `facilitate templates` fail with error; return a function running that command."""
    import console.store.templates as templates

    def broken() -> list[str]:
        raise error

    monkeypatch.setattr(templates, "shipped_template_names", broken)
    monkeypatch.setattr(sys, "argv", ["facilitate", "templates"])
    return launch.main


def test_without_a_workshop_the_log_goes_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    run = crash_templates(monkeypatch, LookupError("no template\nfolder"))
    for _ in range(2):
        with pytest.raises(SystemExit) as ended:
            run()
        assert ended.value.code == 1
        assert capsys.readouterr().err == (
            "facilitate: unexpected error: LookupError: no template folder; "
            "details in facilitate-error.log\n"
        )
    text = assert_private_log(tmp_path / "facilitate-error.log", "command: facilitate templates")
    # Appended: one entry per error, each with its time.
    assert len(re.findall(r"^--- \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", text, re.MULTILINE)) == 2


def test_when_the_folder_cannot_take_the_log_it_goes_to_the_user_log_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "facilitate-error.log").mkdir()  # in the way
    run = crash_templates(monkeypatch, RuntimeError("boom"))
    with pytest.raises(SystemExit):
        run()
    log = tmp_path / "state" / "facilitation-console" / "log" / "facilitate-error.log"
    assert capsys.readouterr().err == (
        f"facilitate: unexpected error: RuntimeError: boom; details in {log}\n"
    )
    assert_private_log(log, "RuntimeError: boom")


# Real processes ---------------------------------------------------------------------------


def test_the_real_console_in_a_terminal_ends_cleanly_and_keeps_every_row(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    with Console(["w.db"], cwd=tmp_path) as console:
        console.wait_for("Agenda")
        console.send("f3")
        console.wait_for("Inventory")
        console.send("Budget frozen\r")
        console.wait_for("Budget frozen")
        assert poll_until(
            lambda: rows(path, "SELECT text FROM pain_points") == [("Budget frozen",)],
            30,
            lambda: console.read(0.1),
        )
        corrupt_agenda_item(path)
        code = wait_for_exit(console.pid, 30, lambda: console.read(0.1))
        console.alive = code is None
        console.drain()
        output = console.output.decode("utf-8", "replace")
    assert code == 1
    after = output.rsplit(LEAVE_ALTERNATE_SCREEN, 1)[1]
    log = "w.db.error.log"
    assert ESCAPES.sub("", after) == (
        f"facilitate: unexpected error: TypeError: must be real number, not str; details in {log}"
        "\r\n"
    )
    assert "Traceback" not in output
    assert journal_files(path) == []  # closed cleanly: the journal is folded into the file
    assert_private_log(tmp_path / log, "TypeError: must be real number, not str")
    assert rows(path, "SELECT text FROM pain_points") == [("Budget frozen",)]
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_the_real_note_takers_console_goes_the_same_way(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    corrupt_agenda_item(path)
    result = subprocess.run(
        [sys.executable, "-m", "console", "notes", "w.db"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "TERM": "dumb"},
        timeout=120,
    )
    assert result.returncode == 1
    # Textual draws on stderr: the last line, after the terminal is restored, is the report.
    after = result.stderr.rsplit(LEAVE_ALTERNATE_SCREEN, 1)[1]
    assert ESCAPES.sub("", after) == (
        "facilitate: unexpected error: TypeError: must be real number, not str; "
        "details in w.db.error.log\n"
    )
    assert "Traceback" not in result.stderr
    assert_private_log(tmp_path / "w.db.error.log", "command: facilitate notes w.db")


def test_a_real_command_that_fails_unexpectedly_says_one_line(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    with sqlite3.connect(path) as connection:  # a program stored bytes in a text column
        connection.execute("UPDATE agenda_items SET title = x'00ff'")
    connection.close()
    before = rows(path, "SELECT * FROM agenda_items ORDER BY id")
    result = subprocess.run(
        [sys.executable, "-m", "console", "export", "w.db", "--format", "json", "--out", "w.json"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "facilitate: unexpected error: TypeError: Object of type bytes is not JSON "
        "serializable; details in w.db.error.log\n"
    )
    assert_private_log(tmp_path / "w.db.error.log", "command: facilitate export w.db")
    assert not (tmp_path / "w.json").exists()
    assert rows(path, "SELECT * FROM agenda_items ORDER BY id") == before
