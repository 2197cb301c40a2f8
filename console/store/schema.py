"""The schema check: a workshop file must hold every table, column, index, trigger and view of
its format, as the migration steps build them, before a console or a command works on it.

A file whose schema was changed by hand (a column dropped, a type changed, a view dropped) would
otherwise open and fail later, in the middle of a session. Opening compares one fingerprint of
the schema's SQL text (sqlite_master) with the current format's, a fraction of a millisecond;
only a file that differs has its structure read, and only a structure that differs is compared
in detail with a database the migration steps build in memory, to name what differs.

Additions that cannot break the console are accepted: other tables, views, indexes and triggers
(a full-text index or a view of one's own for Datasette), and extra columns in tables whose rows
never travel between files. The columns of the synced tables must be exactly the format's:
exports, imports and merges copy their rows column by column.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

from console.store.format import (
    FORMAT_VERSION,
    SCHEMA_FINGERPRINT,
    SCHEMA_SQL_FINGERPRINT,
    STEP_NAMES,
    SYNCED_TABLES,
)

Columns = tuple[tuple[str, str], ...]
"""A table's or view's columns in their declared order: (name, declared type in capitals)."""

BOOKKEEPING_COLUMNS = {"_sqlite_migrations": ("migration_set", "name")}
"""Tables of sqlite-utils: the console reads only these columns; the rest is sqlite-utils'."""

SHADOW_SUFFIXES = ("data", "idx", "content", "docsize", "config", "segments", "segdir", "stat")
"""The tables SQLite's full-text modules keep for a virtual table: SQLite's business, not ours."""

OBJECTS = """
    SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
    WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND type IN ('table', 'view', 'index', 'trigger')
"""
COLUMNS = """
    SELECT m.name, c.name, upper(trim(c.type)) FROM sqlite_master m, pragma_table_info(m.name) c
    WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
    ORDER BY m.name, c.cid
"""
INDEXED = """
    SELECT m.name, i.name FROM sqlite_master m, pragma_index_info(m.name) i
    WHERE m.type = 'index' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
    ORDER BY m.name, i.seqno
"""


# Plain classes, not dataclasses: every start-up imports this module, and generating a
# dataclass's methods costs ~0.5 ms each.


class Index(NamedTuple):
    """An index: its table, its columns in order, and whether it is unique."""

    table: str
    columns: tuple[str, ...]
    unique: bool

    def __str__(self) -> str:
        unique = "unique " if self.unique else ""
        return f"{unique}{self.table} ({', '.join(self.columns)})"


class Schema:
    """What the console relies on in a file: its tables, views, indexes and triggers."""

    def __init__(self) -> None:
        self.tables: dict[str, Columns] = {}
        self.views: dict[str, Columns | str] = {}
        """A view's columns, or why SQLite cannot read it (it names a column that is gone)."""
        self.indexes: dict[str, Index] = {}
        self.triggers: dict[str, str] = {}
        """Each trigger's table."""
        self.kinds: dict[str, str] = {}
        """What each name is: table, view, index or trigger."""

    def fingerprint(self) -> str:
        """Return a digest of the whole schema: equal digests, equal schemas."""
        lines = [f"table {name} {columns}" for name, columns in self.tables.items()]
        lines += [f"view {name} {columns}" for name, columns in self.views.items()]
        lines += [f"index {name} {index}" for name, index in self.indexes.items()]
        lines += [f"trigger {name} {table}" for name, table in self.triggers.items()]
        return digest(lines)


def read_schema(connection: sqlite3.Connection) -> Schema:
    """Read a file's schema (SQLite's own tables and full-text shadow tables left out)."""
    objects = connection.execute(OBJECTS).fetchall()
    virtual = [
        name
        for kind, name, _table, sql in objects
        if kind == "table" and sql.upper().startswith("CREATE VIRTUAL")
    ]
    shadow = {f"{table}_{suffix}" for table in virtual for suffix in SHADOW_SUFFIXES}
    columns = _columns(connection, [(kind, name) for kind, name, _t, _s in objects])
    indexed: dict[str, list[str]] = {}
    for index, column in connection.execute(INDEXED):
        indexed.setdefault(index, []).append(column or "<expression>")
    schema = Schema()
    for kind, name, table, sql in objects:
        if name in shadow:
            continue
        schema.kinds[name] = kind
        if kind == "table":
            found = columns.get(name, ())
            schema.tables[name] = found if isinstance(found, tuple) else ()
        elif kind == "view":
            schema.views[name] = columns.get(name, ())
        elif kind == "index":
            unique = " ".join(sql.split()).upper().startswith("CREATE UNIQUE")
            schema.indexes[name] = Index(table, tuple(indexed.get(name, ())), unique)
        else:
            schema.triggers[name] = table
    return schema


def _columns(
    connection: sqlite3.Connection, objects: Iterable[tuple[str, str]]
) -> dict[str, Columns | str]:
    """Return the columns of every table and view: in one query, or one by one if a view
    cannot be read (then its entry is SQLite's reason)."""
    found: dict[str, list[tuple[str, str]]] = {}
    try:
        for name, column, declared in connection.execute(COLUMNS):
            found.setdefault(name, []).append((column, declared))
        return {name: tuple(columns) for name, columns in found.items()}
    except sqlite3.OperationalError:
        pass
    result: dict[str, Columns | str] = {}
    for kind, name in objects:
        if kind not in ("table", "view"):
            continue
        try:
            rows = connection.execute(
                "SELECT name, upper(trim(type)) FROM pragma_table_info(?) ORDER BY cid", [name]
            ).fetchall()
        except sqlite3.OperationalError as error:
            result[name] = str(error)
            continue
        result[name] = tuple((column, declared) for column, declared in rows)
    return result


@cache
def expected_schema(version: int) -> Schema:
    """Return the schema the migration steps up to `version` build, in a database in memory."""
    # Loaded only for a file whose fingerprint differs (sqlite-utils costs ~40 ms to import).
    from sqlite_utils import Database

    from console.store.migrations import migrations

    later = [name for name in STEP_NAMES if int(name.split("_", 1)[0]) > version]
    if later == list(STEP_NAMES):
        return Schema()  # a file whose creation was cut short: nothing yet
    database = Database(memory=True, execute_plugins=False)
    try:
        migrations.apply(database, stop_before=later[0] if later else None)
        return read_schema(database.conn)
    finally:
        database.close()


def differences(expected: Schema, actual: Schema) -> list[str]:
    """Return what in the actual schema differs from the expected one, most basic first."""
    found: list[str] = []
    for name, columns in sorted(expected.tables.items()):
        if name not in actual.tables:
            found.append(_missing(actual, name, "table"))
            continue
        relied_on = BOOKKEEPING_COLUMNS.get(name)
        if relied_on is not None:
            columns = tuple(column for column in columns if column[0] in relied_on)
        found += _column_differences(
            f"table {name}", columns, actual.tables[name], exact=name in SYNCED_TABLES
        )
    for name, columns in sorted(expected.views.items()):
        shown = actual.views.get(name)
        if shown is None:
            found.append(_missing(actual, name, "view"))
        elif isinstance(shown, str):
            found.append(f"view {name} cannot be read ({shown})")
        elif isinstance(columns, tuple):
            names = tuple((column, "") for column, _type in columns)
            found += _column_differences(
                f"view {name}", names, tuple((column, "") for column, _type in shown), exact=True
            )
    for name, index in sorted(expected.indexes.items()):
        if any(name.startswith(f"idx_{table}_") for table in BOOKKEEPING_COLUMNS):
            continue  # sqlite-utils' own index on its own table
        if name not in actual.indexes:
            found.append(_missing(actual, name, "index"))
        elif actual.indexes[name] != index:
            found.append(f"index {name} indexes {actual.indexes[name]}, not {index}")
    for name, table in sorted(expected.triggers.items()):
        if name not in actual.triggers:
            found.append(_missing(actual, name, "trigger"))
        elif actual.triggers[name] != table:
            found.append(f"trigger {name} is on table {actual.triggers[name]}, not {table}")
    return found


def _missing(actual: Schema, name: str, kind: str) -> str:
    """Say that an object is missing, or that its name now holds something else."""
    other = actual.kinds.get(name)
    if other is not None:
        return f"{name} is a {other}, not a {kind}"
    return f"{kind} {name} is missing"


def _column_differences(what: str, expected: Columns, actual: Columns, *, exact: bool) -> list[str]:
    """Compare columns by name and declared type; with exact, extra columns differ too."""
    found: list[str] = []
    actual_types = dict(actual)
    for column, declared in expected:
        if column not in actual_types:
            found.append(f'{what} has no column "{column}"')
        elif actual_types[column] != declared:
            found.append(
                f'column "{column}" of {what} is {actual_types[column] or "untyped"}, '
                f"not {declared or 'untyped'}"
            )
    if exact:
        known = {column for column, _declared in expected}
        found += [f'{what} has an unexpected column "{c}"' for c, _t in actual if c not in known]
    return found


def sql_fingerprint(connection: sqlite3.Connection) -> str:
    """Return a digest of the SQL text of the file's schema, whitespace aside (~0.1 ms)."""
    rows = connection.execute(OBJECTS).fetchall()
    return digest(f"{kind} {name} {on} {' '.join(sql.split())}" for kind, name, on, sql in rows)


def digest(lines: Iterable[str]) -> str:
    """Return a 64-bit digest of lines in any order (zlib: hashlib costs ~3 ms to import)."""
    data = "\n".join(sorted(lines)).encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def schema_difference(connection: sqlite3.Connection, version: int) -> str | None:
    """Return what differs from the schema of the file's format version, None if nothing."""
    if version == FORMAT_VERSION and sql_fingerprint(connection) == SCHEMA_SQL_FINGERPRINT:
        return None  # the text of a file made by this console: nothing to compare (~0.2 ms)
    # The same structure may be written in other words (a file whose full-text triggers another
    # sqlite-utils release wrote): compare the structure (~1 ms), and only then in detail.
    actual = read_schema(connection)
    if version == FORMAT_VERSION and actual.fingerprint() == SCHEMA_FINGERPRINT:
        return None
    found = differences(expected_schema(version), actual)
    if not found:
        return None  # only additions the console does not mind
    more = len(found) - 1
    return found[0] + (f" (and {more} more difference{'s' if more > 1 else ''})" if more else "")
