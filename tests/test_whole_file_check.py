"""The read of every page for damage runs alongside start-up: a damaged file is still refused in
one line with exit 1 and left as it was, whether the read ends before the first paint or after."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import make_workshop
from helpers import pilot_wait_until, screen_text
from workshops import damaged_deep_inside

from console import launch
from console.store.core import WorkshopStore
from console.store.files import StoreError, check_whole_file
from console.ui.app import make_app


def test_the_whole_file_check_finds_damage_the_quick_checks_leave(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    damaged_deep_inside(path)
    store = WorkshopStore.open(path, whole_file=False)  # identity, format and schema are fine
    store.close()
    with pytest.raises(StoreError, match=r"bad\.db is damaged"):
        check_whole_file(path)


async def test_damage_found_after_the_first_paint_closes_the_console_with_one_line(
    tmp_path: Path,
) -> None:
    path = make_workshop(tmp_path / "w.db")
    painted = threading.Event()

    def slow_check() -> None:
        painted.wait(30)
        raise StoreError(f"{path} is damaged: database disk image is malformed.")

    store = WorkshopStore.open(path, whole_file=False)
    before = path.read_bytes()
    app = make_app(store, pending_check=slow_check)
    try:
        async with app.run_test() as pilot:
            await pilot_wait_until(pilot, lambda: "Agenda" in screen_text(app), message="painted")
            painted.set()
            await pilot_wait_until(pilot, lambda: not app.is_running, message="console closed")
    finally:
        store.close()
    assert app.return_code == 1
    assert app.refusal == f"{path} is damaged: database disk image is malformed."
    assert path.read_bytes() == before


async def test_a_sound_file_keeps_the_console_open_once_checked(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    checked = threading.Event()
    store = WorkshopStore.open(path, whole_file=False)
    app = make_app(store, pending_check=lambda: (check_whole_file(path), checked.set())[0])
    try:
        async with app.run_test() as pilot:
            await pilot_wait_until(pilot, checked.is_set, message="file checked")
            await pilot.press("f3")
            await pilot_wait_until(
                pilot, lambda: "Pain point" in screen_text(app), message="inventory shown"
            )
            assert app.is_running
            assert app.refusal == ""
    finally:
        store.close()


def test_the_launcher_prints_the_refusal_as_its_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_workshop(tmp_path / "w.db")
    store = WorkshopStore.open(path)

    class Refused:
        """What the console leaves when it closed on a damaged file."""

        return_code = 1
        refusal = f"{path} is damaged: the file is truncated."

        def run(self) -> None:
            """The console ran and closed itself."""

    with pytest.raises(SystemExit) as ended:
        launch.run_app(store, Refused)
    assert ended.value.code == 1
    assert capsys.readouterr().err == f"facilitate: {path} is damaged: the file is truncated.\n"
