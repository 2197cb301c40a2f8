"""The terminal projector's join view: the QR code phones scan, the address and the code."""

from __future__ import annotations

import os

from helpers import drawn_modules, pilot_wait_until, qr_modules, visible_text
from textual.widgets import Static

from console.domain.room import new_place_token
from console.store.core import WorkshopStore
from console.store.display import set_display
from console.store.room import clear_server, ensure_room, join, record_server, set_joining
from console.ui.projector.app import make_projector_app


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
        assert drawn_modules(drawn.strip("\n")) == qr_modules(url)

        set_joining(store, False)
        await projector.follow()
        await pilot_wait_until(pilot, lambda: "not open to phones" in visible_text(projector))
        assert url not in visible_text(projector)
        set_joining(store, True)
        clear_server(store, os.getpid())
        await projector.follow()
        await pilot_wait_until(pilot, lambda: "not open to phones" in visible_text(projector))
