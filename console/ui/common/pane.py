"""What every pane shares: a table kept in step with the file by updating rows in place."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from console.store.changes import EVERY_FEATURE, Feature
from console.store.core import StoreError, WorkshopStore
from console.ui.common.keys import (
    TYPING_HINT,
    HintLine,
    bound_actions,
    can_act,
    declared_bindings,
    hint_line,
)
from console.ui.common.text import literal

if TYPE_CHECKING:
    # Imported where a table is built: the first screen (the agenda) has none.
    from textual.widgets import DataTable


class Listed(Protocol):
    """A record a table pane lists: a row keyed by its id, which leaves the table once deleted."""

    @property
    def id(self) -> str:
        """Return the key of the record's row."""
        ...

    @property
    def deleted(self) -> bool:
        """Tell whether the record was deleted."""
        ...


ListedT = TypeVar("ListedT", bound=Listed)


class Pane(Widget):
    """A pane of the console: shows rows of one kind and stays in step with the file."""

    TITLE: ClassVar[str] = ""
    WATCHED: ClassVar[frozenset[Feature]] = frozenset()
    """Features whose changes this pane shows; a change elsewhere does not touch it."""
    HELP_TITLE: ClassVar[str] = ""
    """The pane's section title in the help and the README (blank: its TITLE)."""
    MORE_KEYS: ClassVar[tuple[tuple[str, str], ...]] = ()
    """Help rows that are not the pane's bindings: what to type, keys of its text lines."""

    class Edited(Message):
        """A pane saved something: the app brings every pane up to date."""

    def __init__(self, store: WorkshopStore, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self._left_in: Input | None = None
        """The text line that had the focus when the facilitator last left the pane."""
        self._left_before = False
        """Whether the facilitator has left the pane once: until then a pane key opens it where
        the console would open on it (start_focus), so a line typed at once is text."""
        self._keys_state: tuple[object, ...] | None = None
        """What the pane's keys depended on when they were last offered (refresh_keys)."""

    @property
    def being_removed(self) -> bool:
        """Tell whether the pane is leaving the screen (the test Textual's own recompose makes)."""
        return not self.is_attached or self._pruning

    def sync(self, since_rev: int, changed: frozenset[Feature]) -> None:
        """Show what was written after since_rev, in the features that changed."""

    @classmethod
    def hint(cls) -> str:
        """Return the pane's hint line, made from its bindings."""
        return hint_line(declared_bindings(cls))

    def on_mount(self) -> None:
        # The console may open with the focus already in the capture line, before the hint
        # line was there to follow it.
        self.call_after_refresh(lambda: self._hint_for(self.app.focused))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # The focus as it is now, not as the event says: focus can move on (and back) before
        # the event is handled, and the hint must follow where the keys go.
        self._hint_for(self.screen.focused or event.widget)

    def _hint_for(self, focused: Widget | None) -> None:
        """In a capture line letters are text: the hint says so rather than offer letter keys."""
        hints = self.query(HintLine)
        if not hints or focused is None or self not in focused.ancestors:
            return
        if isinstance(focused, Input) and focused.id == f"{self.id}-input":
            hints.first().show(TYPING_HINT)
        elif not isinstance(focused, Input):
            hints.first().show(self.hint())

    def default_focus(self) -> Widget:
        """Return where the keyboard focus goes when the facilitator opens this pane."""
        return self

    def start_focus(self) -> Widget:
        """Return where the keyboard focus is when the console opens on this pane, or a pane key
        first shows it."""
        return self.default_focus()

    def leave(self, focused: Widget | None) -> None:
        """Remember the text line the facilitator leaves the pane in (None: not in a line)."""
        inside = isinstance(focused, Input) and self in focused.ancestors
        self._left_in = focused if inside else None
        self._left_before = True

    def take_focus(self) -> None:
        """Put the focus where a pane key puts it (return_focus), at once: a line keeps its
        text as it was left, not selected anew by the focus (a ballot line selects on focus),
        so that typing goes on where it stopped."""
        target = self.return_focus()
        self.screen.set_focus(target)
        if target is self._left_in and isinstance(target, Input):
            # Queued behind the focus, which selects, and before the keys typed next.
            target.call_later(setattr, target, "selection", target.selection)

    def return_focus(self) -> Widget:
        """Return where a pane key puts the focus: on the first visit where the console would
        open on the pane, then the line the facilitator left the pane in, so that typing goes
        on as text, or else the list."""
        if not self._left_before:
            return self.start_focus()
        line = self._left_in
        if (
            line is not None
            and line.is_attached
            and line.focusable
            and _shown_within(line, self)
            and self.can_return_to(line)
        ):
            return line
        return self.default_focus()

    def can_return_to(self, line: Input) -> bool:
        """Tell whether a pane key goes back to this line the pane was left in: a capture or
        ballot line that still takes typing (a search line: no, the list is where keys act)."""
        return False

    def keys_state(self) -> tuple[object, ...]:
        """Return what the pane's check_action depends on (its keys act or are text by it)."""
        return ()

    def refresh_keys(self) -> None:
        """Offer the keys anew when what they depend on changed (not on every sync: the
        footer's redraw is not free)."""
        state = self.keys_state()
        if state == self._keys_state:
            return
        first, self._keys_state = self._keys_state is None, state
        if not first:  # the first time, the footer reads the keys as the pane is shown
            self.refresh_bindings()

    def disabled_key(self, key: str) -> bool:
        """Tell whether the pane binds a key and none of its commands can act now: then the
        key is text, even where the console binds it too (p)."""
        actions = bound_actions(type(self), key)
        return bool(actions) and not any(can_act(self, action) for action in actions)

    def type_key(self, event: events.Key) -> bool:
        """Type a printable key into the pane's text line; tell whether the pane took it."""
        return False

    def _attempt(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """Run one user action; bring the console up to date, or show its one-line refusal."""
        try:
            action(*args, **kwargs)
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return False
        self.post_message(self.Edited())
        return True


class TablePane(Pane, Generic[ListedT]):
    """A pane whose main content is a table of records keyed by id."""

    COLUMNS: ClassVar[Sequence[tuple[str, int]]] = ()
    """Column labels and fixed widths in cells.

    Widths are fixed because DataTable caches rendered cells without their column's width: an
    auto-width column that grows after its first paint keeps showing the old, narrower cells.
    """

    def compose(self) -> ComposeResult:
        from textual.widgets import DataTable

        yield Static(self.TITLE, classes="pane-title")
        table: DataTable[Any] = DataTable(
            cursor_type="row", zebra_stripes=True, id=f"{self.id}-table"
        )
        for label, width in self.COLUMNS:
            # A Text label is not read as markup: a str one would load Rich's emoji table.
            table.add_column(Text(label), width=width, key=label)
        yield table
        yield HintLine(self.hint())

    def on_mount(self) -> None:
        # Textual calls this after a subclass's own on_mount: subclasses must not call it again.
        if self.being_removed:
            return  # the console closed while this pane was being built: it has no children
        self.sync(0, EVERY_FEATURE)

    @property
    def table(self) -> DataTable[Any]:
        """Return the pane's table."""
        from textual.widgets import DataTable

        return self.query_one(DataTable)

    def fetch(self, since_rev: int) -> Sequence[ListedT]:
        """Return the records written after since_rev, deleted ones included."""
        raise NotImplementedError

    def cells(self, record: ListedT) -> Sequence[Text | str]:
        """Return a record's cells as shown."""
        raise NotImplementedError

    def is_gone(self, record: ListedT) -> bool:
        """Tell whether a record's row should leave the table."""
        return record.deleted

    def sync(self, since_rev: int, changed: frozenset[Feature]) -> None:
        """Add, update or remove only the rows that changed."""
        if since_rev and not (changed & self.WATCHED):
            return
        self.update_rows(self.fetch(since_rev))

    def update_rows(
        self, records: Iterable[ListedT], shows: Callable[[ListedT], bool] | None = None
    ) -> None:
        """Add, update or remove the table rows of these records, in place."""
        table = self.table
        for record in records:
            key = record.id
            present = key in table.rows
            if not (shows(record) if shows else not self.is_gone(record)):
                if present:
                    table.remove_row(key)
                continue
            cells = self.cells(record)
            if present:
                for column, value in zip(table.columns, cells, strict=True):
                    table.update_cell(key, column, value)
            else:
                table.add_row(*cells, key=key)

    def default_focus(self) -> Widget:
        return self.table

    def selected_id(self) -> str | None:
        """Return the id of the row under the cursor."""
        table = self.table
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


def _shown_within(widget: Widget, pane: Widget) -> bool:
    """Tell whether a widget and its containers up to the pane are displayed (a closed ballot
    bar is not)."""
    node: Any = widget
    while node is not None and node is not pane:
        if not node.display:
            return False
        node = node.parent
    return node is pane


def cell(text: object, width: int | None = None) -> Text:
    """Return a literal cell, truncated to width cells."""
    return literal(text, width=width)
