"""A full disk, through the real command: `new`, `import`, `merge`, every export and the F9
report say so in one line, exit 1 and leave nothing half-made; what existed stays as it was.

The disk is a small tmpfs the test mounts and fills (writes fail with ENOSPC) when this machine
allows mounting, and always a file size limit (`ulimit -f`, writes fail with EFBIG).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import (
    TinyDisk,
    files_in,
    integrity,
    open_elsewhere,
    pain_point_count,
    tiny_disk,
    why_no_tmpfs,
    workshop_with_pain_points,
)

from console.store.files import check_readable_workshop

KB = 1024
MB = 1024 * KB
NO_TMPFS = why_no_tmpfs()
KINDS = [
    pytest.param(
        "tmpfs",
        marks=pytest.mark.skipif(NO_TMPFS is not None, reason=f"tmpfs: {NO_TMPFS}"),
    ),
    "ulimit",
]
NOT_CREATED = (
    "facilitate: the disk is full: {name} was not created; free some space and try again.\n"
)


@pytest.fixture(params=KINDS)
def disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TinyDisk]:
    """A folder on a disk the test fills up."""
    with tiny_disk(request.param, tmp_path / "disk") as made:
        yield made


def whole(path: Path) -> None:
    """Check that path is a workshop file the console opens, and that SQLite finds it whole."""
    check_readable_workshop(path)
    assert integrity(path) == "ok"


# New files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("free", [0, 64 * KB, 256 * KB, 512 * KB, 700 * KB, 900 * KB, 8 * MB])
def test_new_on_a_full_disk_leaves_no_file(disk: TinyDisk, free: int) -> None:
    disk.leave(free)
    result = disk.run("new", "ws.db")
    if free <= 512 * KB:
        # The file and its journal cannot fit: the command must fail, whichever the disk.
        assert result.returncode == 1
    if result.returncode == 1:
        assert result.stderr == NOT_CREATED.format(name="ws.db")
        assert result.stdout == ""
        assert not list(disk.folder.iterdir())
    else:
        # Created means whole: with 0.6-0.9 MB free on the tmpfs the commit fits but folding the
        # journal into the file does not, which must fail rather than print "Created".
        assert result.returncode == 0, result.stderr
        assert result.stdout == "Created ws.db. Open it with: facilitate ws.db\n"
        assert sorted(path.name for path in disk.folder.iterdir()) == ["ws.db"]
        disk.room()
        whole(disk.folder / "ws.db")
    if free == 8 * MB:
        assert result.returncode == 0


def test_import_into_a_new_file_on_a_full_disk(disk: TinyDisk, tmp_path: Path) -> None:
    made = workshop_with_pain_points(tmp_path / "made" / "w.db", 300)
    assert disk.run("export", str(made), "--format", "json", "--out", "w.json").returncode == 0
    exported = (disk.folder / "w.json").read_bytes()
    outcomes = []
    for free in (0, 128 * KB, 400 * KB, 700 * KB, 1 * MB, 8 * MB):
        disk.leave(free)
        result = disk.run("import", "new.db", "w.json")
        disk.room()
        outcomes.append(result.returncode)
        assert (disk.folder / "w.json").read_bytes() == exported
        if result.returncode == 1:
            assert result.stderr == NOT_CREATED.format(name="new.db")
            assert files_in(disk.folder) == {"w.json"}
            assert not list(disk.folder.glob("new.db*"))
        else:
            assert result.returncode == 0, result.stderr
            assert result.stdout.startswith("Imported ")
            whole(disk.folder / "new.db")
            assert pain_point_count(disk.folder / "new.db") == 300
            for leftover in disk.folder.glob("new.db*"):
                leftover.unlink()
    assert outcomes[:3] == [1, 1, 1] and outcomes[-1] == 0


def test_merge_on_a_full_disk_leaves_the_target_as_it_was(disk: TinyDisk, tmp_path: Path) -> None:
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    target = workshop_with_pain_points(pristine / "w.db", 10)
    source = pristine / "src.db"
    shutil.copy(target, source)
    workshop_with_pain_points(source, 1500, prefix="Noted by the note-taker")
    outcomes = []
    # 0.8-1.3 MB free: room for the commit but not for folding the journal into the file; the
    # room set aside before committing turns that into "nothing was merged".
    for free in (0, 192 * KB, 640 * KB, 900 * KB, 1200 * KB, 8 * MB):
        for name in ("w.db", "src.db"):
            shutil.copy(pristine / name, disk.folder / name)
        before = files_in(disk.folder)
        disk.leave(free)
        result = disk.run("merge", "w.db", "src.db")
        disk.room()
        outcomes.append(result.returncode)
        assert files_in(disk.folder) == before
        whole(disk.folder / "w.db")
        assert (disk.folder / "src.db").read_bytes() == source.read_bytes()
        if result.returncode == 1:
            assert result.stderr == (
                "facilitate: the disk is full: nothing was merged into w.db; "
                "free some space and try again.\n"
            )
            assert pain_point_count(disk.folder / "w.db") == 10
        else:
            assert result.returncode == 0, result.stderr
            assert result.stdout.startswith("src.db: added 1500 rows")
            assert pain_point_count(disk.folder / "w.db") == 1510
        for journal in disk.folder.glob("*.db-*"):
            journal.unlink()
    assert outcomes[:3] == [1, 1, 1] and outcomes[-1] == 0


# Exports ------------------------------------------------------------------------------------

EXPORTS = {
    "md": ("w-report.md", ("export", "w.db", "--format", "md")),
    "html": ("w-report.html", ("export", "w.db", "--format", "html")),
    "json": ("w.json", ("export", "w.db", "--format", "json")),
    "csv": ("w-csv", ("export", "w.db", "--format", "csv")),
    "portfolio": ("p.html", ("portfolio", "w.db", "--format", "html", "--out", "p.html")),
}


def previous_export(folder: Path, name: str) -> None:
    """Leave an earlier export where the new one goes."""
    if name.endswith("-csv"):
        (folder / name).mkdir()
        (folder / name / "pain_points.csv").write_text("text\nthe previous export\n", "utf-8")
    else:
        (folder / name).write_text("the previous export", "utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return the bytes of every file below folder, SQLite's journals left out."""
    return {
        name: (folder / name).read_bytes() for name in files_in(folder) if (folder / name).is_file()
    }


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
@pytest.mark.parametrize("what", list(EXPORTS))
def test_export_on_a_full_disk_leaves_no_partial_file(
    disk: TinyDisk, what: str, existing: bool
) -> None:
    workshop_with_pain_points(disk.folder / "w.db", 300)
    name, args = EXPORTS[what]
    if existing:
        previous_export(disk.folder, name)
    before = snapshot(disk.folder)
    names = files_in(disk.folder)
    # A console keeps the file open (as in the room), so reading needs no new space.
    with open_elsewhere(disk.folder / "w.db"):
        disk.leave(512)
        result = disk.run(*args)
        disk.room()
    outcome = "was not updated, the previous version is kept" if existing else "was not written"
    assert result.returncode == 1
    assert result.stderr.endswith(
        f"facilitate: the disk is full: {name} {outcome}; free some space and try again.\n"
    )
    assert result.stderr.count("facilitate:") == 1 and "Traceback" not in result.stderr
    assert snapshot(disk.folder) == before
    assert files_in(disk.folder) == names


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_f9_report_on_a_full_disk_changes_neither_report(disk: TinyDisk, existing: bool) -> None:
    workshop_with_pain_points(disk.folder / "w.db", 300)
    if existing:
        previous_export(disk.folder, "w-report.md")
        previous_export(disk.folder, "w-report.html")
    before = snapshot(disk.folder)
    script = (
        "from pathlib import Path\n"
        "from console.report.build import export_report_files\n"
        "from console.report.output import ExportError\n"
        "from console.store.core import WorkshopStore\n"
        "with WorkshopStore.open(Path('w.db')) as store:\n"
        "    try:\n"
        "        export_report_files(store, store.path)\n"
        "    except ExportError as error:\n"
        "        print(error)\n"
    )
    with open_elsewhere(disk.folder / "w.db"):
        disk.leave(512)
        result = disk.python(script)
        disk.room()
    outcome = "was not updated, the previous version is kept" if existing else "was not written"
    assert result.stderr == ""
    assert result.stdout == (
        f"the disk is full: w-report.md {outcome}; free some space and try again.\n"
    )
    assert snapshot(disk.folder) == before


def test_portfolio_to_a_redirected_output_on_a_full_disk(disk: TinyDisk) -> None:
    workshop_with_pain_points(disk.folder / "w.db", 30)
    with open_elsewhere(disk.folder / "w.db"), (disk.folder / "p.md").open("wb") as output:
        disk.leave(512)
        result = subprocess.run(
            [sys.executable, "-m", "console", "portfolio", "w.db"],
            cwd=disk.folder,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            preexec_fn=disk.preexec(),
        )
        disk.room()
    assert result.returncode == 1
    assert result.stderr == (
        "Reading workshops\n"
        "facilitate: the disk is full: the output was cut short; free some space and try again.\n"
    )


def test_a_new_workshop_has_its_name_only_once_it_is_whole(tmp_path: Path) -> None:
    """A console killed while it builds a new file never leaves a half-made one at that name."""
    from console.store.durable import create_workshop

    path = tmp_path / "ws.db"
    seen: list[list[str]] = []
    create_workshop(path, lambda _store: seen.append(sorted(p.name for p in tmp_path.iterdir())))
    assert "ws.db" not in seen[0]  # while it was being filled, the name was not there yet
    assert [p.name for p in tmp_path.iterdir()] == ["ws.db"]  # and nothing else is left
