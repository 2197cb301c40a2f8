"""Several exports at once, one process each, all read in the same state of the file.

A laptop has more than one core, and the exports of a big workshop are independent: the report
(Markdown and HTML, read once), the CSV folder and the JSON file. Each group but the first is
written by a child process forked before any connection to the file is open, with a snapshot of
its own. Every process writes its exports aside at once; none is renamed into place before two
answers are in:
- the read of the whole file for damage (check_whole_file), which the parent runs on a thread
  meanwhile: a damaged file is refused in one line, and no export changes;
- the child's revision (console.store.export.current_revision, which every committed action
  increments) compared with the parent's: a child whose snapshot differs (an action was
  committed between the two) is stopped, and the parent writes that group itself, in its own
  snapshot, so all the exports hold the same state.

Where a process cannot be forked, or one group is asked for, this process writes them all, in
the same way.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

from console.report.build import export_formats
from console.report.output import ExportError
from console.store.export import current_revision, open_read_only
from console.store.files import StoreError, check_whole_file, forget_journal

GROUPS = (("md", "html"), ("csv",), ("json",))
"""Exports written together: the two reports share one reading of the workshop."""

_GO, _STOP = b"g", b"s"


class ExportFailed(RuntimeError):
    """An unexpected error in a process writing an export, with its traceback."""


class _Stopped(Exception):
    """The parent stopped a child before it renamed anything: it leaves without a word."""


def export_in_parallel(
    workshop: Path, targets: Mapping[str, Path], format_version: int, *, had_journal: bool
) -> Iterator[Path]:
    """Write several exports of the workshop, one process per group, yielding each path once
    written (in the order of console.report.build.FORMATS).

    The caller has checked the file but for the read of every page for damage (format_version
    is what check_readable_workshop(whole_file=False) returned; had_journal: whether the file
    had its -wal or -shm beside it before, as a damaged one is left), and no connection to it
    may be open in this process: a forked child must not share one.
    """
    groups = [
        {fmt: targets[fmt] for fmt in group if fmt in targets}
        for group in GROUPS
        if any(fmt in targets for fmt in group)
    ]
    if not hasattr(os, "fork"):
        groups = [dict(targets)]  # no process to fork: this one writes every export
    jobs: list[_Job] = []
    check = _WholeFileCheck(workshop)
    try:
        for group in groups[1:]:
            jobs.append(_Job.start(workshop, group, format_version))
        with (
            open_read_only(workshop, checked=format_version, bulk=True) as reader,
            reader.snapshot(),
        ):
            revision = current_revision(reader)
            for job in jobs:
                job.compare(revision)
            check.start(jobs)
            yield from export_formats(reader, workshop, groups[0], ready=check.passed)
            for job in jobs:
                written = job.result()
                if written is None:
                    # The child's snapshot was not this one: this process writes the group.
                    yield from export_formats(reader, workshop, job.targets, ready=check.passed)
                else:
                    yield from written
    finally:
        check.join()
        for job in jobs:
            job.end()
        if check.refused is not None and not had_journal:
            forget_journal(workshop)  # a damaged file is left as it was found


class _WholeFileCheck:
    """The read of the whole file for damage, on a thread; once it has answered, the children
    whose snapshot is the parent's are let rename their exports, or all are stopped."""

    def __init__(self, workshop: Path) -> None:
        self.workshop = workshop
        self.refused: StoreError | None = None
        self.failed: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self, jobs: list[_Job]) -> None:
        """Start reading the file (SQLite lets the interpreter go meanwhile)."""
        self._thread = threading.Thread(target=self._run, args=(jobs,), name="whole-file-check")
        self._thread.start()

    def passed(self) -> None:
        """Wait for the answer; raise the StoreError that refuses the file, if it is damaged."""
        self.join()
        if self.refused is not None:
            raise StoreError(str(self.refused))
        if self.failed is not None:
            raise self.failed

    def join(self) -> None:
        """Wait for the read to end (at once if it never started)."""
        if self._thread is not None:
            self._thread.join()

    def _run(self, jobs: list[_Job]) -> None:
        try:
            check_whole_file(self.workshop)
        except StoreError as error:
            self.refused = error
        except BaseException as error:  # raised by passed(), on the parent's own thread
            self.failed = error
        finally:
            # The children wait for this word before they rename anything: they always get it.
            for job in jobs:
                job.release(go=self.refused is None and self.failed is None)


@dataclass
class _Job:
    """A child process writing one group of exports, and the pipes to talk to it."""

    pid: int
    targets: dict[str, Path]
    to_child: BinaryIO
    from_child: BinaryIO
    done: bool = field(default=False)
    stale: bool = field(default=False)

    @classmethod
    def start(cls, workshop: Path, targets: dict[str, Path], format_version: int) -> _Job:
        """Fork a child that opens the workshop, tells its revision and writes its exports."""
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

    def compare(self, revision: int) -> None:
        """Compare the child's revision with the parent's: a child that saw another state is
        stopped at once, and its group is left to the parent."""
        theirs = _receive(self.from_child)
        if theirs[0] != "revision":
            self._settle(theirs)  # it could not read the file: raises why
        elif theirs[1] != revision:
            self.stale = True
            self._stop()

    def release(self, go: bool) -> None:
        """Let the child rename its exports into place (go), or stop it."""
        if self.done or self.stale:
            return
        with contextlib.suppress(OSError):  # a child that failed first is told by result()
            self.to_child.write(_GO if go else _STOP)
            self.to_child.flush()

    def result(self) -> list[Path] | None:
        """Wait for the child: the paths it wrote, or None when the parent must write them."""
        if self.stale:
            return None
        outcome = _receive(self.from_child)
        self._settle(outcome)
        return [Path(path) for path in outcome[1]]

    def end(self) -> None:
        """Stop the child if it is still at work, collect it, and close the pipes."""
        if not self.done:
            # This process failed first: the child's exports stay whole or absent (it takes
            # away what it had written aside, see _child).
            self._stop()
        for pipe in (self.to_child, self.from_child):
            with contextlib.suppress(OSError):
                pipe.close()

    def _stop(self) -> None:
        """End the child (its half-written files are taken away) and collect it."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.done = True

    def _settle(self, outcome: tuple[Any, ...]) -> None:
        """Collect the child, and raise what it failed with."""
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.done = True
        kind = outcome[0]
        if kind == "written":
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
) -> NoReturn:
    """Write one group of exports in this forked process, then leave it at once."""
    status = 1  # until the group is written, or the parent stopped it
    try:
        signal.signal(signal.SIGTERM, _stopped)
        status = _write_group(workshop, targets, format_version, from_parent, to_parent)
    finally:
        # Leave here whatever happened, a stop arriving while a failure is told included: this
        # process must never return into the code of the one it was forked from. And leave
        # without Python's clean-up: the parent's objects and buffers are not this process's.
        os._exit(status)


def _write_group(
    workshop: Path,
    targets: dict[str, Path],
    format_version: int,
    from_parent: BinaryIO,
    to_parent: BinaryIO,
) -> int:
    """Write one group of exports in a forked child, telling the parent what came of it;
    return the child's exit status."""
    status = 0
    answer: list[bytes] = []

    def released() -> None:
        """Wait until the parent lets this process rename its exports into place."""
        if not answer:
            answer.append(from_parent.read(1))
        if answer[0] != _GO:
            # What was written aside is taken away on the way out; the parent's stop, which may
            # come meanwhile (it failed too), must not cut that short and leave it behind.
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            raise _Stopped

    try:
        with (
            open_read_only(workshop, checked=format_version, bulk=True) as reader,
            reader.snapshot(),
        ):
            _send(to_parent, ("revision", current_revision(reader)))
            exports = export_formats(reader, workshop, targets, ready=released)
            written = [str(path) for path in exports]
        _send(to_parent, ("written", written))
    except _Stopped:
        pass  # the parent knows why: the file is damaged, or this snapshot was not its own
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
    return status


def _stopped(signum: int, frame: object) -> None:
    """End a child's work as an exception, so that its half-written files are taken away."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second stop must not cut that short
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
