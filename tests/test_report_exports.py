"""Markdown, HTML, CSV and JSON exports of a realistic workshop, and their bad inputs."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import sqlite3
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import START, FakeClock
from workshops import FORMULA, SCRIPT, build_realistic_workshop

from console.cli import cli
from console.report import build, output
from console.report.build import export, export_report_files
from console.store.core import WorkshopStore
from console.store.export import open_read_only

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source"}


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    """The realistic workshop file."""
    return build_realistic_workshop(tmp_path / "workshop.db", FakeClock())


def listing(folder: Path) -> list[str]:
    """Return the names in a folder, leaving out SQLite's journal files."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))


def run(*args: str) -> tuple[int, str, str]:
    """Run the facilitate command and return its exit code, stdout and stderr."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_markdown_report_ranks_items_compares_cards_and_lists_actions(workshop: Path) -> None:
    code, out, _err = run("export", str(workshop), "--format", "md")
    assert code == 0, out
    text = (workshop.parent / "workshop-report.md").read_text("utf-8")
    assert "# Executive Connections" in text and "itSMF USA Fusion 18" in text
    assert "2026-11-26 – 2026-11-27" in text
    people = text.split("### 1. People and culture")[1].split("### 2.")[0]
    order = [int(n) for n in re.findall(r"^\| [\d=]+ \| (\d+) \|", people, re.MULTILINE)]
    assert order[:5] == [7, 3, 12, 1, 2]
    assert "↳ variant: Pain point number 40" in people
    assert text.index("### 1. People and culture") < text.index("### 2. Strategic fit")
    assert text.index("### 2. Strategic fit") < text.index("### 3. Ways of working")
    assert "#### Compared with Glenfis ITIL-course surveys (2012)" in text
    abc02 = next(line for line in text.splitlines() if line.startswith("| 2 | ABC02 |"))
    assert "Glenfis ITIL-course surveys (2012): \\#1" in abc02
    assert "also a global top card" in abc02
    assert (
        "| Everything (features) has the highest priority according to the business | 2 | 1 |"
        in (text)
    )
    actions = text.split("## Actions")[1]
    rows = [line for line in actions.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0] == "| What | Who | When | Status | Done means |"
    assert rows[1].startswith("| Draft the blog post | Eve | 2026-11-29 | open |")
    assert rows[-1].startswith("| Drop the old survey | Dan | – | dropped |")
    assert "Planned 150 min, actual 180 min." in text
    assert "(running)" in text
    assert "<script>" not in text and "\\<script\\>" in text
    assert "> “Improving daily work is more important than doing daily work” — Mike Orzen" in text


def test_quotes_read_literally_with_and_without_a_speaker(workshop: Path) -> None:
    store = WorkshopStore.open(workshop, clock=FakeClock())
    try:
        with store.write() as tx:
            for text, speaker in [("No *bold* <here> & | there", ""), ("Said & done", "<Ann>")]:
                tx.insert(
                    "takeaways",
                    {
                        "kind": "quote",
                        "text": text,
                        "speaker": speaker,
                        "owner": "",
                        "captured_at": "2026-11-27T17:00:00Z",
                    },
                )
    finally:
        store.close()
    code, out, _err = run("export", str(workshop), "--format", "md", "--format", "html")
    assert code == 0, out
    markdown = (workshop.parent / "workshop-report.md").read_text("utf-8")
    assert "\n> “No \\*bold\\* \\<here\\> & \\| there”\n\n" in markdown
    assert "\n> “Said & done” — \\<Ann\\>\n\n" in markdown
    html = (workshop.parent / "workshop-report.html").read_text("utf-8")
    assert "<blockquote>“No *bold* &lt;here&gt; &amp; | there”</blockquote>\n" in html
    assert "<blockquote>“Said &amp; done”<cite>— &lt;Ann&gt;</cite></blockquote>\n" in html


class BalanceChecker(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_balanced_self_contained_and_escapes_markup(workshop: Path) -> None:
    code, out, _err = run("export", str(workshop), "--format", "html")
    assert code == 0, out
    page = (workshop.parent / "workshop-report.html").read_text("utf-8")
    checker = BalanceChecker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    assert "script" not in checker.tags
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;/script&gt; in notes" in page
    text = "".join(checker.text)
    assert f"Tools first {SCRIPT}" in text
    for network in ("src=", "href=", "@import", "url(", "http://", "https://"):
        assert network not in page.replace("http://evil.example", "")
    assert "@media print" in page
    assert 'class="bar"' in page
    assert "also a global top card" in page


def test_csv_export_is_utf8_with_bom_and_formula_safe(workshop: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out-csv"
    code, out, _err = run("export", str(workshop), "--format", "csv", "--out", str(folder))
    assert code == 0, out
    names = {path.name for path in folder.iterdir()}
    assert {"pain_points.csv", "takeaways.csv", "card_results.csv", "actions.csv"} <= names
    raw = (folder / "takeaways.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 30
    injected = next(row for row in rows if "HYPERLINK" in row["text"])
    assert injected["text"] == "'" + FORMULA
    assert injected["owner"] == "'@mallory"
    for path in folder.iterdir():
        for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (path.name, cell)
    ranking = list(
        csv.DictReader(io.StringIO((folder / "card_results.csv").read_text("utf-8-sig")))
    )
    assert [row["code"] for row in ranking if row["round_title"] == "ABC cards: top 3"][:2] == [
        "ABC01",
        "ABC02",
    ]


def test_json_round_trips_exactly(workshop: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    assert run("export", str(workshop), "--format", "json", "--out", str(first))[0] == 0
    rebuilt = tmp_path / "rebuilt.db"
    code, out, err = run("import", str(rebuilt), str(first))
    assert code == 0, err
    assert "Imported" in out
    second = tmp_path / "second.json"
    assert run("export", str(rebuilt), "--format", "json", "--out", str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()
    dump = json.loads(first.read_text("utf-8"))
    assert len(dump["tables"]["takeaways"]) == 30
    assert len(dump["tables"]["pain_points"]) == 40
    with WorkshopStore.open(rebuilt) as store:
        assert store.query("SELECT count(*) AS n FROM takeaways_fts")[0]["n"] == 30
        assert store.current_rev() >= max(
            row["rev"] for rows in dump["tables"].values() for row in rows
        )


def test_json_import_refuses_a_full_target_a_newer_format_and_bad_json(
    workshop: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "w.json"
    run("export", str(workshop), "--format", "json", "--out", str(exported))
    before = workshop.read_bytes()
    code, _out, err = run("import", str(workshop), str(exported))
    assert code == 1 and "already holds a workshop" in err and err.count("\n") == 1
    assert workshop.read_bytes() == before
    newer = json.loads(exported.read_text("utf-8"))
    newer["format_version"] = 999
    (tmp_path / "newer.json").write_text(json.dumps(newer), "utf-8")
    code, _out, err = run("import", str(tmp_path / "new1.db"), str(tmp_path / "newer.json"))
    assert code == 1 and "newer console" in err
    assert not (tmp_path / "new1.db").exists()
    (tmp_path / "bad.json").write_text(
        '{"kind": "facilitation-console workshop",\n  oops}', "utf-8"
    )
    code, _out, err = run("import", str(tmp_path / "new2.db"), str(tmp_path / "bad.json"))
    assert code == 1 and "bad.json line 2" in err
    broken = json.loads(exported.read_text("utf-8"))
    broken["tables"]["pain_points"][0]["theme_id"] = "no-such-theme"
    (tmp_path / "broken.json").write_text(json.dumps(broken), "utf-8")
    code, _out, err = run("import", str(tmp_path / "new3.db"), str(tmp_path / "broken.json"))
    assert code == 1 and "FOREIGN KEY" in err
    assert not (tmp_path / "new3.db").exists()
    assert not list(tmp_path.glob("new*.db*"))


def test_export_reads_one_snapshot_while_another_console_writes(workshop: Path) -> None:
    writer = sqlite3.connect(workshop, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE workshop SET title = 'Uncommitted title'")
    try:
        with open_read_only(workshop) as reader:
            path = export(reader, workshop, "md")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert "# Executive Connections" in path.read_text("utf-8")


def test_a_full_disk_leaves_the_old_report_and_no_temporary_file(
    workshop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = workshop.parent / "workshop-report.md"
    target.write_text("the previous report", "utf-8")
    before = listing(workshop.parent)

    def full(_fd: int, _data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "write", full)
    code, _out, err = run("export", str(workshop), "--format", "md")
    assert code == 1
    assert err == (
        f"facilitate: the disk is full: {target} was not updated, the previous version is kept; "
        "free some space and try again.\n"
    )
    assert target.read_text("utf-8") == "the previous report"
    assert listing(workshop.parent) == before
    code, _out, err = run("export", str(workshop), "--format", "csv")
    assert code == 1 and "the disk is full" in err
    assert listing(workshop.parent) == before


def test_unwritable_or_missing_targets_get_one_line(
    workshop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _out, err = run("export", str(workshop), "--out", str(tmp_path / "no" / "r.md"))
    assert code == 1 and "does not exist" in err and err.count("\n") == 1
    code, _out, err = run("export", str(workshop), "--out", str(tmp_path))
    assert code == 1 and "it is a folder" in err
    (tmp_path / "file").write_text("x", "utf-8")
    code, _out, err = run(
        "export", str(workshop), "--format", "csv", "--out", str(tmp_path / "file")
    )
    assert code == 1 and "not a folder" in err

    def denied(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output, "open_private_temporary", denied)
    code, _out, err = run("export", str(workshop), "--format", "html")
    assert code == 1 and "permission denied" in err
    assert not (workshop.parent / "workshop-report.html").exists()
    code, _out, err = run("export", str(tmp_path / "missing.db"))
    assert code == 1 and "does not exist" in err


def test_export_never_writes_to_the_workshop_file(workshop: Path) -> None:
    before = workshop.read_bytes()
    for fmt in ("md", "html", "csv", "json"):
        assert run("export", str(workshop), "--format", fmt)[0] == 0
    assert workshop.read_bytes() == before


def test_report_files_from_an_open_store(workshop: Path) -> None:
    with WorkshopStore.open(workshop) as store:
        markdown, html = export_report_files(store, workshop)
    assert markdown.name == "workshop-report.md" and html.name == "workshop-report.html"
    assert os.path.getsize(markdown) > 1000 and os.path.getsize(html) > 1000


def test_all_formats_in_one_command_are_the_single_exports(
    workshop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "utc_now", lambda: START)
    folder = tmp_path / "all"
    code, out, err = run("export", str(workshop), "--format", "all", "--out", str(folder))
    assert code == 0, err
    names = ["workshop-report.md", "workshop-report.html", "workshop-csv", "workshop.json"]
    assert out == "".join(f"Wrote {folder / name}\n" for name in names)
    assert sorted(path.name for path in folder.iterdir()) == sorted(names)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for fmt, name in zip(("md", "html", "csv", "json"), names, strict=True):
        single = tmp_path / f"single-{fmt}"
        assert run("export", str(workshop), "--format", fmt, "--out", str(single))[0] == 0
        together = folder / name
        if fmt == "csv":
            assert {p.name: p.read_bytes() for p in together.iterdir()} == {
                p.name: p.read_bytes() for p in single.iterdir()
            }
            assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in together.iterdir())
        else:
            assert together.read_bytes() == single.read_bytes(), fmt
            assert stat.S_IMODE(together.stat().st_mode) == 0o600
    assert "Report generated 2026-" in (folder / "workshop-report.md").read_text("utf-8")


def test_repeated_formats_go_next_to_the_workshop_by_default(workshop: Path) -> None:
    before = listing(workshop.parent)
    code, out, err = run("export", str(workshop), "--format", "csv", "--format", "md")
    assert code == 0, err
    assert out.splitlines() == [
        f"Wrote {workshop.parent / 'workshop-report.md'}",
        f"Wrote {workshop.parent / 'workshop-csv'}",
    ]
    assert listing(workshop.parent) == sorted([*before, "workshop-report.md", "workshop-csv"])
    assert "# Executive Connections" in (workshop.parent / "workshop-report.md").read_text("utf-8")


def test_all_formats_refuse_a_full_disk_and_a_file_as_folder_in_one_line(
    workshop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    assert run("export", str(workshop), "--format", "all", "--out", str(folder))[0] == 0
    before = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    report = (folder / "workshop-report.md").read_bytes()

    def full(_fd: int, _data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "write", full)
    code, out, err = run("export", str(workshop), "--format", "all", "--out", str(folder))
    assert code == 1 and out == ""
    assert err == (
        f"facilitate: the disk is full: {folder / 'workshop-report.md'} was not updated, the "
        "previous version is kept; free some space and try again.\n"
    )
    assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == before
    assert (folder / "workshop-report.md").read_bytes() == report
    assert not [path for path in folder.iterdir() if path.name.startswith(".")]
    monkeypatch.undo()
    (tmp_path / "file").write_text("x", "utf-8")
    code, _out, err = run(
        "export", str(workshop), "--format", "all", "--out", str(tmp_path / "file")
    )
    assert code == 1 and "not a folder" in err and err.count("\n") == 1
    code, _out, err = run(
        "export", str(workshop), "--format", "all", "--out", str(tmp_path / "no" / "such")
    )
    assert code == 1 and "does not exist" in err and err.count("\n") == 1
