"""The workshop store: one connection, atomic user actions, revisions, live changes and undo."""

from __future__ import annotations

import json
import os
import platform
import random
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from console import __version__
from console.store.changes import Feature, features_of
from console.store.files import (
    BUSY_TIMEOUT_MS,
    StoreError,
    busy_error,
    check_existing_file,
    check_new_path,
    connect,
    connect_counted,
    create_empty_file,
    is_busy,
)
from console.store.format import (
    APPLICATION_ID,
    FORMAT_VERSION,
    MIGRATION_SET,
    STEP_NAMES,
    SYNCED_TABLES,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

Clock = Callable[[], datetime]
Row = dict[str, Any]

FileLoss = Literal["gone", "replaced", "unreachable"]
"""How the workshop file left its path: deleted or moved, replaced by another file, unreachable."""

JOURNAL_SUFFIXES = ("-wal", "-shm")

NOT_SAVED_FILE_LOST = "Not saved: the workshop file is gone; press F12 to write it back first."
SAVED_ONLY_IN_MEMORY = (
    "Not saved to disk: the workshop file vanished while this was saved; it is kept in memory "
    "and F12 writes it back."
)


class DamageCheck(Protocol):
    """The read of a whole workshop file for damage, running alongside the console's start."""

    def answer(self, timeout: float | None = None) -> bool:
        """Wait for the answer (at most timeout seconds); tell whether it came; raise the
        StoreError that refuses the file if it is damaged."""
        ...


class FileLostError(StoreError):
    """A write that did not reach the disk: the workshop file left its path."""


def file_identity(path: Path | str) -> tuple[int, int] | None:
    """Return the (device, inode) of the file at path, None if nothing is there."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def file_loss(path: Path, identity: tuple[int, int] | None) -> FileLoss | None:
    """Tell whether the file at path is no longer the one with this identity, and how."""
    try:
        stat = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "gone"
    except OSError:
        return "unreachable"
    if identity is None or (stat.st_dev, stat.st_ino) != identity:
        return "replaced"
    return None


class FileBusyError(StoreError):
    """Another program held the workshop file's write lock for longer than this store waits."""


def wait_for_write_lock(path: Path, stop: Callable[[], bool], *, step_ms: int = 250) -> bool:
    """Wait on a connection of its own until the write lock on path is free; tell if it was.

    Meant for a worker thread: the console's own connection stays with the UI thread.
    """
    # mode=rw: a file deleted meanwhile is not created anew by looking at it.
    uri = f"{Path(path).resolve().as_uri()}?mode=rw"
    connection = connect_counted(
        Path(path), uri, uri=True, timeout=step_ms / 1000, isolation_level=None
    )
    try:
        while not stop():
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    raise StoreError(f"The workshop file cannot be written: {error}.") from None
                continue
            connection.execute("ROLLBACK")
            return True
        return False
    finally:
        connection.close()


def utc_now() -> datetime:
    """Return the current instant in UTC."""
    return datetime.now(UTC)


def iso(instant: datetime) -> str:
    """Format an instant as ISO 8601 UTC text with microseconds, the file's timestamp format."""
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    """Parse a timestamp written by `iso`."""
    return datetime.fromisoformat(text)


def describe_sqlite_error(error: sqlite3.Error) -> str:
    """Turn an SQLite error into a sentence a facilitator can act on."""
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return "the workshop file stayed busy for 10 seconds; try again."
    if "full" in lowered:
        return "the disk is full; free some space and try again."
    if "readonly" in lowered or "read-only" in lowered:
        return "the workshop file has become read-only."
    if "malformed" in lowered or "not a database" in lowered:
        return "the workshop file is damaged."
    if "disk i/o" in lowered:
        return "the disk could not be written (I/O error)."
    return f"{text}."


def insert_row(connection: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> None:
    """Insert one row exactly as given (JSON columns arrive as text)."""
    columns = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join("?" for _ in row)
    connection.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(row.values()))


def applied_steps(connection: sqlite3.Connection) -> set[str]:
    """Return the names of the migration steps already applied to the file."""
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if exists is None:
        return set()
    rows = connection.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
    )
    return {row[0] for row in rows}


def new_id() -> str:
    """Return a new id that stays unique across workshop files."""
    return str(uuid.uuid4())


class Transaction:
    """One user action in progress: its revision, instant and the undo record it builds."""

    # A plain class, not a dataclass: building one at import costs the console's start-up more.
    def __init__(self, store: WorkshopStore, rev: int, now: str) -> None:
        self.store = store
        self.rev = rev
        self.now = now
        self.undo_changes: list[dict[str, Any]] = []

    def insert(self, table: str, values: Mapping[str, Any]) -> str:
        """Insert one row with fresh audit columns and return its id."""
        row = dict(values)
        row.setdefault("id", new_id())
        row.setdefault("created_at", self.now)
        row.setdefault("created_by", self.store.instance_id)
        row["updated_at"] = self.now
        row["updated_by"] = self.store.instance_id
        row["rev"] = self.rev
        insert_row(self.store.connection, table, row)
        return str(row["id"])

    def update(
        self, table: str, row_id: str, values: Mapping[str, Any], *, undoable: bool = False
    ) -> None:
        """Update one row's columns, stamping its audit columns; record the old values for undo."""
        if undoable:
            names = ", ".join(f'"{name}"' for name in values)
            before = self.store.connection.execute(
                f"SELECT {names} FROM {table} WHERE id = ?", [row_id]
            ).fetchone()
            if before is None:
                raise StoreError(f"That {table[:-1].replace('_', ' ')} no longer exists.")
            self.undo_changes.append(
                {"table": table, "id": row_id, "values": dict(zip(values, before, strict=True))}
            )
        stamped = {**values, "updated_at": self.now, "updated_by": self.store.instance_id}
        stamped["rev"] = self.rev
        assignments = ", ".join(f'"{name}" = ?' for name in stamped)
        self.store.connection.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?", [*stamped.values(), row_id]
        )

    def soft_delete(self, table: str, row_id: str) -> None:
        """Mark a row deleted so that it can be undone."""
        self.update(table, row_id, {"deleted_at": self.now}, undoable=True)

    def insert_undoable(self, table: str, values: Mapping[str, Any]) -> str:
        """Insert a row that undo removes again (by soft-deleting it)."""
        row_id = self.insert(table, values)
        self.undo_changes.append({"table": table, "id": row_id, "values": {"deleted_at": self.now}})
        return row_id


class WorkshopStore:
    """A workshop file opened for reading and writing by one console instance."""

    def __init__(
        self,
        path: Path,
        connection: sqlite3.Connection,
        *,
        role: str = "console",
        clock: Clock = utc_now,
    ) -> None:
        self.path = path
        self.connection = connection
        self.role = role
        self.clock = clock
        self.instance_id = new_id()
        self.started_at = iso(clock())
        self._instance_recorded = False
        self._seen_data_version = self.data_version()
        self.lock_wait = BUSY_TIMEOUT_MS / 1000
        """Seconds a write waits for another program's lock before FileBusyError (see write)."""
        self.busy_count = 0
        """How many writes gave up on another program's lock (FileBusyError)."""
        self.lost: FileLoss | None = None
        self.damage_check: DamageCheck | None = None
        """The read of the whole file for damage while it runs alongside the console's start:
        nothing is written before it has answered (see _wait_for_damage_check)."""
        self._remember_identity()

    @cached_property
    def db(self) -> Database:
        """Return sqlite-utils on this connection, for the migration steps."""
        # Imported on first use: opening the console does not need it (it costs ~40 ms).
        from sqlite_utils import Database

        return Database(self.connection, execute_plugins=False)

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        role: str = "console",
        clock: Clock = utc_now,
        checked: bool = False,
        damage_check: DamageCheck | None = None,
    ) -> WorkshopStore:
        """Open an existing workshop file, upgrading its format if it is older.

        `checked`: the caller has just checked the file (check_existing_file). `damage_check`:
        the caller has the read of every page for damage run alongside: the store writes
        nothing before it has answered.
        """
        path = Path(path)
        if not checked:
            check_existing_file(path)
        try:
            connection = connect(path)
        except sqlite3.Error as error:
            if is_busy(error):
                raise busy_error(path) from None
            raise StoreError(f"{path} cannot be opened: {error}.") from None
        store = cls(path, connection, role=role, clock=clock)
        store.damage_check = damage_check
        store._migrate()
        return store

    @classmethod
    def create(
        cls, path: Path | str, *, role: str = "console", clock: Clock = utc_now
    ) -> WorkshopStore:
        """Create a new, empty workshop file (0600) with the current format."""
        path = Path(path)
        check_new_path(path)
        try:
            create_empty_file(path)
        except OSError as error:
            raise StoreError(f"{path} cannot be created: {error.strerror}.") from None
        try:
            connection = connect(path)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            store = cls(path, connection, role=role, clock=clock)
            store._migrate()
        except BaseException:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            raise
        return store

    def close(self) -> None:
        """Close the connection; the last one out folds the journal back into the file."""
        self.connection.close()

    def __enter__(self) -> WorkshopStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Transactions -------------------------------------------------------------------------

    @contextmanager
    def write(self, undo_label: str | None = None) -> Iterator[Transaction]:
        """Run one user action as one `BEGIN IMMEDIATE` transaction with a fresh revision.

        Starting with IMMEDIATE takes the write lock up front, so a read-then-write never fails
        with SQLITE_BUSY when another console writes at the same moment (see limits.md).
        """
        if self.connection.in_transaction:
            raise RuntimeError("write() does not nest: one user action is one transaction")
        self._refuse_if_lost()
        self._wait_for_damage_check()
        try:
            self._begin_immediate()
            rev = self.connection.execute(
                "UPDATE revision SET rev = rev + 1 WHERE id = 1 RETURNING rev"
            ).fetchone()[0]
            transaction = Transaction(self, int(rev), iso(self.clock()))
            if not self._instance_recorded:
                self._record_instance(transaction)
            yield transaction
            if undo_label and transaction.undo_changes:
                self._record_undo(transaction, undo_label)
            self.connection.execute("COMMIT")
            self._instance_recorded = True
        except sqlite3.Error as error:
            self._rollback()
            raise StoreError(f"Not saved: {describe_sqlite_error(error)}") from error
        except BaseException:
            self._rollback()
            raise
        self._check_after_commit()

    def _begin_immediate(self) -> None:
        """Take the write lock, trying again every few milliseconds while another console writes.

        SQLite's own busy wait sleeps longer after each try (up to 100 ms a time), so a console
        that waited once keeps losing the lock to busier writers, for seconds when several write
        flat out (benchmarks/concurrency.py). Short, jittered tries keep every wait close to the
        length of the other writers' transactions. Gives up after the busy timeout, as SQLite would,
        or, where the console has shortened `lock_wait` so its UI thread never waits long, with
        FileBusyError: the console then waits for the lock in a worker.
        """
        deadline = time.monotonic() + self.lock_wait
        self.connection.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    self.connection.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    if not is_busy(error):
                        raise
                    if time.monotonic() >= deadline:
                        if self.lock_wait >= BUSY_TIMEOUT_MS / 1000:
                            raise
                        self.busy_count += 1
                        raise FileBusyError(
                            "Not saved yet: another program is holding the workshop file; "
                            "the console waits for it."
                        ) from None
                time.sleep(random.uniform(0.0005, 0.002))
        finally:
            self.connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _wait_for_damage_check(self) -> None:
        """Write nothing to a file until its read for damage has answered (a few hundred ms at
        most after opening): an action that comes earlier waits, and is saved once it passes."""
        if self.damage_check is not None:
            self.damage_check.answer()  # raises the refusal, now and at every later write
            self.damage_check = None

    def _rollback(self) -> None:
        """Roll back the open transaction, if the error left one."""
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read several queries from one consistent state of the file."""
        if self.connection.in_transaction:
            yield
            return
        self.connection.execute("BEGIN")
        try:
            yield
        finally:
            self.connection.execute("COMMIT")

    def rows(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = (), size: int = 2000
    ) -> Iterator[tuple[Any, ...]]:
        """Yield a read query's rows as tuples, fetched a batch at a time (memory stays flat)."""
        try:
            cursor = self.connection.execute(sql, params)
            while batch := cursor.fetchmany(size):
                yield from batch
        except sqlite3.DatabaseError as error:
            raise StoreError(f"Could not read: {describe_sqlite_error(error)}") from error

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Row]:
        """Run a read query and return its rows as dicts."""
        try:
            cursor = self.connection.execute(sql, params)
            names = [column[0] for column in cursor.description or ()]
            # Every row has one value per column: strict=True would only cost ~10% of the read.
            return [dict(zip(names, row, strict=False)) for row in cursor]
        except sqlite3.OperationalError as error:
            if "no such" in str(error) or "syntax" in str(error):
                raise
            raise StoreError(f"Could not read: {describe_sqlite_error(error)}") from error
        except sqlite3.DatabaseError as error:
            raise StoreError(f"Could not read: {describe_sqlite_error(error)}") from error

    # Live changes ---------------------------------------------------------------------------

    def data_version(self) -> int:
        """Return SQLite's data version: it changes when another connection commits."""
        return int(self.connection.execute("PRAGMA data_version").fetchone()[0])

    def changed_elsewhere(self) -> bool:
        """Tell whether another connection committed since the last call."""
        version = self.data_version()
        changed = version != self._seen_data_version
        self._seen_data_version = version
        return changed

    def current_rev(self) -> int:
        """Return the revision of the last committed action."""
        return int(self.connection.execute("SELECT rev FROM revision").fetchone()[0])

    def changed_tables(self, since_rev: int) -> set[str]:
        """Return the tables with rows written after since_rev."""
        union = " UNION ALL ".join(
            f"SELECT '{table}' FROM (SELECT 1 FROM {table} WHERE rev > :rev LIMIT 1)"
            for table in SYNCED_TABLES
        )
        return {row[0] for row in self.connection.execute(union, {"rev": since_rev})}

    def changed_features(self, since_rev: int) -> frozenset[Feature]:
        """Return the features with rows written after since_rev."""
        return features_of(self.changed_tables(since_rev))

    # The file on disk -------------------------------------------------------------------------

    def check_file(self) -> FileLoss | None:
        """Tell whether the workshop file has left its path since it was opened (a stat, ~µs).

        Once lost, the store stays lost until `continue_on` a file written back: the open
        connection still holds every row, but nothing it writes reaches a file at the path.
        """
        if self.lost is None:
            loss = file_loss(self.path, self._identity)
            if loss is not None:
                self.lost = loss
                self._release_journal()
            elif None in self._journal.values():  # a new file gets its journal on first use
                self._remember_identity()
        return self.lost

    def continue_on(self, path: Path) -> None:
        """Carry on in a copy of this workshop written back to disk, as the same instance."""
        connection = connect(path)
        old, self.connection = self.connection, connection
        self.path = path
        self.lost = None
        self._remember_identity()
        self._seen_data_version = self.data_version()
        self.__dict__.pop("db", None)  # sqlite-utils on the old connection
        # The old file is not at the path: SQLite neither checkpoints it nor deletes journals.
        old.close()

    def _remember_identity(self) -> None:
        """Remember which file (and journal files) this store opened, to notice them replaced."""
        self._identity = file_identity(self.path)
        self._journal = {
            suffix: file_identity(f"{self.path}{suffix}") for suffix in JOURNAL_SUFFIXES
        }

    def _release_journal(self) -> None:
        """Remove this connection's -wal and -shm names from the path once the file left it.

        The connection keeps them open, so it loses nothing; a file that comes to the path
        (a replacement, a new workshop, the one written back) would otherwise take them for its
        own journal and have this workshop's pages written into it.
        """
        for suffix, identity in self._journal.items():
            name = f"{self.path}{suffix}"
            if identity is not None and file_identity(name) == identity:
                with suppress(OSError):
                    os.unlink(name)

    def _refuse_if_lost(self) -> None:
        """Refuse to write once the workshop file has left its path."""
        if self.check_file() is not None:
            raise FileLostError(NOT_SAVED_FILE_LOST)

    def _check_after_commit(self) -> None:
        """Say so when the file vanished between the check and the commit: it is in memory only."""
        if self.check_file() is not None:
            raise FileLostError(SAVED_ONLY_IN_MEMORY)

    # Undo -----------------------------------------------------------------------------------

    def undo_last(self) -> str | None:
        """Undo this console's newest destructive action and return its label, if any."""
        with self.write() as transaction:
            row = self.connection.execute(
                "SELECT id, label, changes FROM undo_log WHERE actor = ? AND undone_at IS NULL "
                "ORDER BY created_at DESC, rowid DESC LIMIT 1",
                [self.role],
            ).fetchone()
            if row is None:
                return None
            entry_id, label, changes = row
            for change in reversed(json.loads(changes)):
                transaction.update(change["table"], change["id"], change["values"])
            self.connection.execute(
                "UPDATE undo_log SET undone_at = ? WHERE id = ?", [transaction.now, entry_id]
            )
        return str(label)

    def _record_undo(self, transaction: Transaction, label: str) -> None:
        """Keep an action's old values so this console can undo it, also after a restart."""
        insert_row(
            self.connection,
            "undo_log",
            {
                "id": new_id(),
                "actor": self.role,
                "instance_id": self.instance_id,
                "label": label,
                "changes": json.dumps(transaction.undo_changes),
                "created_at": transaction.now,
                "undone_at": None,
            },
        )

    # Set-up -----------------------------------------------------------------------------------

    def _migrate(self) -> None:
        """Apply pending migration steps in one immediate transaction."""
        try:
            version = self.connection.execute("PRAGMA user_version").fetchone()[0]
            if version == FORMAT_VERSION and applied_steps(self.connection) == set(STEP_NAMES):
                return
            # Imported only when the file needs steps: sqlite-utils is not needed otherwise.
            from console.store.migrations import migrations

            self._wait_for_damage_check()  # an upgrade writes: never into a damaged file
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                migrations.apply(self.db)
                self.connection.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
                self.connection.execute("COMMIT")
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
        except StoreError:
            self.close()
            raise
        except sqlite3.Error as error:
            self.close()
            if is_busy(error):
                raise busy_error(self.path) from None
            raise StoreError(f"{self.path} could not be prepared: {error}.") from None

    def _record_instance(self, transaction: Transaction) -> None:
        """Record this console instance with its first write, so rows can say who wrote them.

        Opening a file writes nothing: a console that only looks leaves the file as it was.
        """
        insert_row(
            self.connection,
            "instances",
            {
                "id": self.instance_id,
                "role": self.role,
                "started_at": self.started_at,
                "pid": os.getpid(),
                "hostname": platform.node(),
                "console_version": __version__,
            },
        )
