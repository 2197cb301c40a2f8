"""Imports into a workshop file: a whole workshop from JSON, or agenda, participants, pain points
and decks from CSV or TOML. Each import is one transaction: all of it is saved, or none."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.domain.records import (
    AGENDA_ITEM_FIELDS,
    MAX_BYTES,
    PAIN_POINT_FIELDS,
    PARTICIPANT_FIELDS,
    FieldSpec,
    RecordError,
    _choose_delimiter,
    parse_records,
)
from console.store.core import Transaction, WorkshopStore, insert_row
from console.store.durable import create_workshop, disk_full_means, settled_write
from console.store.export import open_read_only, table_columns, workshop_is_empty
from console.store.files import StoreError
from console.store.format import SYNCED_TABLES

KINDS = ("agenda", "participants", "pain-points", "deck")
"""What `facilitate import --kind` accepts."""

TOML_TABLES = {"agenda": "items", "participants": "participants", "pain-points": "pain_points"}
"""The `[[name]]` tables a TOML import file holds, per kind (decks use `[[cards]]`)."""

MAX_PARTICIPANTS = 500
_DELEGATE_LABEL = re.compile(r"\D{0,20}?(\d{1,4})")


@dataclass(frozen=True)
class ImportSummary:
    """What an import saved, told to the user in one line."""

    message: str
    rows: int


def read_import_file(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Return the bytes of a file to import; refuse folders, missing and huge files in one line."""
    try:
        if path.is_dir():
            raise ValueError(f"{path} is a folder, not a file to import.")
        size = path.stat().st_size
        if size > max_bytes:
            raise ValueError(f"{path.name} is too large ({size / 1_000_000:.1f} MB) to import.")
        return path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"No file at {path}.") from None
    except PermissionError:
        raise ValueError(f"{path} cannot be read: permission denied.") from None
    except OSError as error:
        raise ValueError(f"{path} cannot be read: {error.strerror}.") from None


# Whole workshop -----------------------------------------------------------------------------


def import_workshop(
    target: Path, tables: dict[str, list[dict[str, Any]]], *, source: str
) -> ImportSummary:
    """Rebuild a whole workshop into a new file or an empty workshop file, in one transaction.

    The file is folded in, checked and flushed before the import is reported; a new file that
    did not fit on the disk is removed again.
    """
    counts: list[int] = []
    if not target.exists():

        def fill(store: WorkshopStore) -> None:
            with store.write() as transaction:
                counts.append(_insert_tables(store, transaction, tables, source))

        create_workshop(target, fill, role="import")
    else:
        not_saved = f"nothing was imported into {target}; free some space and try again."
        not_settled = (
            f"the import is saved in {target}-wal but not yet folded into {target}; "
            "free some space, then open it."
        )
        # Opening a file in WAL mode may need room for its shared-memory index.
        with disk_full_means(not_saved, target.parent):
            with open_read_only(target) as reader:
                empty = workshop_is_empty(reader)
            if not empty:
                raise ValueError(
                    f"{target} already holds a workshop: import a whole workshop only into a "
                    "new file or an empty one (use `facilitate merge` to combine workshops)."
                )
            store = WorkshopStore.open(target, role="import")
        with store, settled_write(store, not_saved=not_saved, not_settled=not_settled) as writing:
            counts.append(_insert_tables(store, writing, tables, source))
    count = counts[0]
    return ImportSummary(f"Imported {count} rows from {source} into {target}.", count)


def _insert_tables(
    store: WorkshopStore,
    transaction: Transaction,
    tables: dict[str, list[dict[str, Any]]],
    source: str,
) -> int:
    """Insert every row as it was exported (audit columns and revisions kept)."""
    count = 0
    # Rows may point at rows later in the file (a round at its deck, a merge at its
    # survivor): foreign keys are checked once, at commit.
    store.connection.execute("PRAGMA defer_foreign_keys = ON")
    top_rev = transaction.rev
    for table in SYNCED_TABLES:
        rows = tables.get(table, [])
        if not rows:
            continue
        known = set(table_columns(store, table))
        for number, row in enumerate(rows, start=1):
            unknown = sorted(set(row) - known)
            if unknown:
                raise ValueError(
                    f"{source}: {table} row {number} has an unknown column {unknown[0]!r}."
                )
            insert_row(store.connection, table, row)
            if isinstance(row.get("rev"), int):
                top_rev = max(top_rev, row["rev"])
            count += 1
    store.connection.execute("UPDATE revision SET rev = ? WHERE id = 1", [top_rev])
    return count


# Records from CSV or TOML -------------------------------------------------------------------


def import_records(store: WorkshopStore, kind: str, path: Path) -> ImportSummary:
    """Import agenda items, participants, pain points or a deck from a CSV or TOML file."""
    if kind == "deck":
        from console.store.decks import import_deck

        deck = import_deck(store, path)
        return ImportSummary(f"Imported deck {deck.name!r}: {deck.cards} cards.", deck.cards)
    if kind not in TOML_TABLES:
        raise ValueError(f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.")
    data = read_import_file(path)
    importer, specs = _IMPORTERS[kind]
    records = parse_records(data, path.name, TOML_TABLES[kind], specs)
    if not records:
        raise RecordError(f"{path.name} holds nothing to import.", source=path.name)
    places = record_places(data, path.name, TOML_TABLES[kind], specs, len(records))
    with store.write() as transaction:
        message = importer(store, transaction, records, places)
    return ImportSummary(f"{path.name}: {message}", len(records))


def record_places(
    data: bytes, source: str, table_key: str, specs: tuple[FieldSpec, ...], count: int
) -> list[str]:
    """Return where each parsed record starts ("file line 4"), for the import's own errors."""
    if source.casefold().endswith(".toml"):
        noun = table_key.replace("_", " ").rstrip("s")
        return [f"{source}, {noun} {number}" for number in range(1, count + 1)]
    text = data.decode("utf-8-sig")
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_choose_delimiter(text, specs), strict=True
    )
    places: list[str] = []
    previous_line = 0
    header_seen = False
    for row in reader:
        line = previous_line + 1
        previous_line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if not header_seen:
            header_seen = True
            continue
        places.append(f"{source} line {line}")
    return places


def _agenda(
    store: WorkshopStore, transaction: Transaction, records: list[dict[str, Any]], places: list[str]
) -> str:
    """Append agenda items to the end of their days, creating missing days."""
    days = {
        int(row["number"]): row["id"]
        for row in store.query(
            "SELECT id, number FROM agenda_days WHERE deleted_at IS NULL ORDER BY created_at DESC"
        )
    }
    new_days = 0
    for record in records:
        number = int(record["day"] or 1)
        if number not in days:
            days[number] = transaction.insert("agenda_days", {"number": number, "title": ""})
            new_days += 1
        day_id = days[number]
        position = store.query(
            "SELECT coalesce(max(position), -1) + 1 AS next FROM agenda_items "
            "WHERE day_id = ? AND deleted_at IS NULL",
            [day_id],
        )[0]["next"]
        transaction.insert(
            "agenda_items",
            {
                "day_id": day_id,
                "position": position,
                "title": record["title"],
                "kind": record["kind"],
                "planned_minutes": record["minutes"],
            },
        )
    added = f", {new_days} new days" if new_days else ""
    return f"added {len(records)} agenda items{added}."


def _participants(
    store: WorkshopStore, transaction: Transaction, records: list[dict[str, Any]], places: list[str]
) -> str:
    """Add delegates by number, or fill in the name, role and table of existing ones."""
    existing = {
        int(row["number"]): row["id"]
        for row in store.query("SELECT id, number FROM participants WHERE deleted_at IS NULL")
    }
    seen: dict[int, str] = {}
    added = updated = 0
    for record, place in zip(records, places, strict=False):
        match = _DELEGATE_LABEL.fullmatch(str(record["label"]).strip())
        if match is None or int(match.group(1)) < 1:
            raise RecordError(
                f"{place}: label must be a delegate number like 12 (got {record['label']!r})."
            )
        number = int(match.group(1))
        if number in seen:
            raise RecordError(f"{place}: delegate {number} is listed twice (first {seen[number]}).")
        seen[number] = place
        values = {
            "name": record["name"] or "",
            "role": record["role"] or "",
            "table_label": record["table"] or "",
        }
        if number in existing:
            changes = {key: value for key, value in values.items() if value}
            if changes:
                transaction.update("participants", existing[number], changes)
                updated += 1
        else:
            existing[number] = transaction.insert("participants", {"number": number, **values})
            added += 1
    if len(existing) > MAX_PARTICIPANTS:
        raise ValueError(f"A workshop holds at most {MAX_PARTICIPANTS} participants.")
    return f"added {added} participants, updated {updated}."


def _pain_points(
    store: WorkshopStore, transaction: Transaction, records: list[dict[str, Any]], places: list[str]
) -> str:
    """Add pain points after the last one, creating the themes they name."""
    themes = {
        row["name"].casefold(): row["id"]
        for row in store.query(
            "SELECT id, name FROM themes WHERE deleted_at IS NULL AND merged_into_id IS NULL "
            "ORDER BY created_at DESC"
        )
    }
    people = store.query(
        "SELECT id, number, name FROM participants WHERE deleted_at IS NULL ORDER BY number"
    )
    by_number = {str(row["number"]): row["id"] for row in people}
    by_name = {row["name"].casefold(): row["id"] for row in people if row["name"]}
    position = int(
        store.query("SELECT coalesce(max(position), 0) AS top FROM pain_points")[0]["top"]
    )
    theme_position = int(
        store.query("SELECT coalesce(max(position), -1) AS top FROM themes")[0]["top"]
    )
    new_themes = 0
    for record in records:
        theme_id = None
        if record["theme"]:
            key = str(record["theme"]).casefold()
            if key not in themes:
                theme_position += 1
                themes[key] = transaction.insert(
                    "themes", {"name": record["theme"], "position": theme_position}
                )
                new_themes += 1
            theme_id = themes[key]
        raised_by = str(record["raised_by"] or "")
        position += 1
        transaction.insert(
            "pain_points",
            {
                "text": record["text"],
                "theme_id": theme_id,
                "raised_by": raised_by,
                "participant_id": by_number.get(raised_by) or by_name.get(raised_by.casefold()),
                "position": position,
            },
        )
    themed = f", {new_themes} new themes" if new_themes else ""
    return f"added {len(records)} pain points{themed}."


_Importer = Callable[[WorkshopStore, Transaction, list[dict[str, Any]], list[str]], str]

_IMPORTERS: dict[str, tuple[_Importer, tuple[FieldSpec, ...]]] = {
    "agenda": (_agenda, AGENDA_ITEM_FIELDS),
    "participants": (_participants, PARTICIPANT_FIELDS),
    "pain-points": (_pain_points, PAIN_POINT_FIELDS),
}


__all__ = ["KINDS", "ImportSummary", "StoreError", "import_records", "import_workshop"]
