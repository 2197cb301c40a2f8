"""Kill the real console 200 times with SIGKILL at random moments and print what survived.

Usage: python scripts/crash_soak.py [--kills 200] [--seed N]

The kills are spread over the scenarios of tests/test_crash.py (pain points, dot-vote ballots,
takeaways, takeaways while a timer runs), plus killed merges and imports; after every kill the
same checks run as in the suite (integrity, nothing shown as saved lost, all-or-nothing
multi-row actions, the reopened console shows the same counts and timer). Exits non-zero on the
first failed check.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_crash import (
    check_merges,
    import_kill,
    kills_that_land,
    merge_kill,
    prepare,
    prepare_many,
    run_scenario,
    write_import_csv,
)

SHARES = {"inventory": 0.3, "ballots": 0.25, "takeaways": 0.2, "timer": 0.25}
RUN_LENGTH = 10
"""Kills in a row on one file before a fresh file (each run reopens the killed one)."""


def main() -> int:
    """Run the soak and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200, help="console kills (default 200)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    options = parser.parse_args()
    rng = random.Random(options.seed)
    started = time.monotonic()
    print(f"crash soak: {options.kills} console kills, seed {options.seed}", flush=True)
    totals: dict[str, list] = {name: [] for name in SHARES}
    folder = tempfile.mkdtemp(prefix="crash-soak-")
    print(f"files in {folder} (kept if a check fails)", flush=True)
    base = Path(folder)
    for name, share in SHARES.items():
        wanted = round(options.kills * share)
        batch = 0
        while len(totals[name]) < wanted:
            count = min(RUN_LENGTH, wanted - len(totals[name]))
            path = base / f"{name}-{batch}.db"
            totals[name] += run_scenario(path, name, count, rng)
            batch += 1
            print(f"  {name}: {len(totals[name])}/{wanted} kills ok", flush=True)
    merge_path = base / "merge.db"
    prepare_many(merge_path, 8000)
    merges = kills_that_land(lambda: merge_kill(merge_path, rng), 10)
    import_path = base / "import.db"
    prepare(import_path, "inventory")
    csv_path = write_import_csv(base / "many.csv", 20000)
    imports = kills_that_land(lambda: import_kill(import_path, csv_path, 20000, rng), 10)
    merges_done = check_merges(merge_path)
    shutil.rmtree(folder)
    kills = sum(len(reports) for reports in totals.values())
    print()
    print(
        f"{'scenario':<10} {'kills':>5} {'typed':>6} {'shown saved':>11} {'in file':>8} "
        f"{'kill after (median s)':>22}"
    )
    for name, reports in totals.items():
        print(
            f"{name:<10} {len(reports):>5} {sum(r.typed for r in reports):>6} "
            f"{sum(r.seen for r in reports):>11} {sum(r.saved for r in reports):>8} "
            f"{statistics.median(r.after_seconds for r in reports):>22.2f}"
        )
    print(f"timer reopen checks: {sum(r.timer_checked for r in totals['timer'])}")
    landed = sum(r.landed for reports in totals.values() for r in reports)
    print(f"console kills that ended a running console mid-action: {landed} of {kills}")
    print(
        f"merge process kills: {len(merges)}, inside a merge: {sum(k.landed for k in merges)}, "
        f"merges committed in the end: {merges_done}"
    )
    print(
        f"import process kills: {len(imports)}, inside the import: "
        f"{sum(k.landed for k in imports)}, partial imports: 0"
    )
    print(
        f"{kills} console kills + {len(merges) + len(imports)} process kills, all checks passed "
        f"in {time.monotonic() - started:.0f} s (seed {options.seed})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
