"""Run every benchmark against its floor, print one table per workshop size and put them in the
README between its benchmark markers.

Each script prints RESULT lines (JSON: size, what, one value per run, the floor's values per
run, the target and whether the median meets it); this runs the scripts one after another,
collects the lines and prints, per size, min / median / max beside the floor's median and
spread, the ratio of the medians, the target and met?. Figures that are not per workshop size
(tab-separated RESULT lines) go in a table of their own.

Run: python benchmarks/run_all.py [--sizes 10000,100000] [--runs 5] [--quick] [--only a.py,b.py]
     [--no-readme]
--quick is a smoke run (1,000 items, 2 runs, fewer samples) and leaves the README alone.
"""

from __future__ import annotations

import argparse
import compileall
import json
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
START = "<!-- benchmarks:start -->"
END = "<!-- benchmarks:end -->"

STARTUP_RUNS = 15
"""Fewest runs of the start-up benchmark in a full run: a start-up takes under half a second
and its spread on a shared machine is a quarter of that, so more runs keep its median (and the
ratio to the floor's) still."""

SCRIPTS: list[tuple[str, bool, list[str], list[str]]] = [
    # (script, takes --sizes/--runs/--quick, arguments of a full run, of a quick run)
    ("startup.py", True, [], []),
    ("commit.py", True, [], []),
    ("panes.py", True, [], []),
    ("tmux_latency.py", True, [], []),
    ("live.py", True, [], []),
    ("f9_responsiveness.py", True, [], []),
    ("export.py", True, [], []),
    ("memory.py", True, [], []),
    ("room.py", False, ["--delegates=200"], ["--delegates=50"]),
    ("replay.py", False, [], []),
]
HEADER = ("what", "min", "median", "max", "floor: median (min–max)", "ratio", "target", "met?")
OTHER_HEADER = ("what", "figure", "floor (same run)", "ratio", "target", "met?")


def run(script: str, arguments: list[str]) -> tuple[list[dict[str, Any]], list[list[str]], str]:
    """Run one benchmark script; return its sized results, other results and any failure."""
    done = subprocess.run(
        [sys.executable, str(HERE / script), *arguments],
        cwd=HERE,
        stdout=subprocess.PIPE,
        text=True,
    )
    sized, other = [], []
    for line in done.stdout.splitlines():
        if line.startswith("RESULT\t{"):
            sized.append(json.loads(line.split("\t", 1)[1]))
        elif line.startswith("RESULT\t"):
            other.append(line.split("\t")[1:])
    failure = f"{script} failed (exit {done.returncode})" if done.returncode else ""
    return sized, other, failure


def number(value: float, unit: str) -> str:
    """Return a value with as many decimals as its size and unit deserve."""
    if unit == "s":
        return f"{value:.2f}"
    if unit == "MB" or value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def row(result: dict[str, Any]) -> tuple[str, ...]:
    """Return one table row of a sized result."""
    values, unit, floor = result["values"], result["unit"], result["floor"]
    median = statistics.median(values)
    if floor:
        floor_median = statistics.median(floor)
        floor_text = (
            f"{number(floor_median, unit)} {unit} ({number(min(floor), unit)}–"
            f"{number(max(floor), unit)}), {result['floor_what']}"
        )
        ratio = f"{median / floor_median:.1f}x" if floor_median else "—"
    else:
        floor_text, ratio = "—", "—"
    met = {True: "yes", False: "**NO**", None: "—"}[result["met"]]
    return (
        result["what"],
        f"{number(min(values), unit)} {unit}",
        f"**{number(median, unit)} {unit}**",
        f"{number(max(values), unit)} {unit}",
        floor_text,
        ratio,
        result["target"] or "—",
        met,
    )


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """Return a Markdown table."""
    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
        *("| " + " | ".join(cells) + " |" for cells in rows),
    ]


def report(
    sized: list[dict[str, Any]],
    other: list[list[str]],
    failures: list[str],
    runs: int,
    startup_runs: int,
) -> list[str]:
    """Return the tables as Markdown lines."""
    lines = [
        f"Measured with `python benchmarks/run_all.py` on {date.today().isoformat()} "
        f"({platform.system()}, {platform.python_version()}, a shared 2-core machine): every "
        f"figure is taken in {runs} runs (start-up in {startup_runs}) and shown as "
        "min / median / max, the floor beside it "
        "is the same work without the console, measured in the same runs; met? compares the "
        "median with the target.",
    ]
    for size in sorted({result["size"] for result in sized}):
        lines += [
            "",
            f"**{size:,} pain points** ({2 * size:,} takeaways, {size:,} dot votes, "
            "200 delegates, a 100-card deck with 200 ballots):",
            "",
            *table(HEADER, [row(result) for result in sized if result["size"] == size]),
        ]
    if other:
        lines += ["", "Not per workshop size:", "", *table(OTHER_HEADER, [tuple(r) for r in other])]
    if failures:
        lines += ["", "Failed: " + "; ".join(failures) + "."]
    return lines


def write_readme(lines: list[str]) -> None:
    """Put the tables between the README's markers."""
    text = README.read_text("utf-8")
    if START not in text or END not in text:
        sys.exit(f"README.md has no {START} ... {END} markers: the tables were not written.")
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    README.write_text(before + START + "\n" + "\n".join(lines) + "\n" + END + after, "utf-8")


def main() -> int:
    """Run the scripts, print the tables and write them into the README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="workshop sizes, comma-separated (default 10000,100000)")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5)")
    parser.add_argument("--quick", action="store_true", help="a smoke run; the README stays")
    parser.add_argument("--only", help="scripts to run, comma-separated (e.g. startup.py)")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    found = parser.parse_args()
    common = [
        *(["--sizes", found.sizes] if found.sizes else []),
        *(["--runs", str(found.runs)] if found.runs else []),
        *(["--quick"] if found.quick else []),
    ]
    chosen = set(found.only.split(",")) if found.only else None
    startup_runs = max(found.runs or 5, STARTUP_RUNS)
    # Byte-compiled, as an installed wheel is (PYTHONDONTWRITEBYTECODE may be set): otherwise
    # every start of the console would compile its modules first.
    compileall.compile_dir(HERE.parent / "console", quiet=1)
    sized: list[dict[str, Any]] = []
    other: list[list[str]] = []
    failures: list[str] = []
    for script, takes_options, full, quick in SCRIPTS:
        if chosen is not None and script not in chosen:
            continue
        if not (HERE / script).exists():
            continue  # a benchmark of a feature not in this copy yet
        arguments = (common if takes_options else []) + (quick if found.quick else full)
        if script == "startup.py" and not found.quick:
            arguments += ["--runs", str(startup_runs)]  # the last --runs given counts
        started = time.perf_counter()
        found_sized, found_other, failure = run(script, arguments)
        print(f"{script}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        sized += found_sized
        other += found_other
        failures += [failure] if failure else []
    runs = found.runs or (2 if found.quick else 5)
    lines = report(sized, other, failures, runs, runs if found.quick else startup_runs)
    print("\n".join(lines))
    if not found.quick and not found.no_readme and chosen is None:
        write_readme(lines)
        print(f"\nWritten into {README.name}.", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
