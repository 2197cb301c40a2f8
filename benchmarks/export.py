"""Export of a big workshop to every format (md, html, csv, json), as `facilitate export` does,
next to its floor: copying every table out as CSV with the standard library alone.

Run: python benchmarks/export.py [ITEMS]    (default 10000)
"""

from __future__ import annotations

import csv
import sqlite3
import tempfile
import time
from pathlib import Path

from _common import build_big_workshop, figure_line, size_argument

from console.report.build import FORMATS, export
from console.store.export import open_read_only

TARGET_S = 2.0


def raw_dump(path: Path, folder: Path) -> float:
    """Write every table of the file as CSV with sqlite3 and csv only; return seconds."""
    started = time.perf_counter()
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    folder.mkdir()
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
        )
    ]
    for table in tables:
        cursor = connection.execute(f'SELECT * FROM "{table}"')
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([column[0] for column in cursor.description])
            writer.writerows(cursor)
    connection.close()
    return time.perf_counter() - started


def console_export(path: Path, folder: Path) -> dict[str, float]:
    """Export the workshop to each format the way the CLI does; return seconds per format."""
    timings = {}
    for fmt in FORMATS:
        started = time.perf_counter()
        with open_read_only(path) as reader:
            written = export(reader, path, fmt, folder / f"export-{fmt}")
        timings[fmt] = time.perf_counter() - started
        assert Path(written).exists()
    return timings


def main(items: int) -> None:
    """Build the workshop and print the export figures."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "big.db"
        build_big_workshop(path, items)
        floor = raw_dump(path, folder / "raw")
        timings = console_export(path, folder)
    total = sum(timings.values())
    for fmt, seconds in timings.items():
        print(f"export {fmt:5} {seconds * 1000:8.0f} ms")
    print(
        f"all formats  {total * 1000:8.0f} ms   floor (raw CSV dump of every table) "
        f"{floor * 1000:.0f} ms   ratio {total / floor:.1f}x   (target <= {TARGET_S:.0f} s)"
    )
    print(
        figure_line(
            f"export to md+html+csv+json ({items:,} items)",
            f"{total:.2f} s",
            f"{floor:.2f} s",
            f"{total / floor:.1f}x",
            f"<= {TARGET_S:.0f} s",
            total <= TARGET_S,
        )
    )


if __name__ == "__main__":
    main(size_argument(10_000))
