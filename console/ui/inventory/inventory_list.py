"""A virtual list of pain points: it draws only the visible lines, so 10,000 rows stay instant."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console.domain.ranking import Scored, display_key
from console.domain.scoring import Item, LiveScores, Tally, Vote, scored
from console.domain.text import cell_width, one_line_preview
from console.store.inventory import PainPoint

NUMBER_WIDTH = 6
RANK_WIDTH = 5
SCORE_WIDTH = 6
VARIANTS_WIDTH = 4
WIDE = 95
"""From this width on, the theme column is wider and the raiser is shown."""


def side_widths(width: int) -> tuple[int, int]:
    """Return the widths of the theme and raised-by columns for a list this wide."""
    return (18, 10) if width >= WIDE else (14, 0)


def number_widths(largest: int) -> tuple[int, int]:
    """Return the widths of the # and Rank columns when numbers go up to largest."""
    digits = len(str(largest))  # a rank may carry "=", and every column ends with a space
    return max(NUMBER_WIDTH, digits + 1), max(RANK_WIDTH, digits + 2)


def header_line(width: int, largest: int = 0) -> str:
    """Return the column titles lined up with the list's lines."""
    theme_width, by_width = side_widths(width)
    text_width = max(10, width - _fixed_width(width, largest))
    number_width, rank_width = number_widths(largest)
    return (
        "  "
        + "#".ljust(number_width)
        + "Rank".ljust(rank_width)
        + "Score".rjust(SCORE_WIDTH - 1)
        + " "
        + " "
        + "Pain point".ljust(text_width)
        + "".ljust(VARIANTS_WIDTH)
        + "Theme".ljust(theme_width)
        + "By".ljust(by_width)[:by_width]
    )


def _fixed_width(width: int, largest: int = 0) -> int:
    """Return the cells every column but the text takes."""
    return (
        2 + sum(number_widths(largest)) + SCORE_WIDTH + 1 + VARIANTS_WIDTH + sum(side_widths(width))
    )


@dataclass
class ListModel:
    """What the list shows, built apart from the widget (in a worker thread for a big file)."""

    lines: dict[str, PainPoint]
    scores: LiveScores
    ranking: SortedIds
    largest_position: int
    """The largest number among the pain points: the # and Rank columns are as wide as it."""


def build_model(
    points: Iterable[PainPoint], themes: Iterable[Item], votes: Iterable[Vote]
) -> ListModel:
    """Score every pain point and rank them: touches no widget, so any thread may."""
    lines = {point.id: point for point in points if point.deleted_at is None}
    scores = LiveScores()
    scores.set_themes(themes)
    scores.apply_rows((point.id, point.merged_into_id, point.theme_id) for point in lines.values())
    scores.count_votes(votes)
    shown = [
        scored(
            Item(point.id, point.text, point.position, point.created_at), scores.tallies.get(item)
        )
        for item, point in lines.items()
        if scores.is_shown(item)
    ]
    ranking = SortedIds(display_key)
    ranking.reset(shown)
    largest = max((point.position for point in lines.values()), default=0)
    return ListModel(lines, scores, ranking, largest)


class InventoryList(ScrollView, can_focus=True):
    """Pain points in ranked (or capture) order with a cursor and marks; only visible lines draw."""

    @dataclass
    class CursorMoved(Message):
        """The cursor is on another pain point (None: the list is empty)."""

        pain_point_id: str | None

    BINDINGS: ClassVar = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar = {
        "inventory-list--cursor",
        "inventory-list--marked",
        "inventory-list--dim",
    }

    DEFAULT_CSS = """
    InventoryList {
        overflow-x: hidden;
    }
    InventoryList > .inventory-list--cursor {
        background: $accent 40%;
        text-style: bold;
    }
    InventoryList:focus > .inventory-list--cursor {
        background: $accent;
        color: $text;
    }
    InventoryList > .inventory-list--marked {
        color: $warning;
        text-style: bold;
    }
    InventoryList > .inventory-list--dim {
        color: $text-muted;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)
    by_rank: reactive[bool] = reactive(True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: dict[str, PainPoint] = {}
        self._largest_position = 0
        """Every pain point not deleted, variants included, by id."""
        self.scores = LiveScores()
        """The round's scores, merges and theme totals, kept up to date change by change."""
        self.theme_names: dict[str, str] = {}
        self.marked: set[str] = set()
        self.show_scores = False
        self.ranking = SortedIds(display_key)
        """The shown pain points in the documented ranking order."""
        self._captured: SortedIds | None = None
        """Capture order, sorted when first shown (o) and kept from then on."""
        """The shown pain points in capture order."""
        self._dirty: set[str] | None = None
        """Pain points to place again at the next rerank; None: all of them."""
        self._held: list[str] | None = None
        """While hands are counted: the order the lines keep (ranks and scores change beside
        them, so the cursor and the next pain point stay where the facilitator's eye is)."""

    # Model ------------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Return how many pain points the list shows."""
        return len(self.order)

    @property
    def cursor_id(self) -> str | None:
        """Return the id of the pain point under the cursor."""
        if not self.order:
            return None
        return self.order[min(self.cursor, len(self.order) - 1)]

    def shown_ids(self) -> list[str]:
        """Return the ids in the order the list shows them."""
        return list(self.order)

    @property
    def tallies(self) -> dict[str, Tally]:
        """Return score and voters per shown pain point that got votes."""
        return self.scores.tallies

    @property
    def variants(self) -> dict[str, set[str]]:
        """Return the rows merged into each shown pain point."""
        return self.scores.variants

    def members(self, item_ids: Iterable[str]) -> list[str]:
        """Return the pain points with their variants: the rows whose votes make their score."""
        return self.scores.members(item_ids)

    def survivor_of(self, item_id: str) -> str:
        """Return the shown pain point a row counts towards (itself when it counts for none)."""
        return self.scores.survivor.get(item_id, item_id)

    def is_shown(self, item_id: str) -> bool:
        """Tell whether a row is a shown pain point (live and merged into nothing)."""
        return self.scores.is_shown(item_id)

    def apply_changes(self, points: Iterable[PainPoint]) -> set[str]:
        """Take in changed pain points; return the shown ids whose score may change."""
        changed: set[str] = set()
        live: list[tuple[str, str | None, str | None]] = []
        gone: list[str] = []
        for point in points:
            item = point.id
            changed.add(item)
            self.lines.pop(item, None)
            if point.deleted_at is not None or point.merged_into_id is not None:
                self.marked.discard(item)
            if point.deleted_at is None:
                self.lines[item] = point
                self._largest_position = max(self._largest_position, point.position)
                live.append((item, point.merged_into_id, point.theme_id))
            else:
                gone.append(item)
        touched = changed | self.scores.apply_rows(live, gone) if changed else set()
        self._mark_dirty(touched)
        return touched

    def count_votes(self, votes: Iterable[Vote], only: set[str] | None = None) -> None:
        """Add up votes into the tallies: all of them, or only those of the given items."""
        self.scores.count_votes(votes, only)
        if only is None:
            self._dirty = None
        else:
            self._mark_dirty(only)

    def score_of(self, item_id: str) -> int:
        """Return a shown pain point's score."""
        entry = self.tallies.get(item_id)
        return entry.score if entry else 0

    def rank_of(self, item_id: str) -> tuple[int, bool]:
        """Return a shown pain point's competition rank and whether it shares it."""
        return self.ranking.rank_of(item_id)

    def rerank(self, *, full: bool = False) -> None:
        """Place the changed pain points (or all) in the ranking again; redraw the visible lines."""
        keep = self.cursor_id
        if full or self._dirty is None:
            shown = [self._scored(item) for item in self.lines if self.is_shown(item)]
            self.ranking.reset(shown)
            self._captured = None
        else:
            for item in self._dirty:
                if not self.is_shown(item):
                    self.ranking.remove(item)
                    if self._captured is not None:
                        self._captured.remove(item)
                else:
                    entry = self._scored(item)
                    self.ranking.put(entry)
                    if self._captured is not None:
                        self._captured.put(entry)
        self._dirty = set()
        if self._held is not None:
            self._held = self._still_held(self._held)
        self._place_cursor(keep)

    def adopt(self, model: ListModel) -> None:
        """Show a model built elsewhere in place of this one, keeping the cursor's pain point."""
        keep = self.cursor_id
        self.lines = model.lines
        self._largest_position = model.largest_position
        self.scores = model.scores
        self.ranking = model.ranking
        self._captured = None
        self.marked &= model.lines.keys()
        self._dirty = set()
        if self._held is not None:
            self._held = self._still_held(self._held)
        self._place_cursor(keep)

    def _place_cursor(self, keep: str | None) -> None:
        """Size the list to its rows, put the cursor back on keep (if shown) and redraw."""
        self.virtual_size = Size(0, len(self.order))
        index = self._index_of(keep) if keep is not None else None
        self.cursor = index if index is not None else min(self.cursor, max(len(self.order) - 1, 0))
        self.refresh()

    @property
    def held(self) -> bool:
        """Tell whether the lines keep their order while hands are counted."""
        return self._held is not None

    def hold_order(self) -> None:
        """Keep the lines where they are from now on; ranks and scores still change beside them."""
        if self._held is None:
            self._held = list(self._active.ids)

    def release_order(self) -> bool:
        """Sort the lines again, the cursor staying on its pain point; say if they were held."""
        if self._held is None:
            return False
        keep = self.cursor_id
        self._held = None
        index = self._index_of(keep) if keep is not None else None
        self.cursor = index if index is not None else min(self.cursor, max(len(self.order) - 1, 0))
        self.refresh()
        return True

    def _still_held(self, held: list[str]) -> list[str]:
        """Return the held order without the pain points gone, new ones at the end."""
        shown = self._active.key_of
        kept = [item for item in held if item in shown]
        if len(kept) != len(shown):
            known = set(kept)
            kept += [item for item in self._active.ids if item not in known]
        return kept

    def _index_of(self, item_id: str) -> int | None:
        """Return where the list shows a pain point, or None."""
        if self._held is None:
            return self._active.index_of(item_id)
        return self._held.index(item_id) if item_id in self._active.key_of else None

    def show_item(self, item_id: str) -> None:
        """Put the cursor on a pain point and scroll it into view."""
        index = self._index_of(item_id)
        if index is not None:
            self.cursor = index

    @property
    def order(self) -> list[str]:
        """Return the shown ids in the order the list shows them (do not change it)."""
        return self._held if self._held is not None else self._active.ids

    @property
    def _active(self) -> SortedIds:
        """Return the order the list shows."""
        return self.ranking if self.by_rank else self.capture_order

    @property
    def capture_order(self) -> SortedIds:
        """Return the shown pain points in capture order."""
        if self._captured is None:
            # At 100,000 pain points the second order would hold 13 MB that most sessions
            # never show: it is sorted when first asked for (rows come nearly in order).
            self._captured = SortedIds(_capture_key)
            self._captured.reset(self._scored(item) for item in self.lines if self.is_shown(item))
        return self._captured

    def _mark_dirty(self, items: Iterable[str]) -> None:
        """Remember pain points to place again at the next rerank."""
        if self._dirty is not None:
            self._dirty.update(items)

    def _scored(self, item_id: str) -> Scored:
        """Return a shown pain point's ranking entry from its record and tally."""
        point = self.lines[item_id]
        item = Item(point.id, point.text, point.position, point.created_at)
        return scored(item, self.tallies.get(item_id))

    def toggle_mark(self) -> None:
        """Mark or unmark the pain point under the cursor."""
        item = self.cursor_id
        if item is None:
            return
        if item in self.marked:
            self.marked.discard(item)
        else:
            self.marked.add(item)
        self.refresh()

    def clear_marks(self) -> None:
        """Unmark every pain point."""
        self.marked.clear()
        self.refresh()

    def line_text(self, item_id: str) -> str:
        """Return a pain point's line as plain text, as the list draws it at its width."""
        return "".join(segment.text for segment in self._segments(item_id, self._width()))

    # Drawing ----------------------------------------------------------------------------------

    def watch_cursor(self, cursor: int) -> None:
        """Keep the cursor on a line and in view, and tell the pane which pain point it is on."""
        self.post_message(self.CursorMoved(self.cursor_id))
        if not self.order:
            return
        if cursor < 0 or cursor >= len(self.order):
            self.cursor = max(0, min(cursor, len(self.order) - 1))
            return
        height = max(self.scrollable_content_region.height, 1)
        top = round(self.scroll_y)
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif cursor >= top + height:
            self.scroll_to(y=cursor - height + 1, animate=False, immediate=True)
        self.refresh()

    def watch_by_rank(self) -> None:
        """Switch between ranked and capture order, keeping the cursor's pain point."""
        self._held = None
        self.rerank()

    def render_line(self, y: int) -> Strip:
        """Draw one visible line."""
        index = round(self.scroll_y) + y
        width = self._width()
        if index >= len(self.order):
            return Strip.blank(width, self.rich_style)
        item = self.order[index]
        style = self.rich_style
        if index == self.cursor:
            style = style + self.get_component_rich_style("inventory-list--cursor")
        segments = [
            Segment(segment.text, style + segment.style if segment.style else style)
            for segment in self._segments(item, width)
        ]
        return Strip(segments).adjust_cell_length(width, style)

    def _width(self) -> int:
        """Return the drawing width."""
        return max(self.scrollable_content_region.width, _fixed_width(0, self.largest_number) + 10)

    @property
    def largest_number(self) -> int:
        """Return the largest number a # or Rank cell may show (the columns grow to fit it)."""
        return max(len(self.lines), self._largest_position)

    def _segments(self, item_id: str, width: int) -> list[Segment]:
        """Return one pain point's cells as segments (user text never parsed as markup)."""
        point = self.lines[item_id]
        marked = item_id in self.marked
        mark_style = self.get_component_rich_style("inventory-list--marked") if marked else None
        dim = self.get_component_rich_style("inventory-list--dim")
        rank = ""
        score = ""
        if self.show_scores:
            score_value = self.score_of(item_id)
            place, tied = self.ranking.rank_of(item_id)
            rank = f"{place}{'=' if tied else ''}"
            score = str(score_value)
        variants = len(self.variants.get(item_id, ()))
        theme_width, by_width = side_widths(width)
        largest = self.largest_number
        text_width = max(10, width - _fixed_width(width, largest))
        number_width, rank_width = number_widths(largest)
        theme = self.theme_names.get(point.theme_id or "", "")
        by = room_marker(point) or point.raised_by
        # Without a raised-by column, a pain point from a phone says so before its text.
        before = f"{by} " if by_width == 0 and point.origin == "room" else ""
        return [
            Segment("● " if marked else "  ", mark_style),
            Segment(str(point.position).ljust(number_width), dim),
            Segment(rank.ljust(rank_width)),
            Segment(score.rjust(SCORE_WIDTH - 1) + " ", Style(bold=True)),
            Segment(" "),
            *([Segment(before, dim)] if before else []),
            Segment(_cell(point.text, text_width - len(before)), mark_style),
            Segment(_cell(f"+{variants}" if variants else "", VARIANTS_WIDTH), dim),
            Segment(_cell(theme, theme_width)),
            Segment(_cell(by, by_width) if by_width else "", dim),
        ]

    # Handlers and actions ---------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """Move the cursor to the clicked line."""
        index = round(self.scroll_y) + event.y
        if 0 <= index < len(self.order):
            self.cursor = index

    def action_cursor_up(self) -> None:
        """Move up one pain point."""
        self.cursor = max(0, self.cursor - 1)

    def action_cursor_down(self) -> None:
        """Move down one pain point."""
        self.cursor = min(len(self.order) - 1, self.cursor + 1)

    def action_page_up(self) -> None:
        """Move up one screen."""
        self.cursor = max(0, self.cursor - max(self.scrollable_content_region.height - 1, 1))

    def action_page_down(self) -> None:
        """Move down one screen."""
        step = max(self.scrollable_content_region.height - 1, 1)
        self.cursor = min(len(self.order) - 1, self.cursor + step)

    def action_first(self) -> None:
        """Go to the first pain point."""
        self.cursor = 0

    def action_last(self) -> None:
        """Go to the last pain point."""
        self.cursor = max(len(self.order) - 1, 0)


def room_marker(point: PainPoint) -> str:
    """Return 'room·7' for a pain point sent from delegate 7's phone, '' for one typed here."""
    if point.origin != "room":
        return ""
    return f"room·{point.raised_by}" if point.raised_by else "room"


def _cell(text: str, width: int) -> str:
    """Return text on one line cut to width cells, padded to exactly width cells."""
    shown = one_line_preview(text, width - 1)
    return shown + " " * max(0, width - cell_width(shown))


def _capture_key(entry: Scored) -> tuple[int, str, str]:
    """Return the sort key of capture order."""
    return entry.position, entry.created_at, entry.item_id


class SortedIds:
    """Ids kept sorted by a key of their ranking entries, changed one at a time by bisection."""

    def __init__(self, key: Callable[[Scored], tuple[Any, ...]]) -> None:
        self.key = key
        self.keys: list[tuple[Any, ...]] = []
        self.ids: list[str] = []
        self.key_of: dict[str, tuple[Any, ...]] = {}

    def reset(self, entries: Iterable[Scored]) -> None:
        """Sort all entries afresh."""
        keyed = sorted((self.key(entry), entry.item_id) for entry in entries)
        self.keys = [key for key, _item in keyed]
        self.ids = [item for _key, item in keyed]
        self.key_of = dict(zip(self.ids, self.keys, strict=True))

    def put(self, entry: Scored) -> None:
        """Insert an entry, or move it to where its new key belongs."""
        self.remove(entry.item_id)
        key = self.key(entry)
        index = bisect_left(self.keys, key)
        self.keys.insert(index, key)
        self.ids.insert(index, entry.item_id)
        self.key_of[entry.item_id] = key

    def remove(self, item_id: str) -> None:
        """Take an id out, if it is there."""
        key = self.key_of.pop(item_id, None)
        if key is not None:
            index = bisect_left(self.keys, key)
            del self.keys[index]
            del self.ids[index]

    def index_of(self, item_id: str) -> int | None:
        """Return where an id is, or None."""
        key = self.key_of.get(item_id)
        return None if key is None else bisect_left(self.keys, key)

    def rank_of(self, item_id: str) -> tuple[int, bool]:
        """Return the competition rank under the display key (equal score and voters tie)."""
        key = self.key_of[item_id]
        start = bisect_left(self.keys, (key[0], key[1]))
        end = bisect_left(self.keys, (key[0], key[1] + 1))
        return start + 1, end - start > 1
