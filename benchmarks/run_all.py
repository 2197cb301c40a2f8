"""Run every benchmark against its floor and print one table for the README.

Each script prints RESULT lines (what, figure, floor, ratio, target, met); this collects them.
Run: python benchmarks/run_all.py [--quick]    (--quick: 1,000 items and fewer runs)
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

FULL = [
    ("startup.py", "10"),
    ("commit.py", "200"),
    ("keys.py", "10000"),
    ("f9_responsiveness.py", "10000"),
    ("live.py", "10000"),
    ("export.py", "10000"),
    ("memory.py", "10000"),
    ("room.py", "--delegates=200"),
]
QUICK = [
    ("startup.py", "3"),
    ("commit.py", "50"),
    ("keys.py", "1000"),
    ("f9_responsiveness.py", "1000"),
    ("live.py", "1000"),
    ("export.py", "1000"),
    ("memory.py", "1000"),
    ("room.py", "--delegates=50"),
]
HEADER = ("what", "figure", "floor (same run)", "ratio", "target", "met?")


def run(script: str, argument: str) -> list[tuple[str, ...]]:
    """Run one benchmark script and return its RESULT rows."""
    done = subprocess.run(
        [sys.executable, str(HERE / script), argument],
        cwd=HERE,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        return [(f"{script}: failed (exit {done.returncode})", "", "", "", "", "NO")]
    return [
        tuple(line.split("\t")[1:])
        for line in done.stdout.splitlines()
        if line.startswith("RESULT\t")
    ]


def main() -> None:
    """Run the scripts one after another and print the table."""
    plan = QUICK if "--quick" in sys.argv else FULL
    rows = []
    for script, argument in plan:
        started = time.perf_counter()
        found = run(script, argument)
        print(f"{script} {argument}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
        rows += found
    print("| " + " | ".join(HEADER) + " |")
    print("| " + " | ".join("---" for _ in HEADER) + " |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
