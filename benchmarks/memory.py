"""Peak memory of a console session with F9 on the benchmark workshop: the console runs in its
own process through every pane (the inventory to its end and back) and writes the report with
F9; its peak resident memory (VmHWM) is read when the report is written. The floor is a bare
Textual app (Header + Footer) run the same way. Linux only (/proc).

Run: python benchmarks/memory.py [--sizes 10000,100000] [--runs 5] [--quick]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from _common import PYTHON, Target, options, result
from workloads import fresh_copy

TARGETS = {10_000: Target("<= 120 MB", 120.0), 100_000: Target("<= 300 MB", 300.0)}

CONSOLE = """
import asyncio, sys
from pathlib import Path
from console.store.core import WorkshopStore
from console.ui.app import make_app

async def main():
    store = WorkshopStore.open(sys.argv[1])
    app = make_app(store, first_pane="agenda")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        for key in ("f3", "end", "home", "f5", "f4", "f2", "f3"):
            await pilot.press(key)
            await pilot.pause()
        path = Path(sys.argv[1])
        reports = [path.with_name(f"{path.stem}-report.{suffix}") for suffix in ("md", "html")]
        for report in reports:
            report.unlink(missing_ok=True)
        await pilot.press("f9")
        while not all(report.exists() for report in reports):
            await asyncio.sleep(0.05)
        await pilot.pause()
    store.close()

asyncio.run(main())
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
"""

BARE = """
import asyncio
from textual.app import App
from textual.widgets import Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield Footer()

async def main():
    async with Bare().run_test(size=(140, 40)) as pilot:
        await pilot.pause()

asyncio.run(main())
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
"""


def peak_mb(code: str, *args: str) -> float:
    """Run code in a new Python and return its peak resident memory in MB."""
    done = subprocess.run([PYTHON, "-c", code, *args], check=True, capture_output=True, text=True)
    return int(done.stdout.split()[-1]) / 1024


def main() -> None:
    """Print the peaks per size."""
    found = options(__doc__)
    for size in found.sizes:
        mine, floor = [], []
        with tempfile.TemporaryDirectory() as folder:
            path = fresh_copy(size, Path(folder))
            for _ in range(found.runs):
                floor.append(peak_mb(BARE))
                mine.append(peak_mb(CONSOLE, str(path)))
        result(
            size,
            "peak memory of a session with F9 (RSS)",
            mine,
            floor,
            TARGETS.get(size),
            unit="MB",
            floor_what="bare Textual app",
        )


if __name__ == "__main__":
    if not Path("/proc/self/status").exists():
        sys.exit("memory.py reads /proc/self/status: Linux only.")
    main()
