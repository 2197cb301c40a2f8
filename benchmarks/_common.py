"""Helpers the benchmark scripts share: options, spreads, result lines and a pseudo-terminal."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pty
import select
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The one workload under the names earlier scripts used (build_big_workshop), and the template's
# workshop, for benchmarks that build a workshop of their own (room.py).
from workloads import build_workshop as build_big_workshop
from workloads import new_workshop as new_workshop

__all__ = ["build_big_workshop", "new_workshop"]


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the value below which the given fraction of values fall."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def describe(values_ms: Sequence[float]) -> str:
    """Summarise timings in milliseconds: median and 95th percentile."""
    return (
        f"median {statistics.median(values_ms):7.2f} ms   p95 {percentile(values_ms, 0.95):7.2f} ms"
        f"   (n={len(values_ms)})"
    )


def time_to_screen(argv: list[str], marker: bytes, cwd: Path, env: dict[str, str]) -> float:
    """Start a terminal program in a pseudo-terminal; return seconds until marker is painted."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.environ.update(env)
        os.execv(argv[0], argv)
    output = b""
    try:
        while marker not in output:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                raise TimeoutError(f"{marker!r} never appeared")
            output += os.read(fd, 65536)
        return time.perf_counter() - started
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


PYTHON = sys.executable
TERMINAL = {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}


async def every_pane_built(app: Any, seconds: float = 30.0) -> bool:
    """Wait until the console has built the panes it builds after its first frame.

    Figures of a steady console are taken after this, so that they do not include the panes
    being built in the background. Returns False if not every pane was built within seconds
    (a console that builds panes only on first use), and the figures go on from there.
    """
    from console.ui.app import PANES
    from console.ui.common.pane import Pane

    deadline = time.perf_counter() + seconds
    while len(app.query(Pane)) < len(PANES) or not all(p.is_mounted for p in app.query(Pane)):
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


SIZES = (10_000, 100_000)
"""The workshop sizes of the README's two tables."""
RUNS = 5
QUICK_SIZES = (1_000,)
QUICK_RUNS = 2


def options(doc: str | None, **extra: Any) -> argparse.Namespace:
    """Parse the options every benchmark takes: --sizes, --runs and --quick.

    extra names more integer options with their defaults (e.g. samples=20).
    """
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--sizes", help="workshop sizes, comma-separated (default 10000,100000)")
    parser.add_argument("--runs", type=int, help=f"runs per figure (default {RUNS})")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 1,000 items, 2 runs, fewer samples"
    )
    for name, default in extra.items():
        parser.add_argument(f"--{name}", type=int, default=None, help=f"(default {default})")
    found = parser.parse_args()
    if found.sizes:
        try:
            found.sizes = [int(size.replace("_", "")) for size in found.sizes.split(",")]
        except ValueError:
            parser.error("--sizes takes whole numbers separated by commas, e.g. 10000,100000")
    else:
        found.sizes = list(QUICK_SIZES if found.quick else SIZES)
    if found.runs is None:
        found.runs = QUICK_RUNS if found.quick else RUNS
    for name, default in extra.items():
        if getattr(found, name) is None:
            setattr(found, name, max(3, default // 4) if found.quick else default)
    return found


@dataclass(frozen=True)
class Target:
    """A target of the issue: a limit on the median, absolute or as a ratio to the floor's."""

    text: str
    limit: float
    relative: bool = False

    def met(self, median: float, floor_median: float | None) -> bool:
        """Tell whether a median meets the target."""
        if self.relative:
            return floor_median is not None and median <= self.limit * floor_median
        return median <= self.limit


def spread(values: Sequence[float]) -> str:
    """Return min / median / max of values, for a script's own printout."""
    return f"{min(values):8.1f} {statistics.median(values):8.1f} {max(values):8.1f}"


def result(
    size: int,
    what: str,
    values: Sequence[float],
    floor: Sequence[float] | None,
    target: Target | None,
    *,
    unit: str = "ms",
    floor_what: str = "",
) -> None:
    """Print one figure (one value per run) as a RESULT line that run_all.py collects."""
    median = statistics.median(values)
    floor_median = statistics.median(floor) if floor else None
    line = {
        "size": size,
        "what": what,
        "unit": unit,
        "values": [round(value, 3) for value in values],
        "floor": [round(value, 3) for value in floor] if floor else None,
        "floor_what": floor_what,
        "target": target.text if target else "",
        "met": target.met(median, floor_median) if target else None,
    }
    floor_text = f"   floor {spread(floor)}" if floor else ""
    print(f"{size:>7,}  {what:<52} {spread(values)} {unit}{floor_text}", file=sys.stderr)
    print("RESULT\t" + json.dumps(line), flush=True)


def figure_line(
    what: str, figure: str, floor: str, ratio: str, target: str, met: bool | None
) -> str:
    """Return one result line of a figure that is not per workshop size (run_all.py lists it
    in its own table)."""
    verdict = "n/a" if met is None else ("yes" if met else "NO")
    return f"RESULT\t{what}\t{figure}\t{floor}\t{ratio}\t{target}\t{verdict}"
