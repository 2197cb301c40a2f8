"""`facilitate present PATH`: bad files give the same one line as `open`, and change nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from console.cli import cli


def not_a_workshop(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize("spoil", [None, not_a_workshop, empty])
def test_present_refuses_a_bad_file_with_one_line_like_open(tmp_path: Path, spoil) -> None:
    path = tmp_path / "talk.db"
    if spoil is not None:
        spoil(path)
    before = path.read_bytes() if path.exists() else None
    runner = CliRunner()
    presented = runner.invoke(cli, ["present", str(path)])
    opened = runner.invoke(cli, ["open", str(path)])
    assert presented.exit_code == 1
    lines = presented.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("facilitate: ")
    assert presented.output == opened.output
    assert (path.read_bytes() if path.exists() else None) == before
    assert "Traceback" not in presented.output
