"""`facilitate export PATH --format all` of the benchmark workshop, as a user runs it: one new
process writes the Markdown and HTML reports, the CSV folder and the JSON file (the reports in
it, the CSV folder and the JSON file in two processes it forks); wall time including process
start. The floor does the same four outputs without our code, in the same three processes: md
and html render the report's rows (every pain point with its theme and dot score, every
takeaway, the card picks) through Jinja2 templates streamed to a file; csv writes every table to
its own file with the csv module; json dumps every table with the json module.

Run: python benchmarks/export.py [--sizes 10000,100000] [--runs 5] [--quick]
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from _common import PYTHON, Target, options, result
from workloads import workshop

TARGETS = {10_000: Target("<= 1 s", 1.0), 100_000: Target("<= 8 s", 8.0)}

FLOOR = r"""
import csv, json, os, sqlite3, sys
from pathlib import Path

import jinja2

path, folder = sys.argv[1], Path(sys.argv[2])


def connect():
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def tables(connection):
    return [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' "
            "AND name NOT LIKE 'sqlite_%'"
        )
    ]


def reports():
    connection = connect()
    for fmt in ("md", "html"):
        page = {
            "md": "# Report\n\n## Pain points\n\n| # | Pain point | Theme | Score |\n"
            "|---|---|---|---|\n"
            "{% for p in points %}| {{ p[0] }} | {{ p[1] }} | {{ p[2] }} | {{ p[3] }} |\n"
            "{% endfor %}"
            "\n## Takeaways\n\n{% for t in notes %}- {{ t[0] }} {{ t[1] }}: {{ t[2] }} {{ t[3] }}\n"
            "{% endfor %}\n## Cards\n\n{% for c in cards %}- {{ c[0] }} {{ c[1] }}: {{ c[2] }}\n"
            "{% endfor %}",
            "html": "<!doctype html><title>Report</title><h1>Report</h1><table>"
            "{% for p in points %}<tr><td>{{ p[0] }}<td>{{ p[1] }}<td>{{ p[2] }}<td>{{ p[3] }}"
            "{% endfor %}</table><ul>{% for t in notes %}<li>{{ t[0] }} {{ t[1] }}: {{ t[2] }} "
            "{{ t[3] }}{% endfor %}</ul><ol>{% for c in cards %}<li>{{ c[0] }} {{ c[1] }}: "
            "{{ c[2] }}"
            "{% endfor %}</ol>",
        }[fmt]
        template = jinja2.Environment(autoescape=fmt == "html").from_string(page)
        points = connection.execute(
            "SELECT p.position, p.text, coalesce(t.name, ''), coalesce(sum(v.points), 0) "
            "FROM pain_points p LEFT JOIN themes t ON t.id = p.theme_id "
            "LEFT JOIN pain_point_votes v ON v.pain_point_id = p.id AND v.deleted_at IS NULL "
            "WHERE p.deleted_at IS NULL GROUP BY p.id ORDER BY 4 DESC, p.position"
        )
        notes = connection.execute(
            "SELECT captured_at, kind, text, speaker FROM takeaways WHERE deleted_at IS NULL "
            "ORDER BY captured_at"
        )
        cards = connection.execute(
            "SELECT c.code, c.title, count(*) FROM card_votes v JOIN cards c ON c.id = v.card_id "
            "WHERE v.deleted_at IS NULL GROUP BY c.id ORDER BY 3 DESC"
        )
        with (folder / f"report.{fmt}").open("w", encoding="utf-8") as handle:
            template.stream(points=points, notes=notes, cards=cards).dump(handle)


def csv_files():
    connection = connect()
    (folder / "csv").mkdir()
    for table in tables(connection):
        cursor = connection.execute(f'SELECT * FROM "{table}"')
        with (folder / "csv" / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([column[0] for column in cursor.description])
            writer.writerows(cursor)


def json_file():
    connection = connect()
    whole = {}
    for table in tables(connection):
        cursor = connection.execute(f'SELECT * FROM "{table}"')
        names = [column[0] for column in cursor.description]
        whole[table] = [dict(zip(names, row)) for row in cursor]
    with (folder / "workshop.json").open("w", encoding="utf-8") as handle:
        json.dump(whole, handle)


# The same three processes as the console's export: the reports here, csv and json in two
# children forked before any connection is open.
children = []
for job in (csv_files, json_file):
    pid = os.fork()
    if pid == 0:
        job()
        os._exit(0)
    children.append(pid)
reports()
for pid in children:
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
"""


def timed(argv: list[str]) -> float:
    """Run a command to its end; return its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - started


def one_run(path: Path, folder: Path, run: int) -> tuple[float, float]:
    """Export to every format with facilitate and with the floor; return both walls."""
    floor_script = folder / "floor_export.py"
    floor_script.write_text(FLOOR)
    out = folder / f"console-{run}"
    mine = timed(
        [PYTHON, "-m", "console", "export", str(path), "--format", "all", "--out", str(out)]
    )
    floor_out = folder / f"floor-{run}"
    floor_out.mkdir()
    floor = timed([PYTHON, str(floor_script), str(path), str(floor_out)])
    return mine, floor


def main() -> None:
    """Print the figures per size."""
    found = options(__doc__)
    for size in found.sizes:
        path = workshop(size)
        mine, floor = [], []
        for run in range(found.runs):
            with tempfile.TemporaryDirectory() as folder:
                console_s, floor_s = one_run(path, Path(folder), run)
            mine.append(console_s)
            floor.append(floor_s)
        result(
            size,
            "facilitate export md+html+csv+json, wall",
            mine,
            floor,
            TARGETS.get(size),
            unit="s",
            floor_what="Jinja2 / csv / json, same rows, same three processes",
        )


if __name__ == "__main__":
    main()
