"""The benchmarks' workshop builders still work: they write through store internals, so a
change there must fail here and not only when someone next runs a benchmark."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from console.store.core import WorkshopStore

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def benchmark_module() -> Iterator[Callable[[str], ModuleType]]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module
    finally:
        sys.path.remove(str(BENCHMARKS))


def count(path: Path, table: str) -> int:
    with WorkshopStore.open(path) as store:
        return store.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def test_the_big_workshop_holds_what_the_key_benchmarks_expect(
    benchmark_module, tmp_path: Path
) -> None:
    common: ModuleType = benchmark_module("_common")
    common.build_big_workshop(tmp_path / "big.db", 200)
    assert count(tmp_path / "big.db", "pain_points") == 200
    assert count(tmp_path / "big.db", "takeaways") == 200


def test_the_feature_benchmarks_build_their_workshops(benchmark_module, tmp_path: Path) -> None:
    inventory: ModuleType = benchmark_module("inventory")
    inventory.build(tmp_path / "inventory.db")
    assert count(tmp_path / "inventory.db", "pain_points") == inventory.PAIN_POINTS
    cards: ModuleType = benchmark_module("cards")
    path, _round_id = cards.build(tmp_path)
    assert count(path, "card_votes") >= cards.BALLOTS
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
