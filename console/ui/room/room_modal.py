"""The Room dialog: start or stop the room server, open joining, choose what phones do, free
places held by phones."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.domain.room import RoomActivity
from console.store.card_rounds import card_rounds
from console.store.core import StoreError, WorkshopStore
from console.store.inventory_votes import rounds
from console.store.room import Seat, ensure_room, free_seat, new_code, seats, set_joining
from console.store.room import set_activity as store_set_activity
from console.ui.common.confirm_modal import ConfirmModal
from console.ui.common.pane import Pane
from console.ui.common.text import literal
from console.ui.room.room_status import RoomChanged, RoomStatus, ServerState

ACTIVITIES = (
    RoomActivity.NONE,
    RoomActivity.PAIN_POINTS,
    RoomActivity.DOTS,
    RoomActivity.CARDS,
)


class RoomModal(ModalScreen[None]):
    """What the phones in the room can do, chosen by the facilitator; Escape closes."""

    BINDINGS: ClassVar = [
        Binding("escape", "close", "Close"),
        Binding("delete,f", "free_place", "Free place"),
    ]

    def __init__(self, store: WorkshopStore, status: Callable[[], RoomStatus]) -> None:
        super().__init__()
        self.store = store
        self.status = status
        """Reads the room and the state of the server this console started."""

    def compose(self) -> ComposeResult:
        # It scrolls on a small terminal: the focused choice or place is kept in view.
        with VerticalScroll(id="room-dialog", classes="dialog"):
            yield Static("Room: delegates' phones", classes="dialog-title")
            yield Static(id="room-server")
            yield Static(id="room-now")
            yield OptionList(id="room-choices", compact=True)
            yield Static(id="room-joined", classes="room-heading")
            yield OptionList(id="room-seats", compact=True)
            yield Static(
                "Enter chooses · Tab goes to the joined phones, where Delete frees a place · "
                "Escape closes",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        try:
            ensure_room(self.store)  # the room gets its code the first time it is opened
        except StoreError as error:
            self.notify(str(error), severity="error")
        self.refresh_room()
        choices = self.query_one("#room-choices", OptionList)
        choices.highlighted = 0
        choices.focus()

    @on(RoomChanged)
    def _room_changed(self) -> None:
        self.refresh_room()

    @on(OptionList.OptionSelected, "#room-choices")
    async def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = str(event.option.id)
        if choice == "qr":
            status = self.status()
            if status.join_url:
                from console.ui.room.join_qr_modal import JoinQrModal

                self.app.push_screen(JoinQrModal(status.join_url, status.state.code))
            return
        if choice == "server":
            await self.app.run_action("room_stop" if self._server_on() else "room_start")
        elif choice == "joining":
            self._write(set_joining, not self.status().state.joining)
        elif choice == "code":
            self._write(new_code)
        elif choice.startswith("activity-"):
            activity = RoomActivity(choice.removeprefix("activity-"))
            if self._write(store_set_activity, activity):
                self.notify(f"Phones now: {activity_label(self.store, activity)}.")
        self.refresh_room()

    @on(OptionList.OptionSelected, "#room-seats")
    def _seat_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_free_place()

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)

    def action_free_place(self) -> None:
        """Ask, then free the place of the delegate under the cursor (the phone joins again)."""
        listing = self.query_one("#room-seats", OptionList)
        if self.focused is not listing or listing.highlighted is None:
            return
        seat_id = str(listing.get_option_at_index(listing.highlighted).id)
        seat = next((seat for seat in seats(self.store) if seat.id == seat_id), None)
        if seat is None:
            self.refresh_room()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                if self._write(free_seat, seat.id):
                    self.notify(f"The place of {seat.label} is free: that phone must join again.")
                self.refresh_room()

        self.app.push_screen(
            ConfirmModal(
                f"Free the place of {seat.label}? Its phone must join again; "
                "the delegate's votes stay."
            ),
            answered,
        )

    def refresh_room(self) -> None:
        """Show the room as the file and the server are now."""
        if not self.is_attached:
            return
        status = self.status()
        state = status.state
        self.query_one("#room-server", Static).update(server_line(status, self.store))
        now = Text("Room code ")
        now.append(state.code or "—", style="bold")
        now.append(" · joining " + ("open" if state.joining else "closed"))
        now.append(" · phones now: ")
        now.append(activity_label(self.store, state.activity, state.round_id), style="bold")
        self.query_one("#room-now", Static).update(now)
        choices = self.query_one("#room-choices", OptionList)
        wanted = self._choices(status)
        if [str(option.id) for option in choices.options] != [str(o.id) for o in wanted]:
            highlighted = choices.highlighted
            choices.clear_options()
            choices.add_options(wanted)
            choices.highlighted = highlighted if highlighted is not None else 0
        else:
            for option in wanted:
                choices.replace_option_prompt(str(option.id), option.prompt)
        self._show_seats(seats(self.store))

    def _choices(self, status: RoomStatus) -> list[Option]:
        """Return the actions the dialog offers, in order."""
        state = status.state
        running = self._server_on(status)
        options = [
            Option(
                "Stop the room server (phones lose the room)"
                if running
                else "Start the room server (phones can join)",
                id="server",
            ),
        ]
        if status.join_url and state.joining:
            options.append(Option("Show the join QR code on screen", id="qr"))
        options += [
            Option(
                "Close joining (joined phones keep their places)"
                if state.joining
                else "Open joining to new phones",
                id="joining",
            ),
        ]
        for activity in ACTIVITIES:
            prompt = Text(f"Phones: {activity_label(self.store, activity)}")
            if activity is state.activity:
                prompt.append("  (now)", style="bold")
            options.append(Option(prompt, id=f"activity-{activity.value}"))
        options.append(Option("New room code (joined phones keep their places)", id="code"))
        return options

    def _show_seats(self, joined: list[Seat]) -> None:
        """List the places phones hold, keeping the cursor where it was."""
        self.query_one("#room-joined", Static).update(
            f"Joined from phones: {len(joined)}" if joined else "No phone has joined yet."
        )
        listing = self.query_one("#room-seats", OptionList)
        listing.display = bool(joined)
        if [str(option.id) for option in listing.options] == [seat.id for seat in joined]:
            return
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options([Option(literal(seat.label), id=seat.id) for seat in joined])
        if joined:
            listing.highlighted = min(highlighted or 0, len(joined) - 1)

    def _server_on(self, status: RoomStatus | None = None) -> bool:
        """Tell whether a server runs or starts (Start would be refused)."""
        status = status or self.status()
        return status.server in (ServerState.RUNNING, ServerState.STARTING)

    def _write(self, action: Callable[..., object], *args: object) -> bool:
        """Run one store action; bring the console up to date, or show its one-line refusal."""
        try:
            action(self.store, *args)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return False
        self.post_message(Pane.Edited())  # the console (and its header) follow the change
        return True


def activity_label(
    store: WorkshopStore, activity: RoomActivity, round_id: str | None = None
) -> str:
    """Return 'dot vote in Round 2': the activity, with the round phones vote in."""
    if activity is RoomActivity.DOTS:
        found = [r for r in rounds(store) if r.status == "open" or r.id == round_id]
    elif activity is RoomActivity.CARDS:
        found = [r for r in card_rounds(store) if r.status == "open" or r.id == round_id]
    else:
        return activity.label
    named = [r for r in found if r.id == round_id] or found
    if not named:
        return f"{activity.label} (no round open)"
    return f"{activity.label} in {named[-1].title}"


def server_line(status: RoomStatus, store: WorkshopStore) -> Text:
    """Return the dialog's line about the room server."""
    from console.ui.room.room_process import log_path

    if status.server is ServerState.RUNNING:
        line = Text("Room open at ")
        line.append(status.join_url, style="bold")
        if not status.started_here:
            line.append("  (started elsewhere)")
        return line
    if status.server is ServerState.STARTING:
        return Text("Room server starting…")
    if status.server is ServerState.STOPPING:
        return Text("Room server stopping…")
    if status.server is ServerState.FAILED:
        return Text(
            f"The room server stopped unexpectedly: see {log_path(store.path).name}",
            style="bold red",
        )
    return Text("Room server not running: phones cannot join.")
