"""The facilitation console: four panes over one workshop file, kept live across consoles."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Input
from textual.worker import Worker, WorkerState, get_current_worker

from console.store.agenda import current_item
from console.store.changes import Feature
from console.store.core import Clock, StoreError, WorkshopStore, utc_now, wait_for_write_lock
from console.store.workshop import workshop_details
from console.ui.common.crash import ReportingApp
from console.ui.common.file_busy import LOCK_WAIT_SECONDS, FileBusyBanner
from console.ui.common.footer import ConsoleFooter
from console.ui.common.header import WorkshopHeader
from console.ui.common.key_order import OrderedKeysApp
from console.ui.common.keys import bound_actions, declared_bindings
from console.ui.common.pane import Pane
from console.ui.common.themes import CONSOLE_THEME, PROJECTOR_THEME
from console.ui.room.room_console import ROOM_FEATURES, RoomConsole
from console.ui.room.room_process import RoomCommand, room_command

if TYPE_CHECKING:
    from textual.command import Provider

    from console.ui.common.key_map import Command, KeySection

POLL_SECONDS = 0.25
"""How often the console looks for other consoles' changes (PRAGMA data_version)."""

PANE_BUILD_PAUSE = 0.05
"""Seconds between building the panes not shown yet, so a key pressed meanwhile is painted."""

QUIET_BEFORE_BUILDING = 0.6
"""Seconds without a key before the panes not shown yet are built: a pane key pressed at the
first frame does not wait behind a pane the facilitator did not ask for."""


UI_FOLDER = Path(__file__).parent


class PaneEntry(NamedTuple):
    """One pane of the console: its id, title and where its class lives."""

    pane_id: str
    title: str
    class_name: str

    def pane_class(self) -> type[Pane]:
        """Import the pane's module (on first use: start-up loads only the first pane)."""
        module = import_module(f"console.ui.{self.pane_id}.{self.pane_id}_pane")
        pane_class: type[Pane] = getattr(module, self.class_name)
        return pane_class

    @property
    def styles(self) -> Path:
        """Return the file of the pane's styles, beside its pane."""
        return UI_FOLDER / self.pane_id / f"{self.pane_id}.tcss"


PANES: tuple[PaneEntry, ...] = (
    PaneEntry("agenda", "Agenda", "AgendaPane"),
    PaneEntry("inventory", "Inventory", "InventoryPane"),
    PaneEntry("cards", "Cards", "CardsPane"),
    PaneEntry("takeaways", "Takeaways", "TakeawaysPane"),
)
PANE_ENTRIES = {entry.pane_id: entry for entry in PANES}


def _key_commands() -> type[Provider]:
    """Return the palette's provider of the keys (its module loads when the palette opens)."""
    from console.ui.common.key_map import KeyCommands

    return KeyCommands


class ConsoleApp(OrderedKeysApp[None], ReportingApp, RoomConsole):
    """The facilitator's console on one workshop file."""

    # Each feature keeps its styles in its own folder, beside its pane. The agenda's and the
    # room's are read at start; another pane's when it is built (_new_pane), as Textual does
    # for a screen's own CSS_PATH: the first frame does not wait on styles it does not show.
    CSS_PATH: ClassVar = [
        "common/global.tcss",
        "common/app.tcss",
        "agenda/agenda.tcss",
        "room/room.tcss",
    ]
    TITLE = "Facilitation console"
    ENABLE_COMMAND_PALETTE = True

    PANES_GROUP = Binding.Group("panes")
    BINDINGS: ClassVar = [
        Binding(
            "f1,question_mark",
            "help",
            "Help",
            tooltip="This help: all the keys, and the ranking rule",
        ),
        Binding(
            "f2",
            "show_pane('agenda')",
            "Agenda",
            priority=True,
            group=PANES_GROUP,
            tooltip="Agenda pane",
        ),
        Binding(
            "f3",
            "show_pane('inventory')",
            "Inventory",
            priority=True,
            group=PANES_GROUP,
            tooltip="Inventory pane (pain points)",
        ),
        Binding(
            "f4",
            "show_pane('cards')",
            "Cards",
            priority=True,
            group=PANES_GROUP,
            tooltip="Cards pane",
        ),
        Binding(
            "f5",
            "show_pane('takeaways')",
            "Takeaways",
            priority=True,
            group=PANES_GROUP,
            tooltip="Takeaways pane",
        ),
        Binding("a", "show_pane('agenda')", "Agenda", show=False),
        Binding("i", "show_pane('inventory')", "Inventory", show=False),
        Binding("c", "show_pane('cards')", "Cards", show=False),
        Binding("t", "show_pane('takeaways')", "Takeaways", show=False),
        Binding("f6,w", "workshop_details", "Details", tooltip="Workshop details and participants"),
        Binding(
            "p",
            "choose_projector",
            "Projector",
            show=False,
            tooltip="Projector: choose what it shows (in a pane with results: which of them)",
        ),
        Binding(
            "ctrl+r",
            "room",
            "Room",
            priority=True,
            show=False,
            tooltip="Room: delegates' phones (room server, joining, what phones do)",
        ),
        Binding(
            "f8",
            "toggle_projector_theme",
            "Console theme",
            show=False,
            tooltip="This console's theme: high contrast on or off (not the projector's)",
        ),
        Binding(
            "f9",
            "export_report",
            "Export",
            tooltip="Export the report now: Markdown and HTML next to the workshop file",
        ),
        Binding(
            "ctrl+z",
            "undo",
            "Undo",
            priority=True,
            tooltip="Undo this console's last delete, also after a restart",
        ),
        Binding(
            "f12",
            "write_back",
            "Write back",
            show=False,
            tooltip="Write the workshop back after its file was deleted, moved or replaced",
        ),
        Binding(
            "ctrl+q", "quit", "Quit", priority=True, tooltip="Quit (everything is already saved)"
        ),
    ]
    MORE_KEYS: ClassVar = (("Ctrl+P", "Command palette: every command that can act now, by name"),)
    COMMANDS: ClassVar = OrderedKeysApp.COMMANDS | {_key_commands}

    def __init__(
        self,
        store: WorkshopStore,
        *,
        first_pane: str = "agenda",
        clock: Clock = utc_now,
        room_command: RoomCommand = room_command,
    ) -> None:
        super().__init__()
        self.store = store
        self.damage_check = store.damage_check
        """The read of the file for damage, if it still runs alongside: a refusal ends the app."""
        self.refusal = ""
        """Why the console closed on its own: the launcher says it in one line (run_app)."""
        self.first_pane = first_pane
        self.clock = clock
        self.seen_rev = store.current_rev()
        # The UI thread never waits long for another program's lock: a worker waits instead.
        store.lock_wait = LOCK_WAIT_SECONDS
        self._lines_waiting: list[tuple[Input, str]] = []
        self._busy_seen = store.busy_count
        self._file_lost_banner: Widget | None = None
        self._quit_warned = False
        self._last_key_at = time.monotonic()
        self.room_command = room_command
        self.register_theme(PROJECTOR_THEME)
        self.theme = CONSOLE_THEME

    def compose(self) -> ComposeResult:
        yield WorkshopHeader(id="header")
        # The banner of a busy file is mounted under the header when first needed (_busy_banner).
        with ContentSwitcher(initial=self.first_pane, id="panes"):
            # Only the first pane is built before the first paint; the others follow it.
            yield self._new_pane(self.first_pane)
        yield ConsoleFooter()

    async def on_mount(self) -> None:
        self._show_workshop()
        await self.action_show_pane(self.first_pane)
        if (first := await self._built_pane(self.first_pane)) is not None:
            self.screen.set_focus(first.start_focus())  # opened to type in (notes: the line)
        self.set_interval(POLL_SECONDS, self.poll_changes)
        self.set_interval(1.0, self._tick)

    def on_ready(self) -> None:
        """The first frame is on screen: resume garbage collection, load the inventory's code,
        show the room, build the other panes, and wait for the read of the file for damage (its
        refusal ends the console)."""
        if not gc.isenabled():  # paused for start-up by the launcher (launch.run_console)
            gc.freeze()  # what start-up built lives on: later collections need not scan it
            gc.enable()
        self._last_key_at = time.monotonic()
        self.set_timer(QUIET_BEFORE_BUILDING, self._build_next_pane)
        # The inventory's code is the largest to load: loaded now, when the console has nothing
        # else to do, a key for it pressed at the first frame waits less. On this thread, as an
        # import on another thread can deadlock with the UI thread's own imports.
        self.call_next(self._load_pane_code, "inventory")
        # A big inventory's first screen takes SQLite a tenth of a second to read: started next,
        # on a thread, it is read while F3 pressed at the first frame builds the pane. Not
        # before the code is loaded: on a busy machine the read would slow the loading down.
        self.call_next(self._start_reading_inventory)
        # The room's line in the header is blank unless a room server runs: it is read with the
        # room's code as the first poll for changes is, after a key pressed at the first frame.
        self.set_timer(POLL_SECONDS, self.show_room)
        if self.damage_check is not None:
            self._await_damage_check()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key_at = time.monotonic()
        await super().on_event(event)

    @on(Pane.Edited)
    def _pane_edited(self) -> None:
        self.sync()

    def poll_changes(self) -> None:
        """Bring the console up to date when another console has committed."""
        self._watch_file()
        self.watch_room_process()
        try:
            if self.store.changed_elsewhere():
                self.sync()
        except StoreError as error:
            self.notify(str(error), severity="error")

    def sync(self) -> None:
        """Show everything written since the last sync, touching only the rows that changed."""
        new_rev = self.store.current_rev()
        if new_rev == self.seen_rev:
            return
        changed = self.store.changed_features(self.seen_rev)
        for pane in self.query(Pane):
            # A pane still being built reads everything when it mounts; one closing with the
            # console (not running any more) may have lost its parts already.
            if pane.is_mounted and pane.is_running:
                pane.sync(self.seen_rev, changed)
        if Feature.WORKSHOP in changed:
            self._show_workshop()
        if Feature.AGENDA in changed:
            self._show_current_item()
        self.seen_rev = new_rev
        if changed & ROOM_FEATURES:
            self.show_room()

    async def intercept_key(self, event: events.Key, focused: Widget | None) -> bool:
        if event.key == "enter" and isinstance(focused, Input) and self._lines_waiting:
            # Lines are waiting for the file: this one goes behind them, in the order typed.
            self._hold_line(focused)
            return True
        if focused is None or isinstance(focused, Input) or not event.is_printable:
            return False
        pane = self.current_pane()
        if pane is None or pane not in focused.ancestors:
            return False
        if pane.disabled_key(event.key) or self._shows_pane(event.key, pane):
            # A pane key that cannot act now (p on an empty list) is text, as is the letter of
            # the pane on screen (t in the takeaways): else another key of that letter would
            # act in its place, or nothing would.
            return pane.type_key(event)
        return False

    def _shows_pane(self, key: str, pane: Pane) -> bool:
        """Tell whether one of the console's own keys is the letter of this pane."""
        return f"show_pane('{pane.id}')" in bound_actions(type(self), key)

    async def key_settled(self, focused: Widget | None) -> None:
        if self.store.busy_count == self._busy_seen:
            return
        self._busy_seen = self.store.busy_count
        if isinstance(focused, Input) and focused.value:
            self._hold_line(focused)  # its Enter met a busy file: the line is kept, not retyped
        self._wait_for_file()

    def _hold_line(self, line: Input) -> None:
        """Keep a line whose save waits for the file, and clear it for the next one."""
        self._lines_waiting.append((line, line.value))
        line.value = ""
        self._wait_for_file()

    def _wait_for_file(self) -> None:
        """Another program held the file when a save was tried: say so and wait for it."""
        self._busy_banner().show_waiting(len(self._lines_waiting))
        if not any(worker.name == "wait-for-file" for worker in self.workers):
            self._wait_for_write_lock()

    def _busy_banner(self) -> FileBusyBanner:
        """Return the banner of a busy file on the console's own screen, mounting it first."""
        screen = self.screen_stack[0]
        found = screen.query_children(FileBusyBanner)
        if found:
            return found.first()
        banner = FileBusyBanner(id="file-busy")
        screen.mount(banner, after=screen.query_one(WorkshopHeader))
        return banner

    @work(thread=True, name="damage-check", exit_on_error=False)
    def _await_damage_check(self) -> None:
        assert self.damage_check is not None
        worker = get_current_worker()
        try:
            # Asked again and again briefly, so that quitting never waits for the answer.
            while not self.damage_check.answer(timeout=0.1):
                if worker.is_cancelled:
                    return
        except StoreError as error:
            if not worker.is_cancelled:
                self.call_from_thread(self._refuse_file, str(error))

    def _refuse_file(self, refusal: str) -> None:
        """The file turned out damaged: close the console, which says why in one line."""
        self.refusal = refusal
        self.exit(return_code=1)

    @work(thread=True, name="wait-for-file", exit_on_error=False)
    def _wait_for_write_lock(self) -> bool:
        worker = get_current_worker()
        return wait_for_write_lock(self.store.path, lambda: worker.is_cancelled)

    @on(Worker.StateChanged)
    async def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name == "room-stop":
            self.room_stopped(event.worker)
            return
        if event.worker.name != "wait-for-file" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        self._busy_banner().hide()
        if event.state is WorkerState.ERROR:
            self.notify(str(event.worker.error), severity="error")
            return
        waiting, self._lines_waiting = self._lines_waiting, []
        self.clear_notifications()  # the "not saved yet" notices are answered now
        for line, text in waiting:
            await self._save_waiting_line(line, text)
        if waiting:
            self.notify(f"The workshop file is free again: {_lines(len(waiting))} saved.")
        else:
            self.notify("The workshop file is free again: do again what was not saved.")

    async def _save_waiting_line(self, line: Input, text: str) -> None:
        """Press Enter for a line that waited, keeping what has been typed there since."""
        if not line.is_attached:
            self.notify(f"Not saved (its dialog was closed): {text}", severity="error")
            return
        await self.settle(line)  # keys already sent to the line are in it
        typed_since = line.value
        line.value = text
        await line.action_submit()
        await self.settle(line)
        if line.value:  # refused: its message is on screen and the text stays in the line
            line.value = f"{line.value} {typed_since}".rstrip()
        else:
            line.value = typed_since

    def get_key_display(self, binding: Binding) -> str:
        # F-keys as printed on the keyboard and in the help: F2, not f2.
        shown = super().get_key_display(binding)
        return shown.upper() if shown[:1] == "f" and shown[1:].isdigit() else shown

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's own "Keys" panel would stand beside ours (F1): the console keeps its own.
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command
        yield from self.room_commands()

    def key_commands(self) -> list[Command]:
        """Return the palette's commands: the keys of the console, then of the pane on screen."""
        from console.ui.common.key_map import commands_of

        found = [
            command
            for command in commands_of(self, declared_bindings(type(self)))
            if command.run.args[1] != "room"  # the room has its own commands
        ]
        pane = self.current_pane()
        if pane is not None:
            found += commands_of(pane, declared_bindings(type(pane)), pane.TITLE)
        return found

    def current_pane(self) -> Pane | None:
        """Return the pane on screen, if the console shows one."""
        switcher = self._pane_switcher()
        if switcher is None or switcher.current is None:
            return None
        found = switcher.query_children(f"#{switcher.current}")
        return found.only_one(Pane) if found else None

    async def action_show_pane(self, pane_id: str) -> None:
        """Switch to a pane, building it first if the console has not yet."""
        if self.screen is not self.screen_stack[0]:
            return  # a dialog is open: it keeps the keys until it closes
        leaving = self.current_pane()
        if leaving is not None:
            leaving.leave(self.screen.focused)
        pane = await self._built_pane(pane_id)
        if pane is None:
            return  # the console is closing
        self.query_one(ContentSwitcher).current = pane_id
        self.query_one(WorkshopHeader).pane_title = pane.TITLE
        # Focus moves now, not after the keys already queued: a line typed right after F3
        # belongs to the new pane, and to the line it was left in, if it was.
        pane.take_focus()

    def action_workshop_details(self) -> None:
        """Open the workshop details screen."""
        # Imported on use, like the other screens that are not needed for the first paint.
        from console.ui.details.details_modal import WorkshopDetailsModal

        self.push_screen(WorkshopDetailsModal(self.store), lambda _saved: self.sync())

    def action_toggle_projector_theme(self) -> None:
        """Switch this console between its theme and the high-contrast theme, and say so."""
        high = self.theme != PROJECTOR_THEME.name
        self.theme = PROJECTOR_THEME.name if high else CONSOLE_THEME
        self.notify(
            f"This console's theme: high contrast {'on' if high else 'off'} (F8 switches). "
            "Only this console changed: the projector always shows its own high contrast."
        )

    def action_undo(self) -> None:
        """Undo this console's last destructive action."""
        try:
            label = self.store.undo_last()
        except StoreError as error:
            self.notify(str(error), severity="error")
            return
        if label is None:
            self.notify("Nothing to undo.", severity="warning")
            return
        self.sync()
        self.notify(f"Undone: {label}.")

    def action_choose_projector(self) -> None:
        """Choose what the projector shows."""
        # Imported on use: the projector views are not needed for the console's first paint.
        from console.store.display import display_state, last_payload, set_display
        from console.ui.projector.chooser_modal import ProjectorChooserModal
        from console.ui.projector.registry import VIEWS

        def chosen(mode: str | None) -> None:
            if mode is None:
                return
            # A takeaway is put up from its row: choosing the view again shows that one, not
            # the newest; rounds are left to the view, which shows the newest one.
            payload = last_payload(self.store, mode) if mode == "takeaway" else None
            try:
                set_display(self.store, mode, payload)
            except (ValueError, StoreError) as error:
                self.notify(str(error), severity="error")
                return
            self.notify(f"The projector shows: {mode}.")

        current, _payload = display_state(self.store)
        modes = ["agenda", *(mode for mode in VIEWS if mode != "agenda")]
        self.push_screen(ProjectorChooserModal(modes, current), chosen)

    async def action_export_report(self) -> None:
        """Write the report (Markdown and HTML) next to the workshop file, in a worker thread."""
        # The console's own screen, also under a dialog: the header there shows the export.
        header = self.screen_stack[0].query_one(WorkshopHeader)
        exporter = await header.report_export()
        exporter.start(self.store.path, self.clock())

    def action_write_back(self) -> None:
        """Write the workshop back to its path after the file vanished, or ask for another."""
        # Imported on use: only a lost file needs them.
        from console.store.recovery import shown_path, write_back
        from console.ui.common.file_lost import WriteBackModal

        if isinstance(self.screen, WriteBackModal):
            return
        original = shown_path(self.store.path)
        if self.store.check_file() is None:
            self.notify(f"The workshop file is in place: everything is saved to {original}.")
            return

        def written_back(path: Path | None) -> None:
            if path is not None:
                self._written_back(f"{path.name} (its own path)" if path == original else path)

        try:
            written = write_back(self.store, self.store.path)
        except StoreError as error:
            self.push_screen(WriteBackModal(self.store, str(error)), written_back)
            return
        written_back(written)

    async def action_quit(self) -> None:
        """Quit; while the workshop file is lost, only when asked twice (it would be gone)."""
        if self.store.check_file() is not None and not self._quit_warned:
            self._quit_warned = True
            self.notify(
                "The workshop file is gone: quitting now loses this workshop. Press F12 to "
                "write it back first, or Ctrl+Q again to quit anyway.",
                severity="warning",
                timeout=10,
            )
            return
        await super().action_quit()

    def action_help(self) -> None:
        """Show every key."""
        from console.ui.common.help_modal import HelpModal

        self.push_screen(HelpModal(key_sections()))

    def _start_reading_inventory(self) -> None:
        """Start reading a big inventory's first screen on a thread, if its pane is not built."""
        from console.ui.inventory.first_screen import start_reading

        switcher = self._pane_switcher()
        if switcher is None or switcher.query_children("#inventory"):
            return  # closing, or the pane is built already (the console opened on it)
        try:
            start_reading(self.store)
        except StoreError:
            return  # the pane reads it when it is built, and says what went wrong

    def _load_pane_code(self, pane_id: str) -> None:
        """Import a pane's modules and read its styles before the pane is asked for."""
        entry = PANE_ENTRIES[pane_id]
        entry.pane_class()
        self._read_styles(entry.styles)
        self.stylesheet.parse()  # now, with nothing else to do, not when the pane is built

    def _new_pane(self, pane_id: str) -> Pane:
        entry = PANE_ENTRIES[pane_id]
        pane_class = entry.pane_class()
        self._read_styles(entry.styles)
        return pane_class(self.store, id=pane_id)

    def _read_styles(self, path: Path) -> None:
        """Add a pane's styles to the app's, once: they apply from its first mount."""
        source = (str(path), "")
        if source in self.stylesheet.source:
            return  # read at start (CSS_PATH) or by an earlier build of the pane
        # add_source, not Stylesheet.read: it also drops the rules map, so the next styling
        # parses again; the sources parsed before come from the stylesheet's cache.
        self.stylesheet.add_source(path.read_text(encoding="utf-8"), read_from=source)

    def _pane_switcher(self) -> ContentSwitcher | None:
        """Return the switcher on the console's own screen (under any dialog), None if closing."""
        if not self.screen_stack:
            return None
        found = self.screen_stack[0].query_children(ContentSwitcher)
        switcher = found.first() if found else None
        return switcher if switcher is not None and switcher.is_attached else None

    async def _built_pane(self, pane_id: str) -> Pane | None:
        """Return the pane, mounting it first if needed (keys wait until it is ready)."""
        switcher = self._pane_switcher()
        if switcher is None:
            return None  # the console is closing
        found = switcher.query_children(f"#{pane_id}")
        if found:
            return found.only_one(Pane)
        pane = self._new_pane(pane_id)
        await switcher.add_content(pane)  # mounted hidden: showing it is the caller's choice
        return pane

    async def _build_next_pane(self) -> None:
        """Build one pane not built yet, then the next after a pause: a key pressed meanwhile
        goes first, and what it changed is painted before the next pane is built."""
        switcher = self._pane_switcher()
        if switcher is None:
            return  # the console is closing
        quiet_for = time.monotonic() - self._last_key_at
        if quiet_for < QUIET_BEFORE_BUILDING:  # the facilitator is at the keys: later
            self.set_timer(QUIET_BEFORE_BUILDING - quiet_for, self._build_next_pane)
            return
        for entry in PANES:
            if not switcher.query_children(f"#{entry.pane_id}"):
                await self._built_pane(entry.pane_id)
                self.set_timer(PANE_BUILD_PAUSE, self._build_next_pane)
                return

    def _live_header(self) -> WorkshopHeader | None:
        """Return the header on the console's own screen (under any dialog), None if closing."""
        # Timers and messages keep coming while screens change and while the console closes:
        # the header (or its parts) may already be gone, and the active screen may be a dialog.
        if not self.screen_stack:
            return None
        found = self.screen_stack[0].query_children(WorkshopHeader)
        header = found.first() if found else None
        if header is None or not header.is_attached or not header.is_running:
            return None  # closing: is_running ends before the header's own parts are removed
        return header

    def _show_workshop(self) -> None:
        header = self._live_header()
        if header is None:
            return
        details = workshop_details(self.store)
        header.workshop_title = details.title
        self.title = details.title
        self._show_current_item()

    def _show_current_item(self) -> None:
        header = self._live_header()
        if header is None:
            return
        header.current = current_item(self.store)
        header.tick(self.clock())

    def _watch_file(self) -> None:
        """Show a banner while the workshop file is lost (deleted, moved, replaced), not after."""
        loss = self.store.check_file()
        if loss is None:
            if self._file_lost_banner is not None:
                self._file_lost_banner.remove()
                self._file_lost_banner = None
            return
        switcher = self._pane_switcher()
        if self._file_lost_banner is not None or switcher is None or switcher.parent is None:
            return
        from console.ui.common.file_lost import FileLostBanner

        self._file_lost_banner = FileLostBanner(loss, self.store.path)
        switcher.parent.mount(self._file_lost_banner, before=switcher)

    def _written_back(self, where: Path | str) -> None:
        """The workshop is on disk again: drop the banner, say where, show what it holds."""
        self._quit_warned = False
        self._watch_file()
        self.sync()
        self.notify(
            f"Written back to {where}: it holds the whole workshop; saving goes on there.",
            timeout=10,
        )

    def _tick(self) -> None:
        header = self._live_header()
        if header is not None:
            header.tick(self.clock())
        self.tick_room()


def _lines(count: int) -> str:
    return "1 waiting line" if count == 1 else f"{count} waiting lines"


def key_sections() -> tuple[KeySection, ...]:
    """Return the key map of the whole console: the keys everywhere, then each pane's."""
    from console.ui.common.key_map import section

    sections = [section("Everywhere", declared_bindings(ConsoleApp), ConsoleApp.MORE_KEYS)]
    for entry in PANES:
        pane = entry.pane_class()
        title = pane.HELP_TITLE or pane.TITLE
        sections.append(section(title, declared_bindings(pane), pane.MORE_KEYS))
    return tuple(sections)


def make_app(
    store: WorkshopStore,
    *,
    first_pane: str = "agenda",
    clock: Clock = utc_now,
    room_command: RoomCommand = room_command,
) -> ConsoleApp:
    """Build the console app; the CLI and the tests both call this."""
    return ConsoleApp(store, first_pane=first_pane, clock=clock, room_command=room_command)


__all__ = ["ConsoleApp", "key_sections", "make_app"]
