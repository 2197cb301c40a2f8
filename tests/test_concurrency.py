"""Three consoles on one file writing at the same time: no failed write, no lost row, no lock."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from helpers import notices, wait_until
from textual.widgets import Input

from console.store.core import WorkshopStore
from console.store.inventory import capture_pain_point
from console.store.inventory_votes import open_round
from console.ui.app import make_app

TYPED = 8
"""Lines each real console types in the mixed test (a Pilot key press is slow with two apps)."""
ROOT = Path(__file__).resolve().parent.parent


def load_benchmark() -> ModuleType:
    """Load benchmarks/concurrency.py, whose writer processes the suite runs with fewer writes."""
    spec = importlib.util.spec_from_file_location(
        "concurrency_benchmark", ROOT / "benchmarks" / "concurrency.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = load_benchmark()


def test_three_processes_writing_at_once_lose_nothing_and_never_fail(tmp_path: Path) -> None:
    path = tmp_path / "three.db"
    bench.prepare(path)
    reports = bench.collect(bench.start_workers(path, 3, 150))
    assert [report["failures"] for report in reports] == [[], [], []]
    assert all(sum(report["saved"].values()) == 150 for report in reports)
    assert bench.lost_rows(path, reports) == dict.fromkeys(bench.KINDS, 0)
    with WorkshopStore.open(path) as store:
        votes = sum(report["saved"]["pain_point_votes"] for report in reports)
        total = store.query("SELECT sum(points) AS total FROM pain_point_votes")[0]["total"]
        assert total == votes
        assert store.query("PRAGMA integrity_check") == [{"integrity_check": "ok"}]


def writer_rows(store: WorkshopStore) -> int:
    """Return how many rows the writer process has saved so far."""
    return store.query("SELECT count(*) AS n FROM takeaways WHERE text LIKE 'writer %'")[0]["n"]


async def test_two_real_consoles_and_a_writer_process_on_one_file(
    workshop_path: Path, tmp_path: Path
) -> None:
    """Two apps type alternately (pain points and takeaways) while a third process writes."""
    facilitator = WorkshopStore.open(workshop_path)
    notes = WorkshopStore.open(workshop_path, role="notes")
    for number in range(1, bench.TARGETS + 1):
        capture_pain_point(facilitator, f"Target {number}")
    open_round(facilitator, "hand_count", title="Hands")
    first = make_app(facilitator, first_pane="inventory")
    second = make_app(notes, first_pane="takeaways")
    writers = bench.start_workers(workshop_path, 1, 200, pace=0.01)
    try:
        async with (
            first.run_test(size=(120, 36), notifications=True) as one,
            second.run_test(size=(120, 36), notifications=True) as two,
        ):
            await wait_until(
                lambda: writer_rows(facilitator) > 0 or writers[0].poll() is not None,
                "the writer process's first row",
            )
            await wait_until(
                lambda: (
                    first.focused is first.query_one("#inventory-input")
                    and second.focused is second.query_one("#takeaways-input")
                ),
                "both consoles to have their capture lines focused",
            )
            for number in range(TYPED):
                await one.press(*f"rp {number}", "enter")
                await two.press(*f"nt {number}", "enter")
            writer_outlived_typing = writers[0].poll() is None
            reports = bench.collect(writers)
            pain_points = facilitator.query(
                "SELECT count(*) AS n FROM pain_points WHERE deleted_at IS NULL"
            )[0]["n"]
            takeaways = TYPED + reports[0]["saved"]["takeaways"]
            # Each console shows, within its poll, what the other and the writer process saved.
            await wait_until(
                lambda: (
                    f"{pain_points} pain points"
                    in str(first.query_one("#inventory-title").render())
                ),
                f"the facilitator's console to count {pain_points} pain points",
            )
            await wait_until(
                lambda: (
                    f"{takeaways} takeaways" in str(second.query_one("#takeaways-status").render())
                ),
                f"the note-taker's console to count {takeaways} takeaways",
            )
            assert first.query_one("#inventory-input", Input).value == ""
            assert second.query_one("#takeaways-input", Input).value == ""
            for app in (first, second):
                messages = notices(app)
                assert not [text for text in messages if "locked" in text or "busy" in text]
                assert not notices(app, "error"), messages
            assert pain_points == bench.TARGETS + TYPED + reports[0]["saved"]["pain_points"]
    finally:
        for process in writers:
            if process.poll() is None:
                process.kill()
                process.wait()
        facilitator.close()
        notes.close()
    assert reports[0]["failures"] == []
    with WorkshopStore.open(workshop_path) as store:
        typed = store.query("SELECT count(*) AS n FROM pain_points WHERE text LIKE 'rp %'")[0]["n"]
        noted = store.query("SELECT count(*) AS n FROM takeaways WHERE text LIKE 'nt %'")[0]["n"]
        assert (typed, noted) == (TYPED, TYPED)
        # The writer process really wrote while the consoles did: its revisions interleave.
        revs = store.query(
            "SELECT min(rev) AS low, max(rev) AS high FROM takeaways WHERE text LIKE 'nt %'"
        )[0]
        between = store.query(
            "SELECT count(*) AS n FROM takeaways "
            "WHERE text LIKE 'writer %' AND rev BETWEEN ? AND ?",
            [revs["low"], revs["high"]],
        )[0]["n"]
        # (On a machine too busy for that, the writer may have finished before the typing.)
        assert between > 0 or not writer_outlived_typing
    assert bench.lost_rows(workshop_path, reports) == dict.fromkeys(bench.KINDS, 0)
