"""What a database browser needs to know about a workshop file: its views and their columns."""

from __future__ import annotations

from console.store.export import Reader


def view_columns(reader: Reader) -> dict[str, list[str]]:
    """Return each view of the file with its column names, in the order they were created."""
    views = [
        row["name"]
        for row in reader.query("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY rowid")
    ]
    return {
        view: [row["name"] for row in reader.query(f'PRAGMA table_info("{view}")')]
        for view in views
    }


def table_names(reader: Reader) -> list[str]:
    """Return the names of the file's tables (SQLite's own and full-text shadow tables too)."""
    rows = reader.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [row["name"] for row in rows]
