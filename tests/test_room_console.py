"""The room from the facilitator's console: the Room dialog by keys, the header, phones' pain
points in the inventory, and the room server the console starts and stops."""

from __future__ import annotations

import os
import signal
import stat
import sys
from pathlib import Path
from typing import Any

from helpers import (
    drawn_modules,
    notices,
    pilot_wait_until,
    qr_modules,
    run_palette_command,
    visible_text,
    wait_until,
)
from textual.widgets import OptionList, Static

from console.domain.room import RoomActivity, new_place_token
from console.store.card_rounds import create_round
from console.store.core import WorkshopStore
from console.store.decks import live_decks
from console.store.inventory import capture_pain_point
from console.store.inventory_votes import open_round
from console.store.room import (
    add_pain_point,
    clear_server,
    ensure_room,
    join,
    record_server,
    room_state,
    save_dot_ballot,
    seats,
    set_activity,
)
from console.ui.app import make_app
from console.ui.room.join_qr_modal import JoinQrModal
from console.ui.room.room_modal import RoomModal
from console.ui.room.room_process import log_path

SIZE = (120, 36)

STAND_IN = """
import os, signal, sys
from pathlib import Path
from console.store.core import WorkshopStore
from console.store.room import clear_server, record_server
store = WorkshopStore.open(Path(sys.argv[1]), role="room")
print("stand-in room server on a terminal:", [os.isatty(n) for n in (0, 1, 2)], flush=True)
def stop(*_):
    clear_server(store, os.getpid())
    store.close()
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
record_server(store, "http://127.0.0.1:8123", os.getpid())
while True:
    signal.pause()
"""
"""Stands in for `facilitate room`: records itself in the file, clears the record on SIGTERM."""


def stand_in(path: Path) -> list[str]:
    """Return the stand-in room server's command line."""
    return [sys.executable, "-c", STAND_IN, str(path)]


def room_row(store: WorkshopStore) -> tuple[str, str | None]:
    """Return what phones may do, as the file says."""
    state = room_state(store)
    return state.activity.value, state.round_id


def header_room(app: Any) -> str:
    """Return the header's first line, as the user reads it."""
    return visible_text(app).splitlines()[0]


def pid_gone(pid: int) -> bool:
    """Tell whether no process has this id any more (a zombie would still count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def choose(pilot: Any, prompt: str) -> None:
    """Move the Room dialog's cursor to the choice that starts with prompt, and press Enter."""
    modal = pilot.app.screen
    assert isinstance(modal, RoomModal)
    choices = modal.query_one("#room-choices")
    await pilot.press("home")
    for _ in range(choices.option_count):
        option = choices.get_option_at_index(choices.highlighted)
        if str(option.prompt).startswith(prompt):
            await pilot.press("enter")
            return
        await pilot.press("down")
    raise AssertionError(f"no choice {prompt!r} in the Room dialog")


async def test_the_room_dialog_opens_by_key_focus_on_the_first_choice(store: WorkshopStore) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+r")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, RoomModal), message="dialog")
        shown = visible_text(app)
        assert "Room server not running: phones cannot join." in shown
        code = room_state(store).code
        assert len(code) == 4 and f"Room code {code} · joining open" in shown
        assert "phones now: follow the session" in shown
        assert "Start the room server" in shown
        assert "No phone has joined yet." in shown
        assert app.focused is app.screen.query_one("#room-choices")
        assert app.screen.query_one("#room-choices").highlighted == 0
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: not isinstance(app.screen, RoomModal))


async def test_the_palette_opens_the_room_and_sets_what_phones_do(store: WorkshopStore) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await run_palette_command(pilot, "Room: let phones add pain points")
        await pilot_wait_until(
            pilot, lambda: room_row(store) == ("pain_points", None), message="activity saved"
        )
        assert "Phones now: add pain points." in notices(app)
        await run_palette_command(pilot, "Room: server, joining and places")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, RoomModal), message="dialog")
        assert "phones now: add pain points" in visible_text(app)


async def test_each_activity_is_written_and_refusals_leave_the_file(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+r")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, RoomModal))
        before = store.query("SELECT * FROM room")

        await choose(pilot, "Phones: dot vote")
        await pilot_wait_until(
            pilot, lambda: "Open a dot-vote round in the inventory first (v)." in notices(app)
        )
        await choose(pilot, "Phones: pick cards")
        await pilot_wait_until(
            pilot, lambda: "Open a card round first (v in Cards)." in notices(app)
        )
        assert store.query("SELECT * FROM room") == before, "a refusal leaves the file as it was"
        assert all("\n" not in message for message in notices(app, "error"))

        await choose(pilot, "Phones: add pain points")
        await pilot_wait_until(pilot, lambda: room_row(store) == ("pain_points", None))
        await pilot_wait_until(pilot, lambda: "phones now: add pain points" in visible_text(app))

        # Another console opens the rounds: the dialog names them.
        dots = open_round(second_store, "dot", title="Round 1", budget=3, cap_per_item=2)
        deck = live_decks(second_store)[0]
        cards = create_round(second_store, deck.id, "pick_n", title="Card round", pick_count=3)
        await pilot_wait_until(
            pilot, lambda: "Phones: dot vote in Round 1" in visible_text(app), message="round"
        )
        await choose(pilot, "Phones: dot vote")
        await pilot_wait_until(pilot, lambda: room_row(store) == ("dots", dots))
        await choose(pilot, "Phones: pick cards")
        await pilot_wait_until(pilot, lambda: room_row(store) == ("cards", cards))
        await pilot_wait_until(pilot, lambda: "pick cards in Card round" in visible_text(app))
        await choose(pilot, "Phones: follow the session")
        await pilot_wait_until(pilot, lambda: room_row(store) == ("none", None))

        await choose(pilot, "Close joining")
        await pilot_wait_until(pilot, lambda: not room_state(store).joining)
        assert "joining closed" in visible_text(app)
        code = room_state(store).code
        await choose(pilot, "New room code")
        await pilot_wait_until(pilot, lambda: room_state(store).code != code)
        await pilot_wait_until(
            pilot, lambda: f"Room code {room_state(store).code}" in visible_text(app)
        )


async def test_a_place_is_freed_by_keys_after_a_confirmation(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    ensure_room(second_store)
    join(second_store, new_place_token(), "Ann")
    join(second_store, new_place_token(), "<b>Bo</b>")
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+r")
        await pilot_wait_until(pilot, lambda: "Joined from phones: 2" in visible_text(app))
        assert "Delegate 2 (<b>Bo</b>)" in visible_text(app), "a name is shown literally"
        await pilot.press("tab", "down", "delete")
        await pilot_wait_until(pilot, lambda: "Free the place of Delegate 2" in visible_text(app))
        await pilot.press("n")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, RoomModal))
        assert len(seats(store)) == 2, "No keeps the place"
        await pilot.press("delete")
        await pilot_wait_until(pilot, lambda: "Free the place of Delegate 2" in visible_text(app))
        await pilot.press("y")
        await pilot_wait_until(pilot, lambda: "Joined from phones: 1" in visible_text(app))
        assert [seat.name for seat in seats(store)] == ["Ann"]
        listed = app.screen.query_one("#room-seats").options
        assert [str(option.prompt) for option in listed] == ["Delegate 1 (Ann)"]
        # A phone joining elsewhere shows up in the open dialog.
        join(second_store, new_place_token(), "Cy")
        await pilot_wait_until(pilot, lambda: "Delegate 2 (Cy)" in visible_text(app))


async def test_the_header_counts_joined_phones_and_ballots_while_a_server_runs(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert "Room" not in header_room(app), "no room server: the header says nothing"
        # A room server runs (this test's process stands in for it) and phones join.
        record_server(second_store, "http://127.0.0.1:8123", os.getpid())
        await pilot_wait_until(pilot, lambda: "Room open · 0 joined" in header_room(app))
        first = join(second_store, new_place_token(), "Ann")
        join(second_store, new_place_token())
        await pilot_wait_until(pilot, lambda: "Room open · 2 joined" in header_room(app))
        point = capture_pain_point(second_store, "Silos")
        round_id = open_round(second_store, "dot", budget=3, cap_per_item=3)
        set_activity(second_store, RoomActivity.DOTS)
        await pilot_wait_until(
            pilot, lambda: "Room open · 2 joined · 0 of 2 ballots" in header_room(app)
        )
        save_dot_ballot(second_store, first, round_id, {point: 2})
        await pilot_wait_until(
            pilot, lambda: "Room open · 2 joined · 1 of 2 ballots" in header_room(app)
        )
        set_activity(second_store, RoomActivity.NONE)
        await pilot_wait_until(pilot, lambda: header_room(app).endswith("Room open · 2 joined"))
        clear_server(second_store, os.getpid())
        await pilot_wait_until(pilot, lambda: "Room" not in header_room(app))


async def test_a_pain_point_from_a_phone_shows_live_marked_with_its_delegate(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    capture_pain_point(store, "Typed in the console @7")
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=(180, 40), notifications=True) as pilot:
        await pilot_wait_until(pilot, lambda: "Typed in the console" in visible_text(app))
        ensure_room(second_store)
        seat = join(second_store, new_place_token(), "Ann")
        set_activity(second_store, RoomActivity.PAIN_POINTS)
        add_pain_point(second_store, seat, "Sent from a phone")
        await pilot_wait_until(pilot, lambda: "Sent from a phone" in visible_text(app))
        line = next(ln for ln in visible_text(app).splitlines() if "Sent from a phone" in ln)
        assert "room·1" in line and "room·1 Sent" not in line, "in the raised-by column"
        typed = next(ln for ln in visible_text(app).splitlines() if "Typed in" in ln)
        assert "room" not in typed
        # Narrow, with no raised-by column, the marker comes before the text.
        await pilot.resize_terminal(*SIZE)
        await pilot_wait_until(pilot, lambda: "room·1 Sent from a phone" in visible_text(app))


async def test_the_console_starts_and_stops_its_room_server(
    store: WorkshopStore, workshop_path: Path
) -> None:
    app = make_app(store, room_command=stand_in)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+r")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, RoomModal))
        await choose(pilot, "Start the room server")
        code = room_state(store).code
        await pilot_wait_until(
            pilot,
            lambda: f"Room open at http://127.0.0.1:8123/join?code={code}" in visible_text(app),
            message="the join address",
        )
        assert "Room open · 0 joined" in header_room(app)
        process = app.room_process
        assert process is not None and process.pid is not None
        pid = process.pid
        assert os.getsid(pid) != os.getsid(0), "the server has its own session, no terminal"

        await choose(pilot, "Stop the room server")
        await pilot_wait_until(pilot, lambda: "Room" not in header_room(app), message="stopped")
        await pilot_wait_until(pilot, lambda: "Room server not running" in visible_text(app))
        assert pid_gone(pid)
        assert room_state(store).server_url == "", "the server cleared its record"
        assert "The room server stopped: phones cannot reach the room now." in notices(app)

    log = log_path(workshop_path)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "stand-in room server on a terminal: [False, False, False]" in log.read_text()


async def test_quitting_the_console_stops_its_room_server(store: WorkshopStore) -> None:
    app = make_app(store, room_command=stand_in)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await run_palette_command(pilot, "Room: open to phones")
        await pilot_wait_until(pilot, lambda: "Room open · 0 joined" in header_room(app))
        process = app.room_process
        assert process is not None and process.pid is not None
        pid = process.pid
        await pilot.press("ctrl+q")
    await wait_until(lambda: pid_gone(pid), "the room server to end with the console", 30)
    # A server that closed in time cleared its record; one killed after the stop's grace period
    # (a loaded machine) left it, naming a process that is gone: no console shows a room then.
    state = room_state(store)
    assert state.server_url == "" or not state.server_running


async def test_a_room_server_that_dies_is_told_in_the_header(store: WorkshopStore) -> None:
    app = make_app(store, room_command=stand_in)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await run_palette_command(pilot, "Room: open to phones")
        await pilot_wait_until(pilot, lambda: "Room open · 0 joined" in header_room(app))
        assert app.room_process is not None and app.room_process.pid is not None
        os.kill(app.room_process.pid, signal.SIGKILL)
        await pilot_wait_until(
            pilot,
            lambda: "Room server stopped (killed by signal 9)" in header_room(app),
            message="the header tells the server died",
        )
        assert any("stopped unexpectedly" in message for message in notices(app, "error"))
        assert room_state(store).server_url == "", "the dead server's record is cleared"
        await pilot.press("ctrl+r")
        await pilot_wait_until(pilot, lambda: "stopped unexpectedly" in visible_text(app))
        await choose(pilot, "Start the room server")
        await pilot_wait_until(pilot, lambda: "Room open · 0 joined" in header_room(app))


async def test_sigterm_closes_the_console_and_its_room_server(store: WorkshopStore) -> None:
    app = make_app(store, room_command=stand_in)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await run_palette_command(pilot, "Room: open to phones")
        await pilot_wait_until(pilot, lambda: "Room open · 0 joined" in header_room(app))
        assert app.room_process is not None and app.room_process.pid is not None
        pid = app.room_process.pid
        # Sent only when the console catches it: the default action would end the tests too.
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        os.kill(os.getpid(), signal.SIGTERM)
        await wait_until(lambda: not app.is_running, "the console to close on SIGTERM", 10)
    await wait_until(lambda: pid_gone(pid), "the room server to end with the console", 30)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL, "the console let SIGTERM go"


async def test_the_join_qr_code_goes_on_screen_while_joining_is_open(store: WorkshopStore) -> None:
    app = make_app(store, room_command=stand_in)
    async with app.run_test(size=(120, 44), notifications=True) as pilot:
        await pilot.press("ctrl+r")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, RoomModal))
        await choose(pilot, "Start the room server")
        await pilot_wait_until(pilot, lambda: "Room open at" in visible_text(app))
        await choose(pilot, "Show the join QR code on screen")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, JoinQrModal))
        code = room_state(store).code
        url = f"http://127.0.0.1:8123/join?code={code}"
        screen = visible_text(app)
        assert url in screen and f"Room code {code}" in screen
        drawn = str(app.screen.query_one("#join-qr-code", Static).render())
        assert drawn_modules(drawn) == qr_modules(url)
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, RoomModal))
        await choose(pilot, "Close joining")
        await pilot_wait_until(pilot, lambda: "joining closed" in visible_text(app))
        choices = app.screen.query_one("#room-choices", OptionList)
        prompts = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        assert not any("QR" in prompt for prompt in prompts), "no QR code while joining is closed"
        await choose(pilot, "Stop the room server")
        await pilot_wait_until(pilot, lambda: "Room server not running" in visible_text(app))
