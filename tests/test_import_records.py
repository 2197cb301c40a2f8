"""Importing agenda items, participants, pain points and decks: all or nothing, line-numbered."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from console.cli import cli
from console.store.core import WorkshopStore


def run(*args: str) -> tuple[int, str, str]:
    """Run the facilitate command and return its exit code, stdout and stderr."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def count(path: Path, table: str) -> int:
    """Return the live rows of a table."""
    with WorkshopStore.open(path) as store:
        return store.query(f"SELECT count(*) AS n FROM {table} WHERE deleted_at IS NULL")[0]["n"]


def test_agenda_csv_appends_items_to_their_days(workshop_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "agenda.csv"
    source.write_text(
        "day;title;kind;minutes\n1;Lean Coffee on DevOps;discussion;24\n"
        "3;Day three opening;intro;15\n",
        "utf-8",
    )
    before = count(workshop_path, "agenda_items")
    code, out, err = run("import", str(workshop_path), str(source), "--kind", "agenda")
    assert code == 0, err
    assert "added 2 agenda items, 1 new days" in out
    with WorkshopStore.open(workshop_path) as store:
        rows = store.query(
            "SELECT d.number, i.title, i.kind, i.planned_minutes FROM agenda_items i "
            "JOIN agenda_days d ON d.id = i.day_id ORDER BY d.number, i.position"
        )
    assert len(rows) == before + 2
    day1 = [row for row in rows if row["number"] == 1]
    assert day1[-1]["title"] == "Lean Coffee on DevOps"
    assert rows[-1] == {
        "number": 3,
        "title": "Day three opening",
        "kind": "welcome",
        "planned_minutes": 15,
    }


def test_participants_toml_adds_and_fills_in_delegates(workshop_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "people.toml"
    source.write_text(
        '[[participants]]\nlabel = "3"\nname = "Ann"\nrole = "CIO"\n\n'
        '[[participants]]\nlabel = "D40"\nname = "Zoe"\ntable = "B"\n',
        "utf-8",
    )
    code, out, err = run("import", str(workshop_path), str(source), "--kind", "participants")
    assert code == 0, err
    assert "added 1 participants, updated 1" in out
    with WorkshopStore.open(workshop_path) as store:
        rows = {
            row["number"]: row
            for row in store.query("SELECT number, name, role, table_label FROM participants")
        }
    assert rows[3]["name"] == "Ann" and rows[3]["role"] == "CIO"
    assert rows[40]["table_label"] == "B"


def test_pain_points_csv_creates_themes_and_continues_positions(
    workshop_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "pains.csv"
    source.write_text(
        "text,theme,raised_by\nNo buy-in for new ways of working,People and culture,3\n"
        "=cmd|' /C calc'!A0,Security,\n",
        "utf-8",
    )
    code, out, err = run("import", str(workshop_path), str(source), "--kind", "pain-points")
    assert code == 0, err
    assert "added 2 pain points, 1 new themes" in out
    with WorkshopStore.open(workshop_path) as store:
        rows = store.query(
            "SELECT p.text, p.position, t.name AS theme, p.participant_id FROM pain_points p "
            "LEFT JOIN themes t ON t.id = p.theme_id ORDER BY p.position"
        )
    assert [row["position"] for row in rows] == [1, 2]
    assert rows[0]["theme"] == "People and culture" and rows[0]["participant_id"]
    assert rows[1]["text"] == "=cmd|' /C calc'!A0" and rows[1]["theme"] == "Security"


def test_deck_import_uses_the_cards_store(workshop_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "leadership.csv"
    source.write_text("code,title,category\nL1,Hero culture,C\nL2,Command and control,B\n", "utf-8")
    code, out, err = run("import", str(workshop_path), str(source), "--kind", "deck")
    assert code == 0, err
    assert "2 cards" in out
    assert count(workshop_path, "decks") == 2


def test_malformed_files_are_refused_with_a_line_number_and_nothing_saved(
    workshop_path: Path, tmp_path: Path
) -> None:
    cases = {
        "agenda.csv": ("agenda", "title,kind,minutes\nOk,talk,10\nBad,talk,ten\n", "line 3"),
        "people.csv": ("participants", "label,name\n1,Ann\nboss,Bob\n", "line 3"),
        "twice.csv": ("participants", "label,name\n7,Ann\n\n7,Bob\n", "line 4"),
        "pains.toml": ("pain-points", '[[pain_points]]\ntext = "x"\n[[pain_points]\n', "line 3"),
        "quote.csv": ("pain-points", 'text\n"ok"\n"never closed\n', "line 3"),
        "empty.csv": ("agenda", "", "empty"),
        "deck.csv": ("deck", "code,title\nA1,One\nA1,Two\n", "line 3"),
    }
    tables = ("agenda_items", "agenda_days", "participants", "pain_points", "themes", "decks")
    before = {table: count(workshop_path, table) for table in tables}
    for name, (kind, text, where) in cases.items():
        source = tmp_path / name
        source.write_text(text, "utf-8")
        code, _out, err = run("import", str(workshop_path), str(source), "--kind", kind)
        assert code == 1, name
        assert where in err, (name, err)
        assert err.count("\n") == 1 and "Traceback" not in err
    assert {table: count(workshop_path, table) for table in tables} == before
    code, _out, err = run(
        "import", str(workshop_path), str(tmp_path / "agenda.xlsx"), "--kind", "agenda"
    )
    assert code == 1 and "No file" in err
    (tmp_path / "agenda.xlsx").write_bytes(b"PK\x03\x04")
    code, _out, err = run(
        "import", str(workshop_path), str(tmp_path / "agenda.xlsx"), "--kind", "agenda"
    )
    assert code == 1 and "use a .csv or .toml file" in err
    code, _out, err = run("import", str(workshop_path), str(tmp_path / "people.csv"))
    assert code == 1 and "--kind" in err
