"""A big inventory opens at once: its leading pain points first, every one once loaded."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import pilot_wait_until
from textual.widgets import Input

from console.store.core import StoreError, WorkshopStore
from console.store.inventory import (
    PainPoint,
    capture_pain_point,
    delete_pain_point,
    leading_pain_points,
    merge_pain_points,
)
from console.store.inventory_votes import (
    LeadingPainPoints,
    open_round,
    rank_pain_points,
    read_leading_pain_points,
    set_hand_count,
)
from console.ui.app import make_app
from console.ui.inventory import first_screen, inventory_pane
from console.ui.inventory.inventory_list import InventoryList
from console.ui.inventory.inventory_pane import InventoryPane

SIZE = (140, 44)
COUNTS = [0, 3, 1, 5, 5, 2, 0, 5, 9, 1, 4, 5, 0, 2, 7, 5, 1, 0, 3, 5]
"""Raised hands per pain point, by number: ties at 5 straddle the first screen's edge."""


@pytest.fixture
def held_load(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Make a workshop of 20 pain points 'big', and hold its full load until the test says."""
    monkeypatch.setattr(first_screen, "EAGER_ROWS", 8)
    monkeypatch.setattr(first_screen, "FIRST_SCREEN", 4)
    release = threading.Event()
    load = inventory_pane._load_every_pain_point

    def held(path: Path, round_id: str | None):  # type: ignore[no-untyped-def]
        release.wait(30)
        return load(path, round_id)

    monkeypatch.setattr(inventory_pane, "_load_every_pain_point", held)
    yield release
    release.set()


def scored_workshop(store: WorkshopStore) -> str:
    """Capture 20 pain points with hand counts, one merge and one deletion; return the round."""
    ids = [capture_pain_point(store, f"Pain {number:02d}") for number in range(1, 21)]
    round_id = open_round(store, "hand_count")
    for item, count in zip(ids, COUNTS, strict=True):
        if count:
            set_hand_count(store, round_id, item, count)
    merge_pain_points(store, ids[1], [ids[18]])  # #2 (3) takes #19's 3 hands: 6
    delete_pain_point(store, ids[8])  # #9 had the most hands: they count no more
    return round_id


def shown(listing: InventoryList) -> list[tuple[int, int]]:
    """Return (number, score) of the listed pain points, top to bottom."""
    return [(listing.lines[item].position, listing.score_of(item)) for item in listing.order]


async def first_screen_after_f3(pilot: Any, app: Any) -> list[tuple[int, int]]:
    """Press F3 and return the inventory's first screen once the pane is built."""
    await pilot.press("f3")
    await pilot_wait_until(pilot, lambda: app.query(InventoryPane))
    await pilot.pause()
    return shown(app.query_one(InventoryList))


def not_on_the_ui_thread(*args: object) -> list[PainPoint]:
    """Stand for the UI thread's own read of the first screen, which must not happen."""
    raise AssertionError("the first screen was read again on the UI thread")


def full_ranking(store: WorkshopStore, round_id: str) -> list[tuple[int, int]]:
    """Return (number, score) of every shown pain point as the full scoring rule ranks them."""
    return [
        (entry.item.position, int(entry.item.score)) for entry in rank_pain_points(store, round_id)
    ]


def test_the_leading_pain_points_are_the_top_of_the_full_ranking(store: WorkshopStore) -> None:
    round_id = scored_workshop(store)
    points = leading_pain_points(store, round_id, 4)
    numbers = {point.position for point in points}
    # #15 (7), #2 with #19 merged in (6), and every 5 tied at the edge: #4, #5, #8, #12, #16, #20.
    assert {15, 2, 19, 4, 5, 8, 12, 16, 20} <= numbers
    assert 9 not in numbers  # deleted


async def test_the_pane_shows_the_first_screen_then_every_pain_point(
    store: WorkshopStore, held_load: threading.Event
) -> None:
    round_id = scored_workshop(store)
    expected = full_ranking(store, round_id)
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(InventoryPane)
        listing = app.query_one(InventoryList)
        await pilot.pause()
        assert pane.loading
        first = shown(listing)
        assert 4 <= len(first) < len(expected)
        assert first == expected[: len(first)]
        held_load.set()
        await pilot_wait_until(pilot, lambda: not pane.loading, message="the rest never loaded")
        assert shown(listing) == expected
        assert "18 pain points" in str(app.query_one("#inventory-title").render())


async def test_lines_typed_while_the_rest_loads_are_saved_and_shown_in_order(
    store: WorkshopStore, second_store: WorkshopStore, held_load: threading.Event
) -> None:
    round_id = scored_workshop(store)
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(InventoryPane)
        listing = app.query_one(InventoryList)
        await pilot.pause()
        assert pane.loading
        await pilot.press(*"Budget frozen", "enter", *"Silos #People", "enter", *"Third")
        capture_pain_point(second_store, "From the other console")
        set_hand_count(second_store, round_id, listing.order[-1], 8)
        await pilot.press("enter")
        held_load.set()
        await pilot_wait_until(pilot, lambda: not pane.loading, message="the rest never loaded")
        await pilot_wait_until(
            pilot,
            lambda: listing.row_count == 22,
            message=lambda: f"{listing.row_count} rows shown",
        )
        texts = [listing.lines[item].text for item in listing.capture_order.ids[-4:]]
        assert texts == ["Budget frozen", "Silos", "From the other console", "Third"]
        assert app.query_one("#inventory-input", Input).value == ""
        assert shown(listing) == full_ranking(store, round_id)


def test_the_first_screen_read_on_a_thread_is_the_one_the_console_reads(
    store: WorkshopStore,
) -> None:
    round_id = scored_workshop(store)
    read = read_leading_pain_points(store.path, 4)
    assert read.rev == store.current_rev()
    assert read.round_id == round_id  # the latest round, the one the pane shows first
    assert read.points == leading_pain_points(store, round_id, 4)


async def test_the_first_screen_read_on_a_thread_is_shown(
    store: WorkshopStore, held_load: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = scored_workshop(store)
    expected = full_ranking(store, round_id)
    monkeypatch.setattr(inventory_pane, "leading_pain_points", not_on_the_ui_thread)
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.query_one(InventoryPane).loading
        first = shown(app.query_one(InventoryList))
        assert 4 <= len(first) < len(expected)
        assert first == expected[: len(first)]
        held_load.set()


async def test_a_first_screen_read_before_a_write_is_read_again(
    store: WorkshopStore, held_load: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = scored_workshop(store)
    before = read_leading_pain_points(store.path, 4)
    monkeypatch.setattr(first_screen, "read_leading_pain_points", lambda path, count: before)
    newest = capture_pain_point(store, "Pain 21")  # written after the thread read the file
    set_hand_count(store, round_id, newest, 20)
    expected = full_ranking(store, round_id)
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = shown(app.query_one(InventoryList))
        assert first[0] == (21, 20)
        assert first == expected[: len(first)]
        held_load.set()


async def test_a_first_screen_the_thread_could_not_read_is_read_on_the_ui_thread(
    store: WorkshopStore, held_load: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = scored_workshop(store)
    expected = full_ranking(store, round_id)

    def unreadable(path: Path, count: int) -> LeadingPainPoints:
        raise StoreError("The file is busy.")

    monkeypatch.setattr(first_screen, "read_leading_pain_points", unreadable)
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = shown(app.query_one(InventoryList))
        assert 4 <= len(first) < len(expected)
        assert first == expected[: len(first)]
        held_load.set()


class CountedReads:
    """The thread's reads of the first screen: how many started, and which have finished."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started = 0
        self.finished: list[LeadingPainPoints] = []
        read = first_screen.read_leading_pain_points

        def counted(path: Path, count: int) -> LeadingPainPoints:
            self.started += 1
            found = read(path, count)
            self.finished.append(found)
            return found

        monkeypatch.setattr(first_screen, "read_leading_pain_points", counted)


async def test_f3_shows_the_first_screen_read_from_the_first_idle_moment(
    store: WorkshopStore, held_load: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = scored_workshop(store)
    expected = full_ranking(store, round_id)
    reads = CountedReads(monkeypatch)
    monkeypatch.setattr(inventory_pane, "leading_pain_points", not_on_the_ui_thread)
    app = make_app(store)  # on the agenda: F3 builds the inventory
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_until(pilot, lambda: reads.finished, message="nothing read at idle")
        assert not app.query(InventoryPane)  # read before the pane was asked for
        first = await first_screen_after_f3(pilot, app)
        assert 4 <= len(first) < len(expected)
        assert first == expected[: len(first)]
        assert reads.started == 1  # the pane read nothing of its own
        held_load.set()


async def test_a_first_screen_read_at_idle_before_a_write_is_not_shown(
    store: WorkshopStore, held_load: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = scored_workshop(store)
    reads = CountedReads(monkeypatch)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_until(pilot, lambda: reads.finished, message="nothing read at idle")
        newest = capture_pain_point(store, "Pain 21")  # written after the idle read
        set_hand_count(store, round_id, newest, 20)
        expected = full_ranking(store, round_id)
        first = await first_screen_after_f3(pilot, app)
        assert first[0] == (21, 20)
        assert first == expected[: len(first)]
        assert reads.started == 2  # read again when the pane was built
        held_load.set()


async def test_a_first_screen_read_at_idle_before_a_new_round_is_not_shown(
    store: WorkshopStore, held_load: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored_workshop(store)
    reads = CountedReads(monkeypatch)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_until(pilot, lambda: reads.finished, message="nothing read at idle")
        idle_read = reads.finished[0]
        newer = open_round(store, "hand_count")  # the pane shows this round, without votes
        set_hand_count(store, newer, idle_read.points[-1].id, 1)
        expected = full_ranking(store, newer)
        first = await first_screen_after_f3(pilot, app)
        assert app.query_one(InventoryPane).rounds.round_id == newer
        assert first[0] == (idle_read.points[-1].position, 1)
        assert first == expected[: len(first)]
        assert reads.started == 2  # read again when the pane was built
        held_load.set()


async def test_a_write_while_the_idle_read_runs_makes_the_pane_read_again(
    store: WorkshopStore, held_load: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = scored_workshop(store)
    read_once, release = threading.Event(), threading.Event()
    read = first_screen.read_leading_pain_points

    def held_read(path: Path, count: int) -> LeadingPainPoints:
        found = read(path, count)
        read_once.set()
        release.wait(30)  # answers after the write below
        return found

    monkeypatch.setattr(first_screen, "read_leading_pain_points", held_read)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_until(pilot, read_once.is_set, message="nothing read at idle")
        newest = capture_pain_point(store, "Pain 21")
        set_hand_count(store, round_id, newest, 20)
        expected = full_ranking(store, round_id)
        release.set()
        first = await first_screen_after_f3(pilot, app)
        assert first[0] == (21, 20)
        assert first == expected[: len(first)]
        held_load.set()
