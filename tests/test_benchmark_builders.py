"""The benchmarks still work: their workload builder writes through store internals, and each
script's main path runs in its quick mode at a tiny size, so that a change in the console
breaks here and not only when someone next runs the benchmarks. Nothing here is timed."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from console.store.core import WorkshopStore

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
ITEMS = 40


@pytest.fixture(scope="module")
def benchmark_module() -> Iterator[Callable[[str], ModuleType]]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.fixture(scope="module")
def temporary_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary folder the scripts use as theirs: their workload cache is built there once."""
    return tmp_path_factory.mktemp("benchmarks")


def count(path: Path, table: str) -> int:
    with WorkshopStore.open(path) as store:
        return store.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def test_the_workload_holds_what_every_benchmark_expects(benchmark_module, tmp_path) -> None:
    workloads: ModuleType = benchmark_module("workloads")
    path = tmp_path / "workshop.db"
    workloads.build_workshop(path, ITEMS)
    assert count(path, "pain_points") == ITEMS
    assert count(path, "pain_point_votes") == ITEMS
    assert count(path, "takeaways") == 2 * ITEMS
    assert count(path, "takeaway_competence_areas") == ITEMS // 5
    assert count(path, "participants") >= workloads.DELEGATES
    assert count(path, "card_votes") == 200 * 3
    with WorkshopStore.open(path) as store:
        # The full-text index is filled as the console fills it, by the schema's own triggers.
        found = store.query(
            "SELECT count(*) AS n FROM takeaways_fts WHERE takeaways_fts MATCH 'n7'"
        )
        assert found[0]["n"] == 1


def test_the_workload_is_built_once_per_size_and_copied_for_writers(
    benchmark_module, tmp_path, monkeypatch
) -> None:
    workloads: ModuleType = benchmark_module("workloads")
    monkeypatch.setattr(workloads, "CACHE", tmp_path / "cache")
    first = workloads.workshop(ITEMS)
    built_at = first.stat().st_mtime_ns
    assert workloads.workshop(ITEMS) == first
    assert first.stat().st_mtime_ns == built_at
    copy = workloads.fresh_copy(ITEMS, tmp_path)
    assert copy != first
    assert count(copy, "pain_points") == ITEMS
    assert workloads.workshop(ITEMS + 1) != first


def test_the_feature_benchmarks_build_their_workshops(benchmark_module, tmp_path: Path) -> None:
    inventory: ModuleType = benchmark_module("inventory")
    round_id = inventory.build(tmp_path / "inventory.db")
    assert count(tmp_path / "inventory.db", "pain_points") == inventory.PAIN_POINTS
    assert round_id
    cards: ModuleType = benchmark_module("cards")
    path, _round_id = cards.build(tmp_path)
    assert count(path, "card_votes") == cards.BALLOTS * cards.PICKS
    takeaways: ModuleType = benchmark_module("takeaways")
    takeaways.build(tmp_path / "takeaways.db", 300).close()
    assert count(tmp_path / "takeaways.db", "takeaways") == 300


def test_the_room_benchmark_runs_a_small_room(benchmark_module) -> None:
    room: ModuleType = benchmark_module("room")
    report = room.run(3, window=0.5)
    assert report.errors == []
    assert (report.ballots, report.lost_ballots, report.lost_pain_points) == (3, 0, 0)
    assert len(report.submit_ms) == 3
    assert len(report.pain_point_ms) == 3


def run_script(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a benchmark script with the temporary root as its temporary directory."""
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=BENCHMARKS,
        env={**os.environ, "TMPDIR": str(root)},
        capture_output=True,
        text=True,
        timeout=600,
    )


SCRIPTS = {
    "startup.py": ["start-up to first paint"],
    "startup_instructions.py": ["start-up to first paint, instructions"],
    "commit.py": ["Enter to durable commit, pain point (median)"],
    "panes.py": [
        "F3 at the first frame: inventory shown",
        "F5 at the first frame: takeaways shown",
    ],
    "live.py": ["another console's takeaway visible (p95)"],
    "f9_responsiveness.py": ["console answers a key while F9 runs (p95)"],
    "export.py": ["facilitate export md+html+csv+json, wall"],
    "memory.py": ["peak memory of a session with F9 (RSS)"],
    "tmux_latency.py": ["tmux: Enter to row visible, takeaways (p95)"],
}

SAMPLED = {"commit.py", "live.py", "tmux_latency.py"}
"""The scripts that take --samples."""


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_each_benchmark_runs_in_its_quick_mode(script: str, temporary_root: Path) -> None:
    if script == "tmux_latency.py" and shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    if script == "startup_instructions.py" and shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed")
    fewer = ["--samples", "3"] if script in SAMPLED else []
    done = run_script(
        temporary_root, script, "--quick", "--sizes", str(ITEMS), "--runs", "1", *fewer
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = [
        json.loads(line.split("\t", 1)[1])
        for line in done.stdout.splitlines()
        if line.startswith("RESULT\t")
    ]
    shown = {result["what"] for result in results}
    for what in SCRIPTS[script]:
        assert what in shown, (what, shown)
    for result in results:
        assert result["size"] == ITEMS
        assert len(result["values"]) == 1
        assert all(value > 0 for value in result["values"]), result


def test_run_all_prints_a_table_per_size_and_fills_only_the_readme_markers(
    benchmark_module, temporary_root: Path, tmp_path: Path, monkeypatch
) -> None:
    done = run_script(
        temporary_root,
        "run_all.py",
        "--quick",
        "--sizes",
        str(ITEMS),
        "--runs",
        "1",
        "--only",
        "startup.py,export.py",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"**{ITEMS:,} pain points**" in done.stdout
    assert "| start-up to first paint |" in done.stdout
    assert "| facilitate export md+html+csv+json, wall |" in done.stdout
    run_all: ModuleType = benchmark_module("run_all")
    readme = tmp_path / "README.md"
    readme.write_text(f"before\n{run_all.START}\nold table\n{run_all.END}\nafter\n")
    monkeypatch.setattr(run_all, "README", readme)
    run_all.write_readme(["new table"])
    assert readme.read_text() == f"before\n{run_all.START}\nnew table\n{run_all.END}\nafter\n"


def test_the_readme_holds_the_benchmark_markers(benchmark_module) -> None:
    run_all: ModuleType = benchmark_module("run_all")
    text = (BENCHMARKS.parent / "README.md").read_text("utf-8")
    assert text.index(run_all.START) < text.index(run_all.END)
