"""Check that the ranking views list the same rows, in the same order, as before step 0012.

For each workshop file given: a copy is opened (which migrates it to the newest format), the
definitions of pain_point_ranking and theme_ranking as step 0011 left them are added as
temporary views, and `SELECT *` of each old and new view must agree row for row. Prints the
CPU seconds (time.process_time, best of --runs) of each. The file itself is never written.

    python scripts/check_views.py /tmp/facilitate-benchmarks/workshop-f11-b1-10000.db
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sqlite_utils import Database

from console.store.core import WorkshopStore
from console.store.migrations import migrations

VIEWS = ("pain_point_ranking", "theme_ranking")
BEFORE = "0012_faster_ranking_views"


def old_definitions() -> dict[str, str]:
    """Return each view's CREATE statement as the steps before BEFORE left it."""
    database = Database(memory=True, execute_plugins=False)
    try:
        migrations.apply(database, stop_before=BEFORE)
        return {
            name: sql
            for name, sql in database.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'view'"
            )
            if name in VIEWS
        }
    finally:
        database.close()


def add_old_views(connection: sqlite3.Connection) -> None:
    """Add the old definitions as temporary views old_pain_point_ranking, old_theme_ranking."""
    for name, sql in old_definitions().items():
        head = f"CREATE VIEW {name} AS"
        assert sql.startswith(head), sql[:60]
        connection.execute(f"CREATE TEMP VIEW old_{name} AS" + sql.removeprefix(head))


def timed(connection: sqlite3.Connection, sql: str, runs: int) -> tuple[float, list[tuple]]:
    """Return the best CPU seconds of `runs` reads of a query, and its rows."""
    best, rows = float("inf"), []
    for _ in range(runs):
        start = time.process_time()
        rows = connection.execute(sql).fetchall()
        best = min(best, time.process_time() - start)
    return best, rows


def check(path: Path, runs: int) -> bool:
    """Compare old and new views on a migrated copy of one workshop file; report timings."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        WorkshopStore.open(copy).close()
        connection = sqlite3.connect(copy)
        try:
            add_old_views(connection)
            same = True
            for view in VIEWS:
                old_seconds, old_rows = timed(connection, f"SELECT * FROM old_{view}", runs)
                new_seconds, new_rows = timed(connection, f"SELECT * FROM {view}", runs)
                verdict = "same rows, same order" if old_rows == new_rows else "DIFFERENT"
                same = same and old_rows == new_rows
                print(
                    f"{path.name} {view}: {len(new_rows)} rows, {verdict}; "
                    f"CPU {old_seconds:.3f} s before, {new_seconds:.3f} s after"
                )
            return same
        finally:
            connection.close()


def main() -> int:
    """Check every workshop file named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    results = [check(path, arguments.runs) for path in arguments.files]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
