"""Exports of one workshop: each read in one consistent snapshot, each written atomically and
privately (0600), checked on the disk before it is reported.

Every export streams: its text is made a row at a time while it is written, so memory does not
grow with the workshop's size.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.report.csv_export import csv_folder, csv_line_folder
from console.report.json_export import workshop_json_chunks, workshop_json_tables
from console.report.output import Ready, write_atomic, write_files_atomic, write_folder_atomic
from console.store.core import utc_now
from console.store.export import spreadsheet_lines_streamed, spreadsheet_views_streamed

if TYPE_CHECKING:
    from console.report.model import Report

FORMATS = ("md", "html", "csv", "json")


def default_output(workshop: Path, fmt: str) -> Path:
    """Return where an export goes by default: next to the workshop file."""
    stem = workshop.with_suffix("") if workshop.suffix else workshop
    return {
        "md": Path(f"{stem}-report.md"),
        "html": Path(f"{stem}-report.html"),
        "csv": Path(f"{stem}-csv"),
        "json": Path(f"{stem}.json"),
    }[fmt]


def read_report(reader: Any, now: datetime | None = None) -> Report:
    """Return the report of a workshop (a WorkshopStore or a read-only file) in one snapshot."""
    if now is None:
        clock = getattr(reader, "clock", utc_now)
        now = clock()
    # The report's modules are imported when a report is read: the CSV and JSON exports, each
    # in a process of its own (report/parallel.py), start without them.
    from console.report.assemble import build_report

    with reader.snapshot():
        return build_report(reader, now)


def export(reader: Any, workshop: Path, fmt: str, out: Path | None = None) -> Path:
    """Write one export of the workshop and return where it went."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    target = Path(out) if out is not None else default_output(workshop, fmt)
    [written] = export_formats(reader, workshop, {fmt: target})
    return written


def targets_of(
    workshop: Path, formats: Iterable[str], folder: Path | None = None
) -> dict[str, Path]:
    """Return where each format goes: its default name, next to the workshop or in folder."""
    chosen = set(formats)
    unknown = sorted(chosen - set(FORMATS))
    if unknown:
        raise ValueError(f"Unknown format {unknown[0]!r}: use one of {', '.join(FORMATS)}.")
    return {
        fmt: default_output(workshop, fmt)
        if folder is None
        else Path(folder) / default_output(workshop, fmt).name
        for fmt in FORMATS
        if fmt in chosen
    }


def export_formats(
    reader: Any, workshop: Path, targets: Mapping[str, Path], *, ready: Ready | None = None
) -> Iterator[Path]:
    """Write several exports of the workshop from one snapshot, yielding each path once written.

    The report is read once for Markdown and HTML, which are written aside and checked together
    before either replaces a previous one; the CSV folder and the JSON file follow, each whole
    or not at all. ready: called before each export replaces what was there (see
    console.report.output).
    """
    with reader.snapshot(), _collection_paused():
        reports = {fmt: targets[fmt] for fmt in ("md", "html") if fmt in targets}
        if reports:
            report = read_report(reader)
            chunks = _renderers()
            yield from write_files_atomic(
                {path: chunks[fmt](report) for fmt, path in reports.items()}, ready=ready
            )
        # The rows are read while they are written: the snapshot lasts until the file is whole.
        if "csv" in targets:
            files = itertools.chain(
                csv_line_folder(spreadsheet_lines_streamed(reader)),
                csv_folder(spreadsheet_views_streamed(reader), rows_safe=True),
            )
            yield write_folder_atomic(targets["csv"], files, ready=ready)
        if "json" in targets:
            dump = workshop_json_chunks(workshop_json_tables(reader))
            yield write_atomic(targets["json"], dump, ready=ready)


def _renderers() -> dict[str, Any]:
    """Return the report's renderers by format (imported with the report, see read_report)."""
    from console.report.html import html_chunks
    from console.report.markdown import markdown_chunks

    return {"md": markdown_chunks, "html": html_chunks}


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while exports are made.

    An export makes millions of short-lived objects and few cycles: the collector would walk the
    report's objects again and again (a fifth of a big export's time). Reference counting still
    frees everything as it goes.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def export_report_files(
    reader: Any, workshop: Path, *, report: Report | None = None
) -> tuple[Path, Path]:
    """Write the Markdown and HTML reports next to the workshop file, from one snapshot (the
    one the report was read in, when it comes read).

    Both are written aside and checked first, then renamed into place: on a full disk neither
    report changes. The files are 0600, like the workshop file.
    """
    with reader.snapshot(), _collection_paused():
        report = report if report is not None else read_report(reader)
        chunks = _renderers()
        markdown, html = write_files_atomic(
            {
                default_output(workshop, "md"): chunks["md"](report),
                default_output(workshop, "html"): chunks["html"](report),
            }
        )
    return markdown, html
