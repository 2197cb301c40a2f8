"""The console while F9 writes the report: how long a typed key takes to be painted while the
export runs in its worker thread, on the benchmark workshop.

Each figure runs from the key event reaching the app to the first screen update that shows the
character in the capture line (see _paint.py). The floor is the same key in the same console
with no export running, typed at the same pace. Only keys whose paint came while the export was
still running count. Each run is a new console session with one F9; its figure is the p95.

Run: python benchmarks/f9_responsiveness.py [--sizes 10000,100000] [--runs 5] [--quick]
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import Target, every_pane_built, options, percentile, result
from _paint import PaintProbe, shows
from textual.widgets import Input
from workloads import fresh_copy

SIZE = (140, 40)
PRESSES = 1
"""How many times F9 is pressed per run; keys are typed while each report is written."""
FLOOR_KEYS = 40
PACE = 0.03
"""Seconds between a key painted and the next key: a fast typist, and room for the worker."""
TARGET = Target("<= 100 ms", 100.0)
TEXT = "Pain point typed while the report is written "


async def type_key(probe: PaintProbe, app: Any, line: Input, char: str) -> float:
    """Type one character into line; return milliseconds until it is painted."""
    if len(line.value) > 60:
        line.value = ""  # keep the line short: every sample paints the same kind of change
        await asyncio.sleep(PACE)
    before = len(line.value)
    return await probe.key_to_paint(
        app, char, shows(lambda: len(line.value) > before, lambda _screen: line)
    )


async def measure(probe: PaintProbe, path: Path) -> dict[str, list[float]]:
    """Open the console on the big workshop; type with no export, then while F9 runs."""
    from console.store.core import WorkshopStore
    from console.ui.app import make_app
    from console.ui.common.report_export import ReportExport

    figures: dict[str, list[float]] = {"floor": [], "during": [], "f9": [], "export": []}
    store = WorkshopStore.open(path)
    try:
        app = make_app(store, first_pane="inventory")
        probe.check = lambda screen: bool(screen.query("#inventory-input"))
        probe.done.clear()
        async with app.run_test(size=SIZE):
            await asyncio.wait_for(probe.done.wait(), 30)
            await every_pane_built(app)
            await probe.settle(app)
            line = app.query_one("#inventory-input", Input)

            def exporter() -> ReportExport | None:
                """Return the header's report indicator (mounted at the first F9)."""
                found = app.query(ReportExport)
                return found.first() if found else None

            def writing() -> bool:
                shown = exporter()
                return shown is not None and shown.writing

            for index in range(FLOOR_KEYS):
                figures["floor"].append(await type_key(probe, app, line, TEXT[index % len(TEXT)]))
                await asyncio.sleep(PACE)
            await probe.settle(app)
            for _ in range(PRESSES):
                pressed = time.perf_counter()
                figures["f9"].append(
                    await probe.key_to_paint(
                        app,
                        "f9",
                        shows(writing, lambda _screen: exporter()),
                    )
                )
                typed = 0
                while writing():
                    elapsed = await type_key(probe, app, line, TEXT[typed % len(TEXT)])
                    typed += 1
                    if writing():  # painted while the export was still running
                        figures["during"].append(elapsed)
                    await asyncio.sleep(PACE)
                figures["export"].append((time.perf_counter() - pressed) * 1000)
                await probe.settle(app)
    finally:
        store.close()
    return figures


def main() -> None:
    """Print the figures per size."""
    found = options(__doc__)
    for size in found.sizes:
        rows: dict[str, list[float]] = {"floor": [], "during": [], "export": []}
        with tempfile.TemporaryDirectory() as folder:
            path = fresh_copy(size, Path(folder))
            for _ in range(found.runs):
                probe = PaintProbe()
                try:
                    figures = asyncio.run(measure(probe, path))
                finally:
                    probe.close()
                if not figures["during"]:
                    print(f"no key was painted while F9 ran at {size:,} items")
                    continue
                rows["floor"].append(percentile(figures["floor"], 0.95))
                rows["during"].append(percentile(figures["during"], 0.95))
                rows["export"].append(statistics.median(figures["export"]) / 1000)
        if not rows["during"]:
            continue
        result(
            size,
            "console answers a key while F9 runs (p95)",
            rows["during"],
            rows["floor"],
            TARGET,
            floor_what="the same key, no export",
        )
        result(size, "F9: report written (md + html)", rows["export"], None, None, unit="s")


if __name__ == "__main__":
    main()
