"""CSV files for spreadsheet programs: UTF-8 with a byte-order mark, formula-safe cells."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from console.domain.text import FORMULA_PREFIXES, csv_safe

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
        for batch in _batches(rows):
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


def _batches(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    """Yield rows in lists of up to BATCH."""
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def csv_folder(
    tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]], *, rows_safe: bool = False
) -> Iterator[tuple[str, Iterator[str]]]:
    """Yield each table's CSV file, named `<table>.csv`, as text made while it is written
    (rows_safe: their rows come formula-safe already)."""
    for name, columns, rows in tables:
        yield f"{name}.csv", csv_chunks(columns, rows, rows_safe=rows_safe)
