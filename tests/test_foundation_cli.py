"""The `facilitate` command: every bad file gives one line, a non-zero exit and no change."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import make_workshop
from workshops import corrupt, damaged_deep_inside, empty, foreign, newer, random_bytes, truncated


def facilitate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would, from another folder."""
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TERM": "dumb"},
    )


def read_only(path: Path) -> None:
    make_workshop(path)
    path.chmod(0o400)


BAD_FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "random bytes": (random_bytes, "is not a workshop file (it is not an SQLite database)."),
    "empty file": (empty, "is empty: it is not a workshop file."),
    "truncated": (truncated, "is damaged: the file is truncated."),
    "corrupt": (corrupt, "is damaged"),
    "damaged deep inside": (damaged_deep_inside, "is damaged"),
    "foreign sqlite": (foreign, "is an SQLite database but not a workshop file."),
    "newer format": (newer, "was written by a newer console"),
    "read-only file": (read_only, "is read-only: the console must be able to save."),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_gives_one_line_and_stays_byte_for_byte(tmp_path: Path, case: str) -> None:
    make, message = BAD_FILES[case]
    path = tmp_path / "bad.db"
    make(path)
    before = path.read_bytes()
    result = facilitate("bad.db", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("facilitate: bad.db ")
    assert message in lines[0]
    assert path.read_bytes() == before


def test_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    path = make_workshop(folder / "w.db")
    before = path.read_bytes()
    folder.chmod(0o500)
    try:
        result = facilitate(str(path), cwd=tmp_path)
    finally:
        folder.chmod(0o700)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"facilitate: Folder {folder} is read-only: the console needs to write its journal "
        "beside the workshop file. Move the file to a writable folder."
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nowhere/w.db",), "facilitate: Folder nowhere does not exist."),
        (("open", "missing.db"), "facilitate: missing.db does not exist: create it with"),
        (("new", "nowhere/w.db"), "facilitate: Folder nowhere does not exist."),
        (("new", "w.db", "--template", "nonsense"), "facilitate: No template 'nonsense'"),
        (("new", "w.db", "--title", "  "), "facilitate: The title cannot be empty."),
        ((".",), "facilitate: . is a folder, not a workshop file."),
    ],
)
def test_bad_arguments_give_one_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = facilitate(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(message)
    assert not (tmp_path / "w.db").exists()


def test_new_creates_a_private_workshop_file_with_a_title(tmp_path: Path) -> None:
    result = facilitate("new", "fusion.db", "--title", "Fusion 18", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Created fusion.db" in result.stdout
    path = tmp_path / "fusion.db"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT title FROM workshop").fetchone() == ("Fusion 18",)
    connection.close()
    again = facilitate("new", "fusion.db", cwd=tmp_path)
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_new_from_a_template_file(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        '[workshop]\ntitle = "Board offsite"\n[[days]]\nstart_time = "08:30"\n'
        'items = [{ title = "Check-in", kind = "welcome", minutes = 15 }]\n'
    )
    result = facilitate("new", "board.db", "--template", "mine.toml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "board.db") as connection:
        assert connection.execute("SELECT title FROM agenda_items").fetchall() == [("Check-in",)]
    connection.close()


def test_help_explains_every_command(tmp_path: Path) -> None:
    result = facilitate("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("new", "open", "demo", "templates"):
        assert command in result.stdout
    for command in ("new", "open", "demo"):
        sub = facilitate(command, "--help", cwd=tmp_path)
        assert sub.returncode == 0
        assert "Usage: facilitate" in sub.stdout


def test_templates_lists_the_shipped_templates(tmp_path: Path) -> None:
    result = facilitate("templates", cwd=tmp_path)
    assert "executive-connections  (default)" in result.stdout
    assert "blank" in result.stdout


def test_the_launcher_knows_every_command() -> None:
    from console.cli import cli
    from console.launch import COMMAND_NAMES

    assert set(cli.commands) == COMMAND_NAMES


def test_opening_a_file_does_not_load_the_command_line_parser(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from console.launch import main\n"
        "sys.argv = ['facilitate', 'missing.db']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    print('click' in sys.modules, exit.code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["False", "1"]
    assert result.stderr.startswith("facilitate: missing.db does not exist: create it with")
