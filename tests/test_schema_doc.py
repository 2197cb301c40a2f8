"""docs/schema.md describes exactly the tables and columns the migrations build."""

from __future__ import annotations

import re
from pathlib import Path

from console.store.core import WorkshopStore

SCHEMA_DOC = Path(__file__).parent.parent / "docs" / "schema.md"
AUDIT_COLUMNS = {"created_at", "created_by", "updated_at", "updated_by", "rev", "deleted_at"}
INTERNAL_TABLES = {"_sqlite_migrations"}


def documented_tables() -> dict[str, set[str]]:
    """Return each `### table` heading of the doc with the columns its table lists."""
    tables: dict[str, set[str]] = {}
    current: str | None = None
    for line in SCHEMA_DOC.read_text("utf-8").splitlines():
        heading = re.match(r"^### (\w+)\s*$", line)
        if heading:
            current = heading.group(1)
            tables[current] = set()
            continue
        row = re.match(r"^\| (\w+|…) \|", line)
        if current and row and row.group(1) != "column":
            name = row.group(1)
            tables[current] |= AUDIT_COLUMNS if name == "…" else {name}
    return tables


def actual_tables(store: WorkshopStore) -> dict[str, set[str]]:
    """Return the tables and columns of a new workshop file (FTS shadow tables left out)."""
    tables = {}
    for table in store.db.table_names():
        if table in INTERNAL_TABLES or re.search(r"_fts(_\w+)?$", table):
            continue
        tables[table] = set(store.db[table].columns_dict)
    return tables


def test_every_documented_table_exists_with_its_columns(store: WorkshopStore) -> None:
    documented = documented_tables()
    actual = actual_tables(store)
    assert documented, "no tables found in docs/schema.md"
    for table, columns in documented.items():
        assert table in actual, f"docs/schema.md names {table}, which the file does not have"
        assert columns == actual[table], (
            f"{table}: doc {sorted(columns)} vs {sorted(actual[table])}"
        )


def test_every_table_is_documented(store: WorkshopStore) -> None:
    missing = set(actual_tables(store)) - set(documented_tables())
    assert not missing, f"tables missing from docs/schema.md: {sorted(missing)}"


def test_the_doc_names_the_current_format_version() -> None:
    from console.store.format import FORMAT_VERSION

    assert f"format version {FORMAT_VERSION} " in SCHEMA_DOC.read_text("utf-8")
