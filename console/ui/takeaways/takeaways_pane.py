"""The takeaways pane: the note-taker's stream, with tags, links, actions and search."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from console.domain.capture import TakeawayKind, due_label
from console.domain.text import counted
from console.store.changes import Feature
from console.store.core import StoreError, parse_iso
from console.store.takeaways import (
    CapturedTakeaway,
    Choice,
    Takeaway,
    TakeawayFilter,
    UnknownTagsError,
    action_counts,
    capture_takeaway,
    delete_takeaway,
    link_choices,
    listed_takeaways,
    parse_filter,
    tag_choices,
    takeaway,
    takeaway_counts,
    toggle_action_status,
    toggle_link,
    toggle_tag,
)
from console.ui.common.capture import (
    MAX_PASTE_CHARS,
    CaptureInput,
    CapturePane,
    CaptureTable,
    focus_now,
)
from console.ui.common.confirm_modal import ConfirmModal
from console.ui.common.keys import HintLine, PaneKey
from console.ui.common.pane import cell
from console.ui.common.text import literal
from console.ui.takeaways.takeaways_modals import TakeawayEditModal
from console.ui.takeaways.takeaways_pick import TakeawayPickModal

MAX_SHOWN = 200
"""Most rows the list holds: the newest that pass the filter; search finds older ones."""

KINDS = tuple(TakeawayKind)
STATUS_MARKS = {"open": "○", "done": "✓", "dropped": "✗"}

Order = tuple[str, int]


class TakeawaysPane(CapturePane):
    """Insights, quotes, decisions, questions and actions, as the note-taker captures them."""

    TITLE = "Takeaways"
    WATCHED = frozenset(
        {Feature.TAKEAWAYS, Feature.TAKEAWAY_TAGS, Feature.THEMES, Feature.COMPETENCE_AREAS}
    )
    TEXT_WIDTH = 60
    WHO_WIDTH = 26
    """Room for an owner and a due date with its year and an overdue mark."""
    COLUMNS = (
        ("Time", 5),
        ("Kind", 9),
        ("Takeaway", TEXT_WIDTH),
        ("Who", WHO_WIDTH),
        ("Tags", 18),
        ("Item", 14),
    )
    PLACEHOLDER = (
        "Takeaway, then Enter  (q: quote -- speaker, a: action @owner !date, d: o: i:, #tag)"
    )
    SEARCH_PLACEHOLDER = (
        "Search: words  kind:quote  #tag  @speaker  item:now  status:open   (Ctrl+F)"
    )
    EMPTY_HINT = "Each takeaway is stamped with the time and the running agenda item."

    STATUS = Binding.Group("done/drop")
    BINDINGS: ClassVar = [
        PaneKey(
            "f7", "cycle_kind", "kind", tooltip="Kind of the next lines (shown left of the line)"
        ),
        PaneKey(
            "alt+i", "set_kind('insight')", "insights", hint=False, tooltip="Next lines: insights"
        ),
        PaneKey("alt+q", "set_kind('quote')", "quotes", hint=False, tooltip="Next lines: quotes"),
        PaneKey(
            "alt+d",
            "set_kind('decision')",
            "decisions",
            hint=False,
            tooltip="Next lines: decisions",
        ),
        PaneKey(
            "alt+o",
            "set_kind('question')",
            "open questions",
            hint=False,
            tooltip="Next lines: open questions",
        ),
        PaneKey(
            "alt+a", "set_kind('action')", "actions", hint=False, tooltip="Next lines: actions"
        ),
        PaneKey(
            "ctrl+f,slash",
            "search",
            "search",
            tooltip="Search: words, kind:quote, #tag, @speaker, item:now, status:open",
        ),
        PaneKey(
            "f10",
            "toggle_actions",
            "actions view",
            tooltip="Actions view: only the actions, with open/done/dropped counts",
        ),
        PaneKey(
            "e",
            "edit",
            "edit",
            tooltip="Edit the selected takeaway (kind, text, speaker, owner, due, status)",
        ),
        PaneKey("g", "tag", "tag", tooltip="Tag with competence areas or themes by typing"),
        PaneKey("l", "link", "link", tooltip="Link to a pain point or a card by typing"),
        PaneKey(
            "d",
            "toggle_status('done')",
            "done",
            tooltip="Mark the selected action done, or open again",
            group=STATUS,
        ),
        PaneKey(
            "x",
            "toggle_status('dropped')",
            "drop",
            tooltip="Mark the selected action dropped, or open again",
            group=STATUS,
        ),
        PaneKey(
            "p",
            "show_on_projector",
            "projector",
            tooltip="Show the selected takeaway or quote on the projector",
        ),
        PaneKey(
            "delete",
            "delete_row",
            "delete",
            hint=False,
            tooltip="Delete the selected takeaway (Ctrl+Z brings it back)",
        ),
        PaneKey(
            "n,enter",
            "focus_capture",
            "new",
            tooltip="From the list: go to the capture line (Escape goes back)",
        ),
    ]
    HELP_TITLE = "Takeaways (facilitate notes PATH opens the console here)"
    MORE_KEYS: ClassVar = (
        ("i: q: d: o: a:", "Line prefix: insight, quote, decision, open question, action"),
        ("-- name", "At the end of any line: who said it (a quote's is kept for the next)"),
        ("@owner !date", "In an action: owner and due date (2026-12-01, friday, +7)"),
        ("#tag", "Competence area (or alias) or theme; unknown: asks to create a theme"),
    )

    ROW_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"edit", "tag", "link", "toggle_status", "show_on_projector", "delete_row"}
    )
    """Commands on the selected takeaway: none in a text line or on an empty list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = TakeawayKind.INSIGHT
        self.last_speaker: str | None = None
        self.actions_only = False
        self.filter = TakeawayFilter()
        self.filter_error = ""
        self._order: dict[str, Order] = {}
        self._kinds: dict[str, TakeawayKind] = {}
        """The kind of each listed takeaway: d and x act on actions only."""
        self._follow: str | None = None
        self._counts: tuple[int, int] | None = None
        """How many takeaways pass the filter and how many there are (None: count again)."""
        self._counted_to = 0
        """The newest takeaway's seq when last counted: later ones are new."""

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, classes="pane-title", id="takeaways-title")
        with Horizontal(id="takeaways-capture"):
            yield Static(id="takeaways-kind")
            yield CaptureInput(
                placeholder=self.PLACEHOLDER, max_length=MAX_PASTE_CHARS, id=f"{self.id}-input"
            )
        yield Input(placeholder=self.SEARCH_PLACEHOLDER, max_length=500, id=f"{self.id}-search")
        table: DataTable[Any] = CaptureTable(
            cursor_type="row", zebra_stripes=True, id=f"{self.id}-table"
        )
        for label, width in self.COLUMNS:
            table.add_column(label, width=width, key=label)
        yield table
        yield Static(self.EMPTY_HINT, classes="pane-hint", id="takeaways-status")
        yield HintLine(self.hint(), id="takeaways-hint")

    def on_mount(self) -> None:
        # TablePane's own on_mount then loads the rows (Textual calls every class's handler).
        if self.being_removed:
            return  # the console closed while this pane was being built: it has no children
        self._show_kind()

    @property
    def capture_input(self) -> Input:
        """Return the capture line."""
        return self.query_one(f"#{self.id}-input", Input)

    @property
    def search_input(self) -> Input:
        """Return the search line."""
        return self.query_one(f"#{self.id}-search", Input)

    # Showing rows -------------------------------------------------------------------------

    def cells(self, record: Takeaway) -> Sequence[Text | str]:
        local_time = parse_iso(record.captured_at).astimezone().strftime("%H:%M")
        kind = record.kind.value
        kind_cell = literal(kind)
        if record.kind is TakeawayKind.ACTION and record.action_status:
            kind_cell = literal(f"{kind} {STATUS_MARKS.get(record.action_status, '')}")
            if record.action_status != "open":
                kind_cell.stylize("dim")
        return (
            local_time,
            kind_cell,
            cell(record.text, self.TEXT_WIDTH),
            self._who(record),
            cell(self._tags(record), 18),
            cell(record.item_title or "", 14),
        )

    def _who(self, record: Takeaway) -> Text:
        """Return a quote's speaker, or an action's owner and due date (red when overdue)."""
        if record.kind is not TakeawayKind.ACTION:
            return cell(record.speaker, self.WHO_WIDTH)
        shown = record.owner or "no owner"
        due = date.fromisoformat(record.due_on) if record.due_on else None
        if due is None:
            return cell(shown, self.WHO_WIDTH)
        today = self.store.clock().date()
        is_open = record.action_status == "open"
        who = cell(f"{shown}, {due_label(due, today=today, done=not is_open)}", self.WHO_WIDTH)
        if is_open and due < today:
            who.stylize("bold red")
        return who

    @staticmethod
    def _tags(record: Takeaway) -> str:
        """Return a takeaway's areas, themes and links as one line."""
        parts = [record.areas, record.themes, record.pain_point_label, record.card_label]
        return ", ".join(part for part in parts if part)

    def sync(self, since_rev: int, changed: frozenset[Feature]) -> None:
        """Add, update or remove only the rows written after since_rev (all on the first call)."""
        if since_rev and not (changed & self.WATCHED):
            return
        if since_rev == 0:
            self.reload()
            return
        try:
            records = listed_takeaways(self.store, since_rev, self.filter)
        except StoreError as error:
            self.notify(str(error), severity="error")
            return
        self._apply(records)
        self._add_to_counts(records)
        self._show_status()

    def _add_to_counts(self, records: list[Takeaway]) -> None:
        """Count new takeaways in without counting all again; any other change counts again."""
        if self._counts is None:
            return
        if any(record.seq <= self._counted_to for record in records):
            self._counts = None
            return
        passing, total = self._counts
        for record in records:
            total += not record.deleted
            passing += record.shown
            self._counted_to = max(self._counted_to, record.seq)
        self._counts = (passing, total)

    def reload(self) -> None:
        """Show the newest takeaways that pass the filter (after the filter changed)."""
        self._counts = None
        table = self.table
        table.clear()
        self._order.clear()
        self._kinds.clear()
        try:
            records = listed_takeaways(self.store, 0, self.filter, limit=MAX_SHOWN)
        except StoreError as error:
            self.notify(str(error), severity="error")
            records = []
        for record in records:
            table.add_row(*self.cells(record), key=record.id)
            self._order[record.id] = record.order
            self._kinds[record.id] = record.kind
        if records:
            table.move_cursor(row=table.row_count - 1)
        self._show_status()
        self.refresh_keys()

    def _apply(self, records: list[Takeaway]) -> None:
        """Update rows in place, remove those that left, and insert new ones in capture order."""
        table = self.table
        added: list[Takeaway] = []
        for record in records:
            key = record.id
            present = key in table.rows
            if not record.shown:
                if present:
                    table.remove_row(key)
                    self._order.pop(key, None)
                    self._kinds.pop(key, None)
                continue
            self._kinds[key] = record.kind
            if present:
                for column, value in zip(table.columns, self.cells(record), strict=True):
                    table.update_cell(key, column, value)
            else:
                added.append(record)
        if added:
            self._insert(added)
        self._trim()
        if self._follow is not None and self._follow in table.rows:
            table.move_cursor(row=table.get_row_index(self._follow))
            self._follow = None
        self.refresh_keys()

    def _insert(self, records: list[Takeaway]) -> None:
        """Insert rows in capture order: usually at the end, re-placing the few rows after them."""
        table = self.table
        new = [(record.order, record.id, self.cells(record)) for record in records]
        earliest = min(order for order, _key, _cells in new)
        ordered = table.ordered_rows
        start = len(ordered)
        while start and self._order[str(ordered[start - 1].key.value)] > earliest:
            start -= 1
        moved = []
        for table_row in ordered[start:]:
            key = str(table_row.key.value)
            moved.append((self._order[key], key, table.get_row(key)))
            table.remove_row(key)
        for order, key, cells in sorted(moved + new, key=lambda entry: entry[0]):
            table.add_row(*cells, key=key)
            self._order[key] = order

    def _trim(self) -> None:
        """Drop the oldest rows beyond MAX_SHOWN."""
        table = self.table
        excess = table.row_count - MAX_SHOWN
        if excess <= 0:
            return
        for table_row in table.ordered_rows[:excess]:
            key = str(table_row.key.value)
            table.remove_row(key)
            self._order.pop(key, None)
            self._kinds.pop(key, None)

    def _show_status(self) -> None:
        """Say how many takeaways are shown, which filter is on, and the state of the actions."""
        status = self.query_one("#takeaways-status", Static)
        if self.filter_error:
            status.update(literal(self.filter_error, style="bold red"))
            return
        try:
            if self._counts is None:
                passing, total, self._counted_to = takeaway_counts(self.store, self.filter)
                self._counts = (passing, total)
            passing, total = self._counts
            counts = action_counts(self.store) if self.actions_only else {}
        except StoreError as error:
            status.update(literal(str(error), style="bold red"))
            return
        if self.filter.active:
            line = f"{passing} of {counted(total, 'takeaway')} · {self.filter.description}"
        else:
            line = counted(total, "takeaway") if total else self.EMPTY_HINT
        if passing > MAX_SHOWN:
            line += f" · the latest {MAX_SHOWN} shown: search to find older ones"
        if counts:
            line += " · " + ", ".join(f"{number} {state}" for state, number in counts.items())
        status.update(literal(line))
        title = self.TITLE + (" · Actions (F10: all takeaways)" if self.actions_only else "")
        self.query_one("#takeaways-title", Static).update(title)

    def _show_kind(self) -> None:
        """Show which kind Enter saves and the speaker a quote will get."""
        label = Text(self.kind.value, style="bold")
        if self.kind is TakeawayKind.QUOTE and self.last_speaker:
            label.append("\n")
            label.append_text(literal(self.last_speaker, width=12, style="italic"))
        self.query_one("#takeaways-kind", Static).update(label)

    # Capturing ----------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Save a captured line, or apply the search; the base capture handler stays out."""
        event.stop()
        event.prevent_default()
        if event.input is self.search_input:
            self.table.focus()
            return
        if not event.value.strip():
            self.notify("Nothing to save: type the takeaway first.", severity="warning")
            return
        self._capture(event.value)

    def _capture(self, value: str, *, create_themes: bool = False) -> None:
        """Save one takeaway; ask before creating themes for unknown #tags."""
        try:
            captured = capture_takeaway(
                self.store,
                value,
                default_kind=self.kind,
                last_speaker=self.last_speaker,
                create_themes=create_themes,
            )
        except UnknownTagsError as error:
            self._offer_themes(value, error.tags)
            return
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        self._captured(value, captured)

    def _offer_themes(self, value: str, tags: tuple[str, ...]) -> None:
        """Ask whether unknown #tags should become new themes; otherwise nothing is saved."""
        names = ", ".join(f"#{tag}" for tag in tags)
        question = (
            f"{names} is not a competence area or theme. Create "
            f"{'these themes' if len(tags) > 1 else 'this theme'} and save the takeaway?\n"
            "No keeps the line unsaved so you can fix the tag."
        )

        def answered(create: bool | None) -> None:
            if create:
                self._capture(value, create_themes=True)
                return
            self.notify(
                f"Not saved: fix or remove {names}, then press Enter again.", severity="warning"
            )
            self.capture_input.focus()

        self.app.push_screen(ConfirmModal(question), answered)

    def _captured(self, value: str, captured: CapturedTakeaway) -> None:
        """Clear the line, remember the speaker and show the new row."""
        line = self.capture_input
        if line.value == value:
            line.value = ""
        if captured.kind is TakeawayKind.QUOTE and captured.speaker:
            self.last_speaker = captured.speaker
            self._show_kind()
        if captured.tags:
            self.notify("Tagged: " + ", ".join(captured.tags) + ".")
        self._follow = captured.id
        self.post_message(self.Edited())

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        """Filter the list as the search is typed."""
        if event.input is not self.search_input:
            return
        event.stop()
        self._set_filter(event.value)

    def _set_filter(self, query: str) -> None:
        """Apply a typed search; an unknown kind or tag is said on the status line."""
        try:
            self.filter = parse_filter(self.store, query, actions_only=self.actions_only)
            self.filter_error = ""
        except ValueError as error:
            self.filter_error = str(error)
            self._show_status()
            return
        except StoreError as error:
            self.notify(str(error), severity="error")
            return
        self.reload()

    # Actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer row keys only while the list has the focus and a row they can act on: else a
        letter is text (start_capture), so a line typed at once after F5 keeps its first one."""
        if action not in self.ROW_ACTIONS:
            return True
        # The pane's own screen: the palette, open over it, has a text line of its own.
        if not self.is_mounted or isinstance(self.screen.focused, Input):
            return False
        row_id = self.selected_id()
        if row_id is None:
            return False
        return action != "toggle_status" or self._kinds.get(row_id) is TakeawayKind.ACTION

    def keys_state(self) -> tuple[object, ...]:
        row_id = self.selected_id()
        return row_id is not None, self._kinds.get(row_id or "")

    def action_cycle_kind(self) -> None:
        """Save the next lines as the next kind."""
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self._show_kind()

    def action_set_kind(self, kind: str) -> None:
        """Save the next lines as this kind."""
        self.kind = TakeawayKind(kind)
        self._show_kind()

    def action_search(self) -> None:
        """Go to the search line."""
        focus_now(self.search_input)

    def action_toggle_actions(self) -> None:
        """Show only the actions, with their status, or everything again."""
        self.actions_only = not self.actions_only
        self._set_filter(self.search_input.value)
        if self.filter_error:
            self.actions_only = not self.actions_only
            self.notify(self.filter_error, severity="error")
            self._set_filter(self.search_input.value)

    def action_edit(self) -> None:
        """Edit the selected takeaway."""
        chosen = self._selected()
        if chosen is None:
            return
        self.app.push_screen(TakeawayEditModal(self.store, chosen), self._edited)

    def _edited(self, saved: bool | None) -> None:
        if saved:
            self.notify("Saved. Ctrl+Z undoes the edit.")
            self.post_message(self.Edited())

    def action_tag(self) -> None:
        """Tag the selected takeaway with competence areas or themes, by typing."""
        chosen = self._selected()
        if chosen is None:
            return
        takeaway_id = chosen.id

        def choose(choice: Choice) -> str:
            added = toggle_tag(self.store, takeaway_id, choice)
            self.post_message(self.Edited())
            name = choice.label.rsplit(" (", 1)[0] if choice.kind != "new-theme" else choice.id
            return f"Tagged with {name}." if added else f"Tag {name} removed."

        self.app.push_screen(
            TakeawayPickModal(
                "Tag the takeaway",
                "Type a competence area (or an alias) or a theme; Enter sets or removes it; "
                "Escape closes.",
                lambda typed: tag_choices(self.store, typed, takeaway_id),
                choose,
                close_after_choice=False,
            )
        )

    def action_link(self) -> None:
        """Link the selected takeaway to a pain point or a card, by typing."""
        chosen = self._selected()
        if chosen is None:
            return
        takeaway_id = chosen.id

        def choose(choice: Choice) -> str:
            linked = toggle_link(self.store, takeaway_id, choice)
            self.post_message(self.Edited())
            name = choice.label.split(":", 1)[0]
            return f"Linked to {name}." if linked else f"Link to {name} removed."

        self.app.push_screen(
            TakeawayPickModal(
                "Link the takeaway",
                "Type words of a pain point or a card (or its number or code); Enter links it "
                "(again: unlinks); Escape closes.",
                lambda typed: link_choices(self.store, typed, takeaway_id),
                choose,
                close_after_choice=True,
            )
        )

    def action_toggle_status(self, status: str) -> None:
        """Mark the selected action done or dropped, or open again if it already is."""
        row_id = self.selected_id()
        if row_id is None:
            return
        try:
            marked = toggle_action_status(self.store, row_id, status)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        self.post_message(self.Edited())
        self.notify(f"Action marked {marked}. Ctrl+Z undoes it.")

    def action_show_on_projector(self) -> None:
        """Put the selected takeaway on the projector in large type."""
        row_id = self.selected_id()
        if row_id is None:
            return
        # Imported on use: the projector is not needed for the console's first paint.
        from console.store.display import set_display

        if self._attempt(set_display, self.store, "takeaway", {"takeaway_id": row_id}):
            self.notify("On the projector now (p chooses another view).")

    def delete(self, row_id: str) -> None:
        delete_takeaway(self.store, row_id)

    def _selected(self) -> Takeaway | None:
        """Return the selected live takeaway, or None (with a message) if there is none."""
        row_id = self.selected_id()
        if row_id is None:
            self.notify("No takeaway selected.", severity="warning")
            return None
        try:
            chosen = takeaway(self.store, row_id)
        except StoreError as error:
            self.notify(str(error), severity="error")
            return None
        if chosen is None:
            self.notify("That takeaway no longer exists.", severity="error")
        return chosen
