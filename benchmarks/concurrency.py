"""Three consoles writing to one workshop file at the same time: failures, lost rows, latency.

Usage: python benchmarks/concurrency.py [--processes 3] [--writes 2000]

Each process opens the file as its own console instance and, starting together, saves a mix of
pain points, hand-count votes and takeaways through the store functions the panes call (each
one user action: one BEGIN IMMEDIATE transaction, synchronous=FULL). Afterwards the file must
hold every row each process saved (counted by the instance that wrote it). Prints failed
writes, lost rows and write latency percentiles; exits non-zero on any failure or lost row.
tests/test_concurrency.py runs the same workers with fewer writes.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from console.store.core import StoreError, WorkshopStore
from console.store.inventory import capture_pain_point
from console.store.inventory_votes import bump_hand_count, open_round
from console.store.takeaways import capture_takeaway
from console.store.templates import apply_template

KINDS = ("pain_points", "pain_point_votes", "takeaways")
TARGETS = 20
"""Pain points made before the writers start, for the votes to land on."""


def prepare(path: Path) -> None:
    """Create the workshop: the default template, a few pain points, an open hand-count round."""
    store = WorkshopStore.create(path)
    try:
        apply_template(store, "executive-connections")
        for number in range(1, TARGETS + 1):
            capture_pain_point(store, f"Target {number}")
        open_round(store, "hand_count", title="Hands")
    finally:
        store.close()


def worker(
    path: Path, writes: int, seed: int, start_at: float, pace: float = 0.0
) -> dict[str, object]:
    """Save `writes` user actions (pace seconds apart); return what was saved and how fast."""
    store = WorkshopStore.open(path, role=f"writer-{seed}")
    rng = random.Random(seed)
    saved = dict.fromkeys(KINDS, 0)
    failures: list[str] = []
    latencies: list[float] = []
    try:
        round_id = store.query(
            "SELECT id FROM voting_rounds WHERE method = 'hand_count' AND status = 'open'"
        )[0]["id"]
        targets = [row["id"] for row in store.query("SELECT id FROM pain_points")]
        time.sleep(max(0.0, start_at - time.time()))
        for number in range(writes):
            kind = rng.choice(KINDS)
            began = time.perf_counter()
            try:
                if kind == "pain_points":
                    capture_pain_point(store, f"writer {seed} pain point {number}")
                elif kind == "pain_point_votes":
                    bump_hand_count(store, round_id, rng.choice(targets), 1)
                else:
                    capture_takeaway(store, f"writer {seed} takeaway {number}")
            except (StoreError, ValueError) as error:
                failures.append(str(error))
                continue
            finally:
                latencies.append((time.perf_counter() - began) * 1000)
            saved[kind] += 1
            time.sleep(pace)
        return {
            "instance": store.instance_id,
            "saved": saved,
            "failures": failures,
            "latencies_ms": latencies,
        }
    finally:
        store.close()


def start_workers(
    path: Path, processes: int, writes: int, pace: float = 0.0
) -> list[subprocess.Popen[str]]:
    """Start the writer processes; they begin writing together about a second later."""
    start_at = time.time() + 1.0 + 0.3 * processes
    return [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                str(path),
                str(writes),
                str(seed),
                str(start_at),
                str(pace),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in range(1, processes + 1)
    ]


def collect(workers: list[subprocess.Popen[str]]) -> list[dict[str, object]]:
    """Wait for the writers and return their reports."""
    reports = []
    for process in workers:
        output, _ = process.communicate(timeout=600)
        if process.returncode != 0:
            raise RuntimeError(f"a writer failed with exit code {process.returncode}")
        reports.append(json.loads(output.strip().splitlines()[-1]))
    return reports


def lost_rows(path: Path, reports: list[dict[str, object]]) -> dict[str, int]:
    """Return, per table, how many rows the writers saved that the file does not hold."""
    lost = dict.fromkeys(KINDS, 0)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for report in reports:
            for table in KINDS:
                found = connection.execute(
                    f"SELECT count(*) FROM {table} WHERE created_by = ?", [report["instance"]]
                ).fetchone()[0]
                lost[table] += report["saved"][table] - found  # type: ignore[index]
    finally:
        connection.close()
    return lost


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which the given fraction of values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--writes", type=int, default=2000, help="writes per process")
    parser.add_argument(
        "--worker", nargs=5, metavar=("PATH", "WRITES", "SEED", "START", "PACE"), help="internal"
    )
    options = parser.parse_args()
    if options.worker:
        path, writes, seed, start_at, pace = options.worker
        report = worker(Path(path), int(writes), int(seed), float(start_at), float(pace))
        print(json.dumps(report))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "concurrency.db"
        prepare(path)
        began = time.perf_counter()
        reports = collect(start_workers(path, options.processes, options.writes))
        elapsed = time.perf_counter() - began
        lost = lost_rows(path, reports)
    failures = [failure for report in reports for failure in report["failures"]]  # type: ignore[attr-defined]
    latencies = [value for report in reports for value in report["latencies_ms"]]  # type: ignore[attr-defined]
    total = options.processes * options.writes
    print(f"{options.processes} processes x {options.writes} writes on one file ({total} writes)")
    print(f"failed writes: {len(failures)}" + (f"  e.g. {failures[0]}" if failures else ""))
    print(
        f"lost rows:     {sum(lost.values())}  ({', '.join(f'{k} {v}' for k, v in lost.items())})"
    )
    print(
        f"write latency: median {statistics.median(latencies):.2f} ms  "
        f"p95 {percentile(latencies, 0.95):.2f} ms  p99 {percentile(latencies, 0.99):.2f} ms  "
        f"p99.9 {percentile(latencies, 0.999):.2f} ms  max {max(latencies):.2f} ms"
    )
    slow = sum(1 for value in latencies if value > 100)
    print(f"slow writes:   {slow} waited over 100 ms for the other writers")
    print(f"throughput:    {total / elapsed:.0f} writes/s over {elapsed:.1f} s (with start-up)")
    return 1 if failures or any(lost.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
