"""CSV files for spreadsheet programs: UTF-8 with a byte-order mark, formula-safe cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from console.domain.text import csv_safe

BOM = "\ufeff"
"""Excel reads a CSV file as UTF-8 only when it starts with this mark."""

BATCH = 1000
"""How many rows make one piece of a streamed CSV file."""


def csv_text(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    """Return one table as CSV text: a header row, then each row, every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_safe(name) for name in columns])
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    return BOM + buffer.getvalue()


def csv_chunks(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Yield one table as CSV text, a batch of rows at a time: the header row, then each row
    (its values in the columns' order), every cell formula-safe; as csv_text writes it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_safe(name) for name in columns])
    yield BOM + buffer.getvalue()
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(["" if value is None else csv_safe(value) for value in row])
        if len(batch) == BATCH:
            yield _written(buffer, writer, batch)
            batch = []
    if batch:
        yield _written(buffer, writer, batch)


def _written(buffer: io.StringIO, writer: Any, batch: list[list[Any]]) -> str:
    """Return a batch of rows as CSV text, through the writer into its emptied buffer."""
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(batch)
    return buffer.getvalue()


def csv_folder(
    tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
) -> Iterator[tuple[str, Iterator[str]]]:
    """Yield each table's CSV file, named `<table>.csv`, as text made while it is written."""
    for name, columns, rows in tables:
        yield f"{name}.csv", csv_chunks(columns, rows)


def _cell(value: Any) -> Any:
    """Return a value as a spreadsheet cell: empty for NULL, text neutralised if formula-like."""
    if value is None:
        return ""
    return csv_safe(value)


def csv_files(
    tables: Mapping[str, tuple[Sequence[str], Sequence[Mapping[str, Any]]]],
) -> dict[str, bytes]:
    """Return one CSV file's bytes per table, named `<table>.csv`."""
    return {
        f"{name}.csv": csv_text(columns, rows).encode("utf-8")
        for name, (columns, rows) in tables.items()
    }
