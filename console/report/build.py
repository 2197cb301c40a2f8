"""Exports of one workshop: each read in one consistent snapshot, each written atomically and
privately (0600), checked on the disk before it is reported.

Every export streams: its text is made a row at a time while it is written, so memory does not
grow with the workshop's size.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from console.report.assemble import build_report
from console.report.csv_export import csv_folder
from console.report.html import html_chunks
from console.report.json_export import workshop_json_chunks
from console.report.markdown import markdown_chunks
from console.report.model import Report
from console.report.output import write_atomic, write_files_atomic, write_folder_atomic
from console.store.core import utc_now
from console.store.export import spreadsheet_tables_streamed, table_rows_streamed
from console.store.format import SYNCED_TABLES

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
    with reader.snapshot():
        return build_report(reader, now)


def export(reader: Any, workshop: Path, fmt: str, out: Path | None = None) -> Path:
    """Write one export of the workshop and return where it went."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    target = Path(out) if out is not None else default_output(workshop, fmt)
    if fmt == "md":
        return write_atomic(target, markdown_chunks(read_report(reader)))
    if fmt == "html":
        return write_atomic(target, html_chunks(read_report(reader)))
    # The rows are read while they are written: the snapshot lasts until the file is whole.
    with reader.snapshot():
        if fmt == "csv":
            return write_folder_atomic(target, csv_folder(spreadsheet_tables_streamed(reader)))
        tables = ((table, *table_rows_streamed(reader, table)) for table in SYNCED_TABLES)
        return write_atomic(target, workshop_json_chunks(tables))


def export_report_files(
    reader: Any, workshop: Path, *, report: Report | None = None
) -> tuple[Path, Path]:
    """Write the Markdown and HTML reports next to the workshop file, from one snapshot.

    Both are written aside and checked first, then renamed into place: on a full disk neither
    report changes. The files are 0600, like the workshop file.
    """
    report = report if report is not None else read_report(reader)
    markdown, html = write_files_atomic(
        {
            default_output(workshop, "md"): markdown_chunks(report),
            default_output(workshop, "html"): html_chunks(report),
        }
    )
    return markdown, html
