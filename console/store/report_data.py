"""What a report or a portfolio reads from a workshop file, as plain records (live rows only).

The report itself is put together in console.report.assemble; scores come from
console.domain.scoring, fed by console.store.inventory_votes and console.store.card_rounds.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from console.domain.scoring import Item, Vote
from console.domain.timers import TimerEvent, TimerEventKind
from console.store.core import Row, parse_iso
from console.store.export import Reader, iter_rows


def workshop_row(reader: Reader) -> Row:
    """Return the live workshop row (or an empty one for a file without details)."""
    rows = reader.query(
        "SELECT title, event, venue, starts_on, ends_on FROM workshop "
        "WHERE deleted_at IS NULL ORDER BY rowid LIMIT 1"
    )
    return rows[0] if rows else {}


# Agenda -------------------------------------------------------------------------------------


def agenda_days(reader: Reader) -> list[Row]:
    """Return the live days (id, number, date, start_time, title) in order."""
    return reader.query(
        "SELECT id, number, date, start_time, title FROM agenda_days WHERE deleted_at IS NULL "
        "ORDER BY number, created_at, rowid"
    )


def agenda_items(reader: Reader) -> list[Row]:
    """Return the live items of live days in agenda order, with their planned and actual times."""
    return reader.query(
        "SELECT i.id, i.day_id, i.title, i.kind, i.status, i.planned_minutes, i.actual_seconds "
        "FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id "
        "WHERE i.deleted_at IS NULL AND d.deleted_at IS NULL "
        "ORDER BY d.number, d.created_at, i.position, i.created_at"
    )


def timer_events(reader: Reader, item_ids: Sequence[str]) -> dict[str, list[TimerEvent]]:
    """Return the live timer events of some agenda items, in order, by item."""
    events: dict[str, list[TimerEvent]] = defaultdict(list)
    if not item_ids:
        return events
    marks = ", ".join("?" for _ in item_ids)
    for row in reader.query(
        "SELECT agenda_item_id, kind, at, seconds FROM timer_events "
        f"WHERE deleted_at IS NULL AND agenda_item_id IN ({marks}) ORDER BY at, rowid",
        list(item_ids),
    ):
        events[row["agenda_item_id"]].append(
            TimerEvent(TimerEventKind(row["kind"]), parse_iso(row["at"]), int(row["seconds"]))
        )
    return events


# Inventory ----------------------------------------------------------------------------------


def pain_point_round(reader: Reader) -> Row | None:
    """Return the round the inventory is ranked by: the latest revealed, else the latest."""
    rounds = reader.query(
        "SELECT id, title, method, revealed_at FROM voting_rounds WHERE deleted_at IS NULL "
        "AND target = 'pain_points' ORDER BY position, created_at, rowid"
    )
    revealed = [row for row in rounds if row["revealed_at"]]
    if revealed:
        return revealed[-1]
    return rounds[-1] if rounds else None


def raisers(reader: Reader) -> dict[str, str]:
    """Return who raised each live pain point that names someone: the name typed, else the
    delegate's number ("Delegate 7")."""
    return dict(
        iter_rows(
            reader,
            "SELECT p.id, CASE WHEN coalesce(p.raised_by, '') != '' THEN p.raised_by "
            "WHEN pa.number THEN 'Delegate ' || pa.number END AS shown FROM pain_points p "
            "LEFT JOIN participants pa ON pa.id = p.participant_id "
            "WHERE p.deleted_at IS NULL AND shown IS NOT NULL",
        )
    )


def pain_point_records(reader: Reader) -> list[Item]:
    """Return the live pain points (variants too) with their merges and themes, as recorded
    (console.store.inventory_votes.pain_point_items, read as tuples: a big workshop's rows are
    never all held as dicts)."""
    # Each theme's id is one string, not one per pain point (SQLite returns a new one per row).
    themes: dict[str | None, str | None] = {None: None}
    return [
        Item(row[0], row[1], int(row[2]), row[3], row[4], themes.setdefault(row[5], row[5]))
        for row in iter_rows(
            reader,
            "SELECT id, text, position, created_at, merged_into_id, theme_id FROM pain_points "
            "WHERE deleted_at IS NULL ORDER BY rowid",
        )
    ]


def vote_records(reader: Reader, round_id: str, items: Iterable[Item] = ()) -> Iterator[Vote]:
    """Yield a round's live votes on pain points as they are read (scoring adds them up once:
    a big round's 100,000 are never all held), a voted item's id the same string as its
    record's among items (console.store.inventory_votes.round_votes, read as tuples)."""
    # One string per pain point and per delegate, not one per vote.
    same: dict[str | None, str | None] = {item.id: item.id for item in items}
    return (
        Vote(same.setdefault(row[0], row[0]), int(row[2]), same.setdefault(row[1], row[1]))
        for row in iter_rows(
            reader,
            "SELECT pain_point_id, participant_id, points FROM pain_point_votes "
            "WHERE round_id = ? AND deleted_at IS NULL",
            [round_id],
        )
    )


def theme_descriptions(reader: Reader) -> dict[str, str]:
    """Return each live theme's description."""
    rows = reader.query("SELECT id, description FROM themes WHERE deleted_at IS NULL")
    return {row["id"]: row["description"] or "" for row in rows}


# Cards --------------------------------------------------------------------------------------


def card_round_rows(reader: Reader) -> list[Row]:
    """Return the live card rounds (id, title, method, pick_count, status, revealed_at, deck_id,
    deck)."""
    return reader.query(
        "SELECT r.id, r.title, r.method, r.pick_count, r.status, r.revealed_at, r.deck_id, "
        "coalesce(d.name, '') AS deck FROM voting_rounds r LEFT JOIN decks d ON d.id = r.deck_id "
        "WHERE r.deleted_at IS NULL AND r.target = 'cards' "
        "ORDER BY r.position, r.created_at, r.rowid"
    )


def deciding_card_round(reader: Reader) -> Row | None:
    """Return the card round a workshop's cards are judged by: the latest revealed, else latest."""
    rounds = card_round_rows(reader)
    revealed = [row for row in rounds if row["revealed_at"]]
    if revealed:
        return revealed[-1]
    return rounds[-1] if rounds else None


def linked_pain_points(reader: Reader) -> dict[str, list[Row]]:
    """Return the live pain points (position, text) each card is linked to, in inventory order."""
    links: dict[str, list[Row]] = defaultdict(list)
    for row in reader.query(
        "SELECT l.card_id, p.position, p.text FROM card_pain_points l "
        "JOIN pain_points p ON p.id = l.pain_point_id WHERE l.deleted_at IS NULL "
        "AND p.deleted_at IS NULL GROUP BY l.card_id, p.id ORDER BY p.position"
    ):
        links[row["card_id"]].append(row)
    return links


# Takeaways ----------------------------------------------------------------------------------


TAKEAWAY_LINE = (
    "SELECT t.kind, t.text, coalesce(t.speaker, ''), coalesce(t.owner, ''), "
    "coalesce(t.due_on, ''), CASE t.kind WHEN 'action' THEN coalesce(t.action_status, 'open') "
    "ELSE '' END FROM takeaways t WHERE t.deleted_at IS NULL"
)
"""A live takeaway as the report writes it: kind, text, speaker, owner, due date, an action's
status (empty for other kinds)."""

_IN_CAPTURE_ORDER = " ORDER BY t.captured_at, t.rowid"


class TakeawaySet(NamedTuple):
    """Which live takeaways a part of the report lists: an SQL condition on `t` with its values."""

    condition: str
    params: tuple[Any, ...] = ()


def takeaways_of_kind(kind: str) -> TakeawaySet:
    """Return the live takeaways of one kind."""
    return TakeawaySet("t.kind = ?", (kind,))


def takeaways_listed(rowids: Collection[int]) -> TakeawaySet:
    """Return the live takeaways among some, named by rowid."""
    return TakeawaySet("t.rowid IN (SELECT value FROM json_each(?))", (json.dumps(sorted(rowids)),))


def takeaway_theme_tags(reader: Reader) -> Iterator[tuple[int, str]]:
    """Yield each live takeaway (by rowid) with a theme it is tagged with, or that the live pain
    point it is about is recorded under."""
    # The tags lead (CROSS JOIN keeps them first), and the takeaways about a pain point are
    # found in one pass over the table ("+" keeps its index of deletions out): looked up through
    # that index, every live takeaway of a big workshop was read out of order, in both parts.
    return iter_rows(
        reader,
        "SELECT t.rowid, tt.theme_id FROM takeaway_themes tt "
        "CROSS JOIN takeaways t ON t.id = tt.takeaway_id "
        "WHERE tt.deleted_at IS NULL AND t.deleted_at IS NULL "
        "UNION ALL SELECT t.rowid, p.theme_id FROM takeaways t "
        "JOIN pain_points p ON p.id = t.pain_point_id WHERE t.pain_point_id IS NOT NULL "
        "AND +t.deleted_at IS NULL AND p.deleted_at IS NULL AND p.theme_id IS NOT NULL",
    )


def takeaway_area_tags(reader: Reader) -> Iterator[tuple[int, str]]:
    """Yield each live takeaway (by rowid) with a competence area it is tagged with."""
    # The tags lead, as in takeaway_theme_tags.
    return iter_rows(
        reader,
        "SELECT t.rowid, a.competence_area_id FROM takeaway_competence_areas a "
        "CROSS JOIN takeaways t ON t.id = a.takeaway_id "
        "WHERE a.deleted_at IS NULL AND t.deleted_at IS NULL",
    )


def takeaway_lines(reader: Reader, chosen: TakeawaySet) -> Iterator[tuple[str, ...]]:
    """Yield a set's takeaways (TAKEAWAY_LINE) in capture order, as they are read."""
    sql = f"{TAKEAWAY_LINE} AND {chosen.condition}{_IN_CAPTURE_ORDER}"
    return iter_rows(reader, sql, chosen.params)


def takeaway_kinds(reader: Reader) -> dict[str, int]:
    """Return how many live takeaways there are of each kind."""
    # "+": counted from the index of kinds alone (it holds deleted_at), not row by row through
    # the index of deletions (a tenth of the time at 200,000 takeaways).
    rows = reader.query(
        "SELECT kind, count(*) AS n FROM takeaways WHERE +deleted_at IS NULL GROUP BY kind"
    )
    return {row["kind"]: int(row["n"]) for row in rows}


def competence_areas(reader: Reader) -> list[Row]:
    """Return the live competence areas (id, name) in order."""
    return reader.query(
        "SELECT id, name FROM competence_areas WHERE deleted_at IS NULL ORDER BY position, rowid"
    )


def action_rows(reader: Reader) -> Iterator[tuple[str, str, str, str, str]]:
    """Yield the live actions (text, owner, due date, status, what done means; a missing one
    empty): open ones first by due date, then done and dropped."""
    return iter_rows(
        reader,
        "SELECT text, coalesce(owner, ''), coalesce(due_on, ''), "
        "coalesce(action_status, 'open'), coalesce(done_means, '') "
        "FROM takeaways WHERE deleted_at IS NULL AND kind = 'action' "
        "ORDER BY CASE coalesce(action_status, 'open') WHEN 'open' THEN 0 WHEN 'done' THEN 1 "
        "ELSE 2 END, due_on IS NULL, due_on, captured_at, rowid",
    )


def count_rows(reader: Reader, table: str) -> int:
    """Return how many live rows a table holds."""
    return int(reader.query(f"SELECT count(*) AS n FROM {table} WHERE deleted_at IS NULL")[0]["n"])


def delegate_count(reader: Reader) -> int:
    """Return how many delegates the workshop has (live participants)."""
    return count_rows(reader, "participants")


def round_voters(reader: Reader, round_id: str) -> int | None:
    """Return how many delegates cast a live ballot in a round; None for a hand count."""
    method = reader.query("SELECT method FROM voting_rounds WHERE id = ?", [round_id])
    if not method or method[0]["method"] == "hand_count":
        return None
    return int(
        reader.query(
            "SELECT count(DISTINCT participant_id) AS n FROM pain_point_votes "
            "WHERE round_id = ? AND deleted_at IS NULL AND participant_id IS NOT NULL",
            [round_id],
        )[0]["n"]
    )
