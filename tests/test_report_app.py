"""F9 in the console writes the report next to the workshop file and says where."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeClock
from helpers import notices, wait_until
from workshops import build_realistic_workshop

from console.report import output
from console.store.core import WorkshopStore
from console.ui.app import make_app


async def test_f9_writes_markdown_and_html_next_to_the_workshop(tmp_path: Path) -> None:
    clock = FakeClock()
    path = build_realistic_workshop(tmp_path / "workshop.db", clock)
    with WorkshopStore.open(path, clock=clock) as store:
        app = make_app(store, clock=clock)
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await pilot.press("f9")
            # The report is written in a worker thread: wait for the console to say so.
            await wait_until(
                lambda: any(n.startswith("Report written") for n in notices(app)), "the report"
            )
            messages = notices(app)
            titles = [command.title for command in app.key_commands()]
    assert "Export" in titles, "F9 is in the command palette by name"
    markdown = tmp_path / "workshop-report.md"
    html = tmp_path / "workshop-report.html"
    assert any(str(markdown) in message and html.name in message for message in messages)
    assert "# Executive Connections" in markdown.read_text("utf-8")
    assert "<h1>Executive Connections</h1>" in html.read_text("utf-8")


async def test_f9_on_a_full_disk_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    path = build_realistic_workshop(tmp_path / "workshop.db", clock)

    def full(_fd: int, _data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "write", full)
    with WorkshopStore.open(path, clock=clock) as store:
        app = make_app(store, clock=clock)
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await pilot.press("f9")
            await wait_until(lambda: bool(notices(app, "error")), "the error")
            errors = notices(app, "error")
    assert len(errors) == 1 and "the disk is full" in errors[0]
    assert "\n" not in errors[0]
    assert not (tmp_path / "workshop-report.md").exists()
