"""The room in the console: the Room actions and palette commands, the header's room line, and
the room server the console starts, watches and stops with itself."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.worker import Worker, WorkerState

from console.store.changes import Feature
from console.store.core import StoreError, WorkshopStore
from console.ui.common.header import WorkshopHeader
from console.ui.room.room_process import RoomCommand, RoomProcess

if TYPE_CHECKING:
    from console.ui.room.room_status import RoomStatus

# The room's code (its store functions and the status the header shows) is imported on use:
# the console's first screen does not need it (ConsoleApp.on_ready shows the room line).

ROOM_FEATURES = frozenset(
    {
        Feature.ROOM,
        Feature.PARTICIPANTS,
        Feature.PAIN_POINT_VOTES,
        Feature.CARD_VOTES,
        Feature.ROUNDS,
    }
)
"""Changes that can change what the header says about the room."""


class RoomConsole(App[None]):
    """What the console does for the room; ConsoleApp provides the store, sync and the header."""

    store: WorkshopStore
    room_command: RoomCommand
    """Builds the command that runs the room server (tests give a stand-in)."""
    room_process: RoomProcess | None = None
    """The room server this console started, if it did."""
    _room_failure_told = False
    _room_shown = False

    def sync(self) -> None:
        """Show everything written since the last sync (the console's own)."""
        raise NotImplementedError

    def _live_header(self) -> WorkshopHeader | None:
        """Return the header on the console's own screen, None if closing (the console's own)."""
        raise NotImplementedError

    def tick_room(self) -> None:
        """Look again at a server shown (one killed without a word leaves the header)."""
        if self._room_shown or self.room_process is not None:
            self.show_room()

    def on_unmount(self) -> None:
        """The console closes: the room server it started stops with it."""
        process = self.room_process
        if process is None or not process.running:
            return
        process.ask_to_stop()
        # Waiting (and killing a server that does not stop) is not the closing screen's job.
        threading.Thread(target=process.stop, name="room-stop-at-exit").start()
        self._forget_terminate_signal()

    def action_room(self) -> None:
        """Open the Room dialog: the room server, what phones do, the places they hold."""
        from console.ui.room.room_modal import RoomModal

        if self.screen is not self.screen_stack[0]:
            return  # a dialog is open: it keeps the keys until it closes
        self.push_screen(RoomModal(self.store, self.room_status))

    def action_room_start(self) -> None:
        """Start the room server, so that phones can join."""
        from console.store.room import ensure_room
        from console.ui.room.room_status import ServerState

        status = self.room_status()
        if status.server in (ServerState.RUNNING, ServerState.STARTING):
            where = status.join_url or "starting"
            self.notify(f"The room server runs already ({where}).", severity="warning")
            return
        try:
            ensure_room(self.store)
            process = RoomProcess(self.store.path, self.room_command)
            process.start()
        except (OSError, StoreError) as error:
            self.notify(f"The room server could not start: {error}", severity="error")
            return
        self.room_process = process
        self._room_failure_told = False
        self._catch_terminate_signal()
        self.show_room()
        self.notify("Starting the room server…")

    def action_room_stop(self) -> None:
        """Stop the room server this console started (phones lose the room)."""
        from console.ui.room.room_status import ServerState

        process = self.room_process
        if process is None or not process.running:
            status = self.room_status()
            self.room_process = None  # a server that died is forgotten once stopped
            self.show_room()
            if status.server is ServerState.RUNNING:
                self.notify(
                    f"This room server was started by another program (process "
                    f"{status.state.server_pid}): stop it there.",
                    severity="warning",
                )
            else:
                self.notify("No room server runs.")
            return
        process.ask_to_stop()
        self.show_room()
        self._stop_room_server(process)

    def action_room_qr(self) -> None:
        """Show the join QR code large, for phones to scan from the projector."""
        from console.ui.room.join_qr_modal import JoinQrModal

        status = self.room_status()
        if not status.join_url:
            self.notify("Start the room server first (Ctrl+R): phones join through it.")
            return
        if not status.state.joining:
            self.notify("Joining is closed: open it in the Room dialog (Ctrl+R) first.")
            return
        self.push_screen(JoinQrModal(status.join_url, status.state.code))

    def action_room_activity(self, activity: str) -> None:
        """Choose what phones may do now (a vote needs an open round of its kind)."""
        from console.domain.room import RoomActivity
        from console.store.room import set_activity

        chosen = RoomActivity(activity)
        try:
            set_activity(self.store, chosen)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        self.sync()
        self.notify(f"Phones now: {chosen.label}.")

    def room_status(self) -> RoomStatus:
        """Return the room as the file and this console's room server are now."""
        from console.ui.room.room_status import read_status

        return read_status(self.store, self.room_process)

    def room_commands(self) -> Iterable[SystemCommand]:
        """Return the palette's room commands."""
        from console.domain.room import RoomActivity

        yield SystemCommand(
            "Room: server, joining and places",
            "The delegates' phones: the room server, joining, what phones do (Ctrl+R)",
            self.action_room,
        )
        yield SystemCommand(
            "Room: open to phones", "Start the room server: phones join", self.action_room_start
        )
        yield SystemCommand("Room: close", "Stop the room server", self.action_room_stop)
        yield SystemCommand(
            "Room: show the join QR code", "Large, for phones to scan", self.action_room_qr
        )
        for title, activity in (
            ("Room: let phones add pain points", RoomActivity.PAIN_POINTS),
            ("Room: dot vote from phones", RoomActivity.DOTS),
            ("Room: card picks from phones", RoomActivity.CARDS),
            ("Room: phones follow the session", RoomActivity.NONE),
        ):
            yield SystemCommand(
                title,
                f"Phones: {activity.label}",
                lambda a=activity.value: self.action_room_activity(a),
            )

    def show_room(self) -> None:
        """Show the room in the header, and in the Room dialog when it is open."""
        from console.ui.room.room_status import RoomChanged

        header = self._live_header()
        if header is None:
            return
        try:
            status = self.room_status()
        except StoreError as error:
            self.notify(str(error), severity="error")
            return
        line = status.header_line()
        header.show_room(line)
        self._room_shown = bool(line.plain)
        for screen in self.screen_stack[1:]:
            screen.post_message(RoomChanged())

    def watch_room_process(self) -> None:
        """Say it when the room server this console started ends unexpectedly: never silently."""
        process = self.room_process
        if process is None or self._room_failure_told or not process.ended_unexpectedly():
            return
        self._room_failure_told = True
        from console.store.room import clear_server

        if process.pid is not None:
            # Its record would name a dead server; if the file refuses, the header still says.
            with contextlib.suppress(StoreError):
                clear_server(self.store, process.pid)
        self.show_room()
        self.notify(
            f"The room server stopped unexpectedly: phones cannot reach the room. Details in "
            f"{process.log.name}. Ctrl+R opens the Room to start it again.",
            severity="error",
            timeout=20,
        )

    @work(thread=True, name="room-stop", exit_on_error=False)
    def _stop_room_server(self, process: RoomProcess) -> int | None:
        return process.stop()

    def room_stopped(self, worker: Worker[object]) -> None:
        """The room server this console stopped has ended: forget it and say so."""
        if worker.state is WorkerState.ERROR:
            self.notify(f"The room server did not stop: {worker.error}", severity="error")
            return
        if worker.state is not WorkerState.SUCCESS:
            return
        from console.store.room import clear_server

        process = self.room_process
        if process is not None and not process.running:
            if process.pid is not None:
                with contextlib.suppress(StoreError):
                    clear_server(self.store, process.pid)  # in case it had no time to
            self.room_process = None
            self._forget_terminate_signal()
            self.sync()
            self.show_room()
            self.notify("The room server stopped: phones cannot reach the room now.")

    def _catch_terminate_signal(self) -> None:
        """On SIGTERM the console closes as on Ctrl+Q, so that its room server stops too."""
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)

    def _forget_terminate_signal(self) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)
