"""F9 writes the report in a worker thread: the console answers keys, saves and panes while the
report is written, a second F9 waits its turn, errors show in one line, quitting leaves no
half-written report."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeClock, make_workshop
from helpers import notices, screen_text, wait_until
from textual.widgets import Input

from console.report import build
from console.store.core import WorkshopStore
from console.ui.app import make_app
from console.ui.common import report_export as export_worker
from console.ui.common.report_export import STILL_WRITING, WRITING, ReportExport

SIZE = (140, 40)


class Gate:
    """Holds a function of the export until the test opens the gate: the export is 'slow'."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.opened = threading.Event()
        self.reached = threading.Event()
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(args)
        self.reached.set()
        if not self.opened.wait(60):
            raise TimeoutError("the test never opened the gate")
        return self.function(*args, **kwargs)


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    """A workshop file from the default template, named like a facilitator's file."""
    return make_workshop(tmp_path / "leaders.db")


def report_files(folder: Path) -> tuple[Path, Path]:
    """Return where F9 writes the Markdown and HTML reports of leaders.db."""
    return folder / "leaders-report.md", folder / "leaders-report.html"


async def test_the_console_answers_keys_and_saves_while_the_report_is_written(
    workshop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Gate(build.write_files_atomic)
    monkeypatch.setattr(build, "write_files_atomic", writer)
    markdown, html = report_files(workshop.parent)
    with WorkshopStore.open(workshop, clock=FakeClock()) as store:
        app = make_app(store, first_pane="inventory", clock=store.clock)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.press("f9")
            assert WRITING in notices(app)
            await wait_until(writer.reached.is_set, "the export to reach its writer")
            assert WRITING in screen_text(app)  # the indicator in the header

            # The export is held in its writer: the console still answers every key.
            await pilot.press(*"Meetings without decisions")
            line = app.query_one("#inventory-input", Input)
            assert line.value == "Meetings without decisions"
            assert "Meetings without decisions" in screen_text(app)
            await pilot.press("enter")
            saved = store.query("SELECT text FROM pain_points WHERE deleted_at IS NULL")
            assert {"text": "Meetings without decisions"} in saved
            await pilot.press("f5")
            assert app.query_one("#panes").current == "takeaways"
            assert not markdown.exists()

            writer.opened.set()
            await wait_until(
                lambda: any(n.startswith("Report written:") for n in notices(app)),
                "the report to be written",
            )
            await wait_until(lambda: WRITING not in screen_text(app), "the indicator to go")
    assert f"Report written: {markdown} and {html.name}." in notices(app)
    assert not notices(app, "error")
    assert markdown.read_text("utf-8").startswith("# Executive Connections")
    assert html.read_text("utf-8").rstrip().endswith("</html>")
    assert [list(call[0]) for call in writer.calls] == [[markdown, html]]


async def test_f9_while_a_report_is_written_says_so_and_writes_it_once(
    workshop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Gate(build.write_files_atomic)
    monkeypatch.setattr(build, "write_files_atomic", writer)
    markdown, html = report_files(workshop.parent)
    with WorkshopStore.open(workshop, clock=FakeClock()) as store:
        app = make_app(store, clock=store.clock)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.press("f9")
            await wait_until(writer.reached.is_set, "the export to reach its writer")
            await pilot.press("f9")
            assert STILL_WRITING in notices(app, "warning")
            assert notices(app).count(WRITING) == 1
            writer.opened.set()
            await wait_until(
                lambda: any(n.startswith("Report written:") for n in notices(app)),
                "the report to be written",
            )
            # Once written, F9 writes it again.
            await pilot.press("f9")
            await wait_until(
                lambda: sum(n.startswith("Report written:") for n in notices(app)) == 2,
                "the second report to be written",
            )
    assert [list(call[0]) for call in writer.calls] == [[markdown, html], [markdown, html]]


async def test_an_export_error_shows_its_one_line_message_and_f9_works_again(
    workshop: Path,
) -> None:
    markdown, html = report_files(workshop.parent)
    markdown.mkdir()  # something in the way of the report
    with WorkshopStore.open(workshop, clock=FakeClock()) as store:
        app = make_app(store, clock=store.clock)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.press("f9")
            await wait_until(lambda: bool(notices(app, "error")), "the error to be shown")
            await wait_until(lambda: WRITING not in screen_text(app), "the indicator to go")
            errors = notices(app, "error")
            assert errors == [f"Could not write {markdown}: it is a folder."]
            assert not html.exists()

            markdown.rmdir()
            await pilot.press("f9")
            await wait_until(
                lambda: any(n.startswith("Report written:") for n in notices(app)),
                "the report to be written",
            )
    assert markdown.is_file() and html.is_file()


async def test_quitting_while_the_report_is_written_completes_it(
    workshop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Gate(build.write_files_atomic)
    monkeypatch.setattr(build, "write_files_atomic", writer)
    markdown, html = report_files(workshop.parent)
    with WorkshopStore.open(workshop, clock=FakeClock()) as store:
        app = make_app(store, clock=store.clock)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.press("f9")
            await wait_until(writer.reached.is_set, "the export to reach its writer")
            await pilot.press("ctrl+q")
        assert app.return_code is not None  # the console has closed
        writer.opened.set()
        await wait_until(lambda: markdown.exists() and html.exists(), "the report files")
    assert html.read_text("utf-8").rstrip().endswith("</html>")
    assert sorted(p.name for p in workshop.parent.iterdir() if p.suffix == ".tmp") == []


async def test_quitting_while_the_workshop_is_read_writes_no_report(
    workshop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = Gate(build.read_report)
    monkeypatch.setattr(build, "read_report", reader)
    outcomes: list[object] = []
    finished = threading.Event()
    real_write_report = export_worker.write_report

    def recorded(*args: Any) -> Any:
        try:
            outcomes.append(real_write_report(*args))
        finally:
            finished.set()
        return outcomes[-1]

    monkeypatch.setattr(export_worker, "write_report", recorded)
    with WorkshopStore.open(workshop, clock=FakeClock()) as store:
        app = make_app(store, clock=store.clock)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.press("f9")
            await wait_until(reader.reached.is_set, "the export to read the workshop")
            assert app.query_one(ReportExport).writing
            await pilot.press("ctrl+q")
        reader.opened.set()
        await wait_until(finished.is_set, "the export to stop")
    assert outcomes == [None]
    reports = ("leaders-", ".leaders-")  # the reports, and the files they are written through
    assert [p.name for p in workshop.parent.iterdir() if p.name.startswith(reports)] == []
