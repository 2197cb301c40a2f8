"""The terminal projector's join view: the QR code phones scan, the address and the code."""

from __future__ import annotations

import os

import segno
from helpers import pilot_wait_until, visible_text
from textual.widgets import Static

from console.domain.room import new_place_token
from console.store.core import WorkshopStore
from console.store.display import set_display
from console.store.room import clear_server, ensure_room, join, record_server, set_joining
from console.ui.common.qr import QUIET_ZONE
from console.ui.projector.app import make_projector_app


def dark_modules(drawn: str) -> list[list[int]]:
    """Read a centred half-block drawing back into rows of dark (1) and light (0) modules."""
    top = {" ": 0, "▀": 1, "▄": 0, "█": 1}
    bottom = {" ": 0, "▀": 0, "▄": 1, "█": 1}
    lines = drawn.splitlines()
    rows: list[list[int]] = []
    for line in lines:
        rows.append([top[char] for char in line])
        rows.append([bottom[char] for char in line])
    return rows


def expected_modules(url: str) -> list[list[int]]:
    """Return the QR code's modules with the quiet zone, as the projector draws them."""
    matrix = [[int(bool(m)) for m in row] for row in segno.make(url, error="m").matrix]
    width = len(matrix[0]) + 2 * QUIET_ZONE
    rows = [[0] * width] * QUIET_ZONE
    rows += [[0] * QUIET_ZONE + row + [0] * QUIET_ZONE for row in matrix]
    rows += [[0] * width] * QUIET_ZONE
    return rows + ([[0] * width] if len(rows) % 2 else [])


async def test_the_projector_shows_how_phones_join_while_joining_is_open(
    store: WorkshopStore,
) -> None:
    state = ensure_room(store)
    # This test's own process stands in for the room server: its record names a live process.
    record_server(store, "http://192.168.1.5:8000", os.getpid())
    join(store, new_place_token(), "Ann")
    set_display(store, "join")
    url = f"http://192.168.1.5:8000/join?code={state.code}"
    projector = make_projector_app(store)
    async with projector.run_test(size=(100, 40)) as pilot:
        await pilot_wait_until(pilot, lambda: url in visible_text(projector))
        screen = visible_text(projector)
        assert f"Room code {state.code}" in screen and "1 joined" in screen
        drawn = str(projector.query_one("#join-view-qr", Static).render())
        assert dark_modules(drawn.strip("\n")) == expected_modules(url)

        set_joining(store, False)
        await projector.follow()
        await pilot_wait_until(pilot, lambda: "not open to phones" in visible_text(projector))
        assert url not in visible_text(projector)
        set_joining(store, True)
        clear_server(store, os.getpid())
        await projector.follow()
        await pilot_wait_until(pilot, lambda: "not open to phones" in visible_text(projector))
