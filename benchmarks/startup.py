"""Start-up to first paint: `facilitate WORKSHOP` on the benchmark workshop vs a bare Textual app.

Both run in a pseudo-terminal (120 x 36) from process start until their first screen shows a
marker: the agenda's last item for the console, the title for the bare app (Header + Footer).
The console's modules are byte-compiled first, as an installed wheel's are (the floor's Textual
already is). Each run starts both once, in turn.

Run: python benchmarks/startup.py [--sizes 10000,100000] [--runs 5] [--quick]
"""

from __future__ import annotations

import compileall
import tempfile
from collections.abc import Callable
from pathlib import Path

from _common import PYTHON, TERMINAL, Target, options, result, time_to_screen
from workloads import fresh_copy

import console

TARGET = Target("<= 1.3x floor", 1.3, relative=True)

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header


class Bare(App):
    TITLE = "BARE-READY"

    def compose(self):
        yield Header()
        yield Footer()


Bare().run()
"""


CONSOLE_ARGS = ["-m", "console", "workshop.db"]
CONSOLE_MARKER = "Wrap-up of day 1"
"""The console's first screen is painted when the agenda's last item shows."""
BARE_ARGS = ["bare.py"]
BARE_MARKER = "BARE-READY"


def first_paints(
    size: int, runs: int, measure: Callable[[list[str], str, Path], float]
) -> tuple[list[float], list[float]]:
    """Measure the console's start-up and the bare app's, in turn, runs times each, on the
    benchmark workshop of a size: measure(python arguments, marker, folder) gives one figure."""
    compileall.compile_dir(Path(console.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        (workspace / "bare.py").write_text(BARE_APP)
        fresh_copy(size, workspace)
        floor, mine = [], []
        for _ in range(runs):
            floor.append(measure(BARE_ARGS, BARE_MARKER, workspace))
            mine.append(measure(CONSOLE_ARGS, CONSOLE_MARKER, workspace))
    return mine, floor


def _milliseconds_to_screen(argv: list[str], marker: str, cwd: Path) -> float:
    """Return how long a program takes from its start to a screen showing marker, in ms."""
    return 1000 * time_to_screen([PYTHON, *argv], marker.encode(), cwd, TERMINAL)


def main() -> None:
    """Print start-up to first paint, console and floor, per size."""
    found = options(__doc__)
    for size in found.sizes:
        mine, floor = first_paints(size, found.runs, _milliseconds_to_screen)
        result(size, "start-up to first paint", mine, floor, TARGET, floor_what="bare Textual app")


if __name__ == "__main__":
    main()
