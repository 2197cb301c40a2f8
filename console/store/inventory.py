"""Pain points and their themes: capture, edit, delete, merge duplicates, group into themes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from console.domain.capture import parse_pain_point
from console.domain.scoring import survivors
from console.domain.text import clean_user_text
from console.store.core import Row, StoreError, Transaction, WorkshopStore
from console.store.export import Reader, ReadOnlyWorkshop

MAX_THEME_CHARS = 80


@dataclass(frozen=True, slots=True)
class PainPoint:
    """A pain point as stored: live, deleted (deleted_at) or merged (merged_into_id)."""

    id: str
    text: str
    position: int
    raised_by: str
    theme_id: str | None
    merged_into_id: str | None
    created_at: str
    deleted_at: str | None
    origin: str = "console"
    """Where it was captured: 'console' (typed by the facilitator) or 'room' (a phone)."""


@dataclass(frozen=True)
class Theme:
    """A live theme (not deleted, not merged into another)."""

    id: str
    name: str
    position: int
    created_at: str


_POINT_COLUMNS = (
    "id, text, position, raised_by, theme_id, merged_into_id, created_at, deleted_at, origin"
)


def changed_pain_points(store: Reader, since_rev: int = 0) -> list[PainPoint]:
    """Return pain points written after since_rev (deleted and merged ones included)."""
    return _pain_points(
        store.rows(
            f"SELECT {_POINT_COLUMNS} "
            # The revision's index, not the position's: the position index would read every row.
            "FROM pain_points INDEXED BY pain_points_rev WHERE rev > ? ORDER BY position",
            [since_rev],
        )
    )


def _pain_points(rows: Iterable[tuple[Any, ...]]) -> list[PainPoint]:
    """Build pain points from rows of _POINT_COLUMNS, in the order given."""
    # Themes, raisers and origins repeat across thousands of rows: one string each, shared
    # (at 100,000 pain points this keeps 20 MB out of the console).
    shared: dict[str | None, str | None] = {}
    return [
        PainPoint(
            id,
            text,
            int(position),
            shared.setdefault(raised_by, raised_by),
            shared.setdefault(theme_id, theme_id),
            merged_into_id,
            created_at,
            deleted_at,
            shared.setdefault(origin, origin),
        )
        for (
            id,
            text,
            position,
            raised_by,
            theme_id,
            merged_into_id,
            created_at,
            deleted_at,
            origin,
        ) in rows
    ]


def has_more_pain_points(store: Reader, count: int) -> bool:
    """Tell whether the workshop holds more than count pain points (reading at most count+1)."""
    rows = store.query(
        "SELECT count(*) AS n FROM (SELECT 1 FROM pain_points WHERE deleted_at IS NULL LIMIT ?)",
        [count + 1],
    )
    return int(rows[0]["n"]) > count


def leading_pain_points(
    store: WorkshopStore | ReadOnlyWorkshop, round_id: str | None, count: int
) -> list[PainPoint]:
    """Return the live pain points a round's ranking starts with: at least the first count shown
    ones (all those tied with the last of them too) and the rows merged into them.

    Without a round that is the first count by number. With one, the round's kept scores
    (pain_point_scores) are read best first; the few pain points that merges touch are added whole,
    so that domain/scoring can score what is returned exactly as it scores everything.
    """
    with store.snapshot():
        merged = store.query(
            "SELECT id, merged_into_id FROM pain_points "
            "WHERE merged_into_id IS NOT NULL AND deleted_at IS NULL"
        )
        chains: dict[str, str | None] = {row["id"]: row["merged_into_id"] for row in merged}
        targets = {into for into in chains.values() if into is not None} - chains.keys()
        for live in _points_by_id(store, targets):
            chains[live.id] = None
        survivor = survivors(chains)
        # Pain points with rows merged into them, and the rows themselves: returned whole.
        merging = {end for row, end in survivor.items() if end != row}
        chosen = set(merging) | {row for row, end in survivor.items() if end in merging}
        skip = chains.keys() | merging  # merged rows are not shown; merging ones are chosen
        if round_id is not None:
            chosen |= _best_scored(store, round_id, count + len(merging), skip)
        # Too few with votes: pain points without any follow by their number.
        filler = store.rows(
            f"SELECT {_POINT_COLUMNS} FROM pain_points INDEXED BY pain_points_position "
            "WHERE deleted_at IS NULL AND merged_into_id IS NULL ORDER BY position LIMIT ?",
            [count + len(chosen) if len(chosen - chains.keys()) < count else 0],
        )
        points = {point.id: point for point in _pain_points(filler)}
        points.update((point.id, point) for point in _points_by_id(store, chosen - points.keys()))
    return sorted(points.values(), key=lambda point: (point.position, point.created_at))


def _best_scored(store: Reader, round_id: str, count: int, skip: set[str]) -> set[str]:
    """Return the pain points with the most points then voters in a round: at least count live
    ones not in skip, with every pain point tied with the last of them."""
    limit = count * 2 + 10
    while True:
        rows = store.query(
            _BEST_SCORED,
            {
                "round": round_id,
                "limit": limit,
                "count": count,
                "skip": json.dumps(sorted(skip)),
                "tied": count + len(skip),
            },
        )
        seen = {row["id"]: row["n"] for row in rows if row["kind"] == "seen"}
        if seen["found"] >= count or seen["read"] < limit:
            break
        limit *= 4  # deleted pain points kept their votes: look further down
    return {row["id"] for row in rows if row["kind"] == "best"}


# The round's kept scores (pain_point_scores, in step with its votes) are read best first from
# their index: the first rows give the cut, the last shown pain point's score and voters, and the
# same index gives the pain points tied with it, which rank by their number (the lowest numbers
# are shown). Two rows say how many rows were read and how many of them were live, to look
# further down if too few were.
_BEST_SCORED = """
WITH top AS (
    SELECT pain_point_id AS id, score, voters FROM pain_point_scores
    WHERE round_id = :round ORDER BY score DESC, voters DESC LIMIT :limit
),
found AS (
    SELECT top.id, top.score, top.voters FROM top JOIN pain_points p ON p.id = top.id
    WHERE p.deleted_at IS NULL AND top.id NOT IN (SELECT value FROM json_each(:skip))
),
cut AS (
    SELECT score, voters FROM (
        SELECT score, voters FROM found ORDER BY score DESC, voters DESC LIMIT :count
    ) ORDER BY score, voters LIMIT 1
)
SELECT 'seen' AS kind, 'read' AS id, count(*) AS n FROM top
UNION ALL
SELECT 'seen', 'found', count(*) FROM found
UNION ALL
SELECT 'best', found.id, 0 FROM found, cut
WHERE found.score > cut.score OR (found.score = cut.score AND found.voters > cut.voters)
UNION ALL
SELECT 'best', id, 0 FROM (
    SELECT s.pain_point_id AS id
    FROM cut CROSS JOIN pain_point_scores s CROSS JOIN pain_points p ON p.id = s.pain_point_id
    WHERE s.round_id = :round AND s.score = cut.score AND s.voters = cut.voters
        AND p.deleted_at IS NULL AND p.merged_into_id IS NULL
    ORDER BY p.position, p.created_at LIMIT :tied
) WHERE id NOT IN (SELECT value FROM json_each(:skip))
"""


def _points_by_id(store: Reader, ids: set[str]) -> list[PainPoint]:
    """Return the live pain points among ids."""
    chosen = sorted(ids)
    found: list[PainPoint] = []
    for start in range(0, len(chosen), 500):
        chunk = chosen[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found.extend(
            _pain_points(
                store.rows(
                    f"SELECT {_POINT_COLUMNS} FROM pain_points "
                    f"WHERE id IN ({marks}) AND deleted_at IS NULL",
                    chunk,
                )
            )
        )
    return found


def live_themes(store: WorkshopStore) -> list[Theme]:
    """Return the themes that are neither deleted nor merged, in their order."""
    rows = store.query(
        "SELECT id, name, position, created_at FROM themes "
        "WHERE deleted_at IS NULL AND merged_into_id IS NULL ORDER BY position, created_at"
    )
    return [Theme(**row) for row in rows]


def live_theme_names(store: WorkshopStore) -> list[str]:
    """Return the names a typed #theme is matched against: the live themes', in their order."""
    return [theme.name for theme in live_themes(store)]


def theme_names(store: WorkshopStore) -> dict[str, str]:
    """Return every theme's name by id (merged and deleted ones too, for old rows)."""
    return {row["id"]: row["name"] for row in store.query("SELECT id, name FROM themes")}


def capture_pain_point(store: WorkshopStore, raw: str) -> str:
    """Save one pain point typed by the facilitator (with optional #theme and @name tokens).

    The pain point is tied to the running (or paused) agenda item, if there is one. A #theme
    means a live theme when it spells or starts one's name (console.domain.capture); an
    ambiguous one is refused with a one-line message and nothing is saved.
    """
    draft = parse_pain_point(raw, live_theme_names(store))
    with store.write() as transaction:
        position = store.query("SELECT coalesce(max(position), 0) + 1 AS next FROM pain_points")[0]
        theme_id = _theme_for(store, transaction, draft.theme) if draft.theme else None
        running = store.query(
            "SELECT id FROM agenda_items WHERE status IN ('running', 'paused') "
            "AND deleted_at IS NULL ORDER BY updated_at DESC LIMIT 1"
        )
        raised_by = draft.raised_by or ""
        return transaction.insert(
            "pain_points",
            {
                "text": draft.text,
                "theme_id": theme_id,
                "raised_by": raised_by,
                "participant_id": _participant_for(store, raised_by),
                "agenda_item_id": running[0]["id"] if running else None,
                "position": position["next"],
            },
        )


def edit_pain_point(store: WorkshopStore, pain_point_id: str, raw: str) -> None:
    """Replace a pain point's text (undoable); #theme and @name tokens change those too."""
    draft = parse_pain_point(raw, live_theme_names(store))
    with store.write("edit pain point") as transaction:
        _live_pain_point(store, pain_point_id)
        values: dict[str, object] = {"text": draft.text}
        if draft.theme:
            values["theme_id"] = _theme_for(store, transaction, draft.theme)
        if draft.raised_by:
            values["raised_by"] = draft.raised_by
            values["participant_id"] = _participant_for(store, draft.raised_by)
        transaction.update("pain_points", pain_point_id, values, undoable=True)


def delete_pain_point(store: WorkshopStore, pain_point_id: str) -> None:
    """Soft-delete a pain point so that it can be undone."""
    with store.write("delete pain point") as transaction:
        transaction.soft_delete("pain_points", pain_point_id)


def merge_pain_points(store: WorkshopStore, keep_id: str, duplicate_ids: Sequence[str]) -> int:
    """Merge duplicates into the pain point kept, as its variants (undoable); return how many.

    Variants keep their text and votes; the kept pain point's score includes their votes.
    Variants of a merged duplicate become variants of the kept one, so the console never nests
    variants (files merged by id can: console.domain.scoring follows such chains).
    """
    others = list(dict.fromkeys(item for item in duplicate_ids if item != keep_id))
    if not others:
        raise ValueError(
            "A pain point cannot be merged with itself: mark its duplicates with Space, "
            "then press m on the one to keep."
        )
    with store.write(f"merge {len(others) + 1} pain points") as transaction:
        _live_pain_point(store, keep_id)
        for other in others:
            _live_pain_point(store, other)
        for variant in _variants_of(store, others):
            transaction.update("pain_points", variant, {"merged_into_id": keep_id}, undoable=True)
        for other in others:
            transaction.update("pain_points", other, {"merged_into_id": keep_id}, undoable=True)
    return len(others)


def variant_texts(store: WorkshopStore, pain_point_id: str) -> list[str]:
    """Return the texts merged into a pain point, in capture order."""
    rows = store.query(
        "SELECT text FROM pain_points WHERE merged_into_id = ? AND deleted_at IS NULL "
        "ORDER BY position",
        [pain_point_id],
    )
    return [row["text"] for row in rows]


def assign_theme(store: WorkshopStore, pain_point_ids: Sequence[str], theme_id: str | None) -> None:
    """Put pain points (and their variants) into a theme, or none (undoable)."""
    if not pain_point_ids:
        raise ValueError("Select a pain point first.")
    with store.write("assign theme") as transaction:
        if theme_id is not None:
            _live_theme(store, theme_id)
        for item in pain_point_ids:
            _live_pain_point(store, item)
        for item in [*pain_point_ids, *_variants_of(store, pain_point_ids)]:
            transaction.update("pain_points", item, {"theme_id": theme_id}, undoable=True)


def create_theme(store: WorkshopStore, name: str) -> str:
    """Create a theme, or return the live one with that name."""
    with store.write() as transaction:
        return _theme_for(store, transaction, name)


def rename_theme(store: WorkshopStore, theme_id: str, name: str) -> None:
    """Rename a theme (undoable); refuse a name another live theme has."""
    cleaned = clean_user_text(name, max_chars=MAX_THEME_CHARS, field="Theme name")
    with store.write("rename theme") as transaction:
        _live_theme(store, theme_id)
        other = _theme_id(store, cleaned)
        if other is not None and other != theme_id:
            raise ValueError(
                f"A theme called {cleaned!r} already exists: merge the two themes instead (m)."
            )
        transaction.update("themes", theme_id, {"name": cleaned}, undoable=True)


def merge_themes(store: WorkshopStore, source_id: str, target_id: str) -> int:
    """Merge a theme into another (undoable): its pain points move; return how many moved."""
    if source_id == target_id:
        raise ValueError("A theme cannot be merged with itself: choose another theme.")
    with store.write("merge themes") as transaction:
        _live_theme(store, source_id)
        _live_theme(store, target_id)
        moved = store.query("SELECT id FROM pain_points WHERE theme_id = ?", [source_id])
        for row in moved:
            transaction.update("pain_points", row["id"], {"theme_id": target_id}, undoable=True)
        earlier = store.query("SELECT id FROM themes WHERE merged_into_id = ?", [source_id])
        for row in earlier:
            transaction.update("themes", row["id"], {"merged_into_id": target_id}, undoable=True)
        transaction.update("themes", source_id, {"merged_into_id": target_id}, undoable=True)
    return len(moved)


def _variants_of(store: WorkshopStore, pain_point_ids: Sequence[str]) -> list[str]:
    """Return the ids of the rows merged into any of the given pain points."""
    found: list[str] = []
    for start in range(0, len(pain_point_ids), 500):
        chunk = list(pain_point_ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        rows = store.query(
            f"SELECT id FROM pain_points WHERE merged_into_id IN ({marks}) ORDER BY position",
            chunk,
        )
        found.extend(row["id"] for row in rows)
    return found


def _live_pain_point(store: WorkshopStore, pain_point_id: str) -> Row:
    """Return a pain point that can be changed, or raise a one-line StoreError."""
    rows = store.query(
        "SELECT id, position, deleted_at, merged_into_id FROM pain_points WHERE id = ?",
        [pain_point_id],
    )
    if not rows:
        raise StoreError("That pain point no longer exists.")
    row = rows[0]
    if row["deleted_at"] is not None:
        raise StoreError(f"Pain point #{row['position']} was deleted; Ctrl+Z brings it back.")
    if row["merged_into_id"] is not None:
        raise StoreError(f"Pain point #{row['position']} was merged into another one.")
    return row


def _live_theme(store: WorkshopStore, theme_id: str) -> None:
    """Raise a one-line StoreError unless the theme is live."""
    rows = store.query(
        "SELECT 1 FROM themes WHERE id = ? AND deleted_at IS NULL AND merged_into_id IS NULL",
        [theme_id],
    )
    if not rows:
        raise StoreError("That theme was merged or deleted.")


def _theme_for(store: WorkshopStore, transaction: Transaction, name: str) -> str:
    """Return the live theme with this name, creating it inside the transaction if needed."""
    cleaned = clean_user_text(name, max_chars=MAX_THEME_CHARS, field="Theme name")
    return _theme_id(store, cleaned) or transaction.insert(
        "themes", {"name": cleaned, "position": _next_theme_position(store)}
    )


def _theme_id(store: WorkshopStore, name: str) -> str | None:
    """Find a live theme by name, ignoring case."""
    rows = store.query(
        "SELECT id FROM themes WHERE deleted_at IS NULL AND merged_into_id IS NULL "
        "AND lower(name) = lower(?) LIMIT 1",
        [name],
    )
    return rows[0]["id"] if rows else None


def _participant_for(store: WorkshopStore, raised_by: str) -> str | None:
    """Return the participant a raiser names: a delegate number or a name, ignoring case."""
    if not raised_by:
        return None
    if raised_by.isdigit():
        rows = store.query(
            "SELECT id FROM participants WHERE number = ? AND deleted_at IS NULL LIMIT 1",
            [int(raised_by)],
        )
    else:
        rows = store.query(
            "SELECT id FROM participants WHERE lower(name) = lower(?) AND name != '' "
            "AND deleted_at IS NULL LIMIT 1",
            [raised_by],
        )
    return rows[0]["id"] if rows else None


def _next_theme_position(store: WorkshopStore) -> int:
    """Return the position after the last theme."""
    return int(store.query("SELECT coalesce(max(position), -1) + 1 AS p FROM themes")[0]["p"])
