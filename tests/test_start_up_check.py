"""The console reads its file whole for damage in a child process while it starts: a small file
damaged deep inside is refused in one line with exit 1 before anything is drawn, and left as it
was, journal and all (tests/test_start_up_damage.py: the refusal after the first paint)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from workshops import damaged_deep_inside


@pytest.mark.parametrize("command", [[], ["notes"]])
def test_a_console_on_a_file_damaged_deep_inside_refuses_it_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "bad.db"
    damaged_deep_inside(path)
    before = path.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "console", *command, "bad.db"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TERM": "dumb"},
    )
    assert done.returncode == 1
    assert done.stderr.startswith("facilitate: bad.db is damaged"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before
    assert not [name for name in os.listdir(tmp_path) if name != "bad.db"]
