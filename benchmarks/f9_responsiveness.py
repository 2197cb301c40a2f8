"""The console while F9 writes the report: how long a typed key takes to be painted while the
export runs in its worker thread, with 10,000 pain points and 10,000 takeaways.

Each figure runs from the key event reaching the app to the first screen update that shows the
character in the capture line (see _paint.py). The floor is the same key in the same console
with no export running, typed at the same pace. Only keys whose paint came while the export was
still running count; each F9 is pressed again once the previous report is written.

Run: python benchmarks/f9_responsiveness.py [ITEMS]    (default 10000; e.g. 1000 for a quick look)
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import build_big_workshop, every_pane_built, figure_line, percentile, size_argument
from _paint import PaintProbe, shows
from textual.widgets import Input

SIZE = (140, 40)
PRESSES = 6
"""How many times F9 is pressed; keys are typed while each report is written."""
FLOOR_KEYS = 40
PACE = 0.03
"""Seconds between a key painted and the next key: a fast typist, and room for the worker."""
TARGET_MS = 100.0
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
            exporter = app.query_one(ReportExport)
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
                        shows(lambda: exporter.writing, lambda _screen: exporter),
                    )
                )
                typed = 0
                while exporter.writing:
                    elapsed = await type_key(probe, app, line, TEXT[typed % len(TEXT)])
                    typed += 1
                    if exporter.writing:  # painted while the export was still running
                        figures["during"].append(elapsed)
                    await asyncio.sleep(PACE)
                figures["export"].append((time.perf_counter() - pressed) * 1000)
                await probe.settle(app)
    finally:
        store.close()
    return figures


def summary(values: list[float]) -> str:
    """Return median, p95 and max of values in ms."""
    if not values:
        return "no samples"
    return (
        f"median {statistics.median(values):6.1f} ms  p95 {percentile(values, 0.95):6.1f} ms"
        f"  max {max(values):6.1f} ms  (n={len(values)})"
    )


def main(items: int) -> None:
    """Build the workshop, measure, print figures and RESULT lines."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.db"
        began = time.perf_counter()
        build_big_workshop(path, items)
        print(
            f"built {items:,} pain points + {items:,} takeaways in "
            f"{time.perf_counter() - began:.1f} s"
        )
        probe = PaintProbe()
        try:
            figures = asyncio.run(measure(probe, path))
        finally:
            probe.close()
    floor, during = figures["floor"], figures["during"]
    print(f"{'typed key, no export (floor)':36} {summary(floor)}")
    print(f"{'typed key while F9 writes':36} {summary(during)}")
    print(f"{'F9 to the indicator painted':36} {summary(figures['f9'])}")
    print(f"{'F9 to the report written':36} {summary(figures['export'])}")
    if not during:
        print("RESULT\tno key was painted while the report was written\t\t\t\t\tNO")
        return
    for stat, pick in (("median", statistics.median), ("max", max)):
        value, base = pick(during), pick(floor)
        print(
            figure_line(
                f"typed key while F9 writes the report ({items:,} items, {stat})",
                f"{value:.1f} ms",
                f"{base:.1f} ms",
                f"{value / base:.1f}x",
                f"<= {TARGET_MS:.0f} ms",
                value <= TARGET_MS,
            )
        )


if __name__ == "__main__":
    main(size_argument(10_000))
