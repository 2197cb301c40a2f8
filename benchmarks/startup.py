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


def main() -> None:
    """Print start-up to first paint, console and floor, per size."""
    found = options(__doc__)
    compileall.compile_dir(Path(console.__file__).parent, quiet=1)
    for size in found.sizes:
        with tempfile.TemporaryDirectory() as folder:
            workspace = Path(folder)
            (workspace / "bare.py").write_text(BARE_APP)
            fresh_copy(size, workspace)
            floor, mine = [], []
            for _ in range(found.runs):
                floor.append(
                    1000 * time_to_screen([PYTHON, "bare.py"], b"BARE-READY", workspace, TERMINAL)
                )
                mine.append(
                    1000
                    * time_to_screen(
                        [PYTHON, "-m", "console", "workshop.db"],
                        b"Wrap-up of day 1",
                        workspace,
                        TERMINAL,
                    )
                )
        result(size, "start-up to first paint", mine, floor, TARGET, floor_what="bare Textual app")


if __name__ == "__main__":
    main()
