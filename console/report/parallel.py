"""Several exports at once, one process each, all read in the same state of the file.

A laptop has more than one core, and the exports of a big workshop are independent: the report
(Markdown and HTML, read once), the CSV folder and the JSON file. Each group but the first is
written by a child process forked before any connection to the file is open, with a snapshot of
its own; the parent compares each child's revision (console.store.export.current_revision, which
every committed action increments) with its own before the child writes anything, so all the
exports hold the same state. A child whose snapshot differs (an action was committed between
the two) stops, and the parent writes that group itself, in its own snapshot.

Where a process cannot be forked, the groups are written one after the other, as they are by
console.report.build.export_formats.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from console.report.build import export_formats
from console.report.output import ExportError
from console.store.export import current_revision, open_read_only
from console.store.files import StoreError

GROUPS = (("md", "html"), ("csv",), ("json",))
"""Exports written together: the two reports share one reading of the workshop."""

_GO, _STOP = b"g", b"s"


class ExportFailed(RuntimeError):
    """An unexpected error in a process writing an export, with its traceback."""


def export_in_parallel(
    workshop: Path, targets: Mapping[str, Path], format_version: int
) -> Iterator[Path]:
    """Write several exports of the workshop, one process per group, yielding each path once
    written (in the order of console.report.build.FORMATS).

    The caller has checked the file (format_version is what check_readable_workshop returned),
    and no connection to it may be open in this process: a forked child must not share one.
    """
    groups = [
        {fmt: targets[fmt] for fmt in group if fmt in targets}
        for group in GROUPS
        if any(fmt in targets for fmt in group)
    ]
    if len(groups) < 2 or not hasattr(os, "fork"):
        with open_read_only(workshop, checked=format_version, bulk=True) as reader:
            yield from export_formats(reader, workshop, targets)
        return
    jobs: list[_Job] = []
    try:
        for group in groups[1:]:
            jobs.append(_Job.start(workshop, group, format_version))
        with (
            open_read_only(workshop, checked=format_version, bulk=True) as reader,
            reader.snapshot(),
        ):
            revision = current_revision(reader)
            for job in jobs:
                job.answer(revision)
            yield from export_formats(reader, workshop, groups[0])
            for job in jobs:
                written = job.result()
                if written is None:
                    # The child's snapshot was not this one: this process writes the group.
                    yield from export_formats(reader, workshop, job.targets)
                else:
                    yield from written
    finally:
        for job in jobs:
            job.end()


@dataclass
class _Job:
    """A child process writing one group of exports, and the pipes to talk to it."""

    pid: int
    targets: dict[str, Path]
    to_child: BinaryIO
    from_child: BinaryIO
    done: bool = field(default=False)

    @classmethod
    def start(cls, workshop: Path, targets: dict[str, Path], format_version: int) -> _Job:
        """Fork a child that opens the workshop and waits for the parent's revision."""
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: it never returns
            os.close(down_write)
            os.close(up_read)
            _child(
                workshop,
                targets,
                format_version,
                os.fdopen(down_read, "rb"),
                os.fdopen(up_write, "wb"),
            )
        os.close(down_read)
        os.close(up_write)
        return cls(pid, targets, os.fdopen(down_write, "wb"), os.fdopen(up_read, "rb"))

    def answer(self, revision: int) -> None:
        """Tell the child the parent's revision, once it has sent its own."""
        theirs = _receive(self.from_child)
        if theirs[0] != "revision":
            self._settle(theirs)  # it could not read the file: raises why
        elif theirs[1] != revision:
            self._tell(_STOP)
            self._settle(theirs)
        else:
            self._tell(_GO)

    def result(self) -> list[Path] | None:
        """Wait for the child: the paths it wrote, or None when the parent must write them."""
        if self.done:
            return None
        outcome = _receive(self.from_child)
        self._settle(outcome)
        return [Path(path) for path in outcome[1]]

    def end(self) -> None:
        """Close the pipes and collect the child (stopped first if still at work)."""
        for pipe in (self.to_child, self.from_child):
            with contextlib.suppress(OSError):
                pipe.close()
        if not self.done:
            # This process failed first: the child stops, and its exports stay whole or absent
            # (it takes away what it had written aside, see _child).
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    def _tell(self, word: bytes) -> None:
        """Send the child one word."""
        self.to_child.write(word)
        self.to_child.flush()

    def _settle(self, outcome: tuple[Any, ...]) -> None:
        """Collect the child, and raise what it failed with (None: the parent takes over)."""
        os.waitpid(self.pid, 0)
        self.done = True
        kind = outcome[0]
        if kind in ("written", "revision"):
            return
        if kind == "store":
            raise StoreError(outcome[1])
        if kind == "export":
            raise ExportError(outcome[1])
        if kind == "value":
            raise ValueError(outcome[1])
        told = str(outcome[1]).strip()
        failure = ExportFailed(f"writing {', '.join(self.targets)}: {told.splitlines()[-1]}")
        failure.add_note(f"In the process writing it:\n{told}")  # goes to the error log
        raise failure


def _child(
    workshop: Path,
    targets: dict[str, Path],
    format_version: int,
    from_parent: BinaryIO,
    to_parent: BinaryIO,
) -> None:
    """Write one group of exports in this forked process, then leave it at once."""
    status = 0
    signal.signal(signal.SIGTERM, _stopped)
    try:
        with (
            open_read_only(workshop, checked=format_version, bulk=True) as reader,
            reader.snapshot(),
        ):
            _send(to_parent, ("revision", current_revision(reader)))
            if from_parent.read(1) != _GO:
                os._exit(0)
            written = [str(path) for path in export_formats(reader, workshop, targets)]
        _send(to_parent, ("written", written))
    except BaseException as error:  # told to the parent, which raises it in one line
        status = 1
        if isinstance(error, StoreError):
            outcome: tuple[str, str] = ("store", str(error))
        elif isinstance(error, ExportError):
            outcome = ("export", str(error))
        elif isinstance(error, ValueError):
            outcome = ("value", str(error))
        else:
            outcome = ("unexpected", "".join(traceback.format_exception(error)))
        with contextlib.suppress(OSError):
            _send(to_parent, outcome)
    # Leave without Python's clean-up: the parent's objects (and its buffers) are not this
    # process's to close or flush.
    os._exit(status)


def _stopped(signum: int, frame: object) -> None:
    """End a child's work as an exception, so that its half-written files are taken away."""
    raise SystemExit(1)


def _send(pipe: BinaryIO, message: tuple[Any, ...]) -> None:
    """Send one message through a pipe."""
    data = pickle.dumps(message)
    pipe.write(struct.pack("!I", len(data)) + data)
    pipe.flush()


def _receive(pipe: BinaryIO) -> tuple[Any, ...]:
    """Receive one message from a pipe (a child that died says so)."""
    header = pipe.read(4)
    if len(header) < 4:
        return ("unexpected", "the process ended without a word.")
    (size,) = struct.unpack("!I", header)
    result: tuple[Any, ...] = pickle.loads(pipe.read(size))
    return result
