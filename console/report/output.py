"""Writing exports atomically and privately: a complete new file appears, or nothing changes.

Each file is written to a temporary file (0600, created exclusively) in the same folder, flushed
to the disk and measured against the bytes produced before it is renamed into place, so a full
disk or a killed process never leaves half a report, and an existing export stays as it was.

An export may come as pieces of text (a report rendered row by row): they are written as they
come, a buffer at a time, so no export is ever held whole in memory.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

from console.store.durable import NO_ROOM_ERRNOS, sync_folder

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700

BUFFER_CHARS = 1 << 18
"""How much text is gathered before it goes to the disk: few system calls, little memory."""

Content = bytes | str | Iterable[str]
"""What an export holds: its bytes, its text, or its text in pieces, written as they come."""


T = TypeVar("T")

Ready = Callable[[], None]
"""What an atomic write calls once everything is written aside, before anything is renamed."""


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield items in lists of up to size: an export's rows are made into text a batch at a
    time, few enough calls and little memory."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class ExportError(ValueError):
    """An export that could not be written, told in one line; nothing partial was left."""


class ShortWrite(OSError):
    """Fewer bytes reached the disk than were produced."""


def describe_os_error(error: OSError) -> str:
    """Return why a write failed, in words a facilitator can act on."""
    if error.errno in NO_ROOM_ERRNOS:
        return "the disk is full"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (the folder is read-only)"
    if error.errno == errno.ENOENT:
        return "the folder does not exist"
    if error.errno == errno.EISDIR:
        return "it is a folder"
    return (error.strerror or str(error)).lower()


def write_bytes(handle_fd: int, data: Content) -> None:
    """Write all of data to an open file, flush it to the disk and check its size there."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, bytes):
        expected = _write_all(handle_fd, data)
    else:
        expected = _write_pieces(handle_fd, data)
    os.fsync(handle_fd)
    size = os.fstat(handle_fd).st_size
    if size != expected:
        raise ShortWrite(errno.EIO, f"{size} of {expected} bytes reached the disk")


def _write_pieces(handle_fd: int, pieces: Iterable[str]) -> int:
    """Write text that comes in pieces, a buffer at a time; return how many bytes it made."""
    written = 0
    buffer: list[str] = []
    gathered = 0
    for piece in pieces:
        buffer.append(piece)
        gathered += len(piece)
        if gathered >= BUFFER_CHARS:
            written += _write_all(handle_fd, "".join(buffer).encode("utf-8"))
            buffer.clear()
            gathered = 0
    if buffer:
        written += _write_all(handle_fd, "".join(buffer).encode("utf-8"))
    return written


def _write_all(handle_fd: int, data: bytes) -> int:
    """Write all of data to an open file (a short write is retried); return its length."""
    view = memoryview(data)
    while view:
        view = view[os.write(handle_fd, view) :]
    return len(data)


def write_atomic(path: Path, data: Content, *, ready: Ready | None = None) -> Path:
    """Write data to path through a temporary file in the same folder, then rename it into place
    (once ready, if given, has returned)."""
    return write_files_atomic({Path(path): data}, ready=ready)[0]


def write_files_atomic(files: Mapping[Path, Content], *, ready: Ready | None = None) -> list[Path]:
    """Write several files together: all are written aside and checked before any is replaced.

    ready: called once all are written, before any replaces its path; what it raises leaves
    every previous file as it was.
    """
    targets = [Path(path) for path in files]
    for path in targets:
        if path.is_dir():
            raise ExportError(f"Could not write {path}: it is a folder.")
        if not path.parent.is_dir():
            raise ExportError(f"Could not write {path}: folder {path.parent} does not exist.")
    staged: dict[Path, str] = {}
    current = targets[0]
    try:
        for current, data in zip(targets, files.values(), strict=True):
            descriptor, temporary = open_private_temporary(current.parent, current.name)
            staged[current] = temporary
            try:
                write_bytes(descriptor, data)
            finally:
                os.close(descriptor)
        if ready is not None:
            ready()
        for current in targets:
            os.replace(staged[current], current)
            del staged[current]
        for folder in {path.parent for path in targets}:
            sync_folder(folder)
    except OSError as error:
        raise _failure(current, error) from None
    finally:
        for temporary in staged.values():
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return targets


def write_folder_atomic(
    folder: Path,
    files: Mapping[str, Content] | Iterable[tuple[str, Content]],
    *,
    ready: Ready | None = None,
) -> Path:
    """Write a set of files into a folder: all are written aside first, then moved into place.

    files are names with their contents, as a mapping or as pairs made one after the other.
    ready: called once all are written, before any is moved; what it raises moves none.
    """
    folder = Path(folder)
    parent = folder.parent
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"Could not write {folder}: it is a file, not a folder.")
    if not parent.is_dir():
        raise ExportError(f"Could not write {folder}: folder {parent} does not exist.")
    staging: str | None = None
    try:
        # mkdtemp makes the folder 0700: only the owner can list or open the exported tables.
        staging = tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent)
        names: list[str] = []
        for name, data in files.items() if isinstance(files, Mapping) else files:
            names.append(name)
            descriptor = os.open(
                os.path.join(staging, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE
            )
            try:
                os.fchmod(descriptor, PRIVATE_FILE)
                write_bytes(descriptor, data)
            finally:
                os.close(descriptor)
        sync_folder(Path(staging))
        if ready is not None:
            ready()
        if not folder.exists():
            os.chmod(staging, PRIVATE_FOLDER)
            os.replace(staging, folder)
            staging = None
        else:
            for name in names:
                os.replace(os.path.join(staging, name), folder / name)
            sync_folder(folder)
        sync_folder(parent)
    except OSError as error:
        raise _failure(folder, error) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def write_stdout(text: str) -> None:
    """Write text to standard output and check that all of it got there."""
    # Under a redirect to a full disk, Python's buffered stdout can drop the end of the text
    # without an error (a short write is not retried), so the bytes go to the descriptor.
    stream = sys.stdout
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        # Not a real file (a test runner's capture): nothing can fill up.
        stream.write(text)
        stream.flush()
        return
    data = text.encode(stream.encoding or "utf-8", stream.errors or "strict")
    try:
        stream.flush()
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    except OSError as error:
        if error.errno in NO_ROOM_ERRNOS:
            raise ExportError(
                "the disk is full: the output was cut short; free some space and try again."
            ) from None
        raise ExportError(f"Could not write the output: {describe_os_error(error)}.") from None


def open_private_temporary(folder: Path, name: str) -> tuple[int, str]:
    """Create a new temporary file beside name that only its owner can read; return fd and path."""
    while True:
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        except FileExistsError:
            continue
        # The umask may only take bits away; a stricter one must not leave the owner without.
        try:
            os.fchmod(descriptor, PRIVATE_FILE)
        except OSError:
            os.close(descriptor)
            os.unlink(temporary)
            raise
        return descriptor, temporary


def not_written(path: Path) -> str:
    """Say what a full disk left of an export at path: nothing, or the previous version."""
    if path.exists():
        return (
            f"{path} was not updated, the previous version is kept; free some space and try again."
        )
    return f"{path} was not written; free some space and try again."


def _failure(path: Path, error: OSError) -> ExportError:
    """Return the one-line error for a file or folder that was not written."""
    if error.errno in NO_ROOM_ERRNOS:
        return ExportError(f"the disk is full: {not_written(path)}")
    if isinstance(error, ShortWrite):
        return ExportError(f"Could not write {path}: {error.strerror}.")
    return ExportError(f"Could not write {path}: {describe_os_error(error)}.")
