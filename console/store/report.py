"""The report of a workshop, computed from its tables in one consistent read.

Scores follow the file format: live rows only (`deleted_at IS NULL`). A pain point's score is
the sum of the points of the live votes on it and on the pain points merged into it, in the
report's pain-point round: the latest revealed round on pain points, or the latest round when
none is revealed yet. A theme's score is the sum over its live pain points; a theme merged into
another counts toward the one it was merged into. A card's score is the sum of its live votes
in a round. Every ranking uses console.domain.ranking.rank_items (the documented tie-break).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from console.domain.ranking import (
    TIE_BREAK_RULE,
    Ranked,
    Scored,
    rank_items,
    shared_top,
)
from console.domain.timers import TimerEvent, TimerEventKind, timer_state
from console.report.model import (
    ActionLine,
    AgendaDayReport,
    AgendaLine,
    CardLine,
    CardRoundReport,
    Group,
    PainPointLine,
    ReferenceReport,
    ReferenceRow,
    Report,
    TakeawayLine,
    ThemeReport,
)
from console.store.cards import compare_with_published
from console.store.core import Row, WorkshopStore, iso, parse_iso
from console.store.export import Reader

TOP = 3
"""How many of the room's best cards count as its top when compared with published rankings."""

NO_THEME = "No theme"


def workshop_report(store: WorkshopStore) -> Report:
    """Return the report of an open workshop, read in one consistent snapshot."""
    now = store.clock()
    with store.snapshot():
        return build_report(store, now)


def build_report(reader: Reader, now: datetime) -> Report:
    """Compute the report from a workshop's tables (call inside one read transaction)."""
    workshop = _workshop_row(reader)
    themes, count, round_title = inventory_report(reader)
    groups_by_theme, groups_by_area, takeaways = _takeaways(reader, [t.name for t in themes])
    by_kind: dict[str, list[TakeawayLine]] = defaultdict(list)
    for line in takeaways:
        by_kind[line.kind].append(line)
    return Report(
        title=workshop.get("title") or "Workshop",
        event=workshop.get("event") or "",
        venue=workshop.get("venue") or "",
        starts_on=workshop.get("starts_on"),
        ends_on=workshop.get("ends_on"),
        generated_at=iso(now),
        pain_point_round=round_title,
        agenda=tuple(_agenda(reader, now)),
        themes=tuple(themes),
        pain_point_count=count,
        card_rounds=tuple(card_round_reports(reader)),
        by_theme=groups_by_theme,
        by_area=groups_by_area,
        insights=tuple(by_kind["insight"]),
        quotes=tuple(by_kind["quote"]),
        decisions=tuple(by_kind["decision"]),
        questions=tuple(by_kind["question"]),
        actions=tuple(_actions(reader)),
        tie_break_rule=TIE_BREAK_RULE,
    )


def _workshop_row(reader: Reader) -> Row:
    """Return the live workshop row (or an empty one for a file without details)."""
    rows = reader.query(
        "SELECT title, event, venue, starts_on, ends_on FROM workshop "
        "WHERE deleted_at IS NULL ORDER BY rowid LIMIT 1"
    )
    return rows[0] if rows else {}


# Agenda -------------------------------------------------------------------------------------


def _agenda(reader: Reader, now: datetime) -> list[AgendaDayReport]:
    """Return the live days and items with planned and actual times."""
    days = reader.query(
        "SELECT id, number, date, start_time, title FROM agenda_days WHERE deleted_at IS NULL "
        "ORDER BY number, created_at, rowid"
    )
    items = reader.query(
        "SELECT i.id, i.day_id, i.title, i.kind, i.status, i.planned_minutes, i.actual_seconds "
        "FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id "
        "WHERE i.deleted_at IS NULL AND d.deleted_at IS NULL "
        "ORDER BY d.number, d.created_at, i.position, i.created_at"
    )
    running = [item["id"] for item in items if item["status"] in ("running", "paused")]
    events: dict[str, list[TimerEvent]] = defaultdict(list)
    if running:
        marks = ", ".join("?" for _ in running)
        for row in reader.query(
            "SELECT agenda_item_id, kind, at, seconds FROM timer_events "
            f"WHERE deleted_at IS NULL AND agenda_item_id IN ({marks}) ORDER BY at, rowid",
            running,
        ):
            events[row["agenda_item_id"]].append(
                TimerEvent(TimerEventKind(row["kind"]), parse_iso(row["at"]), int(row["seconds"]))
            )
    lines: dict[str, list[AgendaLine]] = defaultdict(list)
    for item in items:
        actual = item["actual_seconds"]
        is_running = item["id"] in events
        if is_running:
            actual = timer_state(events[item["id"]], now).elapsed_seconds
        lines[item["day_id"]].append(
            AgendaLine(
                title=item["title"],
                kind=item["kind"],
                status=item["status"],
                planned_minutes=int(item["planned_minutes"]),
                actual_seconds=None if actual is None else float(actual),
                running=is_running,
            )
        )
    return [
        AgendaDayReport(
            number=ordinal,
            title=day["title"] or "",
            date=day["date"],
            start_time=day["start_time"] or "",
            items=tuple(lines[day["id"]]),
        )
        for ordinal, day in enumerate(days, start=1)
    ]


# Inventory ----------------------------------------------------------------------------------


def pain_point_round(reader: Reader) -> Row | None:
    """Return the round the inventory is ranked by: the latest revealed, else the latest."""
    rounds = reader.query(
        "SELECT id, title, revealed_at FROM voting_rounds WHERE deleted_at IS NULL "
        "AND target = 'pain_points' ORDER BY position, created_at, rowid"
    )
    revealed = [row for row in rounds if row["revealed_at"]]
    if revealed:
        return revealed[-1]
    return rounds[-1] if rounds else None


def _survivors(rows: Iterable[Row]) -> dict[str, str]:
    """Map each live row id to the live row it was (perhaps repeatedly) merged into."""
    merged_into = {row["id"]: row["merged_into_id"] for row in rows}
    survivor: dict[str, str] = {}
    for row_id in merged_into:
        seen = {row_id}
        current = row_id
        while merged_into.get(current):
            current = merged_into[current]
            if current in seen or current not in merged_into:
                current = ""
                break
            seen.add(current)
        if current:
            survivor[row_id] = current
    return survivor


def inventory_report(reader: Reader) -> tuple[list[ThemeReport], int, str | None]:
    """Return the ranked themes with their ranked pain points, the count, and the round's title."""
    chosen = pain_point_round(reader)
    points = reader.query(
        "SELECT p.id, p.text, p.theme_id, p.merged_into_id, p.position, p.created_at, "
        "p.raised_by, pa.number AS delegate FROM pain_points p "
        "LEFT JOIN participants pa ON pa.id = p.participant_id WHERE p.deleted_at IS NULL"
    )
    themes = reader.query(
        "SELECT id, name, description, position, created_at, merged_into_id FROM themes "
        "WHERE deleted_at IS NULL"
    )
    point_survivor = _survivors(points)
    theme_survivor = _survivors(themes)
    by_id = {row["id"]: row for row in points}
    votes: list[Row] = []
    if chosen is not None:
        votes = reader.query(
            "SELECT pain_point_id, participant_id, points FROM pain_point_votes "
            "WHERE round_id = ? AND deleted_at IS NULL",
            [chosen["id"]],
        )
    score: dict[str, int] = defaultdict(int)
    voters: dict[str, set[str]] = defaultdict(set)
    for vote in votes:
        survivor = point_survivor.get(vote["pain_point_id"])
        if survivor is None:
            continue
        score[survivor] += int(vote["points"])
        if vote["participant_id"]:
            voters[survivor].add(vote["participant_id"])
    variants: dict[str, list[str]] = defaultdict(list)
    for row in sorted(points, key=lambda r: (r["position"], r["created_at"])):
        survivor = point_survivor.get(row["id"])
        if survivor and survivor != row["id"]:
            variants[survivor].append(row["text"])
    survivors = [by_id[i] for i in by_id if point_survivor.get(i) == i]
    ranked = rank_items(
        Scored(
            row["id"],
            row["text"],
            score[row["id"]],
            len(voters[row["id"]]),
            row["created_at"],
            int(row["position"]),
        )
        for row in survivors
    )
    lines_by_theme: dict[str | None, list[PainPointLine]] = defaultdict(list)
    theme_voters: dict[str | None, set[str]] = defaultdict(set)
    for entry in ranked:
        row = by_id[entry.item.item_id]
        theme = theme_survivor.get(row["theme_id"]) if row["theme_id"] else None
        raised = row["raised_by"] or (f"Delegate {row['delegate']}" if row["delegate"] else "")
        lines_by_theme[theme].append(
            PainPointLine(
                entry.rank,
                entry.tied,
                int(row["position"]),
                row["text"],
                int(entry.item.score),
                entry.item.voters,
                raised,
                tuple(variants[row["id"]]),
            )
        )
        theme_voters[theme] |= voters[row["id"]]
    theme_rows = {row["id"]: row for row in themes if theme_survivor.get(row["id"]) == row["id"]}
    merged_names: dict[str, list[str]] = defaultdict(list)
    for row in themes:
        target = theme_survivor.get(row["id"])
        if target and target != row["id"]:
            merged_names[target].append(row["name"])
    theme_ranking = rank_items(
        Scored(
            row["id"],
            row["name"],
            sum(line.score for line in lines_by_theme[row["id"]]),
            len(theme_voters[row["id"]]),
            row["created_at"],
            int(row["position"]),
        )
        for row in theme_rows.values()
    )
    reports = [
        ThemeReport(
            entry.rank,
            entry.tied,
            entry.item.label,
            theme_rows[entry.item.item_id]["description"] or "",
            int(entry.item.score),
            entry.item.voters,
            tuple(lines_by_theme[entry.item.item_id]),
            tuple(merged_names[entry.item.item_id]),
        )
        for entry in theme_ranking
    ]
    if lines_by_theme[None]:
        loose = lines_by_theme[None]
        reports.append(
            ThemeReport(
                0,
                False,
                NO_THEME,
                "",
                sum(line.score for line in loose),
                len(theme_voters[None]),
                tuple(loose),
            )
        )
    return reports, len(survivors), chosen["title"] if chosen else None


# Cards --------------------------------------------------------------------------------------


def card_round_reports(reader: Reader) -> list[CardRoundReport]:
    """Return every live card round's ranked results and comparisons."""
    rounds = reader.query(
        "SELECT r.id, r.title, r.method, r.status, r.revealed_at, r.deck_id, "
        "coalesce(d.name, '') AS deck FROM voting_rounds r LEFT JOIN decks d ON d.id = r.deck_id "
        "WHERE r.deleted_at IS NULL AND r.target = 'cards' "
        "ORDER BY r.position, r.created_at, r.rowid"
    )
    links: dict[str, list[str]] = defaultdict(list)
    for row in reader.query(
        "SELECT l.card_id, p.position, p.text FROM card_pain_points l "
        "JOIN pain_points p ON p.id = l.pain_point_id WHERE l.deleted_at IS NULL "
        "AND p.deleted_at IS NULL GROUP BY l.card_id, p.id ORDER BY p.position"
    ):
        links[row["card_id"]].append(f"#{row['position']} {row['text']}")
    return [_card_round(reader, row, links) for row in rounds]


def ranked_cards(reader: Reader, round_row: Row) -> tuple[list[Ranked], dict[str, Row], int]:
    """Return a card round's ranking, its cards by id, and how many ballots it holds."""
    totals = reader.query(
        "SELECT v.card_id, sum(v.points) AS score, count(DISTINCT v.participant_id) AS voters, "
        "c.code, c.title, c.category, c.position, c.created_at FROM card_votes v "
        "JOIN cards c ON c.id = v.card_id WHERE v.round_id = ? AND v.deleted_at IS NULL "
        "AND c.deleted_at IS NULL GROUP BY v.card_id",
        [round_row["id"]],
    )
    ballots = reader.query(
        "SELECT count(DISTINCT participant_id) AS n FROM card_votes "
        "WHERE round_id = ? AND deleted_at IS NULL",
        [round_row["id"]],
    )[0]["n"]
    hands = round_row["method"] == "hand_count"
    cards = {row["card_id"]: row for row in totals if row["score"]}
    ranked = rank_items(
        Scored(
            card_id,
            row["title"],
            int(row["score"]),
            int(row["score"]) if hands else int(row["voters"]),
            row["created_at"],
            int(row["position"]),
        )
        for card_id, row in cards.items()
    )
    return ranked, cards, int(ballots or 0)


def _card_round(reader: Reader, round_row: Row, links: dict[str, list[str]]) -> CardRoundReport:
    """Return one card round's report."""
    ranked, cards, ballots = ranked_cards(reader, round_row)
    references: list[ReferenceReport] = []
    placed: dict[str, list[str]] = defaultdict(list)
    for ranking, rows in compare_with_published(reader, round_row["deck_id"], ranked, TOP):
        name = ranking["name"] + (f" ({ranking['year']})" if ranking["year"] else "")
        for row in rows:
            if row.item_id in cards and row.in_reference and row.room_rank is not None:
                placed[row.item_id].append(
                    f"{name}: #{row.reference_rank}" if row.reference_rank else f"{name}: listed"
                )
        references.append(
            ReferenceReport(
                name=ranking["name"],
                year=ranking["year"],
                ordered=bool(ranking["ordered"]),
                rows=tuple(
                    ReferenceRow(
                        row.label,
                        row.room_rank,
                        row.reference_rank,
                        row.in_room_top,
                        row.in_reference,
                    )
                    for row in rows
                ),
                shared_top=tuple(row.label for row in shared_top(rows)),
            )
        )
    lines = tuple(
        CardLine(
            rank=entry.rank,
            tied=entry.tied,
            code=cards[entry.item.item_id]["code"],
            title=entry.item.label,
            category=cards[entry.item.item_id]["category"],
            score=int(entry.item.score),
            voters=entry.item.voters,
            reference_ranks=tuple(placed[entry.item.item_id]),
            global_top=bool(placed[entry.item.item_id]),
            pain_points=tuple(links[entry.item.item_id]),
        )
        for entry in ranked
    )
    return CardRoundReport(
        title=round_row["title"],
        deck=round_row["deck"],
        method=round_row["method"],
        status=round_row["status"],
        revealed=bool(round_row["revealed_at"]),
        ballots=ballots,
        cards=lines,
        references=tuple(references),
    )


# Takeaways ----------------------------------------------------------------------------------


def _takeaways(
    reader: Reader, theme_order: list[str]
) -> tuple[tuple[Group, ...], tuple[Group, ...], list[TakeawayLine]]:
    """Return takeaways grouped by theme and by competence area, and all of them in order."""
    rows = reader.query(
        "SELECT t.id, t.kind, t.text, t.speaker, t.captured_at, t.pain_point_id, "
        "coalesce(a.title, '') AS item FROM takeaways t "
        "LEFT JOIN agenda_items a ON a.id = t.agenda_item_id "
        "WHERE t.deleted_at IS NULL ORDER BY t.captured_at, t.rowid"
    )
    themes = reader.query("SELECT id, name, merged_into_id FROM themes WHERE deleted_at IS NULL")
    survivor = _survivors(themes)
    names = {row["id"]: row["name"] for row in themes}
    tagged: dict[str, list[str]] = defaultdict(list)
    for row in reader.query(
        "SELECT takeaway_id, theme_id FROM takeaway_themes WHERE deleted_at IS NULL ORDER BY rowid"
    ):
        tagged[row["takeaway_id"]].append(row["theme_id"])
    point_theme = {
        row["id"]: row["theme_id"]
        for row in reader.query(
            "SELECT id, theme_id FROM pain_points WHERE deleted_at IS NULL AND theme_id IS NOT NULL"
        )
    }
    areas = reader.query(
        "SELECT id, name FROM competence_areas WHERE deleted_at IS NULL ORDER BY position, rowid"
    )
    area_names = {row["id"]: row["name"] for row in areas}
    area_tags: dict[str, list[str]] = defaultdict(list)
    for row in reader.query(
        "SELECT takeaway_id, competence_area_id FROM takeaway_competence_areas "
        "WHERE deleted_at IS NULL ORDER BY rowid"
    ):
        name = area_names.get(row["competence_area_id"])
        if name and name not in area_tags[row["takeaway_id"]]:
            area_tags[row["takeaway_id"]].append(name)
    lines: list[TakeawayLine] = []
    by_theme: dict[str, list[TakeawayLine]] = defaultdict(list)
    by_area: dict[str, list[TakeawayLine]] = defaultdict(list)
    for row in rows:
        theme_ids = list(tagged[row["id"]])
        if row["pain_point_id"] in point_theme:
            theme_ids.append(point_theme[row["pain_point_id"]])
        theme_names = list(
            dict.fromkeys(
                names[survivor[theme_id]] for theme_id in theme_ids if theme_id in survivor
            )
        )
        line = TakeawayLine(
            kind=row["kind"],
            text=row["text"],
            speaker=row["speaker"] or "",
            agenda_item=row["item"],
            captured_at=row["captured_at"],
            themes=tuple(theme_names),
            areas=tuple(area_tags[row["id"]]),
        )
        lines.append(line)
        for name in theme_names:
            by_theme[name].append(line)
        for name in line.areas:
            by_area[name].append(line)
    theme_groups = tuple(
        Group(name, tuple(by_theme[name])) for name in theme_order if by_theme.get(name)
    )
    area_groups = tuple(
        Group(row["name"], tuple(by_area[row["name"]])) for row in areas if by_area.get(row["name"])
    )
    return theme_groups, area_groups, lines


def _actions(reader: Reader) -> list[ActionLine]:
    """Return the live actions: open ones first by due date, then done and dropped."""
    rows = reader.query(
        "SELECT text, owner, due_on, coalesce(action_status, 'open') AS status, done_means "
        "FROM takeaways WHERE deleted_at IS NULL AND kind = 'action' "
        "ORDER BY CASE coalesce(action_status, 'open') WHEN 'open' THEN 0 WHEN 'done' THEN 1 "
        "ELSE 2 END, due_on IS NULL, due_on, captured_at, rowid"
    )
    return [
        ActionLine(
            row["text"],
            row["owner"] or "",
            row["due_on"] or "",
            row["status"],
            row["done_means"] or "",
        )
        for row in rows
    ]
