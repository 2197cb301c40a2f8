"""The inventory pane: pain points captured as fast as people talk, themed, merged and scored."""

from __future__ import annotations

import gc
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from console.domain.capture import typed_theme
from console.domain.scoring import Item
from console.domain.text import counted
from console.domain.voting import VotingMethod
from console.store.card_links import cards_for_pain_point
from console.store.changes import EVERY_FEATURE, Feature
from console.store.display import set_display
from console.store.export import current_revision, open_read_only
from console.store.inventory import (
    PainPoint,
    assign_theme,
    capture_pain_point,
    changed_pain_points,
    create_theme,
    delete_pain_point,
    edit_pain_point,
    leading_pain_points,
    live_theme_names,
    live_themes,
    merge_pain_points,
    merge_themes,
    rename_theme,
    theme_names,
    variant_texts,
)
from console.store.inventory_votes import (
    LeadingPainPoints,
    round_votes,
    theme_items,
    voted_items_since,
)
from console.ui.common.capture import (
    MAX_PASTE_CHARS,
    CaptureHint,
    CaptureInput,
    focus_now,
    start_capture,
)
from console.ui.common.keys import HintLine, PaneKey
from console.ui.common.pane import Pane, cell
from console.ui.common.report_export import cyclic_collection_paused
from console.ui.common.text import literal
from console.ui.inventory import first_screen
from console.ui.inventory.ballot_bar import BallotInput
from console.ui.inventory.inventory_list import InventoryList, ListModel, build_model, header_line
from console.ui.inventory.inventory_modals import (
    InventoryProjectorModal,
    ProjectorChoice,
    PromptModal,
    ThemeChoice,
    ThemeChooserModal,
)
from console.ui.inventory.rounds_panel import RoundsPanel


class InventoryPane(Pane):
    """The pain-point inventory: capture, themes, duplicates and the ranking of a round."""

    TITLE = "Inventory"
    WATCHED = frozenset(
        {
            Feature.PAIN_POINTS,
            Feature.THEMES,
            Feature.PAIN_POINT_VOTES,
            Feature.ROUNDS,
            Feature.PARTICIPANTS,
            Feature.CARD_LINKS,
            Feature.CARDS,
        }
    )
    PLACEHOLDER = 'Pain point, then Enter  (#theme or its start, #"New theme", @name)'

    HANDS = Binding.Group("hands")
    ROUNDS = Binding.Group("round")
    BINDINGS: ClassVar = [
        PaneKey(
            "n,enter",
            "focus_capture",
            "new",
            tooltip="From the list: go to the capture line (Escape goes back)",
        ),
        PaneKey(
            "escape",
            "leave_input",
            "to the list",
            hint=False,
            tooltip="Leave the capture line for the list; in the list, sort again after "
            "counting hands, or clear the marks",
        ),
        PaneKey("e", "edit", "edit", tooltip="Edit the pain point (its variants are listed)"),
        PaneKey(
            "delete",
            "delete",
            "delete",
            hint=False,
            tooltip="Delete the pain point (Ctrl+Z brings it back)",
        ),
        PaneKey("space", "mark", "mark", tooltip="Mark or unmark a pain point (Escape clears)"),
        PaneKey(
            "m",
            "merge",
            "merge",
            tooltip="Merge the marked duplicates into the one under the cursor (Ctrl+Z undoes)",
        ),
        PaneKey(
            "g",
            "group",
            "theme",
            tooltip="Put the marked pain points (or the one under the cursor) into a theme",
        ),
        PaneKey(
            "r",
            "rename_theme",
            "rename theme",
            hint=False,
            tooltip="Rename the theme (of the theme list's cursor, or of the pain point)",
        ),
        # v, b, + - h, R and [ ] act in the RoundsPanel: bound here, where the focus is.
        PaneKey(
            "v",
            "new_round",
            "new round",
            tooltip="New voting round: dot vote (budget, cap per item) or hand count",
        ),
        PaneKey(
            "b",
            "ballots",
            "ballots",
            tooltip="Enter dot-vote ballots: numbers like 3 7 7 12, Enter = next delegate",
        ),
        PaneKey(
            "plus,equals_sign",
            "bump(1)",
            "one more hand",
            tooltip="Hand count: one more raised hand on the pain point under the cursor",
            group=HANDS,
        ),
        PaneKey(
            "minus",
            "bump(-1)",
            "one fewer hand",
            tooltip="Hand count: one fewer raised hand (never below zero)",
            group=HANDS,
        ),
        PaneKey(
            "h",
            "type_count",
            "type hands",
            hint=False,
            tooltip="Hand count: type the number of raised hands",
        ),
        PaneKey(
            "R",
            "reveal",
            "reveal",
            tooltip="Reveal the round's scores on the projector, or hide them again",
        ),
        PaneKey(
            "p",
            "projector",
            "projector",
            tooltip="Put the top N pain points (Enter) or themes (Ctrl+T) on the projector",
        ),
        PaneKey(
            "o",
            "toggle_order",
            "order",
            hint=False,
            tooltip="List in ranked order or in capture order",
        ),
        PaneKey(
            "left_square_bracket",
            "switch_round(-1)",
            "previous round",
            hint=False,
            tooltip="Show the previous voting round",
            group=ROUNDS,
        ),
        PaneKey(
            "right_square_bracket",
            "switch_round(1)",
            "next round",
            hint=False,
            tooltip="Show the next voting round",
            group=ROUNDS,
        ),
    ]
    HELP_TITLE = "Inventory (pain points)"
    MORE_KEYS: ClassVar = (
        (
            "#theme @name",
            'While typing: the theme (its name or start: #people; new: #"Name" or '
            "#New_name, marked before Enter) and who raised it",
        ),
        ("Up/Down, PgUp/PgDn", "Move through the pain points; Home/End first/last"),
        ("Tab", "Go to the theme list: r renames, m merges the theme into another"),
        ("Up/Down in ballots", "Previous/next delegate; re-entering replaces a ballot"),
    )

    ROW_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"edit", "delete", "mark", "group", "projector", "toggle_order", "bump", "type_count"}
    )
    """Commands on the pain point under the cursor (or on the list): none when it is empty."""

    def __init__(self, store: Any, *, id: str | None = None) -> None:
        super().__init__(store, id=id)
        self.projector_top = 10
        self._reveal_id: str | None = None
        self.themes: list[Item] = []
        """The live themes, merged ones too."""
        self._loading: Worker[tuple[int, ListModel]] | None = None
        """The worker loading every pain point after the first screen (None: all are loaded)."""
        self._loading_round: str | None = None
        self._load_pending = False
        self._eager = False
        """Load everything at once on the next full sync (after a worker failed)."""
        self._header_for = 0
        """The largest number the column titles were last lined up for."""
        self.theme_choices: list[str] = []
        """The live themes' names, which a typed #theme is matched against."""
        self._prepared: Future[LeadingPainPoints] | None = first_screen.take_reading(store)
        """The first screen of a big workshop, read on a thread (started at the console's first
        idle moment, or now) while the pane is being built."""

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, classes="pane-title", id="inventory-title")
        yield CaptureInput(
            placeholder=self.PLACEHOLDER, max_length=MAX_PASTE_CHARS, id="inventory-input"
        )
        yield CaptureHint(id="inventory-capture-hint")
        with Horizontal(id="inventory-body"):
            with Vertical(id="inventory-items"):
                yield Static(id="inventory-header")
                yield InventoryList(id="inventory-list")
            with Vertical(id="inventory-side"):
                yield Static("Themes", classes="inventory-side-title")
                table: DataTable[Any] = DataTable(
                    cursor_type="row", zebra_stripes=True, id="inventory-themes"
                )
                for label, width in (("Rank", 4), ("Theme", 16), ("Items", 5), ("Score", 5)):
                    table.add_column(label, width=width, key=label)
                yield table
                yield Static("Cards it relates to", classes="inventory-side-title")
                yield Static(id="inventory-links")
        yield RoundsPanel(store=self.store, id="inventory-rounds")
        yield HintLine(self.hint(), id="inventory-hint")

    def on_mount(self) -> None:
        if self.being_removed:
            return  # the console closed while this pane was being built: it has no children
        self.sync(0, EVERY_FEATURE)

    def on_resize(self) -> None:
        self._show_header()

    # Views of the widgets ---------------------------------------------------------------------

    @property
    def capture_input(self) -> Input:
        """Return the capture line."""
        return self.query_one("#inventory-input", Input)

    @property
    def item_list(self) -> InventoryList:
        """Return the list of pain points."""
        return self.query_one(InventoryList)

    @property
    def theme_table(self) -> DataTable[Any]:
        """Return the table of themes."""
        return self.query_one("#inventory-themes", DataTable)

    @property
    def rounds(self) -> RoundsPanel:
        """Return the voting rounds and the ballot bar."""
        return self.query_one(RoundsPanel)

    def default_focus(self) -> Widget:
        return self.item_list

    def start_focus(self) -> Widget:
        return self.capture_input

    # Keeping in step with the file ------------------------------------------------------------

    @on(InventoryList.CursorMoved)
    def _cursor_moved(self, event: InventoryList.CursorMoved) -> None:
        self._show_links(event.pain_point_id)

    def _show_links(self, pain_point_id: str | None) -> None:
        """Show the cards the pain point under the cursor is linked to (from the Cards pane)."""
        links = self.query_one("#inventory-links", Static)
        cards = cards_for_pain_point(self.store, pain_point_id) if pain_point_id else []
        if not cards:
            links.update(Text("None linked (l on a card links it).", style="dim"))
            return
        shown = Text()
        for number, card in enumerate(cards):
            shown.append("\n" if number else "")
            shown.append(f"{card.code} ", style="bold")
            shown.append_text(literal(card.title, width=32))
        links.update(shown)

    @property
    def loading(self) -> bool:
        """Tell whether the first screen is shown while the rest of the pain points load."""
        return self._load_pending or self._loading is not None

    def sync(self, since_rev: int, changed: frozenset[Feature]) -> None:
        """Take in only what changed since since_rev and re-rank."""
        if since_rev and not (changed & self.WATCHED):
            return
        if self.loading:
            return  # the loaded pain points catch up with everything written meanwhile
        if not since_rev and not self._eager and first_screen.is_big(self.store):
            self._show_first_screen()
            return
        if not since_rev or changed & {Feature.CARD_LINKS, Feature.CARDS}:
            self._show_links(self.item_list.cursor_id)
        listing = self.item_list
        full = not since_rev
        touched: set[str] = set()
        themes_changed = full or Feature.THEMES in changed
        if themes_changed:
            listing.theme_names = theme_names(self.store)
            self.theme_choices = live_theme_names(self.store)
            self._show_typed_theme(self.capture_input.value)
            self.themes = theme_items(self.store)
            listing.scores.set_themes(self.themes)
        if full or Feature.PAIN_POINTS in changed:
            touched = listing.apply_changes(changed_pain_points(self.store, since_rev))
        self.rounds.pain_points = listing.lines
        round_changed = False
        if full or Feature.ROUNDS in changed:
            round_changed = self.rounds.reload()
        current = self.rounds.current
        listing.show_scores = current is not None
        scores_moved = (
            themes_changed or round_changed or any(item in listing.tallies for item in touched)
        )
        if current is None:
            listing.count_votes([])
        elif full or round_changed:
            listing.count_votes(round_votes(self.store, current.id))
        else:
            if Feature.PAIN_POINT_VOTES in changed:
                voted = voted_items_since(self.store, current.id, since_rev)
                touched |= {listing.survivor_of(item) for item in voted}
                scores_moved = True
            if touched:
                members = listing.members(touched)
                listing.count_votes(round_votes(self.store, current.id, members), only=touched)
                scores_moved = scores_moved or any(item in listing.tallies for item in touched)
        listing.rerank()
        if self._reveal_id is not None:
            listing.show_item(self._reveal_id)
            self._reveal_id = None
        if scores_moved or full or Feature.PAIN_POINTS in changed:
            self._show_themes()
        self._show_status()
        if full or len(str(listing.largest_number)) != len(str(self._header_for)):
            self._show_header()
        self.refresh_keys()

    def _show_first_screen(self) -> None:
        """Show the round's leading pain points at once; load the rest in a worker thread."""
        listing = self.item_list
        listing.theme_names = theme_names(self.store)
        self.themes = theme_items(self.store)
        listing.scores.set_themes(self.themes)
        self.rounds.reload()
        current = self.rounds.current
        round_id = current.id if current is not None else None
        points = self._prepared_points(round_id)
        if points is None:
            points = leading_pain_points(self.store, round_id, first_screen.FIRST_SCREEN)
        listing.apply_changes(points)
        self.rounds.pain_points = listing.lines
        members = [point.id for point in points]
        listing.count_votes(round_votes(self.store, round_id, members) if round_id else [])
        listing.show_scores = current is not None
        listing.rerank()
        self._show_links(listing.cursor_id)
        self._show_status()
        self._show_header()
        self._loading_round = round_id
        self._load_pending = True
        # Started once the first screen is painted: the worker's Python work shares the
        # interpreter with the UI thread, and the first screen goes first.
        self.call_after_refresh(self._start_loading)

    def _prepared_points(self, round_id: str | None) -> list[PainPoint] | None:
        """Return the first screen read on the thread if it read the file as it is now."""
        prepared, self._prepared = self._prepared, None
        if prepared is None:
            return None
        try:
            found = prepared.result(first_screen.PREPARED_WAIT)
        except Exception:
            return None  # read again on this thread, which says what went wrong, if anything
        if found.rev != self.store.current_rev() or found.round_id != round_id:
            return None  # written to since, or another round shown: read again
        return found.points

    def _start_loading(self) -> None:
        """Load every pain point in a worker thread."""
        self._load_pending = False
        if self.being_removed:
            return
        self._loading = self.run_worker(
            partial(_load_every_pain_point, self.store.path, self._loading_round),
            name="inventory-load",
            group="inventory-load",
            thread=True,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show every pain point once the worker has loaded them, caught up with what changed."""
        worker = event.worker
        if worker is not self._loading or not worker.is_finished:
            return
        self._loading = None
        if self.being_removed:
            return
        if event.state is not WorkerState.SUCCESS or worker.result is None:
            if event.state is WorkerState.ERROR:
                self.notify(str(worker.error), severity="error")
            self._eager = True  # load on this thread instead: slower, but complete
            self.sync(0, EVERY_FEATURE)
            return
        rev, model = worker.result
        listing = self.item_list
        listing.adopt(model)
        current = self.rounds.current
        if (current.id if current is not None else None) != self._loading_round:
            # Another round was shown meanwhile ([ or ]): count its votes instead.
            listing.count_votes(round_votes(self.store, current.id) if current else [])
        # Themes, names and the round are read again: the first screen read them earlier.
        changed = self.store.changed_features(rev) | {Feature.THEMES, Feature.ROUNDS}
        self.sync(rev, changed)

    def _show_themes(self) -> None:
        """Redraw the small theme table, keeping the cursor on the same theme."""
        table = self.theme_table
        keep = self._theme_under_cursor()
        standings = self.item_list.scores.standings()
        show_scores = self.rounds.round_id is not None
        table.clear()
        for standing in standings:
            entry = standing.ranked
            rank = f"{entry.rank}{'=' if entry.tied else ''}" if show_scores else ""
            table.add_row(
                rank,
                cell(entry.item.label, 16),
                str(standing.items),
                str(entry.item.score) if show_scores else "",
                key=entry.item.item_id,
            )
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))

    def _show_status(self) -> None:
        """Show how many pain points there are and the current round."""
        listing = self.item_list
        if self.loading:
            title = Text(f"{self.TITLE}  ·  the leading pain points", style="bold")
            title.append("  ·  loading the others…", style="dim")
            self.query_one("#inventory-title", Static).update(title)
            return
        title = Text(f"{self.TITLE}  ·  {counted(listing.row_count, 'pain point')}", style="bold")
        title.append_text(self.rounds.status(listing.scores.ballots))
        if not listing.by_rank:
            title.append("  ·  capture order (o)", style="dim")
        elif listing.held:
            title.append("  ·  counting: lines stay put, ranks update (Escape sorts)", style="bold")
        self.query_one("#inventory-title", Static).update(title)

    def _show_header(self) -> None:
        """Line the column titles up with the list."""
        width = self.item_list.scrollable_content_region.width
        largest = self._header_for = self.item_list.largest_number
        self.query_one("#inventory-header", Static).update(
            Text(header_line(width, largest), style="bold")
        )

    # Capture and the rounds' messages ---------------------------------------------------------

    @on(Input.Submitted, "#inventory-input")
    def _capture(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.notify("Nothing to save: type the pain point first.", severity="warning")
            return
        saved: list[str] = []
        if self._attempt(lambda: saved.append(capture_pain_point(self.store, event.value))):
            event.input.value = ""
            self._reveal_id = saved[0]

    def on_key(self, event: events.Key) -> None:
        if not isinstance(self.app.focused, Input):
            self.type_key(event)

    def type_key(self, event: events.Key) -> bool:
        return start_capture(self.capture_input, event)

    def can_return_to(self, line: Input) -> bool:
        # The ballot line takes ballots only while its round is still open to them.
        return line is self.capture_input or self.check_action("ballots", ())

    # Which keys act now -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer a key only when its command can act now: otherwise it is text (start_capture),
        so a pain point typed at once after F3 keeps its first letter."""
        if not self.is_mounted or not self.children:
            return True
        listing = self.item_list
        focused = self.screen.focused
        if action in self.ROW_ACTIONS and not listing.row_count:
            return False
        current = self.rounds.current
        hands = (
            current is not None
            and current.method is VotingMethod.HAND_COUNT
            and current.status == "open"
        )
        match action:
            case "delete" | "mark":
                return focused is listing
            case "merge":
                if focused is self.theme_table:
                    return self.theme_table.row_count > 1
                return listing.row_count > 0 and bool(listing.marked)
            case "rename_theme":
                return self._theme_in_focus() is not None
            case "ballots":
                return (
                    current is not None
                    and current.method is VotingMethod.DOT
                    and current.status == "open"
                )
            case "bump" | "type_count":
                return hands
            case "reveal":
                return current is not None
            case "switch_round":
                step = parameters[0] if parameters else 0
                return isinstance(step, int) and self._round_after(step) is not None
        return True

    def keys_state(self) -> tuple[object, ...]:
        current = self.rounds.current
        return (
            self.item_list.row_count > 0,
            bool(self.item_list.marked),
            (current.id, current.status) if current is not None else None,
            len(self.rounds.all_rounds),
        )

    def _round_after(self, step: int) -> str | None:
        """Return the round [ (-1) or ] (+1) would show, None if there is none that way."""
        ids = [item.id for item in self.rounds.all_rounds]
        if not ids:
            return None
        index = ids.index(self.rounds.round_id) if self.rounds.round_id in ids else len(ids) - 1
        return ids[index + step] if 0 <= index + step < len(ids) else None

    @on(Input.Changed, "#inventory-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_typed_theme(event.value)

    def _show_typed_theme(self, value: str) -> None:
        """Say under the capture line which theme its #theme means (or that it is new)."""
        self.query_one(CaptureHint).show_theme(typed_theme(value, self.theme_choices))

    @on(RoundsPanel.Hint)
    def _hint(self, event: RoundsPanel.Hint) -> None:
        self.query_one(HintLine).show(event.text)

    @on(BallotInput.Close)
    def _ballots_closed(self) -> None:
        self.query_one(HintLine).show(self.hint())
        self.item_list.focus()

    # Actions ----------------------------------------------------------------------------------

    def action_focus_capture(self) -> None:
        """Go to the capture line."""
        focus_now(self.capture_input)

    def action_leave_input(self) -> None:
        """Leave the capture line for the list; in the list, sort again after counting hands,
        or clear the marks."""
        if self.app.focused is self.capture_input:
            focus_now(self.item_list)
        elif self.item_list.release_order():
            self._show_status()
        elif self.item_list.marked:
            self.item_list.clear_marks()
            self.refresh_keys()

    def action_edit(self) -> None:
        """Edit the pain point under the cursor."""
        item = self._item_under_cursor()
        if item is None:
            return
        point = self.item_list.lines[item]
        variants = [f"Variant: {text}" for text in variant_texts(self.store, item)]
        self._open(
            PromptModal(
                f"Edit pain point #{point.position}",
                point.text,
                lambda text: edit_pain_point(self.store, item, text),
                hint="Enter saves (#theme and @name change those too); Escape cancels.",
                details=variants,
            )
        )

    def action_delete(self) -> None:
        """Delete the pain point under the cursor; Ctrl+Z brings it back."""
        if self.app.focused is not self.item_list:
            return
        item = self._item_under_cursor()
        if item is None:
            return
        number = self.item_list.lines[item].position
        if self._attempt(lambda: delete_pain_point(self.store, item)):
            self.notify(f"Deleted #{number}. Ctrl+Z brings it back.")

    def action_mark(self) -> None:
        """Mark or unmark the pain point under the cursor for a merge or a theme."""
        if self.app.focused is self.item_list:
            self.item_list.toggle_mark()
            self.refresh_keys()

    def action_merge(self) -> None:
        """Merge the marked pain points into the one under the cursor, or merge two themes."""
        if self.app.focused is self.theme_table:
            self._merge_theme()
            return
        keep = self._item_under_cursor()
        if keep is None:
            return
        marked = self.item_list.marked
        if not marked:
            self.notify(
                "Mark the duplicates with Space, then press m on the one to keep.",
                severity="warning",
            )
            return
        number = self.item_list.lines[keep].position
        merged: list[int] = []
        if self._attempt(lambda: merged.append(merge_pain_points(self.store, keep, marked))):
            self.item_list.clear_marks()
            self.notify(
                f"Merged {merged[0]} into #{number}: their texts are kept as variants and "
                "their votes count for it. Ctrl+Z undoes."
            )

    def action_group(self) -> None:
        """Put the marked pain points (or the one under the cursor) into a theme."""
        listing = self.item_list
        targets = sorted(listing.marked, key=lambda item: listing.lines[item].position)
        if not targets:
            item = self._item_under_cursor()
            targets = [item] if item else []
        if not targets:
            return

        def chosen(choice: ThemeChoice | None) -> None:
            if choice is None:
                return

            def save() -> None:
                theme_id = choice.theme_id
                if choice.new_name:
                    theme_id = create_theme(self.store, choice.new_name)
                assign_theme(self.store, targets, theme_id)

            if self._attempt(save):
                listing.clear_marks()
                self.notify(f"Theme set on {len(targets)} pain point(s). Ctrl+Z undoes.")

        self.app.push_screen(
            ThemeChooserModal(
                f"Theme for {len(targets)} pain point(s)",
                live_themes(self.store),
                allow_none=True,
                allow_new=True,
            ),
            chosen,
        )

    def action_rename_theme(self) -> None:
        """Rename the theme under the theme cursor (or of the pain point under the cursor)."""
        theme_id = self._theme_in_focus()
        if theme_id is None:
            self.notify("Pick a theme first (Tab to the theme list).", severity="warning")
            return
        name = self.item_list.theme_names.get(theme_id, "")
        self._open(
            PromptModal(
                "Rename theme",
                name,
                lambda text: rename_theme(self.store, theme_id, text),
                max_length=80,
            )
        )

    def action_new_round(self) -> None:
        """Open a new voting round: a dot vote or a hand count."""
        self.rounds.new_round()

    def action_ballots(self) -> None:
        """Enter dot-vote ballots, one delegate after another."""
        self.rounds.enter_ballots()

    def action_bump(self, step: int) -> None:
        """Add or take away one raised hand on the pain point under the cursor."""
        self._hold_while_counting()
        self.rounds.bump(self._item_under_cursor(), step)

    def action_type_count(self) -> None:
        """Type the number of raised hands for the pain point under the cursor."""
        self._hold_while_counting()
        item = self._item_under_cursor()
        point = self.item_list.lines[item] if item is not None else None
        self.rounds.type_count(point, self.item_list.score_of(item) if item is not None else 0)

    def action_reveal(self) -> None:
        """Reveal the current round's scores on the projector, or hide them again."""
        self.rounds.reveal()

    def action_projector(self) -> None:
        """Put the top pain points or themes on the projector."""

        def chosen(choice: ProjectorChoice | None) -> None:
            if choice is None:
                return
            self.projector_top = choice.top
            payload = {"round_id": self.rounds.round_id, "show": choice.show, "top": choice.top}
            if self._attempt(lambda: set_display(self.store, "inventory", payload)):
                what = "pain points" if choice.show == "items" else "themes"
                hidden = "" if self.rounds.revealed else " (scores hidden until you reveal: R)"
                self.notify(f"On the projector: the top {choice.top} {what}{hidden}.")

        self.app.push_screen(InventoryProjectorModal(self.projector_top), chosen)

    def action_toggle_order(self) -> None:
        """Switch the list between ranked order and capture order."""
        self.item_list.by_rank = not self.item_list.by_rank
        self._show_status()

    def action_switch_round(self, step: int) -> None:
        """Show the previous or next voting round."""
        rounds = self.rounds
        if not rounds.switch(step) or rounds.round_id is None:
            return
        self.item_list.release_order()
        self.item_list.count_votes(round_votes(self.store, rounds.round_id))
        self.item_list.rerank()
        self._show_themes()
        self._show_status()
        self.refresh_keys()

    # Helpers ----------------------------------------------------------------------------------

    def _hold_while_counting(self) -> None:
        """In a hand-count round, keep the lines in place: the next pain point stays next."""
        current = self.rounds.current
        if current is not None and current.method is VotingMethod.HAND_COUNT:
            self.item_list.hold_order()
            self._show_status()

    def _item_under_cursor(self) -> str | None:
        """Return the pain point under the list cursor, with a hint when the list is empty."""
        item = self.item_list.cursor_id
        if item is None:
            self.notify("No pain points yet: type one and press Enter.", severity="warning")
        return item

    def _theme_under_cursor(self) -> str | None:
        """Return the theme under the theme table's cursor."""
        table = self.theme_table
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _theme_in_focus(self) -> str | None:
        """Return the theme the facilitator means: the theme table's, or the pain point's."""
        if self.app.focused is self.theme_table:
            return self._theme_under_cursor()
        item = self.item_list.cursor_id
        if item is None:
            return None
        return self.item_list.lines[item].theme_id

    def _merge_theme(self) -> None:
        """Merge the theme under the theme cursor into another theme."""
        source = self._theme_under_cursor()
        if source is None:
            return
        name = self.item_list.theme_names.get(source, "")
        others = [theme for theme in live_themes(self.store) if theme.id != source]
        if not others:
            self.notify("There is no other theme to merge into.", severity="warning")
            return

        def chosen(choice: ThemeChoice | None) -> None:
            if choice is None or choice.theme_id is None:
                return
            target = choice.theme_id
            if self._attempt(lambda: merge_themes(self.store, source, target)):
                self.notify("Themes merged; their pain points moved. Ctrl+Z undoes.")

        self.app.push_screen(
            ThemeChooserModal(f"Merge {name!r} into…", others, allow_none=False, allow_new=False),
            chosen,
        )

    def _open(self, modal: Any) -> None:
        """Open a dialog that saves by itself; sync when it has saved."""

        def closed(saved: bool | None) -> None:
            if saved:
                self.post_message(self.Edited())

        self.app.push_screen(modal, closed)


def _load_every_pain_point(path: Path, round_id: str | None) -> tuple[int, ListModel] | None:
    """Read every pain point, the themes and the round's votes in one snapshot on this thread's
    own read-only connection, and build the list from them; None if the pane went away."""
    worker = get_current_worker()
    with (
        open_read_only(path) as reader,
        reader.snapshot(),
        cyclic_collection_paused(),
        first_screen.ui_thread_first(),
    ):
        rev = current_revision(reader)
        points = changed_pain_points(reader, 0)
        themes = theme_items(reader)
        votes = round_votes(reader, round_id) if round_id is not None else []
        if worker.is_cancelled:
            return None
        model = build_model(points, themes, votes)
        del points, votes
        # The list lives as long as the pane: the collections to come need not scan it. Else
        # the first one after the pause would, holding every thread for half a second.
        gc.freeze()
        return rev, model
