"""Exports, reports and new workshop files are private (0600, folders 0700), like the workshop
file: a report holds what delegates said, and another user on the laptop must not read it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers import facilitate_run, workshop_with_pain_points

from console.report.build import export_report_files
from console.store.core import WorkshopStore


def mode(path: Path) -> int:
    """Return a file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


def with_umask(value: int):
    """Return a preexec_fn that runs the command under another umask."""
    return lambda: os.umask(value)


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    """A workshop with pain points, so that every export has content."""
    return workshop_with_pain_points(tmp_path / "w.db", 20)


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask-022", "umask-000"])
def test_every_export_is_private(workshop: Path, umask: int) -> None:
    folder = workshop.parent
    for fmt in ("md", "html", "json", "csv"):
        result = facilitate_run(
            folder, "export", "w.db", "--format", fmt, preexec=with_umask(umask)
        )
        assert result.returncode == 0, result.stderr
    result = facilitate_run(
        folder,
        "portfolio",
        "w.db",
        "--format",
        "html",
        "--out",
        "p.html",
        preexec=with_umask(umask),
    )
    assert result.returncode == 0, result.stderr
    for name in ("w-report.md", "w-report.html", "w.json", "p.html"):
        assert mode(folder / name) == 0o600, name
    assert mode(folder / "w-csv") == 0o700
    tables = sorted((folder / "w-csv").iterdir())
    assert tables and {path.name: mode(path) for path in tables} == {
        path.name: 0o600 for path in tables
    }


def test_an_export_that_was_readable_by_others_becomes_private(workshop: Path) -> None:
    folder = workshop.parent
    earlier = folder / "w-report.md"
    earlier.write_text("an earlier report", "utf-8")
    earlier.chmod(0o644)
    (folder / "w-csv").mkdir(mode=0o755)
    (folder / "w-csv" / "pain_points.csv").write_text("text\nold\n", "utf-8")
    (folder / "w-csv" / "pain_points.csv").chmod(0o644)
    assert facilitate_run(folder, "export", "w.db", "--format", "md").returncode == 0
    assert facilitate_run(folder, "export", "w.db", "--format", "csv").returncode == 0
    assert mode(earlier) == 0o600
    assert "an earlier report" not in earlier.read_text("utf-8")
    assert mode(folder / "w-csv" / "pain_points.csv") == 0o600


def test_the_f9_report_files_are_private(workshop: Path) -> None:
    old = os.umask(0)
    try:
        with WorkshopStore.open(workshop) as store:
            markdown, html = export_report_files(store, workshop)
    finally:
        os.umask(old)
    assert mode(markdown) == 0o600 and mode(html) == 0o600
    assert not [path.name for path in workshop.parent.iterdir() if path.name.endswith(".tmp")]


def test_new_and_imported_workshop_files_are_private(workshop: Path) -> None:
    folder = workshop.parent
    assert facilitate_run(folder, "new", "n.db", preexec=with_umask(0)).returncode == 0
    assert facilitate_run(folder, "export", "w.db", "--format", "json").returncode == 0
    result = facilitate_run(folder, "import", "i.db", "w.json", preexec=with_umask(0))
    assert result.returncode == 0, result.stderr
    assert mode(folder / "n.db") == 0o600 and mode(folder / "i.db") == 0o600
    before = mode(workshop)
    assert facilitate_run(folder, "merge", "w.db", "i.db").returncode == 0
    assert mode(workshop) == before == 0o600
