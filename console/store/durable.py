"""Workshop files that are whole before anyone is told they were saved.

A new or changed file is folded back from its write-ahead log, checked with `integrity_check`,
flushed to the disk and measured before the command reports success. On a full disk (ENOSPC,
EFBIG from `ulimit -f`, SQLITE_FULL) the command says so in one line and leaves nothing
half-made: a new file is removed with its journal, a changed file keeps its previous rows.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from console.store.core import Transaction, WorkshopStore, describe_sqlite_error
from console.store.files import StoreError, check_new_path

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None  # type: ignore[assignment]

NO_ROOM_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})
"""What the system says when a write does not fit: no space, file size limit, quota."""

SQLITE_FULL = 13
SQLITE_IOERR = 10
LOW_SPACE_BYTES = 1 << 20
"""Below this much free space, an SQLite I/O error on a write is taken as a full disk."""

JOURNAL_SUFFIXES = ("", "-wal", "-shm", "-journal")


class DiskFull(StoreError):
    """A write that did not fit on the disk; the sentence says what was kept."""


def file_size_limit() -> int | None:
    """Return the largest file this process may write (`ulimit -f`), None without a limit."""
    if resource is None:
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def free_bytes(folder: Path) -> int | None:
    """Return the space left for this user in folder's file system, None if unknown."""
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):
        return None
    return stats.f_bavail * stats.f_frsize


def is_disk_full(error: BaseException, folder: Path) -> bool:
    """Tell whether an error, or one it was raised from, means the disk had no room."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in NO_ROOM_ERRNOS:
            return True
        if isinstance(current, sqlite3.Error):
            code = getattr(current, "sqlite_errorcode", None)
            primary = code & 0xFF if isinstance(code, int) else None
            if primary == SQLITE_FULL or "disk is full" in str(current):
                return True
            # SQLite reports EFBIG (a file size limit) and a failed fsync as a plain I/O error.
            if (primary == SQLITE_IOERR or "disk i/o" in str(current).lower()) and _short_of_room(
                folder
            ):
                return True
        current = current.__cause__ or current.__context__
    return False


def remove_workshop_files(path: Path) -> None:
    """Remove a workshop file this command created, with its journal files."""
    for suffix in JOURNAL_SUFFIXES:
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def settle(store: WorkshopStore, *, others_may_read: bool = False) -> bool:
    """Fold the journal into the file, check it and flush it; False if readers kept the journal."""
    # With others_may_read, consoles reading the journal may keep it from being emptied: what
    # was committed is safe in it, and the last console to close folds it in.
    path = store.path
    connection = store.connection
    try:
        busy, _frames, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and not others_may_read:
            raise StoreError(f"{path} is open in another program: close it and try again.")
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
        page_count = int(connection.execute("PRAGMA page_count").fetchone()[0])
    except sqlite3.Error as error:
        raise StoreError(f"{path} could not be checked: {describe_sqlite_error(error)}") from error
    if problems != ["ok"]:
        detail = " ".join(" ".join(str(problem) for problem in problems[:3]).split())
        raise StoreError(f"{path} failed its check after writing: {detail.rstrip('.')}.")
    # The checkpoint has flushed the file (synchronous=FULL). Opening it here to flush it again
    # would cancel this process's SQLite locks on it (see files._OPEN_IN_SQLITE).
    size = path.stat().st_size
    if not busy and size < page_size * page_count:
        raise StoreError(
            f"{path} is damaged: {size:,} bytes reached the disk, "
            f"{page_size * page_count:,} were written."
        )
    sync_folder(path.parent)
    return not busy


def create_workshop(
    path: Path, fill: Callable[[WorkshopStore], None], *, role: str = "console"
) -> None:
    """Create a workshop file filled by fill; keep it only if it is whole on the disk.

    It is built under a hidden name beside path and linked to path only once whole, so a
    console killed half-way never leaves a half-made workshop at the name the user gave.
    """
    path = Path(path)
    check_new_path(path)  # refusals name the user's path, not the one it is built under
    building = path.with_name(f".{path.name}.{secrets.token_hex(4)}.new")
    try:
        store = WorkshopStore.create(building, role=role)
    except BaseException as error:
        # create() has removed what it made; say why it failed in the user's words.
        _raise_not_created(path, error)
    try:
        fill(store)
        settle(store)
    except BaseException as error:
        full = is_disk_full(error, path.parent)
        with contextlib.suppress(sqlite3.Error):
            store.close()
        remove_workshop_files(building)
        _raise_not_created(path, error, full=full)
    store.close()
    try:
        leftover = Path(f"{building}-wal")
        if leftover.exists() and leftover.stat().st_size:
            raise StoreError(f"{path} could not be finished: its journal was not folded in.")
        _sync_file(building)
        _put_in_place(building, path)
        sync_folder(path.parent)
    except BaseException as error:
        full = is_disk_full(error, path.parent)
        remove_workshop_files(building)
        _raise_not_created(path, error, full=full)
    finally:
        remove_workshop_files(building)


def _put_in_place(building: Path, path: Path) -> None:
    """Give the finished file the user's name, never over a file that appeared meanwhile."""
    try:
        os.link(building, path)
    except FileExistsError:
        raise StoreError(
            f"{path} already exists: choose another name, or open it instead."
        ) from None
    except OSError:  # a filesystem without hard links
        if path.exists():
            raise StoreError(
                f"{path} already exists: choose another name, or open it instead."
            ) from None
        os.replace(building, path)


@contextmanager
def disk_full_means(sentence: str, folder: Path) -> Iterator[None]:
    """Turn a full disk met inside the block into DiskFull ending with sentence."""
    try:
        yield
    except DiskFull:
        raise
    except BaseException as error:
        if is_disk_full(error, folder):
            raise DiskFull(f"the disk is full: {sentence}") from error
        raise


@contextmanager
def settled_write(
    store: WorkshopStore, *, not_saved: str, not_settled: str
) -> Iterator[Transaction]:
    """Run one transaction on an existing file, then fold it in, check and flush the file."""
    # `not_saved` ends the disk-full sentence when nothing was saved, `not_settled` when the
    # rows are committed to the journal but could not be folded into the file. Setting aside
    # the room the file grows by before committing makes the second all but impossible.
    folder = store.path.parent
    room: Path | None = None
    try:
        with disk_full_means(not_saved, folder), store.write() as transaction:
            yield transaction
            room = _set_room_aside(store)
    finally:
        if room is not None:
            with contextlib.suppress(OSError):
                room.unlink()
    with disk_full_means(not_settled, folder):
        settle(store, others_may_read=True)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries so a new or renamed file survives a power cut (best effort)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _raise_not_created(path: Path, error: BaseException, *, full: bool | None = None) -> NoReturn:
    """Re-raise a failure to create path as one line; a full disk is said as such."""
    if full is None:
        full = is_disk_full(error, path.parent)
    if full:
        raise DiskFull(
            f"the disk is full: {path} was not created; free some space and try again."
        ) from error
    if isinstance(error, sqlite3.Error):
        raise StoreError(f"{path} was not created: {describe_sqlite_error(error)}") from error
    raise error


def _sync_file(path: Path) -> int:
    """Flush a file's data to the disk and return its size there."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
        return os.fstat(descriptor).st_size
    finally:
        os.close(descriptor)


def _set_room_aside(store: WorkshopStore) -> Path | None:
    """Hold the space the file grows by when its journal is folded in; raise if there is none."""
    # The pending transaction already knows the file's new page count. A private placeholder
    # holds the space until the commit is done and is removed just before the journal is folded
    # in: a disk without that room fails here, while the transaction can still be rolled back.
    connection = store.connection
    page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    new_size = page_size * int(connection.execute("PRAGMA page_count").fetchone()[0])
    limit = file_size_limit()
    if limit is not None and new_size > limit:
        raise OSError(errno.EFBIG, os.strerror(errno.EFBIG), str(store.path))
    growth = new_size - store.path.stat().st_size
    if growth <= 0:
        return None
    folder = store.path.parent
    while True:
        placeholder = folder / f".{store.path.name}.room-{secrets.token_hex(4)}.tmp"
        try:
            descriptor = os.open(placeholder, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            continue
    try:
        _allocate(descriptor, growth)
    except BaseException:
        os.close(descriptor)
        placeholder.unlink(missing_ok=True)
        raise
    os.close(descriptor)
    return placeholder


def _allocate(descriptor: int, size: int) -> None:
    """Give an open file size bytes of real disk blocks (not a sparse hole)."""
    allocate = getattr(os, "posix_fallocate", None)
    if allocate is not None:
        try:
            allocate(descriptor, 0, size)
            return
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                raise
    block = bytes(min(size, 1 << 20))
    left = size
    while left > 0:
        left -= os.write(descriptor, block[: min(left, len(block))])
    os.fsync(descriptor)


def _short_of_room(folder: Path) -> bool:
    """Tell whether a file size limit is set or the folder's file system is nearly full."""
    if file_size_limit() is not None:
        return True
    free = free_bytes(folder)
    return free is not None and free < LOW_SPACE_BYTES
