"""Kill the real console with SIGKILL at random moments and check that nothing shown is lost.

The suite kills 20 consoles in pseudo-terminals (and a merge and an import process a few times);
scripts/crash_soak.py imports this module and kills 200.

Every kill is proven to land inside the action it tests. A console is killed only once it has
shown one or two of the run's lines (or ballots) saved, at a random moment of the typing after
that, and the kill must end a running console (one that had crashed or quit fails the test).
A merge or import process is killed while it holds the file's write lock (a second connection's
`BEGIN IMMEDIATE` is refused), and the kill counts only if the file's revision did not move
between that look and the kill, so the open transaction never committed; a test needs three
such kills and fails if half its kills miss.

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

import pytest
from helpers import DEADLINE, POLL
from pty_console import Console, Screen

from console.domain.text import counted
from console.domain.timers import TimerEvent, timer_state
from console.store.core import WorkshopStore
from console.store.inventory import capture_pain_point
from console.store.templates import apply_template

TOKEN = re.compile(r"\b(?:pp|tk)-\d\d-\d\d\d\b")
BALLOT_SAVED = re.compile(r"Delegate (\d+): (\d+) of (\d+) dots saved\.")
HEADER_CLOCK = re.compile(r"(\+?)(\d\d):(\d\d)(?: paused)?\s*$")
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
    ballots_typed: int = 0
    timer_checked: bool = False
    kill_landed: bool = False
    last_screen: str = ""

    def saved_shown(self) -> int:
        """Return how many of this run's lines or ballots the screen has shown as saved."""
        return len(self.seen & set(self.typed)) + len(self.ballots_seen)


@dataclass(frozen=True)
class KillPlan:
    """When to kill: once the console has shown `after_saved` of the run's actions saved (the
    action under test is going on), then `then_seconds` later while the typing goes on."""

    after_saved: int
    then_seconds: float

    @classmethod
    def draw(cls, rng: random.Random) -> KillPlan:
        """Draw a kill moment: after 1 or 2 saved actions, 0 to 0.6 s into the typing after."""
        return cls(rng.randint(1, 2), rng.uniform(0.0, 0.6))


class Driver:
    """Types into a console and kills it when the planned moment comes."""

    def __init__(
        self, console: Console, run: Run, plan: KillPlan, rng: random.Random, path: Path
    ) -> None:
        self.console = console
        self.path = path
        self.run = run
        self.plan = plan
        self.rng = rng
        self.started = time.monotonic()
        self.armed_at: float | None = None
        self.timer_running = False

    def key(self, key: str, pause: float = 0.05) -> None:
        """Press one key, then keep reading for a typist's pause; kill when the time has come."""
        self._check()
        self.console.send(key)
        self.wait(pause)

    def key_until(self, key: str, shown: Callable[[Screen], bool], what: str) -> None:
        """Press one key, then read until the screen shows its effect (`what`, if it never does)."""
        self._check()
        self.console.send(key)
        deadline = time.monotonic() + DEADLINE
        while not shown(self.console.screen):
            self._check()
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"after {key}: {what} never showed\n{self.console.screen.text()}"
                )
            self.console.read(0.02, until=shown)

    def wait_for_screen(self, shown: Callable[[Screen], bool], what: str) -> None:
        """Read until the screen shows something (`what`, if it never does)."""
        deadline = time.monotonic() + DEADLINE
        while not shown(self.console.screen):
            self._check()
            if time.monotonic() >= deadline:
                raise AssertionError(f"{what} never showed\n{self.console.screen.text()}")
            self.console.read(0.02, until=shown)

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
        now = time.monotonic()
        if self.armed_at is None:
            if self.run.saved_shown() >= self.plan.after_saved:
                self.armed_at = now
            elif now - self.started > DEADLINE:
                raise AssertionError(
                    f"the console showed {self.run.saved_shown()} saved in {DEADLINE:g} s, "
                    f"not {self.plan.after_saved}\n{self.console.screen.text()}"
                )
        if self.armed_at is not None and now >= self.armed_at + self.plan.then_seconds:
            # The kill lands inside the action only if it ended a console that was running.
            self.run.kill_landed = self.console.kill()
            self.run.typing_seconds = now - self.started
            self.console.drain()  # what the terminal still had to show
            self.run.last_screen = self.console.screen.text()
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
            seconds = int(clock.group(2)) * 60 + int(clock.group(3))
            seconds = -seconds if clock.group(1) else seconds
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
    typed = set(run.typed)
    missing = (run.seen & typed) - set(saved)
    assert not missing, f"shown as saved, not in the file: {sorted(missing)}\n{run.last_screen}"
    mine = [token for token in saved if token in typed]
    assert mine == run.typed[: len(mine)], f"{mine} {run.typed}\n{run.last_screen}"


def expected_ballot(number: int) -> dict[int, int]:
    """The ballot delegate `number` gives: pain point number -> dots (4 dots, at most 2 on one)."""
    first = number % PAIN_POINTS_SHOWN + 1
    second = (number + 4) % PAIN_POINTS_SHOWN + 1
    third = (number + 8) % PAIN_POINTS_SHOWN + 1
    return {first: 1, second: 2, third: 1}


def ballot_text(number: int) -> str:
    """Type a delegate's ballot as the console reads it ("3 7x2 11")."""
    return " ".join(
        f"{item}x{dots}" if dots > 1 else str(item)
        for item, dots in expected_ballot(number).items()
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
    run.timer_checked = True
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


PANE_TITLES = {"f3": "Inventory", "f5": "Takeaways"}


def switch_pane(driver: Driver, pane_key: str) -> None:
    """Switch pane and wait until the switch has painted.

    Typing ahead of a pane switch loses keys (test_keys_typed_ahead_of_a_pane_switch_...):
    waiting makes these kills test saving, not that bug.
    """
    title = f"·  {PANE_TITLES[pane_key]}"
    driver.key_until(pane_key, lambda screen: title in screen.rows()[0], f"the {title} pane")


def drive_capture(driver: Driver, run_index: int, pane_key: str, prefix: str) -> None:
    """Capture unique lines one after another on the inventory or takeaways pane."""
    # The pane opens on its capture line (first visit) or goes back to it (left in it by
    # check_reopened), where p and t are text.
    switch_pane(driver, pane_key)
    for number in range(1000):
        token = f"{prefix}-{run_index:02d}-{number:03d}"
        driver.run.typed.append(token)
        driver.type(token)
        # The typist looks up until the line shows in the list, so that these kills test
        # saving, not typing ahead of Enter (a burst of lines can join a line to the one
        # before); the kill can land in this moment, between the Enter and the line shown.
        driver.key_until(
            "enter", lambda _screen, token=token: token in driver.run.seen, f"{token} saved"
        )
        driver.wait(driver.rng.uniform(0.0, 0.1))


def drive_ballots(driver: Driver, run_index: int) -> None:
    """Open a dot-vote round and type the delegates' ballots one after another."""
    switch_pane(driver, "f3")
    # A pane key puts the focus on the list, where the hint line shows its keys. Escape is sent
    # only if the capture line has the focus, and then waited for: a key sent right after a lone
    # Escape would be read with it as one Alt key.
    driver.wait_for_screen(
        lambda screen: "v new round" in screen.text() or "letters are text" in screen.text(),
        "the hint line",
    )
    if "v new round" not in driver.console.screen.text():
        driver.key_until("escape", lambda screen: "v new round" in screen.text(), "the list's keys")
    driver.key_until("v", lambda screen: "New voting round" in screen.text(), "the round dialog")
    rounds = count_live(driver.path, "voting_rounds")
    # Enter opens a dot vote with the workshop's defaults.
    driver.key_until(
        "enter",
        lambda screen: (
            "New voting round" not in screen.text()
            and count_live(driver.path, "voting_rounds") > rounds
        ),
        "the new round",
    )
    # Ballot entry, from the first delegate without a ballot.
    driver.key_until("b", lambda screen: "Delegate 1 (1/12" in screen.text(), "ballot entry")
    for number in range(1, 13):
        driver.run.ballots_typed += 1
        driver.type(ballot_text(number))
        driver.key_until(
            "enter",
            lambda _screen, number=number: number in driver.run.ballots_seen,
            f"delegate {number}'s ballot saved",
        )
        driver.wait(driver.rng.uniform(0.0, 0.1))


def drive_timer(driver: Driver, run_index: int) -> None:
    """Start the first agenda item's timer (unless it runs), then capture takeaways meanwhile."""
    if not driver.timer_running:
        driver.key_until("f2", lambda screen: "·  Agenda" in screen.rows()[0], "the agenda")
        driver.key("down")  # from the day row to its first item
        driver.key_until("s", lambda screen: "Enter starts" in screen.text(), "the start dialog")
        driver.key_until("enter", lambda screen: "Now: " in screen.text(), "the running timer")
    drive_capture(driver, run_index, "f5", "tk")


SCENARIOS: dict[str, Callable[[Driver, int], None]] = {
    "inventory": lambda driver, index: drive_capture(driver, index, "f3", "pp"),
    "takeaways": lambda driver, index: drive_capture(driver, index, "f5", "tk"),
    "ballots": drive_ballots,
    "timer": drive_timer,
}
TABLES = {"inventory": "pain_points", "takeaways": "takeaways", "timer": "takeaways"}
SHOWN_COUNT = {"pain_points": "pain point", "takeaways": "takeaway"}
PANE_KEYS = {"pain_points": "f3", "takeaways": "f5"}


@dataclass
class KillReport:
    """One kill: which scenario, after how long, and what the file held."""

    scenario: str
    after_seconds: float
    typed: int
    seen: int
    saved: int
    timer_checked: bool = False
    landed: bool = False
    """The SIGKILL ended a running console in the middle of the scenario's action."""


def run_scenario(path: Path, scenario: str, kills: int, rng: random.Random) -> list[KillReport]:
    """Run a scenario `kills` times on one file, killing each run at a random moment of its
    action (after it showed some of it saved)."""
    prepare(path, scenario)
    table = TABLES.get(scenario)
    reports: list[KillReport] = []
    for index in range(kills):
        run = Run()
        with Console(["open", str(path)]) as console:
            console.watchers.append(watch_screen(run))
            # The header names the pane once the console has shown it and given it the keys.
            console.wait_for("·  Agenda")
            if index:
                check_reopened(console, path, table, run)
            driver = Driver(console, run, KillPlan.draw(rng), rng, path)
            driver.timer_running = stored_timer(path) is not None
            try:
                SCENARIOS[scenario](driver, index)
            except Killed:
                pass
            else:
                raise AssertionError(f"the scenario ended before the kill\n{console.screen.text()}")
            assert run.kill_landed, (
                f"the console had ended by itself (status {console.exit_status}) before the "
                f"kill\n{run.last_screen}"
            )
        check_integrity(path)
        saved = 0
        if table is not None:
            tokens = tokens_in_file(path, table)
            check_saved_prefix(run, tokens)
            saved = len(tokens)
        if scenario == "ballots":
            check_ballots(path, run.ballots_seen)
            run.typed = [str(number) for number in range(run.ballots_typed)]
            run.seen = {str(number) for number in run.ballots_seen}
            saved = ballots_in_newest_round(path)
        reports.append(
            KillReport(
                scenario,
                run.typing_seconds,
                len(run.typed),
                len(run.seen),
                saved,
                run.timer_checked,
                run.kill_landed,
            )
        )
    return reports


def check_reopened(console: Console, path: Path, table: str | None, run: Run) -> None:
    """The reopened console shows the timer and the count of rows the file holds."""
    if stored_timer(path) is not None and not console.read(
        DEADLINE, until=lambda _screen: bool(run.clock_seen)
    ):
        raise AssertionError(
            f"a timer runs but the reopened console showed no time\n{console.screen.text()}"
        )
    check_timer_shown(path, run)
    if table is not None and count_live(path, table):
        expected = counted(count_live(path, table), SHOWN_COUNT[table])
        console.send(PANE_KEYS[table])
        console.wait_for(expected, seconds=10)
    elif ballots_in_newest_round(path):
        console.send("f3")
        console.wait_for(f"{ballots_in_newest_round(path)} ballots", seconds=10)


def ballots_in_newest_round(path: Path) -> int:
    """Return how many delegates have a ballot in the newest dot-vote round."""
    with database(path) as connection:
        return connection.execute(
            "SELECT count(DISTINCT participant_id) FROM pain_point_votes WHERE deleted_at IS NULL "
            "AND round_id = (SELECT id FROM voting_rounds WHERE target = 'pain_points' "
            "AND deleted_at IS NULL ORDER BY position DESC LIMIT 1)"
        ).fetchone()[0]


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


@dataclass
class WriterKill:
    """One SIGKILL of a writing process, and whether it landed inside one of its transactions."""

    landed: bool
    """The kill ended the process while a transaction of it was open, and nothing of that
    transaction was committed: the action was cut in the middle."""
    commits: int
    """Transactions the process committed before the kill."""
    how: str


def commits_in(connection: sqlite3.Connection) -> int:
    """Return the file's revision: every committed write transaction adds one."""
    return connection.execute("SELECT rev FROM revision").fetchone()[0]


def write_lock_held(connection: sqlite3.Connection) -> bool:
    """Tell whether another connection holds the write lock (has a write transaction open)."""
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return True
        raise
    connection.execute("ROLLBACK")
    return False


def kill_inside_a_transaction(
    command: list[str], path: Path, *, commits_first: int, looks: int
) -> WriterKill:
    """Start a process that writes to `path`; once it has committed `commits_first` transactions,
    SIGKILL it while it holds the write lock, on the `looks`-th look that finds it held.

    Proof that the kill landed inside a transaction: the lock was held when looked at, the
    process was still running (it died of the signal), and the file's revision after the kill
    is the one read just before that look, so the open transaction never committed.
    """
    watcher = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        start = before = commits_in(watcher)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + DEADLINE
            held = 0
            while process.poll() is None:
                if time.monotonic() >= deadline:
                    raise AssertionError(f"no transaction to kill within {DEADLINE:g} s")
                before = commits_in(watcher)
                if before - start >= commits_first and write_lock_held(watcher):
                    held += 1
                    if held >= looks:
                        os.kill(process.pid, signal.SIGKILL)
                        break
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(POLL)  # the next look, or at once if the process ended
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)  # only if the loop above failed
            _out, err = process.communicate()
        after = commits_in(watcher)
    finally:
        watcher.close()
    signalled = process.returncode == -signal.SIGKILL
    assert signalled or process.returncode == 0, err.decode(errors="replace")
    landed = signalled and held >= looks and after == before
    how = "inside a transaction" if landed else f"missed: exit {process.returncode}"
    return WriterKill(landed, after - start, how)


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
        ids = [change["id"] for change in json.loads(changes)]
        survivors = {merged.get(item) for item in ids}
        assert len(survivors) == 1 and None not in survivors, "a merge was half done"
        recorded.update(ids)
    assert set(merged) == recorded, "rows merged without their merge's undo record"
    return len(entries)


def merge_kill(path: Path, rng: random.Random) -> WriterKill:
    """Kill a process merging groups of up to 400 pain points inside one of its merges."""
    merges_before = check_merges(path)
    kill = kill_inside_a_transaction(
        [sys.executable, "-c", MERGE_DRIVER, str(path), str(rng.randrange(10**6))],
        path,
        commits_first=rng.randint(1, 4),
        looks=rng.randint(1, 3),
    )
    check_integrity(path)
    merges = check_merges(path) - merges_before
    # Each committed transaction was one whole merge; the one the kill cut left nothing.
    assert merges == kill.commits, f"{merges} merges for {kill.commits} commits ({kill.how})"
    return kill


def import_kill(path: Path, csv_path: Path, rows: int, rng: random.Random) -> WriterKill:
    """Kill `facilitate import` of a big CSV inside its transaction: all rows or none."""
    before = count_live(path, "pain_points")
    kill = kill_inside_a_transaction(
        [
            sys.executable,
            "-m",
            "console",
            "import",
            str(path),
            str(csv_path),
            "--kind",
            "pain-points",
        ],
        path,
        commits_first=0,
        looks=rng.randint(1, 20),
    )
    check_integrity(path)
    added = count_live(path, "pain_points") - before
    assert added in (0, rows), f"an import was half done: {added} of {rows} rows"
    if kill.landed:
        assert added == 0, f"an import killed before its commit left {added} rows"
    return kill


def kills_that_land(kill: Callable[[], WriterKill], wanted: int) -> list[WriterKill]:
    """Kill until `wanted` kills landed inside a transaction; fail if too many missed."""
    done: list[WriterKill] = []
    while sum(k.landed for k in done) < wanted:
        if len(done) >= 2 * wanted:
            raise AssertionError(f"only {sum(k.landed for k in done)} of {len(done)} kills landed")
        done.append(kill())
    return done


def write_import_csv(path: Path, rows: int) -> Path:
    """Write a pain-point CSV of `rows` rows with a few themes."""
    lines = ["text,theme,raised_by"]
    lines += [f"Imported {number},Theme {number % 7},{number % 12 + 1}" for number in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# The tests ------------------------------------------------------------------------------------

SEED = int(os.environ.get("CRASH_SEED", str(time.time_ns() % 1_000_000)))
"""Kill moments are random; a failure names the seed (rerun with CRASH_SEED=...)."""


@pytest.mark.parametrize(
    ("scenario", "kills"), [("inventory", 6), ("ballots", 5), ("takeaways", 4), ("timer", 5)]
)
def test_sigkill_at_random_moments_loses_nothing_the_console_showed(
    tmp_path: Path, scenario: str, kills: int
) -> None:
    rng = random.Random(f"{SEED}-{scenario}")
    try:
        reports = run_scenario(tmp_path / "crash.db", scenario, kills, rng)
    except AssertionError as error:
        raise AssertionError(f"CRASH_SEED={SEED}: {error}") from error
    assert len(reports) == kills
    # Every kill ended a running console in the middle of its action (after it had shown some
    # of it saved, while the typing went on), not one that was starting or had ended.
    assert all(report.landed for report in reports), reports
    assert sum(report.saved for report in reports) > 0, reports
    assert sum(report.seen for report in reports) > 0, reports
    if scenario == "timer":
        assert any(report.timer_checked for report in reports), reports


def test_keys_typed_ahead_of_a_pane_switch_reach_the_new_pane(tmp_path: Path) -> None:
    """F3 and a line typed in one burst (a fast typist on a slow laptop) save that line."""
    path = tmp_path / "ahead.db"
    prepare(path, "inventory")
    with Console(["open", str(path)]) as console:
        console.wait_for("·  Agenda")
        console.send(b"\x1bORpp-01-000\r")  # F3 and the line (p is text there): one burst
        console.wait_for("1 pain point")
    assert tokens_in_file(path, "pain_points") == ["pp-01-000"]


def test_sigkill_while_merging_pain_points_leaves_each_merge_whole_or_undone(
    tmp_path: Path,
) -> None:
    rng = random.Random(f"{SEED}-merge")
    path = tmp_path / "merge.db"
    prepare_many(path, 8000)
    kills = kills_that_land(lambda: merge_kill(path, rng), 3)
    assert check_merges(path) == sum(kill.commits for kill in kills) > 0, f"CRASH_SEED={SEED}"


def test_sigkill_while_importing_leaves_all_rows_or_none(tmp_path: Path) -> None:
    rng = random.Random(f"{SEED}-import")
    path = tmp_path / "import.db"
    prepare(path, "inventory")
    csv_path = write_import_csv(tmp_path / "many.csv", 20000)
    kills_that_land(lambda: import_kill(path, csv_path, 20000, rng), 3)
    # The same import, not killed, brings all its rows.
    before = count_live(path, "pain_points")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "console",
            "import",
            str(path),
            str(csv_path),
            "--kind",
            "pain-points",
        ],
        check=True,
        capture_output=True,
    )
    assert count_live(path, "pain_points") - before == 20000
