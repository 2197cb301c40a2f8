"""Several exports at once (`facilitate export --format all`): one process per group of exports,
all holding the same state of the file, and every failure told in one line."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from helpers import poll_until, workshop_with_pain_points
from workshops import damaged_deep_inside

from console.report import parallel
from console.report.build import targets_of
from console.report.output import ExportError
from console.store.core import WorkshopStore
from console.store.export import ReadOnlyWorkshop
from console.store.files import StoreError, check_readable_workshop, has_journal
from console.store.inventory import capture_pain_point


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    """A workshop holding a few pain points."""
    return workshop_with_pain_points(tmp_path / "w.db", 5)


def exported(
    workshop: Path, folder: Path, formats: tuple[str, ...] = ("md", "html", "csv", "json")
) -> list[Path]:
    """Export the formats of the workshop (every one by default) into folder, the way the
    command does."""
    folder.mkdir()
    targets = targets_of(workshop, formats, folder)
    had_journal = has_journal(workshop)
    version = check_readable_workshop(workshop, whole_file=False)
    return list(parallel.export_in_parallel(workshop, targets, version, had_journal=had_journal))


def texts_of(folder: Path) -> dict[str, str]:
    """Return what each export says of the pain points: the reports, the CSV table, the JSON."""
    return {
        "md": (folder / "w-report.md").read_text("utf-8"),
        "html": (folder / "w-report.html").read_text("utf-8"),
        "csv": (folder / "w-csv" / "pain_points.csv").read_text("utf-8-sig"),
        "json": json.dumps(json.loads((folder / "w.json").read_text("utf-8"))["tables"]),
    }


def groups_written_here(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Record the groups of exports this process writes (a child's records stay in the child)."""
    written: list[tuple[str, ...]] = []
    real = parallel.export_formats

    def recording(
        reader: Any, workshop: Path, targets: Mapping[str, Path], **options: Any
    ) -> Iterator[Path]:
        written.append(tuple(targets))
        return real(reader, workshop, targets, **options)

    monkeypatch.setattr(parallel, "export_formats", recording)
    return written


def test_each_group_is_written_by_its_own_process_from_the_same_state(
    workshop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = groups_written_here(monkeypatch)
    folder = tmp_path / "out"
    paths = exported(workshop, folder)
    assert [path.name for path in paths] == ["w-report.md", "w-report.html", "w-csv", "w.json"]
    assert here == [("md", "html")]
    for fmt, text in texts_of(folder).items():
        assert "Pain point 5: the approval chain" in text, fmt


def test_a_child_that_saw_another_state_leaves_its_group_to_the_parent(
    workshop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pain point is committed once both children hold their snapshot, before the parent's:
    # each child sees the file without it and stops; the parent writes every export, with it.
    parent = os.getpid()
    real_revision = parallel.current_revision
    held = tmp_path / "held"
    held.mkdir()
    idle = threading.Event()  # never set: a pause between two looks

    def revision(reader: Any) -> int:
        if os.getpid() != parent:
            seen = real_revision(reader)
            (held / str(os.getpid())).touch()
            return seen
        assert poll_until(lambda: len(list(held.iterdir())) == 2, 30, lambda: idle.wait(0.01))
        with WorkshopStore.open(workshop) as store:
            capture_pain_point(store, "Added while the exports began")
        return real_revision(reader)

    monkeypatch.setattr(parallel, "current_revision", revision)
    here = groups_written_here(monkeypatch)
    folder = tmp_path / "out"
    exported(workshop, folder)
    assert here == [("md", "html"), ("csv",), ("json",)]
    for fmt, text in texts_of(folder).items():
        assert "Added while the exports began" in text, fmt


def failing_in_a_child(monkeypatch: pytest.MonkeyPatch, fmt: str, error: Exception) -> None:
    """Make the child process that writes fmt fail with error as it begins."""
    parent = os.getpid()
    real = parallel.export_formats

    def failing(
        reader: Any, workshop: Path, targets: Mapping[str, Path], **options: Any
    ) -> Iterator[Path]:
        if os.getpid() != parent and fmt in targets:
            raise error
        return real(reader, workshop, targets, **options)

    monkeypatch.setattr(parallel, "export_formats", failing)


def test_a_child_that_fails_is_told_in_one_line_and_the_rest_is_whole(
    workshop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    failing_in_a_child(
        monkeypatch, "json", ExportError(f"Could not write {folder / 'w.json'}: permission denied.")
    )
    with pytest.raises(ExportError, match=r"^Could not write .*w\.json: permission denied\.$"):
        exported(workshop, folder)
    assert sorted(path.name for path in folder.iterdir()) == [
        "w-csv",
        "w-report.html",
        "w-report.md",
    ]


def test_an_unexpected_error_in_a_child_comes_back_with_its_traceback(
    workshop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_in_a_child(monkeypatch, "csv", KeyError("a bug"))
    with pytest.raises(parallel.ExportFailed, match="KeyError: 'a bug'"):
        exported(workshop, tmp_path / "out")
    assert not [path for path in (tmp_path / "out").iterdir() if path.name.startswith(".")]


@pytest.mark.parametrize("formats", [("md", "html", "csv", "json"), ("md", "html")])
def test_a_file_damaged_deep_inside_is_refused_and_no_export_is_written(
    tmp_path: Path, formats: tuple[str, ...]
) -> None:
    # The read of every page runs while the exports are written aside: none is renamed, also
    # when one process writes them all (the two reports).
    workshop = tmp_path / "w.db"
    damaged_deep_inside(workshop)
    before = workshop.read_bytes()
    folder = tmp_path / "out"
    with pytest.raises(StoreError, match=r"w\.db is damaged"):
        exported(workshop, folder, formats)
    assert list(folder.iterdir()) == []
    assert workshop.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "w.db"]


def test_a_child_stopped_while_it_tells_a_failure_still_leaves_at_once(
    workshop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parent's stop (SIGTERM, raised as SystemExit) can come while the child is telling the
    # parent why it failed: the child must still leave, never run on in the code it was forked
    # from (here, this test and the rest of the suite).
    def stopped_while_telling(*_args: object) -> int:
        raise SystemExit(1)

    monkeypatch.setattr(parallel, "_write_group", stopped_while_telling)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            with os.fdopen(read_end, "rb") as down, os.fdopen(write_end, "wb") as up:
                parallel._child(workshop, {}, 0, down, up)
        finally:
            os._exit(99)  # reached only if the child returned or raised out of _child
    os.close(read_end)
    os.close(write_end)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1


class _ReadThatFailsToEnd:
    """A connection whose reads fail, and whose end of a read fails too (a damaged file)."""

    in_transaction = False
    row_factory: object = None

    def execute(self, sql: str, *_params: object) -> None:
        if sql == "COMMIT":
            raise sqlite3.DatabaseError("database disk image is malformed")


def test_a_read_that_fails_says_why_even_when_ending_it_fails_too(tmp_path: Path) -> None:
    reader = ReadOnlyWorkshop(tmp_path / "w.db", _ReadThatFailsToEnd(), 12)  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="the read itself"), reader.snapshot():
        raise StoreError("the read itself failed")
    ended = pytest.raises(StoreError, match=r"w\.db could not be read: database disk image")
    with ended, reader.snapshot():
        pass
