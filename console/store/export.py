"""Reading whole workshops: read-only opening of other files, and every table as rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from console.domain.text import FORMULA_PREFIXES
from console.store.files import (
    BUSY_TIMEOUT_MS,
    StoreError,
    busy_error,
    check_readable_workshop,
    connect_counted,
    is_busy,
)
from console.store.format import FORMAT_VERSION, SYNCED_TABLES

Row = dict[str, Any]

JSON_KIND = "facilitation-console workshop"
"""The `kind` of a whole-workshop JSON export, so other JSON files are refused on import."""


class Reader(Protocol):
    """Anything that answers read queries on a workshop: a WorkshopStore or a read-only file."""

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Row]:
        """Run a read query and return its rows as dicts."""
        ...

    def rows(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = (), size: int = 2000
    ) -> Iterator[tuple[Any, ...]]:
        """Yield a read query's rows as tuples, a batch at a time."""
        ...


class ReadOnlyWorkshop:
    """A workshop file opened read-only: nothing can be written to it through this object."""

    def __init__(self, path: Path, connection: sqlite3.Connection, format_version: int) -> None:
        self.path = path
        self.connection = connection
        self.connection.row_factory = sqlite3.Row
        self.format_version = format_version
        self._columns: dict[str, list[str]] = {}

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Row]:
        """Run a read query and return its rows as dicts."""
        try:
            return [dict(row) for row in self.connection.execute(sql, params)]
        except sqlite3.DatabaseError as error:
            if is_busy(error):
                raise busy_error(self.path) from None
            raise StoreError(f"{self.path} could not be read: {error}.") from None

    def rows(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = (), size: int = 2000
    ) -> Iterator[tuple[Any, ...]]:
        """Yield a read query's rows as tuples, fetched a batch at a time (memory stays flat)."""
        try:
            cursor = self.connection.cursor()
            cursor.row_factory = None
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(size):
                yield from batch
        except sqlite3.DatabaseError as error:
            if is_busy(error):
                raise busy_error(self.path) from None
            raise StoreError(f"{self.path} could not be read: {error}.") from None

    @contextmanager
    def snapshot(self) -> Iterator[ReadOnlyWorkshop]:
        """Read several queries from one consistent state of the file (inside one, that one)."""
        if self.connection.in_transaction:
            yield self
            return
        self.connection.execute("BEGIN")
        try:
            yield self
        except BaseException:
            # What went wrong inside says why; ending the read must not hide it (on a damaged
            # file the end of the read can fail too).
            with suppress(sqlite3.Error):
                self.connection.execute("COMMIT")
            raise
        try:
            self.connection.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path} could not be read: {error}.") from None

    def columns(self, table: str) -> list[str]:
        """Return the columns of a table of this file (empty if the table does not exist)."""
        if table not in self._columns:
            rows = self.connection.execute(f'PRAGMA table_info("{table}")').fetchall()
            self._columns[table] = [row[1] for row in rows]
        return self._columns[table]

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def __enter__(self) -> ReadOnlyWorkshop:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


BULK_CACHE_KIB = 32768
"""How much of the file a bulk reader keeps cached, at most (SQLite's default is 2 MB)."""


def open_read_only(
    path: Path | str, *, checked: int | None = None, bulk: bool = False
) -> ReadOnlyWorkshop:
    """Open a workshop file so that nothing is ever written to it; raise StoreError if unusable.

    checked: the format check_readable_workshop found the file to have just now (its
    whole-file read for damage is not done again).
    bulk: whole tables will be read, by a process of their own (`facilitate export`): the
    result views' sorts stay in memory and more of the file stays cached (BULK_CACHE_KIB).
    """
    path = Path(path)
    version = check_readable_workshop(path) if checked is None else checked
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        connection = connect_counted(
            path, uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only = ON")
        if bulk:
            # Half the time of the result views at 100,000 pain points went to the kernel:
            # temporary files for their sorts, and pages read again and again.
            connection.execute("PRAGMA temp_store = MEMORY")
            connection.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    except sqlite3.Error as error:
        if is_busy(error):
            raise busy_error(path) from None
        raise StoreError(f"{path} cannot be opened: {error}.") from None
    return ReadOnlyWorkshop(path, connection, version)


def current_revision(reader: Reader) -> int:
    """Return the revision of the last action committed, as the reader sees the file."""
    return int(reader.query("SELECT rev FROM revision")[0]["rev"])


def table_columns(reader: Reader, table: str) -> list[str]:
    """Return a table's column names in their declared order."""
    return [row["name"] for row in reader.query(f'PRAGMA table_info("{table}")')]


def table_rows(reader: Reader, table: str) -> list[Row]:
    """Return every row of a synced table (deleted ones too), in the order they were written."""
    if table not in SYNCED_TABLES:
        raise ValueError(f"{table} is not a workshop table.")
    return reader.query(f"SELECT * FROM {table} ORDER BY rowid")


def iter_rows(
    reader: Reader, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
) -> Iterator[tuple[Any, ...]]:
    """Yield a read query's rows as tuples: a batch at a time from a read-only file."""
    batches = getattr(reader, "rows", None)
    if batches is not None:
        yield from batches(sql, params)
        return
    for row in reader.query(sql, params):
        yield tuple(row.values())


def table_rows_streamed(reader: Reader, table: str) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """Return a synced table's columns and its every row (deleted ones too) in the order they
    were written, yielded as they are read."""
    if table not in SYNCED_TABLES:
        raise ValueError(f"{table} is not a workshop table.")
    columns = table_columns(reader, table)
    return columns, iter_rows(reader, f"SELECT {_listed(columns)} FROM {table} ORDER BY rowid")


def _listed(columns: Sequence[str]) -> str:
    """Return columns as an SQL select list, each quoted ("*" for none)."""
    return ", ".join(_identifier(column) for column in columns) or "*"


# What SQLite's json_quote must write as json.dumps(ensure_ascii=False) does before the JSON
# export lets it quote the rows: quotes, backslashes, every kind of control character (short and
# long escapes), DEL, line and paragraph separators, a byte order mark, accents, an emoji, the
# extreme whole numbers and NULL. Other SQLite versions may escape differently.
JSON_QUOTE_PROBE: tuple[Any, ...] = (
    '"\\/ \x00\x01\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\x9f\u2028\u2029\ufeff é Ω 😀 \U0010ffff %s %%',
    2**63 - 1,
    -(2**63),
    0,
    None,
)

MAX_JSON_COLUMNS = 100
"""The most columns a table's rows are quoted by SQLite for: printf takes at most 127 values."""


def sqlite_quotes_json(reader: Reader) -> bool:
    """Tell whether this SQLite lays out values as json.dumps(ensure_ascii=False) does, through
    the printf and json_quote that table_rows_as_json uses (checked on JSON_QUOTE_PROBE)."""
    layout = "[" + ", ".join("%s" for _value in JSON_QUOTE_PROBE) + "]"
    quoted = ", ".join("json_quote(?)" for _value in JSON_QUOTE_PROBE)
    try:
        [row] = reader.query(f"SELECT printf(?, {quoted}) AS text", (layout, *JSON_QUOTE_PROBE))
    except (sqlite3.Error, StoreError):
        return False  # an SQLite without json_quote: the probe reads nothing of the file
    return row["text"] == json.dumps(list(JSON_QUOTE_PROBE), ensure_ascii=False)


def table_rows_as_json(
    reader: Reader, table: str, pieces: Sequence[str]
) -> Iterator[str | tuple[Any, ...]]:
    """Yield a synced table's every row (deleted ones too) in the order they were written, as the
    text pieces[0] + value + pieces[1] + ... + value + pieces[-1] with each value, in the
    columns' order, written as JSON by SQLite (use only where sqlite_quotes_json is true).

    A row holding a REAL (SQLite writes numbers unlike json.dumps) or a BLOB (not JSON) comes as
    its values instead, in the columns' order, read in the same snapshot.
    """
    if table not in SYNCED_TABLES:
        raise ValueError(f"{table} is not a workshop table.")
    declared = reader.query(f'PRAGMA table_info("{table}")')
    if not 0 < len(declared) < MAX_JSON_COLUMNS or len(pieces) != len(declared) + 1:
        raise ValueError(f"{table} has {len(declared)} columns for {len(pieces)} pieces of text.")
    names = [_identifier(column["name"]) for column in declared]
    listed = ", ".join(names)
    layout = _sql_text("%s".join(piece.replace("%", "%%") for piece in pieces))
    quoted = ", ".join(f"json_quote({name})" for name in names)
    unlike = " OR ".join(
        _not_json(name, str(column["type"])) for name, column in zip(names, declared, strict=True)
    )
    sql = f"SELECT CASE WHEN {unlike} THEN rowid ELSE printf({layout}, {quoted}) END FROM {table}"
    rows = iter_rows(reader, sql + " ORDER BY rowid")
    try:
        while batch := [text for (text,) in islice(rows, 1000)]:
            rowids = [text for text in batch if type(text) is int]  # rows read for their values
            if rowids:
                stored = {
                    rowid: tuple(values)
                    for rowid, *values in _by_rowid(reader, table, listed, rowids)
                }
                batch = [stored.get(text, text) if type(text) is int else text for text in batch]
            yield from batch
    except StoreError:
        # Read plainly, the values say which column could not be read (a text that is not
        # UTF-8), where the error would name the whole expression.
        for _values in iter_rows(reader, f"SELECT {listed} FROM {table} ORDER BY rowid"):
            pass
        raise


def _not_json(name: str, declared_type: str) -> str:
    """Return an SQL test of whether a column's value is a REAL or a BLOB.

    A column of TEXT affinity turns numbers into text, so only a BLOB can differ there, and
    `>= x''` finds it without a function call (every BLOB sorts after every other value).
    """
    kind = declared_type.upper()
    if "INT" not in kind and any(text in kind for text in ("CHAR", "CLOB", "TEXT")):
        return f"{name} >= x''"
    return f"typeof({name}) IN ('real', 'blob')"


def _identifier(name: str) -> str:
    """Return a name quoted as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _sql_text(text: str) -> str:
    """Return text as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def dump_workshop(reader: Reader) -> dict[str, Any]:
    """Return the whole workshop: every synced table's rows, in foreign-key order."""
    return {
        "kind": JSON_KIND,
        "format_version": FORMAT_VERSION,
        "tables": {table: table_rows(reader, table) for table in SYNCED_TABLES},
    }


def workshop_is_empty(reader: Reader) -> bool:
    """Tell whether a workshop file holds no rows in any synced table."""
    union = " UNION ALL ".join(f"SELECT 1 FROM {table}" for table in SYNCED_TABLES)
    return not reader.query(f"SELECT 1 WHERE EXISTS ({union})")


REPORT_VIEWS = ("pain_point_ranking", "theme_ranking", "card_results", "actions", "agenda_times")
"""The views of results (migration 0006_report_views), also exported as CSV files."""


@dataclass(frozen=True)
class SpreadsheetLines:
    """A synced table's live rows as CSV lines made by SQLite."""

    name: str
    columns: list[str]
    lines: Iterator[tuple[str | None, int]]
    """(line, rowid) for each live row in the order they were written: the line is the row's
    cells, unquoted, made as console.report.csv_export describes (None where SQLite cannot)."""
    quoted: Callable[[Sequence[int]], dict[int, str | tuple[Any, ...]]]
    """Rows of this table by rowid: each as its CSV line with its cells quoted where they need
    it, or, where SQLite cannot make that line, as its stored values (in the columns' order)."""


def spreadsheet_lines_streamed(reader: Reader) -> Iterator[SpreadsheetLines]:
    """Yield every synced table's live rows as CSV lines made by SQLite, read as they are used.

    Python then mostly joins lines: a Python object made of every cell, and every row checked
    in Python, took most of a big CSV export's time.
    """
    for table in SYNCED_TABLES:
        columns = table_columns(reader, table)
        sql = (
            f"SELECT {_csv_line(columns)}, rowid FROM {table} "
            "WHERE deleted_at IS NULL ORDER BY rowid"
        )
        yield SpreadsheetLines(
            table, columns, iter_rows(reader, sql), partial(_quoted_rows, reader, table, columns)
        )


def _quoted_rows(
    reader: Reader, table: str, columns: Sequence[str], rowids: Sequence[int]
) -> dict[int, str | tuple[Any, ...]]:
    """Return rows of a table by rowid, as SpreadsheetLines.quoted describes."""
    found: dict[int, str | tuple[Any, ...]] = {}
    stored = []
    for rowid, line in _by_rowid(reader, table, _csv_line(columns, quoted=True), rowids):
        if line is None:
            stored.append(rowid)
        else:
            found[rowid] = line
    for rowid, *values in _by_rowid(reader, table, _listed(columns), stored):
        found[rowid] = tuple(values)
    return found


def _by_rowid(
    reader: Reader, table: str, selected: str, rowids: Sequence[int]
) -> Iterator[tuple[Any, ...]]:
    """Yield the rowid and the selected values (an SQL select list) of a table's rows by rowid,
    a few hundred rowids to a query."""
    for start in range(0, len(rowids), 500):
        chunk = list(rowids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT rowid, {selected} FROM {table} WHERE rowid IN ({marks})"
        yield from iter_rows(reader, sql, chunk)


def spreadsheet_views_streamed(
    reader: Reader,
) -> Iterator[tuple[str, list[str], Iterator[tuple[Any, ...]]]]:
    """Yield the name, columns and rows of every result view, the rows yielded as they are
    read (in the columns' order), every text a spreadsheet could read as a formula led by an
    apostrophe (console.domain.text.csv_safe, done by SQLite), and NULL an empty text (what a
    CSV file holds for it)."""
    for view in REPORT_VIEWS:
        columns = table_columns(reader, view)
        if columns:
            yield view, columns, iter_rows(reader, f"SELECT {_safe(columns)} FROM {view}")


_FORMULA_GLOB = "[" + "".join(sorted(FORMULA_PREFIXES, key=lambda prefix: prefix != "-")) + "]*"
"""A GLOB pattern matching a text that starts with a formula prefix (each one character, none
of them "]" or "^"; "-" first so that it is no range)."""


def _csv_line(columns: Sequence[str], *, quoted: bool = False) -> str:
    """Return an SQL expression making a row's CSV line, its cells joined by commas: a text
    formula-safe (csv_safe), an integer in digits, NULL empty, and the whole line NULL if a cell
    is a REAL or a BLOB (SQLite writes those unlike Python).

    quoted: a text holding a comma, a double quote, CR or LF is quoted, its quotes doubled.
    Without it, the cells are left unquoted: checking each cost SQLite more than Python takes
    to check a batch of lines, see console.report.csv_export.
    """
    cells = []
    for column in columns:
        name = _identifier(column)
        text = f"CASE WHEN {name} GLOB '{_FORMULA_GLOB}' THEN char(39) || {name} ELSE {name} END"
        if quoted:
            text = (
                f"CASE WHEN instr({name}, ',') OR instr({name}, '\"') "
                f"OR instr({name}, char(13)) OR instr({name}, char(10)) "
                f"THEN '\"' || CASE WHEN {name} GLOB '{_FORMULA_GLOB}' THEN char(39) ELSE '' END "
                f"|| replace({name}, '\"', '\"\"') || '\"' ELSE {text} END"
            )
        cells.append(
            f"CASE typeof({name}) WHEN 'text' THEN {text} "
            f"WHEN 'integer' THEN {name} WHEN 'null' THEN '' END"
        )
    return " || ',' || ".join(cells) or "''"


def _safe(columns: Sequence[str]) -> str:
    """Return columns as an SQL select list that puts csv_safe's apostrophe before a text
    starting like a formula, and gives NULL as an empty text: in SQLite, it costs little next to
    the same in Python per cell."""
    guarded = []
    for column in columns:
        name = _identifier(column)
        guarded.append(
            f"CASE WHEN {name} IS NULL THEN '' "
            f"WHEN typeof({name}) = 'text' AND {name} GLOB '{_FORMULA_GLOB}' "
            f"THEN char(39) || {name} ELSE {name} END"
        )
    return ", ".join(guarded) or "*"
