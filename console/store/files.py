"""Opening workshop files safely: every bad file is refused before a byte of it is written."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from console.store.format import APPLICATION_ID, FORMAT_VERSION
from console.store.schema import schema_difference

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000

# POSIX locks belong to a process, and closing any descriptor of a file drops all of them: a
# header read with open() and close() in a process that has the file open in SQLite cancels
# SQLite's locks, and another program closing the file could then delete the journal this
# process still writes to (https://www.sqlite.org/howtocorrupt.html, section 2.2). So this
# process counts its open connections to each file, by device and inode, and reads no file raw
# while it has one open.
_OPEN_IN_SQLITE: Counter[tuple[int, int]] = Counter()
_OPEN_IN_SQLITE_LOCK = threading.Lock()


class StoreError(Exception):
    """A problem with a workshop file, told to the user in one line."""


def is_busy(error: sqlite3.Error) -> bool:
    """Tell whether SQLite gave up waiting for a lock another program holds on the file."""
    text = str(error).lower()
    return "locked" in text or "busy" in text


def busy_error(path: Path) -> StoreError:
    """Return the one-line refusal of a file another program kept locked past the busy timeout."""
    return StoreError(
        f"{path} is locked by another program (still busy after {BUSY_TIMEOUT_MS // 1000} "
        "seconds): close that program, or try again."
    )


def check_new_path(path: Path) -> None:
    """Refuse a path where a new workshop file cannot be created."""
    folder = path.parent
    if path.exists():
        raise StoreError(f"{path} already exists: choose another name, or open it instead.")
    if not folder.is_dir():
        raise StoreError(f"Folder {folder} does not exist.")
    if not _writable(folder):
        raise StoreError(f"Folder {folder} is read-only: a workshop file cannot be created there.")


def check_readable_workshop(path: Path, *, missing_hint: str = "", whole_file: bool = True) -> int:
    """Refuse anything but a workshop file of a format this console reads; return its format.

    `whole_file=False` leaves out the read of every page for damage (check_whole_file), for a
    caller that has it done alongside.
    """
    if not path.parent.is_dir():
        raise StoreError(f"Folder {path.parent} does not exist.")
    if not path.exists():
        raise StoreError(f"{path} does not exist{missing_hint}.")
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a workshop file.")
    if open_in_sqlite(path):
        # This process has it open as a workshop already, and a raw read would cancel its locks.
        return _inspect(path, whole_file)
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except PermissionError:
        raise StoreError(f"{path} cannot be read: permission denied.") from None
    except OSError as error:
        raise StoreError(f"{path} cannot be read: {error.strerror}.") from None
    if not header:
        raise StoreError(f"{path} is empty: it is not a workshop file.")
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise StoreError(f"{path} is not a workshop file (it is not an SQLite database).")
    _check_not_truncated(path, header)
    return _inspect(path, whole_file)


def check_existing_file(path: Path, *, whole_file: bool = True) -> None:
    """Refuse anything but a writable workshop file of a format this console reads.

    Read-only files and folders are refused rather than opened read-only: a console that
    cannot save would lose the facilitator's next keystroke. `whole_file=False` leaves out the
    read of every page for damage (check_whole_file), for a caller that has it done alongside.
    """
    check_readable_workshop(
        path, missing_hint=f": create it with `facilitate new {path}`", whole_file=whole_file
    )
    if not _writable(path):
        raise StoreError(
            f"{path} is read-only: the console must be able to save. "
            "Make it writable (chmod u+w) or open a copy."
        )
    if not _writable(path.parent):
        raise StoreError(
            f"Folder {path.parent} is read-only: the console needs to write its journal "
            "beside the workshop file. Move the file to a writable folder."
        )


def check_whole_file(path: Path) -> None:
    """Refuse a workshop file damaged anywhere: this reads every page of it (about 250 ms for
    250 MB from the disk cache, more from the disk itself).

    It leaves the file's journal files as they are: the caller, who may have the file open,
    tidies them (forget_journal).
    """
    connection = _connect_read_only(path)
    try:
        try:
            _refuse_damaged(path, connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise _read_refusal(path, error) from _kept_cause(error)


def uses_write_ahead_log(path: Path) -> bool:
    """Tell whether the file's header says it is in WAL mode: opening it then writes nothing."""
    if open_in_sqlite(path):
        return False  # unsure without a raw read (see _OPEN_IN_SQLITE): the careful answer
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return header[18:20] == b"\x02\x02"


def has_journal(path: Path) -> bool:
    """Tell whether the file has a -wal or -shm file beside it."""
    return any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))


class _CountedConnection(sqlite3.Connection):
    """A connection that keeps this process's count of open connections to its file."""

    _file_key: tuple[int, int] | None = None

    def close(self) -> None:
        """Close the connection, then count it out."""
        try:
            super().close()
        finally:
            key, self._file_key = self._file_key, None
            if key is not None:
                with _OPEN_IN_SQLITE_LOCK:
                    _OPEN_IN_SQLITE[key] -= 1


def connect_counted(path: Path, database: str, **options: Any) -> sqlite3.Connection:
    """Open an SQLite connection to path (database: its name or URI), counted in _OPEN_IN_SQLITE.

    A connection dropped without close() stays counted: raw reads are then left out for good.
    """
    connection = sqlite3.connect(database, factory=_CountedConnection, **options)
    key = _file_key(path)
    if key is not None:
        connection._file_key = key
        with _OPEN_IN_SQLITE_LOCK:
            _OPEN_IN_SQLITE[key] += 1
    return connection


def open_in_sqlite(path: Path | str) -> bool:
    """Tell whether this process has path open in SQLite (a raw read would cancel its locks)."""
    key = _file_key(path)
    with _OPEN_IN_SQLITE_LOCK:
        return key is not None and _OPEN_IN_SQLITE[key] > 0


def _file_key(path: Path | str) -> tuple[int, int] | None:
    """Return the device and inode that name a file, or None if it cannot be looked at."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def connect(path: Path) -> sqlite3.Connection:
    """Open a read-write connection with the pragmas that keep every commit safe."""
    connection = connect_counted(
        path,
        str(path),
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
    )
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        connection.close()
        raise StoreError(f"{path} cannot use a write-ahead log (is it on a network drive?).")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def create_empty_file(path: Path) -> None:
    """Create an empty file only its owner can read and write."""
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(descriptor)


def _writable(path: Path) -> bool:
    """Tell whether the owner may write to path, also when running as root."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return os.access(path, os.W_OK) and bool(mode & stat.S_IWUSR)


def _check_not_truncated(path: Path, header: bytes) -> None:
    """Refuse a file shorter than its own header says it is."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter = header[24:28]
    valid_for = header[92:96]
    page_count = int.from_bytes(header[28:32], "big")
    if page_size < 512 or page_size & (page_size - 1):
        raise StoreError(f"{path} is damaged: its header is not valid.")
    if change_counter == valid_for and path.stat().st_size < page_count * page_size:
        raise StoreError(f"{path} is damaged: the file is truncated.")


def _read_only_uri(path: Path) -> str:
    """Return the URI that opens path read-only."""
    return f"{path.resolve().as_uri()}?mode=ro"


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Open a read-only connection to the file, or raise the StoreError that says why not."""
    try:
        return connect_counted(path, _read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise StoreError(f"{path} cannot be opened: {error}.") from None


def _inspect(path: Path, whole_file: bool = True) -> int:
    """Check the file's identity, format version, structure and schema; return its format.

    Nothing is written: the file is read through a read-only connection. SQLite creates the
    -wal and -shm files even for reading; a refused file gets rid of them again if they were
    not there before (see forget_journal).
    """
    had_journal = has_journal(path)
    connection = _connect_read_only(path)
    try:
        try:
            return _refuse_unusable(path, connection, whole_file)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        refusal = _read_refusal(path, error)
        cause = _kept_cause(error)
    except StoreError as error:
        refusal, cause = error, None
    if not had_journal:
        forget_journal(path)
    raise refusal from cause


def _read_refusal(path: Path, error: sqlite3.DatabaseError) -> StoreError:
    """Return the one-line refusal of a file that failed to be read."""
    if is_busy(error):
        return busy_error(path)
    from console.store.durable import is_disk_full  # durable builds on this module

    if is_disk_full(error, path.parent):
        return StoreError(
            f"{path} cannot be opened: the disk is full; free some space and try again."
        )
    return StoreError(f"{path} is damaged: {error}.")


def _kept_cause(error: sqlite3.DatabaseError) -> BaseException | None:
    """Return the error to keep as the refusal's cause: a full disk looks like an I/O error."""
    return None if is_busy(error) else error


def _refuse_unusable(path: Path, connection: sqlite3.Connection, whole_file: bool) -> int:
    """Refuse another program's database, a newer format, damage or a changed schema."""
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    user_version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if application_id != APPLICATION_ID:
        raise StoreError(f"{path} is an SQLite database but not a workshop file.")
    if whole_file:
        _refuse_damaged(path, connection)
    if user_version > FORMAT_VERSION:
        raise StoreError(
            f"{path} was written by a newer console (file format {user_version}; this console "
            f"reads up to {FORMAT_VERSION}): upgrade the console to open it."
        )
    # A file changed by hand (a column dropped, a view gone) is refused now, not mid-session.
    difference = schema_difference(connection, user_version)
    if difference is not None:
        raise StoreError(f"{path} does not match the workshop format {user_version}: {difference}.")
    return user_version


def _refuse_damaged(path: Path, connection: sqlite3.Connection) -> None:
    """Refuse a file with damage anywhere in its structure."""
    # A full read of the file's structure (about 25 ms for 12 MB): damage found now is one
    # clear line, instead of an error in the middle of the session.
    problems = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
    if problems != "ok":
        detail = " ".join(str(problems).replace("*** in database main ***", "").split())
        raise StoreError(f"{path} is damaged: {detail.rstrip('.')}.")


def forget_journal(path: Path) -> None:
    """Remove the -wal and -shm files that reading a refused file left, if nobody uses them.

    Closing the last read-write connection is SQLite's own way to remove them: it does so only
    when no other connection has the file open, and it writes nothing to an unchanged file.
    """
    if not has_journal(path):
        return
    try:
        connection = connect_counted(
            path, f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=0
        )
        try:
            connection.execute("PRAGMA schema_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        pass  # read-only, locked or damaged: the journal files stay, the file is untouched
