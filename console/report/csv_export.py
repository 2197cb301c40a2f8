"""CSV files for spreadsheet programs: UTF-8 with a byte-order mark, formula-safe cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from console.domain.text import csv_safe

BOM = "\ufeff"
"""Excel reads a CSV file as UTF-8 only when it starts with this mark."""


def csv_text(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    """Return one table as CSV text: a header row, then each row, every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_safe(name) for name in columns])
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    return BOM + buffer.getvalue()


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
