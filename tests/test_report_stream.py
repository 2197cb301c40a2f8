"""Every export streams to its file a row at a time, and comes out byte for byte as the whole
text did: the Markdown and HTML reports, the CSV folder and the JSON file. A failure half-way
leaves no partial file."""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bad_corpus import with_injections
from conftest import START
from helpers import whole_csv_export, whole_json_export, workshop_with_pain_points
from workshops import build_realistic_workshop

from console.report import html, markdown, output
from console.report.build import export, export_report_files, read_report
from console.report.html import render_html
from console.report.markdown import render_markdown, tidied
from console.report.output import ExportError
from console.store.export import open_read_only

# The reports as they were rendered whole, before they streamed (sha256 of the file's bytes).
WHOLE_REPORTS = {
    ("realistic", "md"): "2e41e5125d58f1a3c6f44f87638f2acb0daf320165b66e08d32aba4d73f18e96",
    ("realistic", "html"): "90f3d6dc02a472e13aab88b78a2df120790d35175aed3580ec1780dc5d710462",
    ("injections", "md"): "51bd2b9bd136bb965f179d4b717d2c8bc687e55d5f2fafd6074961894a9a0432",
    ("injections", "html"): "ef62424e6356bf8bd014ea777f3fc7f2e44c179f763540766a97eb95db07e249",
}


@pytest.fixture(params=["realistic", "injections"])
def workshop(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    """The realistic two-day workshop, or the one whose text carries script and formulas."""
    if request.param == "realistic":
        return "realistic", build_realistic_workshop(tmp_path / "w.db")
    return "injections", with_injections(tmp_path)


def files_in(folder: Path) -> set[str]:
    """Return the names below folder (hidden temporary files too)."""
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def test_the_streamed_reports_are_the_whole_reports_byte_for_byte(
    workshop: tuple[str, Path],
) -> None:
    name, path = workshop
    with open_read_only(path) as reader:
        report = read_report(reader, now=START)
        markdown, html = export_report_files(reader, path, report=report)
        assert markdown.read_text("utf-8") == render_markdown(report)
        assert html.read_text("utf-8") == render_html(report)
    for fmt, written in (("md", markdown), ("html", html)):
        digest = hashlib.sha256(written.read_bytes()).hexdigest()
        assert digest == WHOLE_REPORTS[name, fmt], f"the {fmt} report of {name} changed"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_streamed_data_exports_are_the_whole_exports_byte_for_byte(
    workshop: tuple[str, Path], fmt: str
) -> None:
    _name, path = workshop
    with open_read_only(path) as reader:
        written = export(reader, path, fmt)
    if fmt == "json":
        assert written.read_bytes() == whole_json_export(path)
    else:
        whole = whole_csv_export(path)
        assert {f.name: f.read_bytes() for f in written.iterdir()} == whole
        assert len(whole) > 20


def test_blank_lines_fold_and_the_ends_trim_across_pieces() -> None:
    text = "\n \n# Title\n\n\n\nOne\n\n\nTwo  \n\n\n\t\n"
    whole = "# Title\n\nOne\n\nTwo\n"
    for size in (1, 2, 3, 5, len(text)):
        pieces = [text[i : i + size] for i in range(0, len(text), size)]
        assert "".join(tidied(pieces)) == whole
    assert "".join(tidied([" ", "\n\n"])) == "\n"


class Pieces:
    """Counts the pieces of text each export hands to the writer, and the longest one."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: list[int] = []
        self.longest: list[int] = []
        write_bytes = output.write_bytes

        def counted(descriptor: int, data: Any) -> None:
            write_bytes(descriptor, self._counted(data))

        monkeypatch.setattr(output, "write_bytes", counted)

    def _counted(self, data: Any) -> Iterator[str] | bytes | str:
        if isinstance(data, bytes | str):
            self.counts.append(1)
            self.longest.append(len(data))
            return data
        self.counts.append(0)
        self.longest.append(0)
        return self._each(data)

    def _each(self, pieces: Iterable[str]) -> Iterator[str]:
        for piece in pieces:
            self.counts[-1] += 1
            self.longest[-1] = max(self.longest[-1], len(piece))
            yield piece


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_the_writer_gets_an_export_a_row_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setattr("console.report.render.ROWS_PER_PIECE", 50)
    monkeypatch.setattr("console.report.json_export.BATCH", 50)
    path = workshop_with_pain_points(tmp_path / "w.db", 1200)
    pieces = Pieces(monkeypatch)
    with open_read_only(path) as reader:
        written = export(reader, path, fmt, tmp_path / f"out.{fmt}")
    size = len(written.read_text("utf-8"))
    assert size > 100_000
    [count], [longest] = pieces.counts, pieces.longest
    assert count > 24, f"{count} pieces"
    assert longest < size / 20, f"a piece of {longest:,} characters in {size:,}"


def test_each_csv_file_reaches_the_writer_a_batch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("console.report.csv_export.BATCH", 50)
    path = workshop_with_pain_points(tmp_path / "w.db", 1200)
    pieces = Pieces(monkeypatch)
    with open_read_only(path) as reader:
        folder = export(reader, path, "csv", tmp_path / "out-csv")
    sizes = {f.name: f.stat().st_size for f in folder.iterdir()}
    assert len(pieces.counts) == len(sizes)
    assert max(pieces.counts) > 24
    assert max(pieces.longest) < sizes["pain_points.csv"] / 20


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_a_write_failing_half_way_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, existing: bool
) -> None:
    path = workshop_with_pain_points(tmp_path / "w.db", 600)
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / ("out-csv" if fmt == "csv" else f"out.{fmt}")
    if existing:
        with open_read_only(path) as reader:
            export(reader, path, fmt, target)
    before = {
        name: (folder / name).read_bytes() for name in files_in(folder) if (folder / name).is_file()
    }
    monkeypatch.setattr(output, "BUFFER_CHARS", 1000)
    writes = []
    write_all = output._write_all

    def fills_up(descriptor: int, data: bytes) -> int:
        writes.append(len(data))
        if len(writes) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_all(descriptor, data)

    monkeypatch.setattr(output, "_write_all", fills_up)
    with open_read_only(path) as reader, pytest.raises(ExportError, match="the disk is full"):
        export(reader, path, fmt, target)
    assert len(writes) == 3  # the failure came half-way, after two buffers were written
    after = {
        name: (folder / name).read_bytes() for name in files_in(folder) if (folder / name).is_file()
    }
    assert after == before
    assert not [name for name in files_in(folder) if name.endswith(".tmp")]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_report_failing_while_it_renders_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    path = workshop_with_pain_points(tmp_path / "w.db", 600)
    folder = tmp_path / "exports"
    folder.mkdir()
    calls = []

    def breaks(*args: Any) -> Iterator[Any]:
        calls.append(args)
        raise RuntimeError("the renderer broke")
        yield  # a generator, as the real one is

    environment = markdown._template().environment if fmt == "md" else html._environment()
    monkeypatch.setitem(environment.globals, "pain_point_rows", breaks)
    with open_read_only(path) as reader, pytest.raises(RuntimeError, match="renderer broke"):
        export(reader, path, fmt, folder / f"out.{fmt}")
    assert calls, "the renderer never reached the pain points"
    assert files_in(folder) == set()


def test_csv_rows_are_written_as_the_csv_module_writes_them() -> None:
    # Rows whose cells need no quoting are joined by commas, the others go through the csv
    # module: cells with commas, quotes, line breaks, empty cells, numbers, one-column rows.
    import csv
    import io
    import random

    from console.report.csv_export import csv_chunks

    pick = random.Random(5)
    alphabet = ["a", ",", '"', "\r", "\n", " ", "=", "-", "é", "\t", "0"]
    for _trial in range(2000):
        width = pick.randint(1, 5)
        rows = []
        for _row in range(pick.randint(0, 4)):
            cells: list[object] = []
            for _cell in range(width):
                kind = pick.random()
                if kind < 0.15:
                    cells.append("")
                elif kind < 0.3:
                    cells.append(pick.randint(-5, 1000))
                elif kind < 0.4:
                    cells.append(pick.choice([0.5, 1e16, -2.25, 3.0]))
                else:
                    cells.append("".join(pick.choice(alphabet) for _ in range(pick.randint(1, 6))))
            rows.append(tuple(cells))
        columns = [f"c{number}" for number in range(width)]
        expected = io.StringIO()
        writer = csv.writer(expected, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
        written = "".join(csv_chunks(columns, rows, rows_safe=True))
        assert written == "\ufeff" + expected.getvalue(), rows


TRICKY_TEXTS = [
    "plain",
    "a,b",
    'say "no"',
    '"',
    "line\nbreak",
    "carriage\rreturn",
    "both\r\nends",
    "=SUM(A1)",
    "+1",
    "-2",
    "@mallory",
    "\tindented",
    "\rleading return",
    "=a,b",
    '-"quoted"',
    "",
    " ",
    "café ☕ 漢字 👍",
    "nul\x00inside",
    "nul\x00,comma",
    "'already",
    "12",
]
"""Texts whose CSV cells the csv module writes in every way it can."""


def test_sqlite_made_csv_lines_are_what_the_csv_module_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pain points hold texts, integers, NULL, REAL numbers and BLOBs, written by hand into the
    # file. In the first batches each tricky text is alone among plain lines (a batch SQLite
    # made whole must notice it); then they mix, with REAL numbers and BLOBs.
    import random
    import sqlite3

    monkeypatch.setattr("console.report.csv_export.BATCH", 7)
    alone = 7 * len(TRICKY_TEXTS)
    path = workshop_with_pain_points(tmp_path / "w.db", alone + 150)
    pick = random.Random(16)
    connection = sqlite3.connect(path)
    ids = [row[0] for row in connection.execute("SELECT id FROM pain_points ORDER BY rowid")]
    odd: list[object] = [0.1 + 0.2, 1e16, 3.0, -0.0, b"\x00,blob", b"", 2**62, -7]
    for number, pain_point in enumerate(ids):
        text, raised_by, position = f"plain {number}", "Ann", number
        if number < alone and number % 7 == 3:
            text = TRICKY_TEXTS[number // 7]
        elif number >= alone:
            text, raised_by = pick.choice(TRICKY_TEXTS), pick.choice(TRICKY_TEXTS)
            position = pick.choice(odd) if number % 3 == 0 else number
        connection.execute(
            "UPDATE pain_points SET text = ?, raised_by = ?, position = ?, theme_id = NULL "
            "WHERE id = ?",
            (text, raised_by, position, pain_point),
        )
    connection.commit()
    types = {row[0] for row in connection.execute("SELECT typeof(position) FROM pain_points")}
    connection.close()
    assert types == {"integer", "real", "blob"}

    with open_read_only(path) as reader:
        folder = export(reader, path, "csv", tmp_path / "out-csv")
    written = {f.name: f.read_bytes() for f in folder.iterdir()}
    assert written == whole_csv_export(path)
    pain_points = written["pain_points.csv"].decode("utf-8")
    for cell in ('"a,b"', '"say ""no"""', '"both\r\nends"', "'=SUM(A1)", '"\'=a,b"'):
        assert cell in pain_points, cell
    assert "0.30000000000000004" in pain_points and "b'\\x00,blob'" in pain_points


def test_a_one_column_row_with_an_empty_cell_is_quoted() -> None:
    from console.report.csv_export import csv_line_chunks
    from console.store.export import SpreadsheetLines

    # SQLite makes the first row's line again (empty); the third comes as stored (NULL).
    again: dict[int, object] = {1: "", 2: "x", 3: (None,)}
    table = SpreadsheetLines(
        "notes",
        ["note"],
        iter([("", 1), ("x", 2), ("", 3)]),
        lambda rowids: {rowid: again[rowid] for rowid in rowids},
    )
    assert "".join(csv_line_chunks(table)) == '\ufeffnote\r\n""\r\nx\r\n""\r\n'
