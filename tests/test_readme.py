"""The README stays true: its key map is the help screen's, its commands exist."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from click.testing import CliRunner

from console.cli import cli
from console.domain.ranking import TIE_BREAK_RULE
from console.ui.app import key_sections
from console.ui.common.key_map import FOCUS_RULE

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


def test_every_key_of_the_help_screen_is_in_the_readme() -> None:
    for section in key_sections():
        assert f"**{section.title}**" in README, section.title
        for row in section.rows:
            keys, meaning = (text.replace("|", chr(92) + "|") for text in (row.keys, row.meaning))
            assert f"| {keys} | {meaning} |" in README, row


def test_the_readme_states_the_ranking_rule() -> None:
    assert TIE_BREAK_RULE in README


def test_the_readme_says_where_the_keys_go_as_the_help_does() -> None:
    # The help (F1) shows FOCUS_RULE; the README has it wrapped into lines.
    assert FOCUS_RULE in " ".join(README.split())
    assert "the list has the focus: press n or Enter" not in README


def test_the_readme_key_map_is_what_update_readme_keys_writes() -> None:
    script = Path(__file__).parent.parent / "docs" / "update_readme_keys.py"
    spec = importlib.util.spec_from_file_location("update_readme_keys", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.key_map_markdown() in README, "run python docs/update_readme_keys.py"


def test_every_command_is_in_the_readme() -> None:
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        assert f"`facilitate {name}" in README, name


def test_the_quick_start_commands_are_there() -> None:
    assert "pip install . && facilitate demo" in README
    assert 'pip install ".[test]" && pytest' in README
    assert CliRunner().invoke(cli, ["demo", "--help"]).exit_code == 0
