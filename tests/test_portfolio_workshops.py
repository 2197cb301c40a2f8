"""A portfolio of many workshop files: cards and themes ranked across rooms and years."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from conftest import FakeClock
from workshops import build_realistic_workshop, copy_workshop

from console.cli import cli


def generate_workshops(folder: Path, count: int) -> list[Path]:
    """Write count copies of the realistic workshop, spread over years, with varied card picks."""
    base = build_realistic_workshop(folder / "base.db", FakeClock())
    paths = []
    for number in range(count):
        path = copy_workshop(base, folder / f"workshop-{number:03d}.db")
        with sqlite3.connect(path) as connection:
            connection.execute(
                "UPDATE workshop SET starts_on = ?, title = ?",
                [f"{2016 + number % 3}-06-01", f"Workshop {number}"],
            )
            if number % 2:
                # Odd rooms: ABC05 loses its votes, so ABC11 moves up in those rooms.
                connection.execute(
                    "UPDATE card_votes SET deleted_at = '2026-01-01' WHERE card_id = "
                    "(SELECT id FROM cards WHERE code = 'ABC05')"
                )
        connection.close()
        paths.append(path)
    base.unlink()
    return paths


def test_portfolio_ranks_cards_and_themes_across_workshops(tmp_path: Path) -> None:
    paths = generate_workshops(tmp_path, 10)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a workshop", "utf-8")
    newer = copy_workshop(paths[0], tmp_path / "future.db")
    with sqlite3.connect(newer) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    out = tmp_path / "portfolio.json"
    result = CliRunner().invoke(
        cli,
        [
            "portfolio",
            *map(str, paths),
            str(junk),
            str(newer),
            "--format",
            "json",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr
    skipped = [
        line for line in result.stderr.splitlines() if line.startswith("facilitate: skipped")
    ]
    assert len(skipped) == 2
    assert any("notes.txt" in line and "not a workshop" in line for line in skipped)
    assert any("future.db" in line and "newer console" in line for line in skipped)
    assert "Wrote" in result.stderr and "(10 workshops)" in result.stderr
    data = json.loads(out.read_text("utf-8"))
    cards = data["cards"]
    assert [card["code"] for card in cards[:2]] == ["ABC01", "ABC02"]
    assert cards[0]["points"] == 80 and cards[0]["workshops"] == 10 and cards[0]["top3"] == 10
    abc05 = next(card for card in cards if card["code"] == "ABC05")
    assert abc05["workshops"] == 5 and abc05["points"] == 20
    abc11 = next(card for card in cards if card["code"] == "ABC11")
    assert abc11["top3"] == 5
    assert cards[0]["by_year"] == {"2016": 32, "2017": 24, "2018": 24}
    themes = data["themes"]
    assert [theme["name"] for theme in themes] == [
        "People and culture",
        "Strategic fit",
        "Ways of working",
    ]
    assert themes[0]["points"] == 250 and themes[0]["workshops"] == 10
    assert len(data["workshops"]) == 10 and data["years"] == [2016, 2017, 2018]


def test_portfolio_markdown_and_html_render(tmp_path: Path) -> None:
    paths = generate_workshops(tmp_path, 3)
    result = CliRunner().invoke(cli, ["portfolio", *map(str, paths)])
    assert result.exit_code == 0
    assert "# Workshop portfolio" in result.stdout
    assert "| 1 | ABC01 | Too little understanding of business impact and priority |" in (
        result.stdout
    )
    html = CliRunner().invoke(cli, ["portfolio", *map(str, paths), "--format", "html"])
    assert html.stdout.startswith("<!DOCTYPE html>") and "<script" not in html.stdout


def test_portfolio_of_nothing_usable_fails_in_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "a.db"
    junk.write_bytes(b"")
    result = CliRunner().invoke(cli, ["portfolio", str(junk)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "facilitate: none of the files is a workshop."
