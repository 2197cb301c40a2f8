"""CSV files for spreadsheet programs: UTF-8 with a byte-order mark, formula-safe cells.

Every file is exactly what Python's csv module writes (QUOTE_MINIMAL, lines ended by CR LF)
for the rows made formula-safe (console.domain.text.csv_safe) with NULL as an empty cell:

- a cell holding a comma, a double quote, CR or LF is quoted, its quotes doubled;
- the one cell of a one-column row is quoted when it is empty (`""`);
- an integer is written in digits; a REAL or a BLOB as the csv module writes it (str()).

A synced table's lines come made by SQLite, unquoted (console.store.export,
spreadsheet_lines_streamed): a batch of them is checked at once for what would need quoting,
and only a line that does is made again by SQLite with its cells quoted, or, holding a REAL or
a BLOB, written by the csv module from the row as stored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from console.domain.text import FORMULA_PREFIXES, csv_safe
from console.report.output import batched

if TYPE_CHECKING:
    from console.store.export import SpreadsheetLines

BOM = "\ufeff"
"""Excel reads a CSV file as UTF-8 only when it starts with this mark."""

LINE_BREAK = "\r\n"
"""What ends each line of a CSV file (the csv module's default, which Excel expects)."""

_QUOTED = re.compile('["\r\n]')
"""Besides a comma, what makes the csv module quote a cell."""

BATCH = 1000
"""How many rows make one piece of a streamed CSV file."""

_FIRST = frozenset(FORMULA_PREFIXES)
"""The characters a formula-like text starts with (each prefix is one character)."""


def csv_chunks(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, rows_safe: bool = False
) -> Iterator[str]:
    """Yield one table as CSV text, a batch of rows at a time: the header row, then each row
    (its values in the columns' order), every cell formula-safe (None an empty cell).

    rows_safe: the rows come formula-safe already, with no NULL in them (as
    console.store.export reads them).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_BREAK)
    writer.writerow([csv_safe(name) for name in columns])
    yield BOM + buffer.getvalue()
    if rows_safe:
        width = len(columns)
        for batch in batched(rows, BATCH):
            yield _lines(buffer, writer, batch, width)
        return
    # csv_safe inlined: it runs once per cell, millions of times in a big workshop. The csv
    # module writes None (NULL) as an empty cell.
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(
            ["'" + value if type(value) is str and value[:1] in _FIRST else value for value in row]
        )
        if len(batch) == BATCH:
            yield _written(buffer, writer, batch)
            batch = []
    if batch:
        yield _written(buffer, writer, batch)


def csv_line_chunks(table: SpreadsheetLines) -> Iterator[str]:
    """Yield a synced table as CSV text from the lines SQLite made, a batch of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_BREAK)
    writer.writerow([csv_safe(name) for name in table.columns])
    yield BOM + buffer.getvalue()
    width = len(table.columns)
    for batch in batched(table.lines, BATCH):
        lines: list[Any] = [line for line, _rowid in batch]
        count = len(lines)
        try:
            text = LINE_BREAK.join(lines)
        except TypeError:  # a line SQLite could not make (None)
            text = None
        # Unquoted lines hold exactly their cells' commas, and line breaks only between them.
        if (
            text is not None
            and text.count(",") == count * (width - 1)
            and '"' not in text
            and text.count("\r") == count - 1
            and text.count("\n") == count - 1
            and (width > 1 or "" not in lines)
        ):
            yield text + LINE_BREAK
        else:
            yield _checked(buffer, writer, table, batch)


def _checked(buffer: io.StringIO, writer: Any, table: SpreadsheetLines, batch: list[Any]) -> str:
    """Return a batch of SQLite's lines as CSV text, each line that would need quoting (or that
    SQLite could not make) made again quoted, or written by the csv module from the stored
    row."""
    width = len(table.columns)
    redo = [
        rowid
        for line, rowid in batch
        if line is None
        or line.count(",") != width - 1
        or '"' in line
        or "\r" in line
        or "\n" in line
        or (width == 1 and not line)
    ]
    quoted = table.quoted(redo)
    lines = []
    for line, rowid in batch:
        again = quoted.get(rowid, line)
        if type(again) is tuple:
            # csv_safe inlined, as in csv_chunks; the writer writes None (NULL) as an empty cell.
            row = [
                "'" + value if type(value) is str and value[:1] in _FIRST else value
                for value in again
            ]
            again = _written(buffer, writer, [row])[: -len(LINE_BREAK)]
        elif width == 1 and not again:
            again = '""'  # what the csv module writes for a one-column row's empty cell
        lines.append(again)
    return LINE_BREAK.join(lines) + LINE_BREAK


def csv_line_folder(tables: Iterable[SpreadsheetLines]) -> Iterator[tuple[str, Iterator[str]]]:
    """Yield each synced table's CSV file, named `<table>.csv`, made while it is written."""
    for table in tables:
        yield f"{table.name}.csv", csv_line_chunks(table)


def _lines(buffer: io.StringIO, writer: Any, batch: list[Sequence[Any]], width: int) -> str:
    """Return a batch of rows (no NULL in them) as CSV text: joined by commas where no cell
    needs quoting, as the csv module writes them, which is left the rows that do."""
    lines = []
    for row in batch:
        line = ",".join(map(str, row))
        # A cell holding a comma, a quote or a line break is quoted; the csv module also
        # quotes the one empty cell of a row of one column.
        if width < 2 or line.count(",") != width - 1 or _QUOTED.search(line) is not None:
            line = _written(buffer, writer, [row])[: -len(LINE_BREAK)]
        lines.append(line)
    return LINE_BREAK.join(lines) + LINE_BREAK


def _written(buffer: io.StringIO, writer: Any, batch: list[Any]) -> str:
    """Return a batch of rows as CSV text, through the writer into its emptied buffer."""
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(batch)
    return buffer.getvalue()


def csv_folder(
    tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]], *, rows_safe: bool = False
) -> Iterator[tuple[str, Iterator[str]]]:
    """Yield each table's CSV file, named `<table>.csv`, as text made while it is written
    (rows_safe: their rows come formula-safe already)."""
    for name, columns, rows in tables:
        yield f"{name}.csv", csv_chunks(columns, rows, rows_safe=rows_safe)
