"""Start-up to first paint: the console on a workshop vs a minimal Textual app (Header + Footer).

Both run in a pseudo-terminal from process start until their first screen shows a marker.
The console's modules are byte-compiled first, as an installed wheel's are (the floor's
Textual already is), so a PYTHONDONTWRITEBYTECODE environment does not skew the ratio.
A second floor, Header + a 10-row DataTable + Footer, is printed for context.

Run: python benchmarks/startup.py [RUNS]    (default 10)
"""

from __future__ import annotations

import compileall
import statistics
import tempfile
from pathlib import Path

from _common import PYTHON, TERMINAL, figure_line, new_workshop, size_argument, time_to_screen

import console

TARGET_RATIO = 1.3

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Footer, Header


class Minimal(App):
    TITLE = "MINIMAL-READY"

    def compose(self):
        yield Header()
        yield Footer()


Minimal().run()
"""

TABLE_APP = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header


class WithTable(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("#", "Title")
        for number in range(10):
            table.add_row(str(number), f"TABLE-READY {number}")


WithTable().run()
"""


def main(runs: int) -> None:
    """Print median start-up times and their ratio."""
    compileall.compile_dir(Path(console.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        (workspace / "minimal.py").write_text(MINIMAL_APP)
        (workspace / "table.py").write_text(TABLE_APP)
        new_workshop(workspace / "workshop.db").close()
        floor, table, console_times = [], [], []
        for _ in range(runs):
            floor.append(
                time_to_screen([PYTHON, "minimal.py"], b"MINIMAL-READY", workspace, TERMINAL)
            )
            table.append(
                time_to_screen([PYTHON, "table.py"], b"TABLE-READY 9", workspace, TERMINAL)
            )
            console_times.append(
                time_to_screen(
                    [PYTHON, "-m", "console", "workshop.db"],
                    b"Wrap-up of day 1",
                    workspace,
                    TERMINAL,
                )
            )
    floor_ms = statistics.median(floor) * 1000
    table_ms = statistics.median(table) * 1000
    console_ms = statistics.median(console_times) * 1000
    ratio = console_ms / floor_ms
    print(f"first paint, median of {runs} runs:")
    print(f"  minimal Textual app (Header + Footer):          {floor_ms:6.0f} ms")
    print(f"  Header + 10-row DataTable + Footer (context):   {table_ms:6.0f} ms")
    print(f"  console on a workshop file (agenda pane):       {console_ms:6.0f} ms")
    print(
        f"ratio: {ratio:.2f}x   (target <= {TARGET_RATIO}x; {console_ms / table_ms:.2f}x the "
        "table app)"
    )
    print(
        figure_line(
            "start-up to first paint",
            f"{console_ms:.0f} ms",
            f"{floor_ms:.0f} ms",
            f"{ratio:.2f}x",
            f"<= {TARGET_RATIO}x",
            ratio <= TARGET_RATIO,
        )
    )


if __name__ == "__main__":
    main(size_argument(10))
