"""Peak memory with a big workshop: the console run in a subprocess through all its panes,
next to a minimal Textual app (Header + Footer) run the same way. Peak RSS is VmHWM.

Run: python benchmarks/memory.py [ITEMS]    (default 10000)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from _common import PYTHON, build_big_workshop, figure_line, size_argument

TARGET_MB = 200.0

CONSOLE = """
import asyncio, sys
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
    store.close()

asyncio.run(main())
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
"""

MINIMAL = """
import asyncio
from textual.app import App
from textual.widgets import Footer, Header

class Minimal(App):
    def compose(self):
        yield Header()
        yield Footer()

async def main():
    async with Minimal().run_test(size=(140, 40)) as pilot:
        await pilot.pause()

asyncio.run(main())
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
"""


def peak_mb(code: str, *args: str) -> float:
    """Run code in a new Python and return its peak resident memory in MB."""
    done = subprocess.run([PYTHON, "-c", code, *args], check=True, capture_output=True, text=True)
    return int(done.stdout.split()[-1]) / 1024


def main(items: int) -> None:
    """Build the workshop and print the peaks."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.db"
        build_big_workshop(path, items)
        floor = peak_mb(MINIMAL)
        console = peak_mb(CONSOLE, str(path))
    print(
        f"peak RSS: console through every pane {console:.0f} MB, minimal Textual app "
        f"{floor:.0f} MB, ratio {console / floor:.1f}x   (target <= {TARGET_MB:.0f} MB)"
    )
    print(
        figure_line(
            f"peak memory through every pane ({items:,} items)",
            f"{console:.0f} MB",
            f"{floor:.0f} MB",
            f"{console / floor:.1f}x",
            f"<= {TARGET_MB:.0f} MB",
            console <= TARGET_MB,
        )
    )


if __name__ == "__main__":
    if not Path("/proc/self/status").exists():
        sys.exit("memory.py reads /proc/self/status: Linux only.")
    main(size_argument(10_000))
