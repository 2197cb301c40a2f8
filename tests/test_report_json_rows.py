"""The JSON export's rows laid out by SQLite come out byte for byte as json.dumps writes them,
and an SQLite that quotes otherwise, a REAL or a BLOB send rows through Python instead."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import make_workshop
from helpers import whole_json_export

from console.report.build import export
from console.report.json_export import _row_pieces, workshop_json_chunks, workshop_json_tables
from console.store.export import (
    ReadOnlyWorkshop,
    open_read_only,
    sqlite_quotes_json,
    table_columns,
    table_rows_as_json,
    table_rows_streamed,
)
from console.store.files import StoreError

TRICKY_TEXTS = [
    'say "no" \\ to C:\\temp\\ and /slashes/',
    "".join(chr(code) for code in range(32)),
    "tab\there, line\nbreak, return\r, form\x0c, back\x08, escape\x1b, nul\x00 end",
    "del \x7f, c1 \x80\x9f, separators \u2028 \u2029, bom \ufeff, nbsp \u00a0",
    "accents é ü ß, Greek Ω, CJK 会议, RTL \u05e9\u05dc\u05d5\u05dd",
    "emoji 😀👩🏽‍💻🇫🇷, astral \U0010ffff",
    "printf's %s %d %% %n and SQL's ' '' ; --",
    "",
    " ",
]
"""Texts json_quote and json.dumps could escape differently."""


def _tricky_workshop(path: Path, *, real: bool) -> Path:
    """Build a workshop holding pain points with tricky texts, NULLs and extreme whole numbers,
    and (if real) rows holding REALs among them."""
    make_workshop(path)
    connection = sqlite3.connect(path)
    try:
        with connection:
            [(theme,)] = connection.execute("SELECT id FROM themes LIMIT 1").fetchall()
            rows: list[tuple[Any, ...]] = []
            positions = [2**63 - 1, -(2**63), 0, -1, 10**15]
            for number, text in enumerate(TRICKY_TEXTS * 2):
                position: Any = positions[number % len(positions)]
                if real and number % 4 == 3:
                    position = [1.5, 0.1, 1e20, -2.5e-7][number // 4]
                rows.append(
                    (
                        f"tricky-{number}",
                        text,
                        theme if number % 2 else None,
                        text[::-1],
                        position,
                        "2026-05-01T09:00:00Z",
                        "console",
                        "2026-05-01T09:00:00Z",
                        "console",
                        2**62 + number,
                        None if number % 3 else "2026-05-02T10:00:00Z",
                    )
                )
            connection.executemany(
                "INSERT INTO pain_points (id, text, theme_id, raised_by, position, created_at, "
                "created_by, updated_at, updated_by, rev, deleted_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            if real:
                connection.execute("UPDATE agenda_items SET actual_seconds = 90.25")
                connection.execute(
                    "UPDATE agenda_items SET actual_seconds = 1e300 WHERE rowid % 2 = 0"
                )
    finally:
        connection.close()
    return path


def _python_rows(reader: ReadOnlyWorkshop, table: str) -> str:
    """Return a table's rows as the export lays them out through Python alone."""
    columns, rows = table_rows_streamed(reader, table)
    return "".join(workshop_json_chunks([(table, columns, rows)]))


def _sqlite_rows(reader: ReadOnlyWorkshop, table: str) -> tuple[str, list[str | tuple[Any, ...]]]:
    """Return a table's rows as the export lays them out through SQLite, and what SQLite gave."""
    columns = table_columns(reader, table)
    rows = list(table_rows_as_json(reader, table, _row_pieces(columns)))
    return "".join(workshop_json_chunks([(table, columns, rows)])), rows


@pytest.mark.parametrize("real", [False, True], ids=["whole-numbers", "reals"])
def test_sqlite_lays_out_tricky_rows_as_json_dumps_does(tmp_path: Path, real: bool) -> None:
    path = _tricky_workshop(tmp_path / "w.db", real=real)
    with open_read_only(path) as reader, reader.snapshot():
        by_sqlite = sqlite_quotes_json(reader)
        if sqlite3.sqlite_version_info[:2] == (3, 40):  # checked by hand to quote as Python does
            assert by_sqlite
        for table in ("pain_points", "agenda_items", "room_seats"):
            laid_out, _rows = _sqlite_rows(reader, table)
            # Where the probe lets SQLite lay the rows out, every tricky row must come out alike.
            assert laid_out == _python_rows(reader, table) or not by_sqlite
        _text, pain_points = _sqlite_rows(reader, "pain_points")
    # Only the rows holding a REAL came as values, each the whole row, in its place.
    as_values = [row for row in pain_points if not isinstance(row, str)]
    assert len(as_values) == (4 if real else 0)
    assert all(isinstance(row[7], float) and row[0].startswith("tricky-") for row in as_values)
    assert len(pain_points) == len(TRICKY_TEXTS) * 2
    written = tmp_path / "out.json"
    with open_read_only(path) as reader:
        export(reader, path, "json", written)
    assert written.read_bytes() == whole_json_export(path)
    dumped = json.loads(written.read_text("utf-8"))["tables"]
    assert [row["text"] for row in dumped["pain_points"]] == TRICKY_TEXTS * 2
    assert dumped["pain_points"][0]["position"] == 2**63 - 1
    assert dumped["pain_points"][1]["position"] == -(2**63)
    assert dumped["room_seats"] == []
    seconds = {row["actual_seconds"] for row in dumped["agenda_items"]}
    assert seconds == ({90.25, 1e300} if real else {None})


def test_a_blob_comes_as_the_row_s_values_as_before(tmp_path: Path) -> None:
    path = _tricky_workshop(tmp_path / "w.db", real=False)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE pain_points SET raised_by = x'00ff' WHERE id = 'tricky-3'")
        connection.execute("UPDATE pain_points SET position = x'' WHERE id = 'tricky-4'")
    connection.close()
    with open_read_only(path) as reader, reader.snapshot():
        columns, before = table_rows_streamed(reader, "pain_points")
        rows = list(table_rows_as_json(reader, "pain_points", _row_pieces(columns)))
        expected = list(before)
        assert [row for row in rows if not isinstance(row, str)] == [
            row for row in expected if row[0] in ("tricky-3", "tricky-4")
        ]
        assert [isinstance(row, str) for row in rows] == [
            row[0] not in ("tricky-3", "tricky-4") for row in expected
        ]
        with pytest.raises(TypeError, match="bytes is not JSON serializable"):
            "".join(workshop_json_chunks(workshop_json_tables(reader)))


def _ascii_quote(value: Any) -> str:
    """Quote a value as an SQLite whose json_quote escapes every non-ASCII character would."""
    return json.dumps(value, ensure_ascii=True)


# The json_quote made to fail raises inside SQLite's call of it, which Python reports as an
# unraisable exception: that is the failure this test makes on purpose.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_sqlite_that_quotes_otherwise_leaves_the_rows_to_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _tricky_workshop(tmp_path / "w.db", real=True)
    with open_read_only(path) as reader:
        reader.connection.create_function("json_quote", 1, _ascii_quote)
        assert not sqlite_quotes_json(reader)
        with reader.snapshot():
            laid_out, _rows = _sqlite_rows(reader, "pain_points")
            assert laid_out != _python_rows(reader, "pain_points")  # what the probe prevents
        written = export(reader, path, "json", tmp_path / "out.json")
    assert written.read_bytes() == whole_json_export(path)

    # An SQLite whose json_quote fails: the probe says no, the export is still the same.
    with open_read_only(path) as reader:
        reader.connection.create_function("json_quote", 1, _missing)
        assert not sqlite_quotes_json(reader)
        written = export(reader, path, "json", tmp_path / "out2.json")
    assert written.read_bytes() == whole_json_export(path)


def _missing(value: Any) -> str:
    """Fail as a function SQLite does not have would."""
    raise sqlite3.OperationalError("no such function: json_quote")


def test_a_text_that_is_not_utf8_is_refused_naming_its_column_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_workshop(tmp_path / "w.db")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "UPDATE agenda_items SET title = CAST(x'41e94a0a42' AS TEXT) WHERE rowid = 2"
        )
    connection.close()
    messages = []
    for by_sqlite in (True, False):
        if not by_sqlite:
            monkeypatch.setattr("console.report.json_export.sqlite_quotes_json", lambda _r: False)
        with open_read_only(path) as reader, pytest.raises(StoreError) as refused:
            export(reader, path, "json", tmp_path / "out.json")
        messages.append(str(refused.value))
    assert messages[0] == messages[1]
    assert "Could not decode to UTF-8 column 'title'" in messages[0]
    assert "CASE" not in messages[0]
    assert not (tmp_path / "out.json").exists()
