"""Merging note-takers' and co-facilitators' copies of a workshop into one file, by row id.

Rule for a row present in both files with different content: the version with the later
`updated_at` is kept; on equal `updated_at`, the one whose `updated_by` (console instance id)
sorts last. Deletes are soft, so a delete is an edit like any other and follows the same rule.
Rows only in a source are added. The sources are opened read-only and never written; the whole
merge is one transaction on the target, so a merge that is interrupted leaves it as it was. The
merge is reported only once the target is folded in from its journal, checked and on the disk.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.store.core import Transaction, WorkshopStore, insert_row
from console.store.durable import disk_full_means, settled_write
from console.store.export import ReadOnlyWorkshop, open_read_only, table_columns
from console.store.files import StoreError
from console.store.format import SYNCED_TABLES

MERGE_RULE = (
    "A row changed in both files keeps the version with the later updated_at; "
    "on equal times, the one written by the console instance whose id sorts last."
)

Progress = Callable[[str, str], None]
"""Called after each table of each source is merged: (source path, table)."""


@dataclass(frozen=True)
class Difference:
    """A row that differed between the target and a source, and which version was kept."""

    table: str
    row_id: str
    kept: str
    target_updated_at: str
    source_updated_at: str


@dataclass
class SourceResult:
    """What merging one source did."""

    source: str
    added: Counter[str] = field(default_factory=Counter)
    already: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def updated(self) -> int:
        """Return how many target rows took the source's version."""
        return sum(1 for difference in self.differences if difference.kept == "source")


@dataclass(frozen=True)
class MergeResult:
    """What a merge did, source by source."""

    target: str
    sources: tuple[SourceResult, ...]

    def lines(self) -> list[str]:
        """Return the merge report, one line per fact."""
        out: list[str] = []
        for result in self.sources:
            added = sum(result.added.values())
            detail = ", ".join(f"{n} {table}" for table, n in sorted(result.added.items()))
            out.append(
                f"{result.source}: added {added} rows"
                + (f" ({detail})" if detail else "")
                + f", {result.already} already there, {len(result.differences)} differed."
            )
            for difference in result.differences:
                kept = "took the source's" if difference.kept == "source" else "kept the target's"
                out.append(
                    f"  {difference.table} {difference.row_id}: changed on both sides or one; "
                    f"{kept} later version (target {difference.target_updated_at}, "
                    f"source {difference.source_updated_at})."
                )
        return out


def merge_workshops(
    target: Path, sources: Sequence[Path], *, progress: Progress | None = None
) -> MergeResult:
    """Bring every row of the sources into the target by id, in one transaction."""
    if not sources:
        raise ValueError("Name at least one file to merge into the target.")
    target = Path(target)
    chosen = _distinct_sources(target, sources)
    not_saved = f"nothing was merged into {target}; free some space and try again."
    not_settled = (
        f"the merge is saved in {target}-wal but not yet folded into {target}; "
        "free some space, then open it."
    )
    readers: list[ReadOnlyWorkshop] = []
    try:
        # Opening a file in WAL mode may need room for its shared-memory index.
        with disk_full_means(not_saved, target.parent):
            for source in chosen:
                readers.append(open_read_only(source))
            with open_read_only(target) as target_reader:
                _refuse_other_workshops(target, target_reader, readers)
            store = WorkshopStore.open(target, role="merge")
        try:
            results = [SourceResult(str(reader.path)) for reader in readers]
            with settled_write(store, not_saved=not_saved, not_settled=not_settled) as transaction:
                store.connection.execute("PRAGMA defer_foreign_keys = ON")
                for reader, result in zip(readers, results, strict=True):
                    _merge_source(store, transaction, reader, result, progress)
        finally:
            store.close()
    finally:
        for reader in readers:
            reader.close()
    return MergeResult(str(target), tuple(results))


def _distinct_sources(target: Path, sources: Sequence[Path]) -> list[Path]:
    """Return the sources without repeats; refuse a source that is the target itself."""
    chosen: list[Path] = []
    for source in sources:
        source = Path(source)
        if target.exists() and source.exists() and os.path.samefile(target, source):
            raise ValueError(f"{source} is the target itself: name another file to merge.")
        if not any(source.exists() and os.path.samefile(source, seen) for seen in chosen):
            chosen.append(source)
    return chosen


def _refuse_other_workshops(
    target: Path, target_reader: ReadOnlyWorkshop, readers: Sequence[ReadOnlyWorkshop]
) -> None:
    """Refuse sources that are not copies of the target's workshop (another workshop row)."""
    target_ids = {row["id"] for row in target_reader.query("SELECT id FROM workshop")}
    for reader in readers:
        source_ids = {row["id"] for row in reader.query("SELECT id FROM workshop")}
        if target_ids and source_ids and not target_ids & source_ids:
            raise ValueError(
                f"{reader.path} is another workshop, not a copy of {target}: "
                "merge only copies of the same workshop (use `facilitate portfolio` to compare)."
            )


def _merge_source(
    store: WorkshopStore,
    transaction: Transaction,
    reader: ReadOnlyWorkshop,
    result: SourceResult,
    progress: Progress | None,
) -> None:
    """Merge one source's rows into the target, table by table."""
    _merge_instances(store, reader)
    for table in SYNCED_TABLES:
        source_columns = reader.columns(table)
        if source_columns:
            target_columns = table_columns(store, table)
            columns = [name for name in source_columns if name in target_columns]
            _merge_table(store, transaction, reader, table, columns, result)
        if progress is not None:
            progress(str(reader.path), table)


def _merge_instances(store: WorkshopStore, reader: ReadOnlyWorkshop) -> None:
    """Copy the console instances the source knows, so `created_by` ids stay explained."""
    columns = [
        name for name in reader.columns("instances") if name in table_columns(store, "instances")
    ]
    if "id" not in columns:
        return
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    for row in reader.query(f"SELECT {names} FROM instances"):
        store.connection.execute(
            f"INSERT OR IGNORE INTO instances ({names}) VALUES ({marks})",
            [row[name] for name in columns],
        )


def _merge_table(
    store: WorkshopStore,
    transaction: Transaction,
    reader: ReadOnlyWorkshop,
    table: str,
    columns: list[str],
    result: SourceResult,
) -> None:
    """Add the source's new rows of one table and settle the rows that differ."""
    names = ", ".join(f'"{name}"' for name in columns)
    compared = [name for name in columns if name != "rev"]
    existing = {row["id"]: row for row in store.query(f"SELECT {names} FROM {table}")}
    for row in reader.query(f"SELECT {names} FROM {table} ORDER BY rowid"):
        mine = existing.get(row["id"])
        if mine is None:
            insert_row(store.connection, table, {**row, "rev": transaction.rev})
            existing[row["id"]] = row
            result.added[table] += 1
            continue
        if all(mine[name] == row[name] for name in compared):
            result.already += 1
            continue
        source_wins = _later(row, mine)
        result.differences.append(
            Difference(
                table=table,
                row_id=row["id"],
                kept="source" if source_wins else "target",
                target_updated_at=str(mine.get("updated_at")),
                source_updated_at=str(row.get("updated_at")),
            )
        )
        if source_wins:
            values = {name: row[name] for name in compared if name != "id"}
            values["rev"] = transaction.rev
            assignments = ", ".join(f'"{name}" = ?' for name in values)
            store.connection.execute(
                f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), row["id"]]
            )
            existing[row["id"]] = row


def _later(source: dict[str, Any], target: dict[str, Any]) -> bool:
    """Tell whether the source's version of a row wins by the documented rule."""
    source_key = (str(source.get("updated_at") or ""), str(source.get("updated_by") or ""))
    target_key = (str(target.get("updated_at") or ""), str(target.get("updated_by") or ""))
    return source_key > target_key


__all__ = ["MERGE_RULE", "MergeResult", "StoreError", "merge_workshops"]
