"""Writing exports atomically: a complete new file appears, or nothing changes at all."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


class ExportError(ValueError):
    """An export that could not be written, told in one line; nothing partial was left."""


def describe_os_error(error: OSError) -> str:
    """Return why a write failed, in words a facilitator can act on."""
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (the folder is read-only)"
    if error.errno == errno.ENOENT:
        return "the folder does not exist"
    if error.errno == errno.EISDIR:
        return "it is a folder"
    return (error.strerror or str(error)).lower()


def write_bytes(handle_fd: int, data: bytes) -> None:
    """Write all of data to an open file descriptor and flush it to the disk."""
    view = memoryview(data)
    while view:
        written = os.write(handle_fd, view)
        view = view[written:]
    os.fsync(handle_fd)


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write data to path through a temporary file in the same folder, then rename it into place."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"Could not write {path}: it is a folder.")
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(f"Could not write {path}: folder {folder} does not exist.")
    temporary: str | None = None
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            write_bytes(descriptor, payload)
        finally:
            os.close(descriptor)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        temporary = None
        _sync_folder(folder)
    except OSError as error:
        raise ExportError(f"Could not write {path}: {describe_os_error(error)}.") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return path


def write_folder_atomic(folder: Path, files: Mapping[str, bytes]) -> Path:
    """Write a set of files into a folder: all are written aside first, then moved into place."""
    folder = Path(folder)
    parent = folder.parent
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"Could not write {folder}: it is a file, not a folder.")
    if not parent.is_dir():
        raise ExportError(f"Could not write {folder}: folder {parent} does not exist.")
    staging: str | None = None
    try:
        staging = tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent)
        for name, data in files.items():
            descriptor = os.open(
                os.path.join(staging, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644
            )
            try:
                write_bytes(descriptor, data)
            finally:
                os.close(descriptor)
        if not folder.exists():
            os.chmod(staging, 0o755)
            os.replace(staging, folder)
            staging = None
        else:
            for name in files:
                os.replace(os.path.join(staging, name), folder / name)
            _sync_folder(folder)
        _sync_folder(parent)
    except OSError as error:
        raise ExportError(f"Could not write {folder}: {describe_os_error(error)}.") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries so a rename survives a power cut (best effort)."""
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
