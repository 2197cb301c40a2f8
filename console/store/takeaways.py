"""Takeaways: insights, quotes, decisions, questions and actions, their tags, links and search."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from console.domain.capture import TakeawayKind, parse_due_date, parse_takeaway
from console.domain.competences import DASA_AREAS, CompetenceArea, resolve_area, search_areas
from console.domain.text import TextError, clean_user_text, strip_control
from console.store.core import Row, StoreError, Transaction, WorkshopStore

ACTION_STATUSES = ("open", "done", "dropped")
"""What became of an action: still open, done, or dropped on purpose."""

MAX_NAME_CHARS = 200
"""Longest speaker, owner or theme name accepted."""

MAX_CHOICES = 40
"""Most tag or link choices offered at once while typing."""

DUE_HELP = "use a date like 2026-12-01, or today, tomorrow, +7, friday"


class UnknownTagsError(ValueError):
    """Typed #tags that name neither a competence area nor a theme; nothing was saved."""

    def __init__(self, tags: tuple[str, ...]) -> None:
        names = ", ".join(f"#{tag}" for tag in tags)
        super().__init__(f"Not saved: {names} is not a competence area or theme.")
        self.tags = tags


@dataclass(frozen=True)
class CapturedTakeaway:
    """A takeaway just saved: its id, kind, speaker and the tags it got."""

    id: str
    kind: TakeawayKind
    speaker: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Takeaway:
    """One takeaway as the list and the projector show it, its tags and links named."""

    id: str
    seq: int
    """Its place among takeaways captured at the same instant (the file's row order)."""
    kind: TakeawayKind
    text: str
    speaker: str
    owner: str
    due_on: str | None
    """An action's due date, YYYY-MM-DD."""
    action_status: str | None
    """An action's status: open, done or dropped (None for other kinds)."""
    done_means: str
    captured_at: str
    agenda_item_id: str | None
    item_title: str | None
    """The title of the agenda item running when it was captured."""
    pain_point_id: str | None
    card_id: str | None
    areas: str
    """Its competence areas, comma-separated ("" for none)."""
    themes: str
    """Its themes, comma-separated ("" for none)."""
    pain_point_label: str | None
    """The linked pain point, e.g. "pain point 3"."""
    card_label: str | None
    """The linked card, e.g. "card ABC05"."""
    deleted: bool
    shown: bool = True
    """Whether it passes the filter it was read with (a deleted takeaway never does)."""

    @property
    def order(self) -> tuple[str, int]:
        """Return its place in capture order."""
        return self.captured_at, self.seq


@dataclass(frozen=True)
class TakeawayFilter:
    """Which takeaways to show: full-text words, kind, action status, person, item and tag."""

    words: tuple[str, ...] = ()
    kind: str | None = None
    status: str | None = None
    person: str | None = None
    item_id: str | None = None
    item_text: str | None = None
    area_id: str | None = None
    theme_id: str | None = None
    description: str = ""

    @property
    def active(self) -> bool:
        """Tell whether the filter hides anything."""
        return bool(
            self.words
            or self.kind
            or self.status
            or self.person
            or self.item_id
            or self.item_text
            or self.area_id
            or self.theme_id
        )


@dataclass(frozen=True)
class Choice:
    """One entry of a type-to-search list: what it is, its id, its label and whether it is set."""

    kind: str
    id: str
    label: str
    checked: bool = False


# Reading ------------------------------------------------------------------------------------

_ROW_COLUMNS = """
    t.id, t.rowid AS seq, t.kind, t.text, t.speaker, t.owner, t.due_on, t.action_status,
    t.done_means, t.captured_at, t.deleted_at, t.agenda_item_id, t.pain_point_id, t.card_id,
    a.title AS item,
    (SELECT group_concat(c.name, ', ') FROM takeaway_competence_areas x
        JOIN competence_areas c ON c.id = x.competence_area_id
        WHERE x.takeaway_id = t.id AND x.deleted_at IS NULL) AS areas,
    (SELECT group_concat(h.name, ', ') FROM takeaway_themes y JOIN themes h ON h.id = y.theme_id
        WHERE y.takeaway_id = t.id AND y.deleted_at IS NULL) AS themes,
    (SELECT 'card ' || k.code FROM cards k WHERE k.id = t.card_id) AS card,
    (SELECT 'pain point ' || p.position FROM pain_points p WHERE p.id = t.pain_point_id)
        AS pain_point
"""


def listed_takeaways(
    store: WorkshopStore,
    since_rev: int = 0,
    shown: TakeawayFilter | None = None,
    *,
    limit: int | None = None,
) -> list[Takeaway]:
    """Return takeaways to show, each with `shown` telling whether it passes the filter.

    With since_rev 0: the newest `limit` takeaways that pass, oldest first. Otherwise every
    takeaway written (or tagged) after since_rev, deleted ones included, to update or remove.
    """
    condition, params = _condition(shown or TakeawayFilter())
    params["rev"] = since_rev
    if since_rev == 0:
        # Nearly every takeaway is live: walking the captured_at index backwards finds the
        # newest at once, where the deleted_at index would read and sort them all (+ skips it).
        newest_first = condition.replace("t.deleted_at IS NULL", "+t.deleted_at IS NULL", 1)
        rows = store.query(
            f"SELECT {_ROW_COLUMNS}, 1 AS shown FROM takeaways t "
            "LEFT JOIN agenda_items a ON a.id = t.agenda_item_id "
            f"WHERE {newest_first} ORDER BY t.captured_at DESC, t.rowid DESC"
            + (" LIMIT :limit" if limit is not None else ""),
            {**params, "limit": limit},
        )
        return [_takeaway(row) for row in reversed(rows)]
    rows = store.query(
        "WITH changed AS (SELECT id FROM takeaways WHERE rev > :rev "
        "UNION SELECT takeaway_id FROM takeaway_competence_areas WHERE rev > :rev "
        "UNION SELECT takeaway_id FROM takeaway_themes WHERE rev > :rev) "
        f"SELECT {_ROW_COLUMNS}, CASE WHEN {condition} THEN 1 ELSE 0 END AS shown "
        "FROM takeaways t JOIN changed ON changed.id = t.id "
        "LEFT JOIN agenda_items a ON a.id = t.agenda_item_id "
        "ORDER BY t.captured_at, t.rowid",
        params,
    )
    return [_takeaway(row) for row in rows]


def count_takeaways(store: WorkshopStore, shown: TakeawayFilter | None = None) -> tuple[int, int]:
    """Return how many takeaways pass the filter and how many there are."""
    condition, params = _condition(shown or TakeawayFilter())
    with store.snapshot():
        total = int(
            store.query("SELECT count(*) AS n FROM takeaways WHERE deleted_at IS NULL")[0]["n"]
        )
        if condition == _LIVE:  # no filter: every live takeaway passes, no second count
            return total, total
        passing = store.query(f"SELECT count(*) AS n FROM takeaways t WHERE {condition}", params)
    return int(passing[0]["n"]), total


def takeaway_counts(
    store: WorkshopStore, shown: TakeawayFilter | None = None
) -> tuple[int, int, int]:
    """Return how many takeaways pass the filter, how many there are, and the newest one's seq
    when counted (takeaways with a later seq are new: a console adds them to its counts)."""
    with store.snapshot():
        passing, total = count_takeaways(store, shown)
        last = store.query("SELECT coalesce(max(rowid), 0) AS seq FROM takeaways")
    return passing, total, int(last[0]["seq"])


def action_counts(store: WorkshopStore) -> dict[str, int]:
    """Return how many actions are open, done and dropped."""
    rows = store.query(
        "SELECT action_status AS status, count(*) AS n FROM takeaways "
        "WHERE kind = 'action' AND deleted_at IS NULL GROUP BY action_status"
    )
    counts = dict.fromkeys(ACTION_STATUSES, 0)
    counts.update({row["status"]: int(row["n"]) for row in rows if row["status"] in counts})
    return counts


def takeaway(store: WorkshopStore, takeaway_id: str) -> Takeaway | None:
    """Return one live takeaway with its tags and links, or None."""
    rows = store.query(
        f"SELECT {_ROW_COLUMNS} FROM takeaways t "
        "LEFT JOIN agenda_items a ON a.id = t.agenda_item_id "
        "WHERE t.id = ? AND t.deleted_at IS NULL",
        [takeaway_id],
    )
    return _takeaway(rows[0]) if rows else None


def latest_takeaway(store: WorkshopStore) -> Takeaway | None:
    """Return the newest live quote, or the newest takeaway when there is no quote."""
    rows = store.query(
        "SELECT id FROM takeaways WHERE deleted_at IS NULL "
        "ORDER BY kind = 'quote' DESC, captured_at DESC, rowid DESC LIMIT 1"
    )
    return takeaway(store, rows[0]["id"]) if rows else None


def _takeaway(row: Row) -> Takeaway:
    """Build a takeaway from a row of _ROW_COLUMNS (and `shown`, if the query has it)."""
    return Takeaway(
        id=row["id"],
        seq=int(row["seq"]),
        kind=TakeawayKind(row["kind"]),
        text=row["text"],
        speaker=row["speaker"],
        owner=row["owner"],
        due_on=row["due_on"],
        action_status=row["action_status"],
        done_means=row["done_means"],
        captured_at=row["captured_at"],
        agenda_item_id=row["agenda_item_id"],
        item_title=row["item"],
        pain_point_id=row["pain_point_id"],
        card_id=row["card_id"],
        areas=row["areas"] or "",
        themes=row["themes"] or "",
        pain_point_label=row["pain_point"],
        card_label=row["card"],
        deleted=row["deleted_at"] is not None,
        shown=bool(row.get("shown", row["deleted_at"] is None)),
    )


_LIVE = "t.deleted_at IS NULL"
"""The condition of a takeaway not deleted: every filter starts from it."""


def _condition(shown: TakeawayFilter) -> tuple[str, dict[str, Any]]:
    """Return the SQL condition a takeaway `t` must meet to pass the filter, and its params."""
    parts = [_LIVE]
    params: dict[str, Any] = {}
    if shown.words:
        parts.append("t.rowid IN (SELECT rowid FROM takeaways_fts WHERE takeaways_fts MATCH :fts)")
        params["fts"] = fts_query(shown.words)
    if shown.kind:
        parts.append("t.kind = :kind")
        params["kind"] = shown.kind
    if shown.status:
        parts.append("t.action_status = :status")
        params["status"] = shown.status
    if shown.person:
        parts.append(
            "(instr(lower(t.speaker), lower(:person)) > 0 "
            "OR instr(lower(t.owner), lower(:person)) > 0)"
        )
        params["person"] = shown.person
    if shown.item_id:
        parts.append("t.agenda_item_id = :item_id")
        params["item_id"] = shown.item_id
    if shown.item_text:
        parts.append(
            "t.agenda_item_id IN (SELECT id FROM agenda_items "
            "WHERE instr(lower(title), lower(:item_text)) > 0)"
        )
        params["item_text"] = shown.item_text
    if shown.area_id:
        parts.append(
            "t.id IN (SELECT takeaway_id FROM takeaway_competence_areas "
            "WHERE competence_area_id = :area_id AND deleted_at IS NULL)"
        )
        params["area_id"] = shown.area_id
    if shown.theme_id:
        parts.append(
            "t.id IN (SELECT takeaway_id FROM takeaway_themes "
            "WHERE theme_id = :theme_id AND deleted_at IS NULL)"
        )
        params["theme_id"] = shown.theme_id
    return " AND ".join(parts), params


def fts_query(words: tuple[str, ...]) -> str:
    """Return an FTS5 query matching every word as a prefix, with its syntax made harmless."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


# Filters ------------------------------------------------------------------------------------

_FILTER_TOKEN = re.compile(
    r"""(?<!\S)(?:(?P<key>kind|status|item|by|tag):|(?P<sigil>[#@]))"""
    r"""(?:"(?P<quoted>[^"]*)"?|(?P<bare>\S*))""",
    re.IGNORECASE,
)


def parse_filter(store: WorkshopStore, query: str, *, actions_only: bool = False) -> TakeawayFilter:
    """Turn a typed search into a filter: words, kind:, status:, #tag, @person, item:.

    Raise ValueError with one line when a kind, status or tag is unknown.
    """
    values: dict[str, Any] = {}
    described: list[str] = []
    typed = strip_control(query)

    def take(match: re.Match[str]) -> str:
        """Record one key:value token and remove it from the free text."""
        key = (match.group("key") or match.group("sigil")).lower()
        value = " ".join((match.group("quoted") or match.group("bare") or "").split())
        if not value:
            return " "
        if key == "kind":
            values["kind"] = _kind_named(value).value
            described.append(f"kind {values['kind']}")
        elif key == "status":
            values["status"] = _status_named(value)
            described.append(f"status {values['status']}")
        elif key in ("by", "@"):
            values["person"] = value.replace("_", " ")
            described.append(f"by {values['person']}")
        elif key == "item":
            if value.lower() in ("now", "current", "running"):
                running = _running_item(store)
                if running is None:
                    raise ValueError("No agenda item is running, so item:now shows nothing.")
                values["item_id"] = running["id"]
                described.append(f"item {running['title']}")
            else:
                values["item_text"] = value.replace("_", " ")
                described.append(f"item {values['item_text']}")
        else:
            kind, tag_id, label = _tag_named(store, value.replace("_", " "))
            values["area_id" if kind == "area" else "theme_id"] = tag_id
            described.append(f"tag {label}")
        return " "

    remaining = _FILTER_TOKEN.sub(take, typed)
    words = tuple(word for word in remaining.split() if any(char.isalnum() for char in word))
    if words:
        described.insert(0, "text " + " ".join(words))
    if actions_only:
        if values.get("kind", "action") != "action":
            raise ValueError("The actions view shows actions only: remove the kind: filter.")
        values["kind"] = "action"
        described.insert(0, "actions")
    return TakeawayFilter(words=words, description=" · ".join(described), **values)


def _kind_named(value: str) -> TakeawayKind:
    """Return the kind a typed name, plural or prefix letter means."""
    lowered = value.lower().rstrip("s") or value.lower()
    letters = {"i": "insight", "q": "quote", "d": "decision", "o": "question", "a": "action"}
    if lowered in letters:
        return TakeawayKind(letters[lowered])
    matches = [kind for kind in TakeawayKind if kind.value.startswith(lowered)]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(kind.value for kind in TakeawayKind)
    raise ValueError(f"No kind called “{value}”: use {names}.")


def _status_named(value: str) -> str:
    """Return the action status a typed name or prefix means."""
    matches = [status for status in ACTION_STATUSES if status.startswith(value.lower())]
    if len(matches) != 1:
        raise ValueError(f"No action status called “{value}”: use open, done or dropped.")
    return matches[0]


# Tags ---------------------------------------------------------------------------------------


def competence_catalogue(store: WorkshopStore) -> list[tuple[str, CompetenceArea]]:
    """Return the file's competence areas with their ids, knowing the DASA aliases too."""
    rows = store.query(
        "SELECT id, code, name, kind, aliases FROM competence_areas "
        "WHERE deleted_at IS NULL ORDER BY position"
    )
    known = {area.code: area.aliases for area in DASA_AREAS}
    catalogue = []
    for row in rows:
        aliases = tuple(json.loads(row["aliases"] or "[]"))
        merged = tuple(dict.fromkeys((*aliases, *known.get(row["code"], ()))))
        kind = row["kind"] if row["kind"] in ("skill", "knowledge") else "skill"
        catalogue.append((row["id"], CompetenceArea(row["code"], row["name"], kind, merged)))
    return catalogue


def _live_themes(store: WorkshopStore) -> list[Row]:
    """Return the themes a takeaway can be tagged with, in their order."""
    return store.query(
        "SELECT id, name FROM themes WHERE deleted_at IS NULL AND merged_into_id IS NULL "
        "ORDER BY position, name"
    )


def _resolve_tag(store: WorkshopStore, tag: str) -> tuple[str, str, str] | None:
    """Return (kind, id, name) of the area or theme a tag names, or None."""
    catalogue = competence_catalogue(store)
    area = resolve_area(tag, [area for _, area in catalogue])
    if area is not None:
        area_id = next(area_id for area_id, known in catalogue if known.code == area.code)
        return "area", area_id, area.name
    for theme in _live_themes(store):
        if theme["name"].casefold() == tag.casefold():
            return "theme", theme["id"], theme["name"]
    return None


def _tag_named(store: WorkshopStore, tag: str) -> tuple[str, str, str]:
    """Return the area or theme a filter tag names; raise ValueError if there is none."""
    resolved = _resolve_tag(store, tag)
    if resolved is None:
        raise ValueError(f"No competence area or theme called “{tag}”.")
    return resolved


def tag_choices(store: WorkshopStore, typed: str, takeaway_id: str) -> list[Choice]:
    """Return the areas and themes matching typed text (set ones marked), best first.

    When nothing matches exactly, the last choice offers to create a theme of that name.
    """
    typed = " ".join(strip_control(typed).split())
    set_areas = {
        row["competence_area_id"]
        for row in store.query(
            "SELECT competence_area_id FROM takeaway_competence_areas "
            "WHERE takeaway_id = ? AND deleted_at IS NULL",
            [takeaway_id],
        )
    }
    set_themes = {
        row["theme_id"]
        for row in store.query(
            "SELECT theme_id FROM takeaway_themes WHERE takeaway_id = ? AND deleted_at IS NULL",
            [takeaway_id],
        )
    }
    catalogue = competence_catalogue(store)
    ids = {area.code: area_id for area_id, area in catalogue}
    choices = [
        Choice(
            "area", ids[area.code], f"{area.name} (competence area)", ids[area.code] in set_areas
        )
        for area in search_areas(typed, [area for _, area in catalogue])
    ]
    exact = bool(typed) and resolve_area(typed, [area for _, area in catalogue]) is not None
    for theme in _live_themes(store):
        if typed.casefold() in theme["name"].casefold():
            choices.append(
                Choice("theme", theme["id"], f"{theme['name']} (theme)", theme["id"] in set_themes)
            )
            exact = exact or theme["name"].casefold() == typed.casefold()
    if typed and not exact:
        choices.append(Choice("new-theme", typed, f"Create theme “{typed}” and tag with it"))
    return choices[:MAX_CHOICES]


def toggle_tag(store: WorkshopStore, takeaway_id: str, choice: Choice) -> bool:
    """Tag the takeaway with the chosen area or theme, or untag it if set; return True if added."""
    table, column = (
        ("takeaway_competence_areas", "competence_area_id")
        if choice.kind == "area"
        else ("takeaway_themes", "theme_id")
    )
    with store.write("tag takeaway") as transaction:
        _require_takeaway(store, takeaway_id)
        if choice.kind == "new-theme":
            theme_id = _find_or_create_theme(store, transaction, choice.id)
            return _add_tag(store, transaction, takeaway_id, table, column, theme_id)
        existing = store.query(
            f"SELECT id FROM {table} WHERE takeaway_id = ? AND {column} = ? AND deleted_at IS NULL",
            [takeaway_id, choice.id],
        )
        if existing:
            for row in existing:
                transaction.soft_delete(table, row["id"])
            return False
        return _add_tag(store, transaction, takeaway_id, table, column, choice.id)


def _add_tag(
    store: WorkshopStore,
    transaction: Transaction,
    takeaway_id: str,
    table: str,
    column: str,
    tag_id: str,
) -> bool:
    """Link a takeaway to an area or theme unless it already is; return True if added."""
    existing = store.query(
        f"SELECT 1 FROM {table} WHERE takeaway_id = ? AND {column} = ? AND deleted_at IS NULL",
        [takeaway_id, tag_id],
    )
    if existing:
        return False
    transaction.insert_undoable(table, {"takeaway_id": takeaway_id, column: tag_id})
    return True


def _find_or_create_theme(store: WorkshopStore, transaction: Transaction, name: str) -> str:
    """Return the live theme with this name (any case), creating it if there is none."""
    name = clean_user_text(name, max_chars=MAX_NAME_CHARS, field="Theme name")
    for theme in _live_themes(store):
        if theme["name"].casefold() == name.casefold():
            return str(theme["id"])
    position = store.query("SELECT coalesce(max(position), -1) + 1 AS p FROM themes")[0]["p"]
    return transaction.insert_undoable("themes", {"name": name, "position": position})


# Links --------------------------------------------------------------------------------------


def link_choices(store: WorkshopStore, typed: str, takeaway_id: str) -> list[Choice]:
    """Return the pain points and cards matching typed text; a linked one is marked."""
    typed = " ".join(strip_control(typed).split())
    current = store.query(
        "SELECT pain_point_id, card_id FROM takeaways WHERE id = ?", [takeaway_id]
    )
    linked = current[0] if current else {"pain_point_id": None, "card_id": None}
    pain_points = store.query(
        "SELECT id, position, text FROM pain_points WHERE deleted_at IS NULL "
        "AND merged_into_id IS NULL AND (instr(lower(text), lower(:typed)) > 0 "
        "OR CAST(position AS TEXT) = :typed) ORDER BY position LIMIT :limit",
        {"typed": typed, "limit": MAX_CHOICES},
    )
    cards = store.query(
        "SELECT c.id, c.code, c.title FROM cards c JOIN decks d ON d.id = c.deck_id "
        "WHERE c.deleted_at IS NULL AND (instr(lower(c.title), lower(:typed)) > 0 "
        "OR lower(c.code) = lower(:typed)) ORDER BY d.created_at, c.position LIMIT :limit",
        {"typed": typed, "limit": MAX_CHOICES},
    )
    choices = [
        Choice(
            "pain_point",
            row["id"],
            f"Pain point {row['position']}: {row['text']}",
            row["id"] == linked["pain_point_id"],
        )
        for row in pain_points
    ]
    choices += [
        Choice(
            "card", row["id"], f"Card {row['code']}: {row['title']}", row["id"] == linked["card_id"]
        )
        for row in cards
    ]
    choices.sort(key=lambda choice: not choice.checked)
    return choices[:MAX_CHOICES]


def toggle_link(store: WorkshopStore, takeaway_id: str, choice: Choice) -> bool:
    """Link the takeaway to the chosen pain point or card (one of each), or unlink it if linked."""
    column = "pain_point_id" if choice.kind == "pain_point" else "card_id"
    with store.write("link takeaway") as transaction:
        row = _require_takeaway(store, takeaway_id)
        linking = row[column] != choice.id
        transaction.update(
            "takeaways", takeaway_id, {column: choice.id if linking else None}, undoable=True
        )
        return linking


# Writing ------------------------------------------------------------------------------------


def capture_takeaway(
    store: WorkshopStore,
    raw: str,
    *,
    default_kind: TakeawayKind = TakeawayKind.INSIGHT,
    last_speaker: str | None = None,
    create_themes: bool = False,
) -> CapturedTakeaway:
    """Save one takeaway stamped with the time and running agenda item, tagged by its #tags.

    A #tag that names no competence area or theme raises UnknownTagsError and saves nothing,
    unless create_themes asks to create those themes.
    """
    draft = parse_takeaway(
        raw, default_kind=default_kind, last_speaker=last_speaker, today=store.clock().date()
    )
    with store.write() as transaction:
        resolved = [(tag, _resolve_tag(store, tag)) for tag in draft.tags]
        unknown = tuple(tag for tag, found in resolved if found is None)
        if unknown and not create_themes:
            raise UnknownTagsError(unknown)
        running = _running_item(store)
        takeaway_id = transaction.insert(
            "takeaways",
            {
                "kind": draft.kind.value,
                "text": draft.text,
                "speaker": draft.speaker or "",
                "owner": draft.owner or "",
                "due_on": draft.due.isoformat() if draft.due else None,
                "action_status": "open" if draft.kind is TakeawayKind.ACTION else None,
                "agenda_item_id": running["id"] if running else None,
                "captured_at": transaction.now,
            },
        )
        names = []
        for tag, found in resolved:
            if found is None:
                theme_id = _find_or_create_theme(store, transaction, tag)
                found = ("theme", theme_id, tag)
            table, column = (
                ("takeaway_competence_areas", "competence_area_id")
                if found[0] == "area"
                else ("takeaway_themes", "theme_id")
            )
            if _add_tag(store, transaction, takeaway_id, table, column, found[1]):
                names.append(found[2])
    return CapturedTakeaway(takeaway_id, draft.kind, draft.speaker, tuple(names))


def update_takeaway(store: WorkshopStore, takeaway_id: str, fields: dict[str, str]) -> None:
    """Save an edited takeaway: kind, text, speaker, owner, due date, status and done-means.

    Raise ValueError (with one line) for empty text, an unknown kind or status, or a due date
    that is not a real date.
    """
    kind = _kind_named(fields["kind"].strip() or "insight")
    values: dict[str, Any] = {
        "kind": kind.value,
        "text": clean_user_text(fields["text"]),
        "speaker": _name(fields.get("speaker", ""), "Speaker"),
        "owner": _name(fields.get("owner", ""), "Owner"),
        "done_means": _optional_text(fields.get("done_means", ""), "Done means"),
    }
    due_spec = strip_control(fields.get("due", "")).strip()
    if due_spec:
        due = parse_due_date(due_spec, today=store.clock().date())
        if due is None:
            raise TextError(f"Due date “{due_spec}” is not a date: {DUE_HELP}.")
        values["due_on"] = due.isoformat()
    else:
        values["due_on"] = None
    if kind is TakeawayKind.ACTION:
        values["action_status"] = _status_named(fields.get("status", "").strip() or "open")
    else:
        values["action_status"] = None
    with store.write("edit takeaway") as transaction:
        _require_takeaway(store, takeaway_id)
        transaction.update("takeaways", takeaway_id, values, undoable=True)


def set_action_status(store: WorkshopStore, takeaway_id: str, status: str) -> None:
    """Mark an action open, done or dropped; refuse for a takeaway that is not an action."""
    _mark_action(store, takeaway_id, status, toggle=False)


def toggle_action_status(store: WorkshopStore, takeaway_id: str, status: str) -> str:
    """Mark an action done or dropped, or open again if it already is; return its new status."""
    return _mark_action(store, takeaway_id, status, toggle=True)


def _mark_action(store: WorkshopStore, takeaway_id: str, status: str, *, toggle: bool) -> str:
    """Set an action's status in one transaction (back to open when toggled twice)."""
    if status not in ACTION_STATUSES:
        raise ValueError(f"No action status called “{status}”: use open, done or dropped.")
    with store.write(f"mark action {status}") as transaction:
        row = _require_takeaway(store, takeaway_id)
        if row["kind"] != TakeawayKind.ACTION.value:
            raise ValueError(
                f"Only actions have a status; this is a{'n' if row['kind'][0] in 'aeiou' else ''}"
                f" {row['kind']} (press e to make it an action)."
            )
        if toggle and row["action_status"] == status:
            status = "open"
        transaction.update("takeaways", takeaway_id, {"action_status": status}, undoable=True)
    return status


def delete_takeaway(store: WorkshopStore, takeaway_id: str) -> None:
    """Soft-delete a takeaway so that it can be undone."""
    with store.write("delete takeaway") as transaction:
        transaction.soft_delete("takeaways", takeaway_id)


def _require_takeaway(store: WorkshopStore, takeaway_id: str) -> Row:
    """Return a live takeaway's kind, links and status, or raise StoreError if it is gone."""
    rows = store.query(
        "SELECT kind, pain_point_id, card_id, action_status FROM takeaways "
        "WHERE id = ? AND deleted_at IS NULL",
        [takeaway_id],
    )
    if not rows:
        raise StoreError("That takeaway no longer exists (deleted in another console?).")
    return rows[0]


def _running_item(store: WorkshopStore) -> Row | None:
    """Return the running or paused agenda item's id and title, if any."""
    rows = store.query(
        "SELECT id, title FROM agenda_items WHERE status IN ('running', 'paused') "
        "AND deleted_at IS NULL ORDER BY updated_at DESC LIMIT 1"
    )
    return rows[0] if rows else None


def _name(raw: str, field: str) -> str:
    """Return a cleaned person name, or "" when left empty."""
    return _optional_text(raw, field, max_chars=MAX_NAME_CHARS)


def _optional_text(raw: str, field: str, *, max_chars: int = 10_000) -> str:
    """Return cleaned one-line text, or "" when left empty."""
    if not strip_control(raw).strip():
        return ""
    return clean_user_text(raw, max_chars=max_chars, field=field)
