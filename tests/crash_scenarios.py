"""Kill the real console with SIGKILL at random moments and check what survives.

Shared by tests/test_crash.py (a few kills per scenario) and scripts/crash_soak.py (hundreds).

What "shown as saved" means here: the terminal output is replayed into a screen model
(tests/pty_console.py), and after every chunk the console wrote, each typed token (unique, such
as "pp-03-017") is looked for on the rows of the screen *outside* the text fields. A text field
is drawn with a "▊" left border on its row, so the echo of a line being typed never counts;
only a token drawn in the list or table (which happens after Enter saved it and the pane
redrew) does. For ballots, the line "Delegate 7: 4 of 5 dots saved." is what the console shows
after a ballot is saved. Every token so seen must be in the file after the kill, and more
strongly, the saved tokens must be exactly the first k typed (Enter saves synchronously, in
order). Multi-row actions are checked for all-or-nothing: each delegate's ballot in a round has
all its rows or none, within the budget; each merge has all its duplicates pointing at the
survivor or none (checked against the undo record written in the same transaction); an import
has all its rows or none. The next run of a scenario is the reopened console: it must show the
file's count of rows and, while a timer runs, the remaining time computed from the stored
events (±1.5 s: the console shows whole seconds, refreshed once a second).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pty_console import Console, Screen

from console.domain.timers import TimerEvent, timer_state
from console.store.core import WorkshopStore
from console.store.inventory import capture_pain_point
from console.store.templates import apply_template

TOKEN = re.compile(r"\b(?:pp|tk)-\d\d-\d\d\d\b")
BALLOT_SAVED = re.compile(r"Delegate (\d+): (\d+) of (\d+) dots saved\.")
HEADER_CLOCK = re.compile(r"(\d\d):(\d\d)\s*$")
PAIN_POINTS_SHOWN = 12
"""Pain points made before the ballot scenario, numbered 1 to 12 for the ballots."""


class Killed(Exception):
    """The console was killed at the chosen moment."""


@dataclass
class Run:
    """What one run of the console typed and showed before it was killed."""

    typed: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    ballots_seen: set[int] = field(default_factory=set)
    clock_seen: list[tuple[float, int]] = field(default_factory=list)
    typing_seconds: float = 0.0


class Driver:
    """Types into a console and kills it when the chosen moment comes."""

    def __init__(self, console: Console, run: Run, kill_at: float, rng: random.Random) -> None:
        self.console = console
        self.run = run
        self.kill_at = kill_at
        self.rng = rng
        self.started = time.monotonic()

    def key(self, key: str, pause: float = 0.05) -> None:
        """Press one key, then read the screen for a moment; kill when the time has come."""
        self._check()
        self.console.send(key)
        self.wait(pause)

    def type(self, text: str) -> None:
        """Type text at a fast typist's pace (20-60 ms a key)."""
        for character in text:
            self._check()
            self.console.send(character)
            self.wait(self.rng.uniform(0.02, 0.06))

    def wait(self, seconds: float) -> None:
        """Keep reading the screen; kill when the time has come."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._check()
            self.console.read(min(0.02, max(0.0, end - time.monotonic())))
        self._check()

    def _check(self) -> None:
        if time.monotonic() >= self.kill_at:
            self.console.kill()
            self.run.typing_seconds = time.monotonic() - self.started
            self.console.read(0.1)  # what the terminal still had to show
            raise Killed


def watch_screen(run: Run) -> Callable[[Screen, float], None]:
    """Collect what the screen shows as saved, and the header clock with when it showed."""

    def watch(screen: Screen, read_at: float) -> None:
        rows = screen.rows()
        for row in rows[1:]:
            if "▊" in row:
                continue
            run.seen.update(TOKEN.findall(row))
            run.ballots_seen.update(int(number) for number, _u, _b in BALLOT_SAVED.findall(row))
        clock = HEADER_CLOCK.search(rows[0])
        if clock:
            seconds = int(clock.group(1)) * 60 + int(clock.group(2))
            if not run.clock_seen or run.clock_seen[-1][1] != seconds:
                run.clock_seen.append((read_at, seconds))

    return watch


@contextlib.contextmanager
def database(path: Path) -> Iterator[sqlite3.Connection]:
    """Open the file as the next console would (recovering the write-ahead log)."""
    connection = sqlite3.connect(path, timeout=10)
    try:
        yield connection
    finally:
        connection.close()


def check_integrity(path: Path) -> None:
    """The file passes SQLite's full integrity check."""
    with database(path) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchall()
    assert result == [("ok",)], result


def tokens_in_file(path: Path, table: str) -> list[str]:
    """Return the tokens saved in a table's text column, in saving order."""
    with database(path) as connection:
        rows = connection.execute(
            f"SELECT text FROM {table} WHERE deleted_at IS NULL ORDER BY rowid"
        ).fetchall()
    return [text for (text,) in rows if TOKEN.fullmatch(text)]


def check_saved_prefix(run: Run, saved: list[str]) -> None:
    """Every token shown as saved is in the file, and the saved ones are the first k typed."""
    missing = run.seen - set(saved) - set(run_typed_elsewhere(run))
    assert not missing, f"shown as saved but not in the file: {sorted(missing)}"
    mine = [token for token in saved if token in set(run.typed)]
    assert mine == run.typed[: len(mine)], (mine, run.typed)


def run_typed_elsewhere(run: Run) -> list[str]:
    """Tokens of earlier runs are on screen too (the reopened list); they were checked then."""
    return [token for token in run.seen if token not in run.typed]


def expected_ballot(number: int) -> dict[int, int]:
    """The ballot delegate `number` gives: pain point number -> dots (4 dots, at most 2 on one)."""
    first = number % PAIN_POINTS_SHOWN + 1
    second = (number + 4) % PAIN_POINTS_SHOWN + 1
    third = (number + 8) % PAIN_POINTS_SHOWN + 1
    return {first: 1, second: 2, third: 1}


def ballot_text(number: int) -> str:
    """Type a delegate's ballot as the console reads it ("3 7x2 11")."""
    return " ".join(
        f"{item}x{dots}" if dots > 1 else str(item) for item, dots in expected_ballot(number).items()
    )


def check_ballots(path: Path, seen: set[int]) -> None:
    """Each delegate's ballot in every round is whole or absent, within the budget."""
    with database(path) as connection:
        rounds = connection.execute(
            "SELECT id, budget, cap_per_item FROM voting_rounds WHERE target = 'pain_points' "
            "AND method = 'dot' ORDER BY position"
        ).fetchall()
        for round_id, budget, cap in rounds:
            rows = connection.execute(
                "SELECT pa.number, pp.position, v.points FROM pain_point_votes v "
                "JOIN participants pa ON pa.id = v.participant_id "
                "JOIN pain_points pp ON pp.id = v.pain_point_id "
                "WHERE v.round_id = ? AND v.deleted_at IS NULL",
                [round_id],
            ).fetchall()
            ballots: dict[int, dict[int, int]] = {}
            for number, position, points in rows:
                ballots.setdefault(number, {})
                ballots[number][position] = ballots[number].get(position, 0) + points
            for number, ballot in ballots.items():
                assert ballot == expected_ballot(number), (number, ballot)
                assert sum(ballot.values()) <= budget
                assert max(ballot.values()) <= cap
        if seen and rounds:
            newest = rounds[-1][0]
            voted = {
                number
                for (number,) in connection.execute(
                    "SELECT DISTINCT pa.number FROM pain_point_votes v JOIN participants pa "
                    "ON pa.id = v.participant_id WHERE v.round_id = ? AND v.deleted_at IS NULL",
                    [newest],
                )
            }
            assert seen <= voted, f"ballots shown as saved but not in the file: {seen - voted}"


def stored_timer(path: Path) -> list[TimerEvent] | None:
    """Return the running item's timer events, if an item runs."""
    store = WorkshopStore.open(path, role="crash-check")
    try:
        from console.store.agenda import current_item

        item = current_item(store)
        return list(item.events) if item is not None and item.events else None
    finally:
        store.close()


def check_timer_shown(path: Path, run: Run) -> None:
    """The reopened console shows the remaining time the stored events give (±1.5 s)."""
    events = stored_timer(path)
    if events is None:
        return
    assert run.clock_seen, "a timer runs but the reopened console showed no time"
    read_at, shown = run.clock_seen[0]
    remaining = timer_state(events, datetime.fromtimestamp(read_at, UTC)).remaining_seconds
    assert remaining - 1 <= shown <= remaining + 1.5, (shown, remaining)


def count_live(path: Path, table: str) -> int:
    """Return how many live rows a table has (pain points: not merged either)."""
    extra = " AND merged_into_id IS NULL" if table == "pain_points" else ""
    with database(path) as connection:
        return connection.execute(
            f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL{extra}"
        ).fetchone()[0]


# Scenarios ------------------------------------------------------------------------------------


def prepare(path: Path, scenario: str) -> None:
    """Create the workshop file a scenario starts from."""
    store = WorkshopStore.create(path)
    try:
        apply_template(store, "executive-connections")
        if scenario == "ballots":
            for number in range(1, PAIN_POINTS_SHOWN + 1):
                capture_pain_point(store, f"Pain point {number}")
    finally:
        store.close()


def drive_capture(driver: Driver, run_index: int, pane_key: str, prefix: str) -> None:
    """Capture unique lines one after another on the inventory or takeaways pane."""
    driver.key(pane_key, 0.1)
    for number in range(1000):
        token = f"{prefix}-{run_index:02d}-{number:03d}"
        driver.run.typed.append(token)
        driver.type(token)
        driver.key("enter", driver.rng.uniform(0.0, 0.1))


def drive_ballots(driver: Driver, run_index: int) -> None:
    """Open a dot-vote round and type the delegates' ballots one after another."""
    driver.key("f3", 0.1)
    driver.key("escape", 0.05)  # from the capture line to the list
    driver.key("v", 0.2)  # the round dialog
    driver.key("enter", 0.2)  # open a dot vote with the workshop's defaults
    driver.key("b", 0.2)  # ballot entry, from the first delegate without a ballot
    for number in range(1, 13):
        driver.type(ballot_text(number))
        driver.key("enter", driver.rng.uniform(0.0, 0.1))


def drive_timer(driver: Driver, run_index: int) -> None:
    """Start the first agenda item's timer (first run), then capture takeaways while it runs."""
    if run_index == 0:
        driver.key("f2", 0.1)
        driver.key("down", 0.1)
        driver.key("s", 0.2)
        driver.key("enter", 0.2)
    drive_capture(driver, run_index, "f5", "tk")


SCENARIOS: dict[str, Callable[[Driver, int], None]] = {
    "inventory": lambda driver, index: drive_capture(driver, index, "f3", "pp"),
    "takeaways": lambda driver, index: drive_capture(driver, index, "f5", "tk"),
    "ballots": drive_ballots,
    "timer": drive_timer,
}
TABLES = {"inventory": "pain_points", "takeaways": "takeaways", "timer": "takeaways"}
SHOWN_COUNT = {"pain_points": "{} pain points", "takeaways": "{} takeaways"}
PANE_KEYS = {"pain_points": "f3", "takeaways": "f5"}


@dataclass
class KillReport:
    """One kill: which scenario, after how long, and what the file held."""

    scenario: str
    after_seconds: float
    typed: int
    seen: int
    saved: int


def run_scenario(
    path: Path, scenario: str, kills: int, rng: random.Random, min_s: float = 0.2, max_s: float = 1.5
) -> list[KillReport]:
    """Run a scenario `kills` times on one file, killing each run at a random moment."""
    prepare(path, scenario)
    table = TABLES.get(scenario)
    reports: list[KillReport] = []
    for index in range(kills):
        run = Run()
        with Console(["open", str(path)]) as console:
            console.watchers.append(watch_screen(run))
            console.wait_for("Agenda")
            if index:
                check_reopened(console, path, table, run)
            driver = Driver(console, run, time.monotonic() + rng.uniform(min_s, max_s), rng)
            try:
                SCENARIOS[scenario](driver, index)
            except Killed:
                pass
            else:
                raise AssertionError("the scenario ended before the kill")
        check_integrity(path)
        saved = 0
        if table is not None:
            tokens = tokens_in_file(path, table)
            check_saved_prefix(run, tokens)
            saved = len(tokens)
        if scenario == "ballots":
            check_ballots(path, run.ballots_seen)
        reports.append(
            KillReport(scenario, run.typing_seconds, len(run.typed), len(run.seen), saved)
        )
    return reports


def check_reopened(console: Console, path: Path, table: str | None, run: Run) -> None:
    """The reopened console shows the timer and the count of rows the file holds."""
    console.read(0.3)
    check_timer_shown(path, run)
    if table is not None:
        expected = SHOWN_COUNT[table].format(count_live(path, table))
        console.send(PANE_KEYS[table])
        console.wait_for(expected, seconds=10)


# Multi-row actions outside the console's screen ---------------------------------------------

MERGE_DRIVER = """
import random, sys
from console.store.core import WorkshopStore
from console.store.inventory import merge_pain_points
store = WorkshopStore.open(sys.argv[1], role="crash-merge")
rng = random.Random(int(sys.argv[2]))
rows = store.query(
    "SELECT id FROM pain_points WHERE deleted_at IS NULL AND merged_into_id IS NULL "
    "ORDER BY position"
)
ids = [row["id"] for row in rows]
print("ready", flush=True)
while len(ids) > 1:
    size = min(len(ids), rng.randint(2, 400))
    group, ids = ids[:size], ids[size:]
    merge_pain_points(store, group[0], group[1:])
"""


def prepare_many(path: Path, count: int) -> None:
    """Create a workshop with `count` pain points, saved in one go."""
    prepare(path, "inventory")
    store = WorkshopStore.open(path, role="crash-setup")
    try:
        with store.write() as transaction:
            for number in range(1, count + 1):
                transaction.insert("pain_points", {"text": f"Bulk {number}", "position": number})
    finally:
        store.close()


def kill_after(command: list[str], seconds: float) -> None:
    """Start a command, wait until it says it is ready (or a while), then SIGKILL it."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        time.sleep(seconds)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def check_merges(path: Path) -> int:
    """Each merge's duplicates all point at its survivor, or none do; return merges done."""
    with database(path) as connection:
        entries = connection.execute(
            "SELECT changes FROM undo_log WHERE label LIKE 'merge % pain points'"
        ).fetchall()
        merged = dict(
            connection.execute(
                "SELECT id, merged_into_id FROM pain_points WHERE merged_into_id IS NOT NULL"
            ).fetchall()
        )
    recorded: set[str] = set()
    for (changes,) in entries:
        targets = {change["values"]["merged_into_id"] for change in json.loads(changes)}
        ids = [change["id"] for change in json.loads(changes)]
        assert len(targets) == 1
        survivor = targets.pop()
        assert all(merged.get(item) == survivor for item in ids), "a merge was half done"
        recorded.update(ids)
    assert set(merged) == recorded, "rows merged without their merge's undo record"
    return len(entries)


def merge_kill(path: Path, rng: random.Random) -> int:
    """Kill a process merging groups of up to 400 pain points at a random moment."""
    kill_after(
        [sys.executable, "-c", MERGE_DRIVER, str(path), str(rng.randrange(10**6))],
        rng.uniform(0.3, 1.5),
    )
    check_integrity(path)
    return check_merges(path)


def import_kill(path: Path, csv_path: Path, rows: int, rng: random.Random) -> int:
    """Kill `facilitate import` of a big CSV at a random moment: all rows or none."""
    before = count_live(path, "pain_points")
    kill_after(
        [sys.executable, "-m", "console", "import", str(path), str(csv_path), "--kind",
         "pain-points"],
        rng.uniform(0.2, 1.5),
    )
    check_integrity(path)
    added = count_live(path, "pain_points") - before
    assert added in (0, rows), f"an import was half done: {added} of {rows} rows"
    return added


def write_import_csv(path: Path, rows: int) -> Path:
    """Write a pain-point CSV of `rows` rows with a few themes."""
    lines = ["text,theme,raised_by"]
    lines += [f"Imported {number},Theme {number % 7},{number % 12 + 1}" for number in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
