"""Start-up to first paint: the console on a workshop vs a minimal Textual app (Header + Footer).

Run: python benchmarks/startup.py [RUNS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from _common import PYTHON, TERMINAL, new_workshop, time_to_screen

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


def main(runs: int) -> None:
    """Print median start-up times and their ratio."""
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        (workspace / "minimal.py").write_text(MINIMAL_APP)
        new_workshop(workspace / "workshop.db").close()
        floor, console = [], []
        for _ in range(runs):
            floor.append(
                time_to_screen([PYTHON, "minimal.py"], b"MINIMAL-READY", workspace, TERMINAL)
            )
            console.append(
                time_to_screen(
                    [PYTHON, "-m", "console", "workshop.db"],
                    b"Wrap-up of day 1",
                    workspace,
                    TERMINAL,
                )
            )
    floor_ms = statistics.median(floor) * 1000
    console_ms = statistics.median(console) * 1000
    print(f"first paint, median of {runs} runs:")
    print(f"  minimal Textual app (Header + Footer): {floor_ms:6.0f} ms")
    print(f"  console on a workshop file:            {console_ms:6.0f} ms")
    print(f"ratio: {console_ms / floor_ms:.2f}x   (target <= 1.3x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
