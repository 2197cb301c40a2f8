"""The whole workshop as JSON, and the checks a JSON file must pass before it is imported."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from typing import Any

from console.report.output import batched
from console.store.export import (
    JSON_KIND,
    MAX_JSON_COLUMNS,
    Reader,
    sqlite_quotes_json,
    table_columns,
    table_rows_as_json,
    table_rows_streamed,
)
from console.store.format import FORMAT_VERSION, SYNCED_TABLES

MAX_JSON_BYTES = 200_000_000
SQLITE_MIN_INT, SQLITE_MAX_INT = -(2**63), 2**63 - 1
"""The whole numbers an SQLite column can hold."""


# Rows go through the standard library's C encoder, a batch at a time: with an indent it would
# take the pure-Python encoder, several times slower. Rows are flat (no value nests) and a JSON
# text never holds a raw line break, so in a batch encoded on one line "},\n    {" is where one
# row ends and the next begins, and each row's members are joined by a line break and its indent.
_ROWS = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",\n    ", ": "))
_ROW_BREAK = "},\n    {"
BATCH = 1000
"""How many rows are encoded at once."""


Rows = Iterable[Sequence[Any] | str]
"""A table's rows: each its values in the columns' order, or its JSON text already laid out."""


def workshop_json_tables(reader: Reader) -> Iterator[tuple[str, list[str], Rows]]:
    """Yield every synced table's name, columns and rows for workshop_json_chunks, in one
    snapshot (the reader's): laid out by SQLite where it quotes as json.dumps does."""
    by_sqlite = sqlite_quotes_json(reader)  # once per export: SQLite's version does not change
    for table in SYNCED_TABLES:
        if by_sqlite:
            columns = table_columns(reader, table)
            if 0 < len(columns) < MAX_JSON_COLUMNS:
                yield table, columns, table_rows_as_json(reader, table, _row_pieces(columns))
                continue
        yield table, *table_rows_streamed(reader, table)


def _row_pieces(columns: Sequence[str]) -> list[str]:
    """Return the text around each value of a row as _encoded lays it out: the row's opening
    and first key, each following key, and the row's end."""
    keys = [json.dumps(column, ensure_ascii=False) + ": " for column in columns]
    return ["   {\n    " + keys[0], *(",\n    " + key for key in keys[1:]), "\n   }"]


def workshop_json_chunks(tables: Iterable[tuple[str, Sequence[str], Rows]]) -> Iterator[str]:
    """Yield a whole-workshop dump (each table's name, columns and rows in the columns' order) as
    JSON text a batch of rows at a time: byte for byte what json.dumps with indent=1 writes."""
    yield (
        "{\n"
        f' "kind": {json.dumps(JSON_KIND, ensure_ascii=False)},\n'
        f' "format_version": {json.dumps(FORMAT_VERSION)},\n'
        ' "tables": {'
    )
    first_table = True
    for name, columns, rows in tables:
        yield ("\n" if first_table else ",\n") + f"  {json.dumps(name, ensure_ascii=False)}: ["
        first_table = False
        first_batch = True
        for batch in batched(rows, BATCH):
            yield ("\n" if first_batch else ",\n") + _rows_text(columns, batch)
            first_batch = False
        yield "]" if first_batch else "\n  ]"
    yield "}\n}\n" if first_table else "\n }\n}\n"


def _rows_text(columns: Sequence[str], batch: list[Sequence[Any] | str]) -> str:
    """Return rows as the members of a list three levels deep, as json.dumps(indent=1) does."""
    if not columns:
        return ",\n".join("   {}" for _row in batch)
    with suppress(TypeError):  # a row of values among them
        return ",\n".join(batch)  # rows SQLite laid out, whole
    if any(isinstance(row, str) for row in batch):
        # The few rows SQLite could not lay out (a REAL, a BLOB) are encoded here, in place.
        return ",\n".join(
            row if isinstance(row, str) else _encoded(columns, [row]) for row in batch
        )
    return _encoded(columns, batch)


def _encoded(columns: Sequence[str], batch: Sequence[Sequence[Any]]) -> str:
    """Return rows of values as the members of a list three levels deep, json.dumps' text."""
    text = _ROWS.encode([dict(zip(columns, row, strict=True)) for row in batch])
    # text is "[{...},\n    {...}]": unwrap the list, then open and close each row on its line.
    return "   {\n    " + text[2:-2].replace(_ROW_BREAK, "\n   },\n   {\n    ") + "\n   }"


def parse_workshop_json(data: bytes, source: str) -> dict[str, list[dict[str, Any]]]:
    """Return the tables of a whole-workshop JSON export, or raise ValueError saying why not."""
    if len(data) > MAX_JSON_BYTES:
        raise ValueError(f"{source} is too large to import.")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValueError(f"{source} is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{source} line {error.lineno}: not valid JSON ({error.msg.lower()})."
        ) from None
    if not isinstance(document, dict) or document.get("kind") != JSON_KIND:
        raise ValueError(
            f"{source} is not a workshop export (made by `facilitate export --format json`)."
        )
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(f"{source}: format_version is missing.")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{source} was exported by a newer console (file format {version}; this console "
            f"reads up to {FORMAT_VERSION}): upgrade the console to import it."
        )
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise ValueError(f"{source}: 'tables' is missing.")
    unknown = sorted(set(tables) - set(SYNCED_TABLES))
    if unknown:
        raise ValueError(f"{source}: unknown table {unknown[0]!r}.")
    checked: dict[str, list[dict[str, Any]]] = {}
    for table in SYNCED_TABLES:
        rows = tables.get(table, [])
        if not isinstance(rows, list):
            raise ValueError(f"{source}: {table} must be a list of rows.")
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or not isinstance(row.get("id"), str):
                raise ValueError(f"{source}: {table} row {number} has no id.")
            for column, value in row.items():
                if isinstance(value, dict | list):
                    raise ValueError(f"{source}: {table} row {number} holds a nested value.")
                if isinstance(value, int) and not SQLITE_MIN_INT <= value <= SQLITE_MAX_INT:
                    raise ValueError(
                        f"{source}: {table} row {number} has a number too large for a "
                        f"workshop file in {column!r}."
                    )
        checked[table] = rows
    return checked
