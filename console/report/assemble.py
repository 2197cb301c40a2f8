"""The report of a workshop, put together from the store's records in one consistent read.

Scores come from console.domain.scoring (see there for the rule: live rows only, merges followed
to the end of their chain). The inventory is ranked by the report's pain-point round: the latest
revealed round on pain points, or the latest round when none is revealed yet. Every ranking uses
the documented tie-break.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import starmap
from typing import overload

from console.domain.ranking import TIE_BREAK_RULE, rank_items, shared_top
from console.domain.scoring import InventoryScores, score_inventory, theme_survivors
from console.domain.timers import timer_state
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
from console.store.card_rounds import method_label, round_cards, round_votes, score_card_round
from console.store.core import Row, iso
from console.store.export import Reader
from console.store.inventory_votes import theme_items
from console.store.rankings import compare_with_published
from console.store.report_data import (
    TakeawaySet,
    action_rows,
    agenda_days,
    agenda_items,
    card_round_rows,
    competence_areas,
    delegate_count,
    linked_pain_points,
    pain_point_records,
    pain_point_round,
    raisers,
    round_voters,
    takeaway_area_tags,
    takeaway_kinds,
    takeaway_lines,
    takeaway_theme_tags,
    takeaways_listed,
    takeaways_of_kind,
    theme_descriptions,
    timer_events,
    vote_records,
    workshop_row,
)

TOP = 3
"""How many of the room's best cards count as its top when compared with published rankings."""

NO_THEME = "No theme"


def build_report(reader: Reader, now: datetime) -> Report:
    """Compute the report from a workshop's records (call inside one read transaction)."""
    workshop = workshop_row(reader)
    themes, count, round_title = inventory_report(reader)
    chosen = pain_point_round(reader)
    delegates = delegate_count(reader)
    by_kind = _kinds(reader)
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
        card_rounds=tuple(card_round_reports(reader, delegates)),
        by_theme=_by_theme(reader, [theme.name for theme in themes]),
        by_area=_by_area(reader),
        insights=by_kind["insight"],
        quotes=by_kind["quote"],
        decisions=by_kind["decision"],
        questions=by_kind["question"],
        actions=tuple(_actions(reader)),
        tie_break_rule=TIE_BREAK_RULE,
        delegates=delegates,
        pain_point_voters=round_voters(reader, chosen["id"]) if chosen else None,
        pain_point_hands=bool(chosen and chosen["method"] == "hand_count"),
    )


# Agenda -------------------------------------------------------------------------------------


def _agenda(reader: Reader, now: datetime) -> list[AgendaDayReport]:
    """Return the live days and items with planned and actual times."""
    days = agenda_days(reader)
    items = agenda_items(reader)
    running = [item["id"] for item in items if item["status"] in ("running", "paused")]
    events = timer_events(reader, running)
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


def inventory_report(reader: Reader) -> tuple[list[ThemeReport], int, str | None]:
    """Return the ranked themes with their ranked pain points, the count, and the round's title."""
    chosen = pain_point_round(reader)
    points = pain_point_records(reader)
    # The themes a live pain point is recorded under (merged ones too): from the rows at hand,
    # not from the file again.
    held = {point.theme_id for point in points if point.theme_id is not None}
    votes = vote_records(reader, chosen["id"], points) if chosen else []
    scores = score_inventory(points, theme_items(reader), votes)
    del points, votes  # scored: only the scores are needed from here on
    return (
        theme_reports(scores, raisers(reader), theme_descriptions(reader), held),
        len(scores.points),
        chosen["title"] if chosen else None,
    )


def theme_reports(
    scores: InventoryScores,
    raised: Mapping[str, str],
    descriptions: Mapping[str, str],
    held: Collection[str] | None = None,
) -> list[ThemeReport]:
    """Return the ranked themes, each with its ranked pain points, then those without a theme.

    Themes without a pain point (a template's unused themes) are left out of the ranking. A
    theme merged into another is named under it only while a live pain point is still recorded
    under it (held, by theme id; None: every merged theme): one merged away after its pain
    points moved, such as a stray "#people", only ever existed by mistake.
    """
    lines_by_theme: dict[str | None, list[PainPointLine]] = defaultdict(list)
    theme_of, all_variants = scores.theme_of, scores.variants
    for entry in scores.points:  # once per pain point: lookups kept out of the loop
        item = entry.item
        item_id = item.item_id
        variants = all_variants.get(item_id)
        lines_by_theme[theme_of[item_id]].append(
            PainPointLine(
                entry.rank,
                entry.tied,
                int(item.position),
                item.label,
                int(item.score),
                item.voters,
                raised.get(item_id, ""),
                tuple([variant.label for variant in variants]) if variants else (),
            )
        )
    holding = rank_items(
        entry.item for entry in scores.themes if scores.theme_counts.get(entry.item.item_id)
    )
    reports = [
        ThemeReport(
            entry.rank,
            entry.tied,
            entry.item.label,
            descriptions.get(entry.item.item_id, ""),
            int(entry.item.score),
            entry.item.voters,
            tuple(lines_by_theme[entry.item.item_id]),
            tuple(
                theme.label
                for theme in scores.merged_themes.get(entry.item.item_id, ())
                if held is None or theme.id in held
            ),
        )
        for entry in holding
    ]
    loose = lines_by_theme[None]
    if loose:
        total = scores.theme_totals.get(None)
        reports.append(
            ThemeReport(
                0,
                False,
                NO_THEME,
                "",
                total.score if total else 0,
                len(total.voters) if total else 0,
                tuple(loose),
            )
        )
    return reports


# Cards --------------------------------------------------------------------------------------


def card_round_reports(reader: Reader, delegates: int | None = None) -> list[CardRoundReport]:
    """Return every live card round's ranked results and comparisons."""
    links = {
        card_id: [f"#{row['position']} {row['text']}" for row in rows]
        for card_id, rows in linked_pain_points(reader).items()
    }
    return [_card_round(reader, row, links, delegates) for row in card_round_rows(reader)]


def _card_round(
    reader: Reader, round_row: Row, links: dict[str, list[str]], delegates: int | None
) -> CardRoundReport:
    """Return one card round's report."""
    cards = round_cards(reader, round_row["id"])
    scores = score_card_round(round_votes(reader, round_row["id"]), cards, round_row["method"])
    references: list[ReferenceReport] = []
    placed: dict[str, list[str]] = defaultdict(list)
    for ranking, rows in compare_with_published(reader, round_row["deck_id"], scores.ranked, TOP):
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
            code=cards[entry.item.item_id].code,
            title=entry.item.label,
            category=cards[entry.item.item_id].category,
            score=int(entry.item.score),
            voters=entry.item.voters,
            reference_ranks=tuple(placed[entry.item.item_id]),
            global_top=bool(placed[entry.item.item_id]),
            pain_points=tuple(links.get(entry.item.item_id, ())),
        )
        for entry in scores.ranked
    )
    return CardRoundReport(
        title=round_row["title"],
        deck=round_row["deck"],
        method=round_row["method"],
        status=round_row["status"],
        revealed=bool(round_row["revealed_at"]),
        ballots=scores.ballots,
        cards=lines,
        references=tuple(references),
        label=method_label(round_row["method"], int(round_row["pick_count"])),
        delegates=delegates,
    )


# Takeaways ----------------------------------------------------------------------------------


class Streamed(Sequence[TakeawayLine]):
    """Takeaways read from the file each time they are gone through, a batch at a time: the
    report never holds them all. Read them inside the snapshot the report was built in."""

    __slots__ = ("_chosen", "_reader", "_size")

    def __init__(self, reader: Reader, chosen: TakeawaySet, size: int) -> None:
        self._reader = reader
        self._chosen = chosen
        self._size = size

    def __iter__(self) -> Iterator[TakeawayLine]:
        # starmap, not a generator: no Python frame resumed per takeaway.
        return starmap(TakeawayLine, takeaway_lines(self._reader, self._chosen))

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> TakeawayLine: ...

    @overload
    def __getitem__(self, index: slice) -> list[TakeawayLine]: ...

    def __getitem__(self, index: int | slice) -> TakeawayLine | list[TakeawayLine]:
        return list(self)[index]

    def __repr__(self) -> str:
        return f"<{self._size} takeaways where {self._chosen.condition}>"


def _kinds(reader: Reader) -> dict[str, Streamed]:
    """Return the takeaways of each kind, in capture order."""
    counts = takeaway_kinds(reader)
    return {
        kind: Streamed(reader, takeaways_of_kind(kind), counts.get(kind, 0))
        for kind in ("insight", "quote", "decision", "question")
    }


def _groups(
    reader: Reader,
    names: Iterable[str],
    tags: Iterable[tuple[int, str]],
    name_of: Mapping[str, str],
) -> tuple[Group, ...]:
    """Return a group for each name whose tags (takeaway, tag) hold a takeaway, in the order
    given; a tag counts for the name name_of gives it (none: it does not count)."""
    members: dict[str, set[int]] = defaultdict(set)
    for rowid, tag in tags:
        name = name_of.get(tag)
        if name is not None:
            members[name].add(rowid)
    listed = {name: takeaways_listed(rowids) for name, rowids in members.items()}
    return tuple(
        Group(name, Streamed(reader, listed[name], len(members[name])))
        for name in names
        if name in members
    )


def _by_theme(reader: Reader, theme_order: list[str]) -> tuple[Group, ...]:
    """Return the takeaways grouped under the report's themes, each group in capture order.

    A takeaway tagged with a merged theme (or about a pain point in one) counts for the theme it
    was merged into, by the scoring module's merge rule; themes are grouped by name.
    """
    themes = theme_items(reader)
    names = {theme.id: theme.label for theme in themes}
    name_of = {theme_id: names[end] for theme_id, end in theme_survivors(themes).items()}
    return _groups(reader, theme_order, takeaway_theme_tags(reader), name_of)


def _by_area(reader: Reader) -> tuple[Group, ...]:
    """Return the takeaways grouped under the competence areas (by name), in capture order."""
    areas = competence_areas(reader)
    name_of = {row["id"]: row["name"] for row in areas}
    return _groups(reader, [row["name"] for row in areas], takeaway_area_tags(reader), name_of)


def _actions(reader: Reader) -> list[ActionLine]:
    """Return the live actions: open ones first by due date, then done and dropped."""
    return [ActionLine(*row) for row in action_rows(reader)]
