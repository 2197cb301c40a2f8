"""The report export (F9) in a worker thread: the console keeps answering while it is written."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from console.store.files import StoreError

WRITING = "Writing the report…"
STILL_WRITING = "The report is still being written."


@dataclass(frozen=True)
class ReportOutcome:
    """What one export came to: the two files written, or the one line saying why not."""

    markdown: Path | None = None
    html: Path | None = None
    error: str = ""


def write_report(path: Path, now: datetime, cancelled: Callable[[], bool]) -> ReportOutcome | None:
    """Read the workshop in one snapshot on a read-only connection of this thread, then write
    the Markdown and HTML reports; None if the console closed before writing began."""
    # Imported on use: the report writers are not needed for the console's first paint.
    from console.report.build import export_report_files, read_report
    from console.store.export import open_read_only

    try:
        # The console's own connection stays on the UI thread: SQLite connections are not
        # shared across threads, so the worker reads the file through one of its own.
        # The report reads its takeaways while it is written: the snapshot lasts until then.
        with open_read_only(path) as reader, reader.snapshot():
            report = read_report(reader, now=now)
            if cancelled():
                return None  # the console is closing: no report rather than half of one
            # Once writing has begun it completes, also if the console closes meanwhile: each
            # file is renamed into place whole, and a quitting console waits for its worker.
            markdown, html = export_report_files(reader, path, report=report)
    except (ValueError, StoreError) as error:
        return ReportOutcome(error=" ".join(str(error).split()))
    return ReportOutcome(markdown=markdown, html=html)


def _work(path: Path, now: datetime) -> ReportOutcome | None:
    """Run write_report in the worker thread, stopping early if the worker is cancelled."""
    worker = get_current_worker()
    with cyclic_collection_paused():
        return write_report(path, now, lambda: worker.is_cancelled)


@contextmanager
def cyclic_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the report is built.

    Building a report makes hundreds of thousands of objects, and a full collection over them
    stops every thread, the UI's too, for 50-100 ms at 10,000 items: typed keys waited behind
    it (benchmarks/f9_responsiveness.py). Reference counting still frees what the report
    drops; the collector runs again once the report is written.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class ReportExport(Static):
    """Writes the report in a worker thread and shows that it does, in the header."""

    DEFAULT_CSS: ClassVar[str] = """
    ReportExport {
        width: auto;
        display: none;
        padding: 0 1;
        background: $accent;
        color: $foreground;
    }
    ReportExport.-writing {
        display: block;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(WRITING, id=id)
        self._worker: Worker[ReportOutcome | None] | None = None

    @property
    def writing(self) -> bool:
        """Tell whether a report is being written now."""
        return self._worker is not None and not self._worker.is_finished

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Say how the export ended, and take the indicator down."""
        if event.worker is not self._worker or not event.worker.is_finished:
            return
        self.remove_class("-writing")
        if event.state is not WorkerState.SUCCESS:
            return  # cancelled by a closing console; an unexpected error ends the console
        outcome = event.worker.result
        if outcome is None:
            return
        if outcome.error:
            self.notify(outcome.error, severity="error", timeout=10)
        elif outcome.markdown is not None and outcome.html is not None:
            self.notify(f"Report written: {outcome.markdown} and {outcome.html.name}.", timeout=8)

    def start(self, workshop: Path, now: datetime) -> None:
        """Start writing the report of the workshop file, unless one is being written."""
        if self.writing:
            self.notify(STILL_WRITING, severity="warning")
            return
        self.notify(WRITING, timeout=3)
        self.add_class("-writing")
        self._worker = self.run_worker(
            partial(_work, workshop, now), name="report", group="report", thread=True
        )
