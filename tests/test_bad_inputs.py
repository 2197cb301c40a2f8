"""The bad-input corpus (tests/bad_corpus.py): each case's exact message, and nothing changed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bad_corpus import CLI_CASES, UI_CASES, CliCase, UiCase, hold_lock, live_dump
from conftest import FakeClock, make_workshop
from helpers import limit_file_size, notices, pilot_wait_until, visible_text
from textual.widgets import DataTable

from console.store.core import WorkshopStore
from console.store.format import FORMAT_VERSION
from console.ui.app import make_app

LOCKED = [case for case in CLI_CASES if case.lock]
PLAIN = [case for case in CLI_CASES if not case.lock]


def facilitate(folder: Path, *args: str, file_limit: int | None = None) -> subprocess.Popen[str]:
    """Start the real command in the case's folder, as a user would run it."""
    return subprocess.Popen(
        [sys.executable, "-m", "console", *args],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TERM": "dumb"},
        preexec_fn=None if file_limit is None else limit_file_size(file_limit),
    )


def listing(folder: Path) -> set[str]:
    """Return every file and folder below folder, SQLite's journal files left out."""
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if not path.name.endswith(("-wal", "-shm", "-journal"))
    }


class Run:
    """One case: its folder prepared, the state it must keep recorded, the command started."""

    def __init__(self, case: CliCase, folder: Path) -> None:
        self.case = case
        self.folder = folder
        case.setup(folder)
        self.files = listing(folder)
        self.bytes = {name: (folder / name).read_bytes() for name in case.unchanged}
        self.rows = {name: live_dump(folder / name) for name in case.same_rows}
        self.holder = hold_lock(folder, case.lock) if case.lock else None
        self.process = facilitate(folder, *case.args, file_limit=case.file_limit)

    def finish(self) -> None:
        """Wait for the command and check everything the case promises."""
        try:
            _out, err = self.process.communicate(timeout=60)
        finally:
            if self.holder is not None:
                self.holder.close()
        case, folder = self.case, self.folder
        for sub in folder.rglob("*"):
            if sub.is_dir():
                sub.chmod(0o700)
        expected = case.stderr.format(newer=FORMAT_VERSION + 1, current=FORMAT_VERSION)
        assert "Traceback" not in err
        assert err == (expected + "\n" if expected else ""), err
        assert self.process.returncode == case.code
        for name, data in self.bytes.items():
            assert (folder / name).read_bytes() == data, name
        for name, rows in self.rows.items():
            assert live_dump(folder / name) == rows, name
        created = listing(folder) - self.files
        assert {name.split("/")[0] for name in created} == set(case.creates), sorted(created)
        if case.check is not None:
            case.check(folder)


@pytest.fixture(scope="module")
def locked_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Start every locked-file case at once: each waits out the 10 s busy timeout in parallel."""
    runs = {case.id: Run(case, tmp_path_factory.mktemp(case.id)) for case in LOCKED}
    yield runs
    for run in runs.values():
        if run.process.poll() is None:
            run.process.kill()
        if run.holder is not None:
            run.holder.close()


@pytest.fixture(autouse=True, scope="module")
def _start_locked_runs_first(locked_runs: dict[str, Run]) -> None:
    """Start the slow locked cases before the others, so that they overlap."""


@pytest.mark.parametrize("case", UI_CASES, ids=[case.id for case in UI_CASES])
async def test_in_app(case: UiCase, tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    store = WorkshopStore.open(path, clock=FakeClock())
    try:
        if case.setup is not None:
            case.setup(store)
        before = live_dump(path)
        app = make_app(store, first_pane=case.pane)
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await pilot.pause()
            await case.drive(pilot, app, store)
            assert notices(app) == list(case.notices)
            if case.rows is None:
                assert live_dump(path) == before
            else:
                saved = [tuple(row.values()) for row in store.query(case.saved)]
                assert saved == list(case.rows)
            await pilot_wait_until(
                pilot,
                lambda: all(text in visible_text(app) for text in case.shown),
                message=lambda: f"{case.shown} not all shown:\n{visible_text(app)}",
            )
            if case.cells:
                table = app.query_one("#takeaways-table", DataTable)
                shown = {
                    str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)
                }
                assert set(case.cells) <= shown
            # The console keeps working after the bad input.
            while len(app.screen_stack) > 1:
                app.pop_screen()
            await pilot.press("f3")
            app.query_one("#inventory-input").focus()
            await pilot.press(*"still here", "enter")
            await pilot.pause()
            texts = [row["text"] for row in store.query("SELECT text FROM pain_points")]
            assert texts[-1:] == ["still here"]
    finally:
        store.close()


@pytest.mark.parametrize("case", PLAIN, ids=[case.id for case in PLAIN])
def test_command(case: CliCase, tmp_path: Path) -> None:
    Run(case, tmp_path).finish()


@pytest.mark.parametrize("case", LOCKED, ids=[case.id for case in LOCKED])
def test_locked_file(case: CliCase, locked_runs: dict[str, Run]) -> None:
    locked_runs[case.id].finish()
