"""What the console says about the room: the server's state, the join address, joined phones."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rich.text import Text
from textual.message import Message

from console.domain.room import RoomActivity, join_address
from console.store.core import WorkshopStore
from console.store.room import RoomState, phone_round, room_counts, room_state
from console.ui.room.room_process import RoomProcess


class RoomChanged(Message):
    """The room changed in the file, or its server changed state: an open Room dialog redraws."""

    bubble = False


class ServerState(Enum):
    """Where the room server is."""

    NOT_RUNNING = "not running"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    FAILED = "stopped unexpectedly"


@dataclass(frozen=True)
class RoomStatus:
    """The room as the console shows it."""

    state: RoomState
    server: ServerState
    joined: int = 0
    ballots: int | None = None
    """Joined phones with a ballot in the vote open to them; None when no vote is open."""
    exit_code: int | None = None
    """How a server this console started ended, when it ended unexpectedly."""
    started_here: bool = False

    @property
    def join_url(self) -> str:
        """Return the address phones open, with the room code ('' while no server runs)."""
        if self.server is not ServerState.RUNNING or not self.state.server_url:
            return ""
        return join_address(self.state.server_url, self.state.code)

    def header_line(self) -> Text:
        """Return what the header says: nothing when no room server runs."""
        if self.server is ServerState.STARTING:
            return Text("Room starting…", style="italic")
        if self.server is ServerState.STOPPING:
            return Text("Room stopping…", style="italic")
        if self.server is ServerState.FAILED:
            return Text(f"Room server stopped ({_ended(self.exit_code)})", style="bold reverse red")
        if self.server is not ServerState.RUNNING:
            return Text("")
        line = Text("Room open" if self.state.joining else "Room (joining closed)", style="bold")
        line.append(f" · {self.joined} joined")
        if self.ballots is not None:
            line.append(f" · {self.ballots} of {self.joined} ballots")
        return line


def read_status(store: WorkshopStore, process: RoomProcess | None) -> RoomStatus:
    """Read the room from the file and the state of the server this console started."""
    state = room_state(store)
    server = _server_state(state, process)
    own_pid = process.pid if process is not None else None
    if server is ServerState.FAILED:
        assert process is not None
        return RoomStatus(state, server, exit_code=process.exit_code(), started_here=True)
    if server is not ServerState.RUNNING:
        return RoomStatus(state, server, started_here=own_pid is not None)
    counts = room_counts(store)
    ballots: int | None = None
    if state.activity in (RoomActivity.DOTS, RoomActivity.CARDS):
        voting = phone_round(store)
        if voting is not None and voting.is_open:
            ballots = counts.ballots
    return RoomStatus(
        state,
        server,
        joined=counts.joined,
        ballots=ballots,
        started_here=own_pid is not None and state.server_pid == own_pid,
    )


def _server_state(state: RoomState, process: RoomProcess | None) -> ServerState:
    """Tell where the room server is, from the file's record and this console's child."""
    if process is not None and process.pid is not None:
        if process.ended_unexpectedly():
            return ServerState.FAILED
        if process.running:
            if process.stopping:
                return ServerState.STOPPING
            recorded = state.server_pid == process.pid and state.server_running
            return ServerState.RUNNING if recorded else ServerState.STARTING
    return ServerState.RUNNING if state.server_running else ServerState.NOT_RUNNING


def _ended(code: int | None) -> str:
    """Return how a process ended, in words."""
    if code is None:
        return "ended"
    if code < 0:
        return f"killed by signal {-code}"
    return f"exit code {code}"
