"""Keys and panes at scale: typed key to painted, Enter to visible and pane open, with 10,000
pain points, 10,000 takeaways and votes, the template's agenda and a 100-card deck.

Each figure runs from the key event reaching the app to the first screen update that shows
its effect (see _paint.py), next to the same gesture in a minimal Textual app (Input, a
10-row DataTable, Footer) measured the same way in the same run: the floor.

Run: python benchmarks/keys.py [ITEMS]    (default 10000; e.g. 1000 for a quick look)
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
from textual.app import App, ComposeResult
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static

SIZE = (140, 40)
TYPED = "Another pain point typed"
KEY_TARGET_MS = 50.0
PANE_TARGET_MS = 250.0


class FloorApp(App[None]):
    """The least a console could do: an input, a small table, a second pane, a footer."""

    BINDINGS = [("f3", "show('one')", "One"), ("f4", "show('two')", "Two")]

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="one", id="switcher"):
            with Static(id="one"):
                yield Input(id="line")
                yield DataTable(id="table")
            yield Static("The second pane", id="two")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "Text")
        for number in range(10):
            table.add_row(str(number), f"row {number}")
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        table = self.query_one(DataTable)
        table.add_row(str(table.row_count), event.value, key=event.value)
        table.move_cursor(row=table.row_count - 1)
        event.input.value = ""

    def action_show(self, pane: str) -> None:
        self.query_one(ContentSwitcher).current = pane
        if pane == "one":
            self.query_one(Input).focus()


async def type_keys(probe: PaintProbe, app: App[Any], line: Input, text: str) -> list[float]:
    """Type text into line key by key; return each key's time to paint."""
    timings = []
    for char in text:
        before = len(line.value)
        timings.append(
            await probe.key_to_paint(
                app, char, shows(lambda b=before: len(line.value) > b, lambda _s: line)
            )
        )
        await probe.settle(app)
    return timings


async def floor(probe: PaintProbe, samples: int) -> dict[str, list[float]]:
    """Measure the minimal app's typed key, Enter and pane switch."""
    app = FloorApp()
    figures: dict[str, list[float]] = {"typed": [], "enter": [], "pane": []}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = app.query_one(Input)
        table = app.query_one(DataTable)
        figures["typed"] = await type_keys(probe, app, line, TYPED)
        for number in range(samples):
            text = f"floor row {number}"
            line.value = text
            await probe.settle(app)
            figures["enter"].append(
                await probe.key_to_paint(
                    app,
                    "enter",
                    shows(
                        lambda t=text: table.get_row_at(table.cursor_row)[1] == t, lambda _s: table
                    ),
                )
            )
            await probe.settle(app)
        switcher = app.query_one(ContentSwitcher)
        for _ in range(samples // 2):
            for key, pane in (("f4", "two"), ("f3", "one")):
                widget = app.query_one(f"#{pane}")
                figures["pane"].append(
                    await probe.key_to_paint(
                        app,
                        key,
                        shows(lambda p=pane: switcher.current == p, lambda _s, w=widget: w),
                    )
                )
                await probe.settle(app)
    return figures


PANE_KEYS = (
    ("f3", "inventory", "#inventory-list"),
    ("f5", "takeaways", "#takeaways-table"),
    ("f4", "cards", "#cards-table"),
    ("f2", "agenda", "#agenda-table"),
)


async def console(probe: PaintProbe, path: Path, samples: int) -> dict[str, list[float]]:
    """Measure the console on the big workshop: open, pane switches, typing, Enter."""
    from console.store.core import WorkshopStore
    from console.ui.app import make_app
    from console.ui.inventory.inventory_list import InventoryList

    figures: dict[str, list[float]] = {
        "start": [],
        "built": [],
        "pane first": [],
        "pane again": [],
        "typed": [],
        "enter inventory": [],
        "enter takeaways": [],
        "pane at start": [],
    }
    store = WorkshopStore.open(path)
    try:
        started = time.perf_counter()
        app = make_app(store, first_pane="agenda")
        probe.check = lambda screen: bool(screen.query("#agenda-table"))
        probe.done.clear()
        async with app.run_test(size=SIZE) as pilot:
            await asyncio.wait_for(probe.done.wait(), 30)
            figures["start"].append((probe.painted_at - started) * 1000)
            await every_pane_built(app)
            figures["built"].append((time.perf_counter() - started) * 1000)
            await pilot.pause()
            for round_number in range(1 + samples // 4):
                for key, pane_id, widget_id in PANE_KEYS:

                    def check(screen: Any, p: str = pane_id, w: str = widget_id) -> bool:
                        found = screen.query(w)
                        return (
                            app.query_one(ContentSwitcher).current == p
                            and bool(found)
                            and found.first() in screen._compositor.visible_widgets
                        )

                    elapsed = await probe.key_to_paint(app, key, check)
                    name = "pane first" if round_number == 0 else "pane again"
                    figures[name].append(elapsed)
                    figures.setdefault(f"open {pane_id}", []).append(elapsed)
                    await probe.settle(app)

            await probe.key_to_paint(
                app, "f3", lambda _s: app.query_one(ContentSwitcher).current == "inventory"
            )
            await probe.settle(app)
            line = app.query_one("#inventory-input", Input)
            listing = app.query_one(InventoryList)
            figures["typed"] += await type_keys(probe, app, line, TYPED)
            for number in range(samples):
                text = f"Benchmark capture {number}"
                line.value = text
                await probe.settle(app)

                def captured(_screen: Any, t: str = text) -> bool:
                    shown = listing.cursor_id
                    return shown is not None and listing.lines[shown].text == t

                figures["enter inventory"].append(
                    await probe.key_to_paint(
                        app, "enter", shows(lambda c=captured: c(None), lambda _s: listing)
                    )
                )
                await probe.settle(app)

            await probe.key_to_paint(
                app, "f5", lambda _s: app.query_one(ContentSwitcher).current == "takeaways"
            )
            await probe.settle(app)
            line = app.query_one("#takeaways-input", Input)
            table = app.query_one("#takeaways-table", DataTable)
            figures["typed"] += await type_keys(probe, app, line, TYPED)
            for number in range(samples):
                text = f"Benchmark takeaway {number}"
                line.value = text
                await probe.settle(app)

                def noted(t: str = text) -> bool:
                    return table.row_count > 0 and str(table.get_row_at(table.cursor_row)[2]) == t

                figures["enter takeaways"].append(
                    await probe.key_to_paint(app, "enter", shows(noted, lambda _s: table))
                )
                await probe.settle(app)

        # F5 pressed the moment the console first paints, while the other panes are built.
        for _ in range(3):
            app = make_app(store, first_pane="agenda")
            probe.check = lambda screen: bool(screen.query("#agenda-table"))
            probe.done.clear()
            async with app.run_test(size=SIZE):
                await asyncio.wait_for(probe.done.wait(), 30)

                def takeaways_shown(screen: Any, shown_by: Any = app) -> bool:
                    found = screen.query("#takeaways-table")
                    return (
                        shown_by.query_one(ContentSwitcher).current == "takeaways"
                        and bool(found)
                        and found.first() in screen._compositor.visible_widgets
                    )

                figures["pane at start"].append(
                    await probe.key_to_paint(app, "f5", takeaways_shown)
                )
    finally:
        store.close()
    return figures


async def both(
    probe: PaintProbe, path: Path, samples: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Measure the floor, then the console, in one event loop."""
    return await floor(probe, samples), await console(probe, path, samples)


def summary(values: list[float]) -> str:
    """Return median and p95 of values in ms."""
    return f"median {statistics.median(values):6.1f} ms  p95 {percentile(values, 0.95):6.1f} ms"


def main(items: int, samples: int = 20) -> None:
    """Build the workshop, measure floor and console, print figures and RESULT lines."""
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
            low, high = asyncio.run(both(probe, path, samples))
        finally:
            probe.close()
    rows = [
        ("typed key to painted", "typed", "typed", KEY_TARGET_MS, "p95"),
        ("Enter to visible (inventory)", "enter inventory", "enter", KEY_TARGET_MS, "p95"),
        ("Enter to visible (takeaways)", "enter takeaways", "enter", KEY_TARGET_MS, "p95"),
        ("pane open, first time", "pane first", "pane", PANE_TARGET_MS, "max"),
        ("pane open, again", "pane again", "pane", PANE_TARGET_MS, "p95"),
    ]
    print(f"{'':32} {'console':>34}   {'floor (minimal app)':>34}")
    for label, mine, theirs, _target, _stat in rows:
        print(f"{label:32} {summary(high[mine]):>34}   {summary(low[theirs]):>34}")
    print(
        f"{'console open (agenda), in-process':32} {high['start'][0]:8.1f} ms to first paint, "
        f"{high['built'][0]:.1f} ms until every pane is built"
    )
    print(
        f"{'F5 at the first paint':32} {summary(high['pane at start']):>34}   "
        "(waits for the pane being built)"
    )
    for _key, pane_id, _widget in PANE_KEYS:
        opens = high[f"open {pane_id}"]
        print(f"  open {pane_id:10} {summary(opens)}   max {max(opens):6.1f} ms")
    for label, mine, theirs, target, stat in rows:
        value = max(high[mine]) if stat == "max" else percentile(high[mine], 0.95)
        base = max(low[theirs]) if stat == "max" else percentile(low[theirs], 0.95)
        print(
            figure_line(
                f"{label} ({items:,} items, {stat})",
                f"{value:.1f} ms",
                f"{base:.1f} ms",
                f"{value / base:.1f}x",
                f"<= {target:.0f} ms",
                value <= target,
            )
        )


if __name__ == "__main__":
    main(size_argument(10_000))
