"""Pane keys on the benchmark workshop: a pane key pressed at the console's very first frame, and
pane switches once every pane is built, next to a bare DataTable app doing the same work.

Each figure runs from the key event reaching the app to the first screen update that shows the
pane with rows (see _paint.py). At the first frame every run is a new console (what the runs
before left is collected first), opened on the agenda, and the key is sent the moment the
agenda is first painted. The floor is a bare Textual
app whose pane key reads the same rows from the file (every pain point; the newest 200
takeaways, as the takeaways pane shows; every card) into a new DataTable and shows it, pressed
at its first frame too; then switches between its built tables.

Run: python benchmarks/panes.py [--sizes 10000,100000] [--runs 5] [--quick]
"""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from _common import Target, every_pane_built, options, percentile, result
from _paint import PaintProbe
from textual.app import App, ComposeResult
from textual.widgets import ContentSwitcher, DataTable, Footer, Static
from workloads import fresh_copy

SIZE = (140, 40)
AT_START = Target("<= 300 ms", 300.0)
AGAIN = Target("<= 250 ms", 250.0)
PANES = (
    ("f3", "inventory", "#inventory-list"),
    ("f4", "cards", "#cards-table"),
    ("f5", "takeaways", "#takeaways-table"),
)
ROWS = {
    "inventory": "SELECT p.position, p.text, coalesce(t.name, '') FROM pain_points p "
    "LEFT JOIN themes t ON t.id = p.theme_id "
    "WHERE p.deleted_at IS NULL AND p.merged_into_id IS NULL ORDER BY p.position",
    "cards": "SELECT c.position, c.code, c.title, c.category FROM cards c "
    "WHERE c.deleted_at IS NULL ORDER BY c.deck_id, c.position",
    "takeaways": "SELECT captured_at, kind, text, speaker FROM takeaways "
    "WHERE deleted_at IS NULL ORDER BY captured_at DESC LIMIT 200",
}


class FloorApp(App[None]):
    """A bare app: a first table, and per pane key a DataTable of that pane's rows."""

    BINDINGS = [
        ("f2", "show('agenda')", "Agenda"),
        ("f3", "show('inventory')", "Inventory"),
        ("f4", "show('cards')", "Cards"),
        ("f5", "show('takeaways')", "Takeaways"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="agenda", id="switcher"):
            yield Static("FLOOR-AGENDA", id="agenda")
        yield Footer()

    def action_show(self, pane: str) -> None:
        switcher = self.query_one(ContentSwitcher)
        if not switcher.query(f"#{pane}"):
            connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            rows = connection.execute(ROWS[pane]).fetchall()
            connection.close()
            table: DataTable[Any] = DataTable(id=pane, cursor_type="row")
            table.add_columns(*(f"column {n}" for n in range(len(rows[0]) if rows else 1)))
            table.add_rows(rows)
            switcher.mount(table)
        switcher.current = pane


def pane_shown(app: App[Any], pane: str, widget_id: str) -> Any:
    """Return a check: the pane is current and its rows widget is painted with rows."""

    def check(screen: Any) -> bool:
        if app.query_one(ContentSwitcher).current != pane:
            return False
        found = screen.query(widget_id)
        if not found:
            return False
        widget = found.first()
        return widget in screen._compositor.visible_widgets and getattr(widget, "row_count", 1) > 0

    return check


async def at_first_frame(probe: PaintProbe, make: Any, first: str, key: str, check: Any) -> float:
    """Start an app, press key the moment first is painted; return ms until check holds."""
    # A console at its first frame has no garbage behind it: the apps of the runs before (the
    # floor's table of every pain point) are collected now, not during this run.
    gc.collect()
    app = make()
    probe.check = lambda screen: bool(screen.query(first))
    probe.done.clear()
    async with app.run_test(size=SIZE):
        await asyncio.wait_for(probe.done.wait(), 60)
        return await probe.key_to_paint(app, key, check(app), timeout=60)


async def again(probe: PaintProbe, app: App[Any], widget: dict[str, str], rounds: int) -> float:
    """Switch between the built panes rounds times; return the p95 in ms."""
    timings = []
    for _ in range(rounds):
        for key, pane, _widget in (*PANES, ("f2", "agenda", "")):
            check = pane_shown(app, pane, widget[pane])
            timings.append(await probe.key_to_paint(app, key, check, timeout=60))
            await probe.settle(app)
    return percentile(timings, 0.95)


async def measure(path: Path, runs: int) -> dict[str, list[float]]:
    """Measure console and floor; return one figure per run for each row."""
    from console.store.core import WorkshopStore
    from console.ui.app import make_app

    figures: dict[str, list[float]] = {}
    probe = PaintProbe()
    store = WorkshopStore.open(path)
    try:
        for _ in range(runs):
            for key, pane, widget_id in PANES:
                figures.setdefault(f"console {pane}", []).append(
                    await at_first_frame(
                        probe,
                        lambda: make_app(store, first_pane="agenda"),
                        "#agenda-table",
                        key,
                        lambda app, p=pane, w=widget_id: pane_shown(app, p, w),
                    )
                )
                figures.setdefault(f"floor {pane}", []).append(
                    await at_first_frame(
                        probe,
                        lambda: FloorApp(path),
                        "#agenda",
                        key,
                        lambda app, p=pane: pane_shown(app, p, f"#{p}"),
                    )
                )
            app = make_app(store, first_pane="agenda")
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await every_pane_built(app)
                await probe.settle(app)
                widgets = {pane: widget for _key, pane, widget in PANES}
                figures.setdefault("console again", []).append(
                    await again(probe, app, {**widgets, "agenda": "#agenda-table"}, 3)
                )
            app = FloorApp(path)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                for key, *_rest in PANES:
                    await pilot.press(key)
                await probe.settle(app)
                ids = {pane: f"#{pane}" for pane in ("agenda", "inventory", "cards", "takeaways")}
                figures.setdefault("floor again", []).append(await again(probe, app, ids, 3))
    finally:
        probe.close()
        store.close()
    return figures


def main() -> None:
    """Print the figures per size."""
    found = options(__doc__)
    for size in found.sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = fresh_copy(size, Path(folder))
            figures = asyncio.run(measure(path, found.runs))
        for key, pane, _widget in PANES:
            result(
                size,
                f"{key.upper()} at the first frame: {pane} shown",
                figures[f"console {pane}"],
                figures[f"floor {pane}"],
                AT_START,
                floor_what="bare DataTable app, same rows",
            )
        result(
            size,
            "pane key once every pane is built (p95)",
            figures["console again"],
            figures["floor again"],
            AGAIN,
            floor_what="bare DataTable app, same rows",
        )


if __name__ == "__main__":
    main()
