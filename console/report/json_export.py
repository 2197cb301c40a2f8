"""The whole workshop as JSON, and the checks a JSON file must pass before it is imported."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from console.store.export import JSON_KIND
from console.store.format import FORMAT_VERSION, SYNCED_TABLES

MAX_JSON_BYTES = 200_000_000
SQLITE_MIN_INT, SQLITE_MAX_INT = -(2**63), 2**63 - 1
"""The whole numbers an SQLite column can hold."""


def workshop_json(dump: dict[str, Any]) -> str:
    """Return a whole-workshop dump as stable, readable JSON text."""
    return json.dumps(dump, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


# One row at a time through the standard library's C encoder: with an indent it would take the
# pure-Python one, several times slower. Rows are flat (no value nests), so each row's members,
# one per line, are its pairs joined by a line break and the row's indent.
_ROW = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",\n    ", ": "))


def workshop_json_chunks(
    tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
) -> Iterator[str]:
    """Yield a whole-workshop dump as JSON text a row at a time, byte for byte as workshop_json
    writes it: each table's name, columns and rows (in the columns' order)."""
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
        first_row = True
        for row in rows:
            members = _ROW.encode(dict(zip(columns, row, strict=True)))
            text = "   {\n    " + members[1:-1] + "\n   }" if len(members) > 2 else "   {}"
            yield ("\n" if first_row else ",\n") + text
            first_row = False
        yield "]" if first_row else "\n  ]"
    yield "}\n}\n" if first_table else "\n }\n}\n"


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
