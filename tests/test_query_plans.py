"""Every query a key press runs finds its rows through an index: none reads a whole big table.

The SQL is what the store really runs while the console takes each action on a workshop of
10,000 pain points, votes and takeaways (sqlite3's trace callback), after the panes were built;
each statement's EXPLAIN QUERY PLAN must SEARCH the big tables through an index, never SCAN them.
"""

from __future__ import annotations

import importlib
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import pilot_wait_until

from console.store.core import WorkshopStore
from console.store.inventory import assign_theme, capture_pain_point, merge_pain_points
from console.store.inventory_votes import (
    bump_hand_count,
    open_round,
    parse_ballot,
    rounds,
    save_ballot,
    set_hand_count,
)
from console.store.takeaways import capture_takeaway
from console.ui.app import PANES, make_app
from console.ui.common.pane import Pane
from console.ui.inventory.inventory_list import InventoryList

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
ITEMS = 10_000
BIG_TABLES = frozenset(
    {"pain_points", "pain_point_votes", "pain_point_scores", "takeaways", "card_votes", "cards"}
)
"""Tables that grow with the workshop."""

_NAMED = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE)
_KEYWORDS = frozenset({"where", "join", "left", "on", "order", "group", "limit", "union", "inner"})


@pytest.fixture(scope="module")
def big_workshop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        workloads = importlib.import_module("workloads")
    finally:
        sys.path.remove(str(BENCHMARKS))
    path = tmp_path_factory.mktemp("plans") / "big.db"
    workloads.build_workshop(path, ITEMS)
    return path


def tables_named(sql: str) -> dict[str, str]:
    """Map every name a statement reads from (tables and their aliases) to the table."""
    names: dict[str, str] = {}
    for table, alias in _NAMED.findall(sql):
        names.setdefault(table.lower(), table.lower())
        if alias and alias.lower() not in _KEYWORDS:
            names[alias.lower()] = table.lower()
    return names


def full_reads(
    connection: sqlite3.Connection, sql: str, parameters: dict[str, object] | None = None
) -> list[str]:
    """Return the plan steps that read a big table without an index narrowing it down."""
    names = tables_named(sql)
    plan = connection.execute("EXPLAIN QUERY PLAN " + sql, parameters or {}).fetchall()
    bad = []
    for _id, _parent, _unused, detail in plan:
        words = detail.split()
        if len(words) < 2 or words[0] not in {"SCAN", "SEARCH"}:
            continue
        table = names.get(words[1].lower(), words[1].lower())
        if table not in BIG_TABLES:
            continue
        if words[0] == "SCAN" or " USING " not in detail:
            bad.append(detail)
    return bad


def statements(traced: list[str]) -> Iterator[str]:
    """Yield the distinct queries among the traced statements (values aside)."""
    seen: set[str] = set()
    for sql in traced:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE", "DELETE")):
            continue
        shape = re.sub(r"'[^']*'|\b\d+\b", "?", sql)
        if shape not in seen:
            seen.add(shape)
            yield sql


def test_the_plan_check_catches_a_full_read(big_workshop: Path) -> None:
    with sqlite3.connect(big_workshop) as connection:
        assert full_reads(connection, "SELECT count(*) FROM takeaways t WHERE t.text = 'x'")
        assert full_reads(connection, "SELECT max(created_at) FROM pain_points")
        assert not full_reads(connection, "SELECT max(position) FROM pain_points")


def test_the_kept_scores_are_kept_and_read_through_indexes(big_workshop: Path) -> None:
    # The triggers look for the delegate's other votes on every vote written; the inventory's
    # first screen reads a round's best scores. Neither may read a whole table.
    from console.store.inventory import _BEST_SCORED
    from console.store.migrations import _first_of_voter

    vote = (
        "WITH new(round_id, pain_point_id, participant_id, rowid) AS (VALUES ('r', 'p', 'd', 1)) "
        f"SELECT {_first_of_voter('new')} FROM new"
    )
    with sqlite3.connect(big_workshop) as connection:
        assert not full_reads(connection, vote)
        shown = {"round": "r", "limit": 210, "count": 100, "skip": "[]", "tied": 100}
        assert not full_reads(connection, _BEST_SCORED, shown)
        # The check sees the kept table: the same read without its index is caught.
        assert full_reads(connection, _BEST_SCORED.replace("WHERE round_id = :round", ""), shown)


async def test_no_key_press_reads_a_whole_big_table(big_workshop: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.db"
    path.write_bytes(big_workshop.read_bytes())
    store = WorkshopStore.open(path)
    other = WorkshopStore.open(path)
    traced: dict[str, list[str]] = {}
    app = make_app(store)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.press("f3")

            def every_pane_built() -> bool:
                panes = list(app.query(Pane))
                return len(panes) == len(PANES) and all(pane.is_mounted for pane in panes)

            await pilot_wait_until(pilot, every_pane_built, message="every pane built")
            listing = app.query_one(InventoryList)
            shown = list(listing.order)
            dot_round = rounds(store)[-1].id
            people = [row["id"] for row in store.query("SELECT id FROM participants LIMIT 3")]

            def action(name: str, do: Callable[[], object], *, elsewhere: bool = False) -> None:
                calls: list[str] = traced.setdefault(name, [])
                store.connection.set_trace_callback(calls.append)
                try:
                    do()
                    if elsewhere:
                        app.poll_changes()
                    else:
                        app.sync()
                finally:
                    store.connection.set_trace_callback(None)

            action("capture", lambda: capture_pain_point(store, "Budget frozen #Money @7"))
            action("merge", lambda: merge_pain_points(store, shown[0], [shown[1]]))
            action("theme change", lambda: assign_theme(store, [shown[2]], None))
            ballot = f"{listing.lines[shown[3]].position} 7 9x2"
            action(
                "ballot",
                lambda: save_ballot(store, dot_round, people[0], parse_ballot(store, ballot)),
            )
            action(
                "takeaway capture", lambda: capture_takeaway(store, "Blameless reviews build trust")
            )
            action(
                "live refresh",
                lambda: capture_pain_point(other, "Typed in another console"),
                elsewhere=True,
            )
            hands = open_round(store, "hand_count")
            app.sync()
            action("hand count", lambda: bump_hand_count(store, hands, shown[4], 1))
            action("typed hand count", lambda: set_hand_count(store, hands, shown[5], 12))
    finally:
        other.close()
        store.close()
    found: dict[str, list[str]] = {}
    with sqlite3.connect(path) as connection:
        for name, calls in traced.items():
            assert calls, f"{name} ran no SQL: the trace missed it"
            for sql in statements(calls):
                bad = full_reads(connection, sql)
                if bad:
                    found.setdefault(name, []).append(f"{' '.join(sql.split())[:200]} -> {bad}")
    assert not found, found
