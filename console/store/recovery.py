"""Writing a workshop back to disk after its file was deleted, moved or replaced.

The console's open connection still holds every row (SQLite keeps an unlinked file readable
through its descriptor): SQLite's backup API copies it into a new file, which is checked and
only then put in place, and the store carries on there.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

from console.store.core import WorkshopStore, describe_sqlite_error
from console.store.files import StoreError, is_busy

COMPANIONS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database: none may lie at a path a workshop is written to."""


def shown_path(path: Path) -> Path:
    """Return the path as the facilitator should read it: absolute."""
    return Path(os.path.abspath(path))


def write_back(store: WorkshopStore, target: Path | str) -> Path:
    """Write everything the store holds to a new file at target, continue there and return it."""
    target = shown_path(Path(target).expanduser())
    check_target(target)
    temporary = _write_temporary(store, target)
    try:
        _put_in_place(temporary, target)
    finally:
        _remove(temporary)
    try:
        store.continue_on(target)
    except (sqlite3.Error, StoreError) as error:
        detail = describe_sqlite_error(error) if isinstance(error, sqlite3.Error) else error
        raise StoreError(
            f"The workshop was written to {target}, but not reopened: {detail}"
        ) from None
    return target


def check_target(target: Path) -> None:
    """Refuse a path where the workshop cannot be written back without touching another file."""
    if not target.name:
        raise StoreError("Type the path of the file to write the workshop to.")
    if os.path.lexists(target):
        raise StoreError(f"{target} already exists: choose another path.")
    folder = target.parent
    if not folder.is_dir():
        raise StoreError(f"Folder {folder} does not exist: choose another path.")
    if not os.access(folder, os.W_OK):
        raise StoreError(f"Folder {folder} is read-only: choose another path.")
    for suffix in COMPANIONS:
        if os.path.lexists(f"{target}{suffix}"):
            raise StoreError(
                f"{target}{suffix} is in the way (another file's journal): choose another path."
            )


def suggested_path(path: Path) -> Path:
    """Return a free path next to the lost file (or in the home folder if its folder is gone)."""
    path = shown_path(path)
    folder = path.parent if path.parent.is_dir() else Path.home()
    for number in range(1, 1000):
        tail = "" if number == 1 else f"-{number}"
        candidate = folder / f"{path.stem}-restored{tail}{path.suffix or '.db'}"
        if not any(os.path.lexists(f"{candidate}{suffix}") for suffix in ("", *COMPANIONS)):
            return candidate
    return folder / f"{path.stem}-restored{path.suffix or '.db'}"


def _write_temporary(store: WorkshopStore, target: Path) -> Path:
    """Copy the workshop into a temporary file beside target: complete, synced and checked."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise StoreError(f"Could not write to folder {target.parent}: {error.strerror}.") from None
    os.close(handle)
    temporary = Path(name)
    try:
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            store.connection.backup(copy)
            # One self-contained file: no journal beside it to carry into place.
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = copy.execute("PRAGMA integrity_check").fetchall()
        finally:
            copy.close()
        if problems != [("ok",)]:
            raise StoreError(
                f"The copy for {target} failed SQLite's integrity check ({problems[0][0]}): "
                "nothing was put in place."
            )
        os.chmod(temporary, 0o600)
        _fsync(temporary)
    except sqlite3.Error as error:
        _remove(temporary)
        if is_busy(error):
            raise StoreError("Could not write the workshop back: the file stayed busy.") from None
        raise StoreError(f"Could not write {target}: {describe_sqlite_error(error)}") from None
    except OSError as error:
        _remove(temporary)
        raise StoreError(f"Could not write {target}: {error.strerror}.") from None
    except BaseException:
        _remove(temporary)
        raise
    return temporary


def _put_in_place(temporary: Path, target: Path) -> None:
    """Give the checked copy its name, never replacing a file that appeared there meanwhile."""
    try:
        os.link(temporary, target)  # fails if the name is taken: nothing is ever overwritten
    except FileExistsError:
        raise StoreError(f"{target} already exists: choose another path.") from None
    except OSError as error:
        # Folders without hard links (FAT, some network shares): a rename after one more look.
        if os.path.lexists(target):
            raise StoreError(f"{target} already exists: choose another path.") from None
        try:
            os.rename(temporary, target)
        except OSError:
            raise StoreError(f"Could not write {target}: {error.strerror}.") from None
    _fsync(target.parent)


def _fsync(path: Path) -> None:
    """Make a file's (or a folder's) contents durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove(temporary: Path) -> None:
    """Remove a temporary copy and any journal SQLite left beside it."""
    for suffix in ("", *COMPANIONS):
        with contextlib.suppress(OSError):
            os.unlink(f"{temporary}{suffix}")
