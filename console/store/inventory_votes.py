"""Voting rounds on pain points: hand counts, dot-vote ballots, reveal, scores and ranking.

Every vote is a row of pain_point_votes (round, pain point, delegate or none for hand counts,
points, when): hand counts are stored as +/- delta rows, a dot-vote ballot as one row per item
it gives votes to. Scores, voters and ranks come from console.domain.scoring: this module reads
the votes and merges as plain records.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from console.domain.ranking import Ranked
from console.domain.scoring import (
    InventoryScores,
    Item,
    ThemeStanding,
    Vote,
    score_inventory,
    survivors,
    tally,
)
from console.domain.text import clean_user_text
from console.domain.voting import (
    RuleError,
    VoteRules,
    VotingMethod,
    check_ballot,
    clamp_hand_count,
    make_rules,
    parse_ballot_entry,
)
from console.store.core import Row, StoreError, WorkshopStore
from console.store.export import FORMAT_VERSION, Reader, current_revision, open_read_only
from console.store.inventory import PainPoint, leading_pain_points
from console.store.workshop import workshop_details

PAIN_POINT_METHODS = (VotingMethod.DOT, VotingMethod.HAND_COUNT)
"""The ways a room scores pain points."""

EMPTY_BALLOT_MESSAGE = "Type the pain point numbers of one ballot, e.g. 3 7 7 12."

_CHUNK = 500


@dataclass(frozen=True)
class Round:
    """A voting round on pain points."""

    id: str
    title: str
    method: VotingMethod
    budget: int
    cap_per_item: int
    status: str
    revealed_at: str | None
    position: int

    @property
    def rules(self) -> VoteRules:
        """Return the rules every ballot of this round obeys."""
        return make_rules(self.method, self.budget, self.cap_per_item)

    @property
    def revealed(self) -> bool:
        """Tell whether the projector may show the scores."""
        return self.revealed_at is not None

    def describe(self) -> str:
        """Return a one-line summary such as 'dot vote, 5 dots, at most 3 per item'."""
        if self.method is VotingMethod.DOT:
            return f"dot vote, {self.budget} dots each, at most {self.cap_per_item} on one item"
        return "hand count"


def rounds(store: Reader) -> list[Round]:
    """Return the pain-point voting rounds, oldest first."""
    rows = store.query(
        "SELECT id, title, method, budget, cap_per_item, status, revealed_at, position "
        "FROM voting_rounds WHERE target = 'pain_points' AND deleted_at IS NULL "
        "ORDER BY position, created_at"
    )
    return [_round(row) for row in rows]


@dataclass(frozen=True)
class LeadingPainPoints:
    """The leading pain points of the round shown first, as the file was at a revision."""

    rev: int
    round_id: str | None
    points: list[PainPoint]


def read_leading_pain_points(path: Path, count: int) -> LeadingPainPoints:
    """Read the leading pain points of the latest round (the one the inventory shows first) on
    a read-only connection of its own, for a thread: the console has checked the file."""
    # Not checked again: the whole-file check would take longer than the reading, and the
    # console opened this file after it.
    with open_read_only(path, checked=FORMAT_VERSION) as reader, reader.snapshot():
        shown = rounds(reader)
        round_id = shown[-1].id if shown else None
        return LeadingPainPoints(
            current_revision(reader), round_id, leading_pain_points(reader, round_id, count)
        )


def get_round(store: WorkshopStore, round_id: str) -> Round:
    """Return one round, or raise a one-line StoreError."""
    rows = store.query(
        "SELECT id, title, method, budget, cap_per_item, status, revealed_at, position "
        "FROM voting_rounds WHERE id = ? AND deleted_at IS NULL",
        [round_id],
    )
    if not rows:
        raise StoreError("That voting round no longer exists.")
    return _round(rows[0])


def open_round(
    store: WorkshopStore,
    method: VotingMethod | str,
    *,
    title: str = "",
    budget: int | None = None,
    cap_per_item: int | None = None,
) -> str:
    """Open a new round (closing the open ones); budget and cap default to the workshop's."""
    settings = workshop_details(store).settings
    rules = make_rules(
        method,
        settings.vote_budget if budget is None else budget,
        settings.vote_cap if cap_per_item is None and budget is None else cap_per_item,
    )
    if rules.method not in PAIN_POINT_METHODS:
        raise RuleError("Pain points are scored by dot vote or hand count.")
    with store.write() as transaction:
        existing = store.query(
            "SELECT id, status FROM voting_rounds WHERE target = 'pain_points' "
            "AND deleted_at IS NULL"
        )
        for row in existing:
            if row["status"] == "open":
                transaction.update("voting_rounds", row["id"], {"status": "closed"})
        name = title.strip() and clean_user_text(title, max_chars=120, field="Round title")
        running = store.query(
            "SELECT id FROM agenda_items WHERE status IN ('running', 'paused') "
            "AND deleted_at IS NULL ORDER BY updated_at DESC LIMIT 1"
        )
        return transaction.insert(
            "voting_rounds",
            {
                "title": name or f"Round {len(existing) + 1}",
                "target": "pain_points",
                "method": rules.method.value,
                "budget": rules.budget,
                "cap_per_item": rules.cap_per_item,
                "pick_count": rules.pick_count,
                "status": "open",
                "agenda_item_id": running[0]["id"] if running else None,
                "position": len(existing) + 1,
            },
        )


def set_revealed(store: WorkshopStore, round_id: str, revealed: bool) -> None:
    """Reveal a round's scores on the projector, or hide them again."""
    with store.write() as transaction:
        found = get_round(store, round_id)
        if found.revealed != revealed:
            value = transaction.now if revealed else None
            transaction.update("voting_rounds", round_id, {"revealed_at": value})


def bump_hand_count(store: WorkshopStore, round_id: str, pain_point_id: str, delta: int) -> int:
    """Add delta raised hands to a pain point (never below zero); return the new count."""
    with store.write() as transaction:
        found = _open_round(store, round_id, VotingMethod.HAND_COUNT)
        _votable(store, pain_point_id)
        current = _hand_count(store, found.id, pain_point_id)
        result = clamp_hand_count(int(current), delta)
        if delta:
            transaction.insert(
                "pain_point_votes",
                {"round_id": found.id, "pain_point_id": pain_point_id, "points": delta},
            )
    return result


def set_hand_count(store: WorkshopStore, round_id: str, pain_point_id: str, count: int) -> int:
    """Set a pain point's raised hands to count, stored as the difference from before."""
    if count < 0:
        raise RuleError("A count cannot go below zero.")
    current = _hand_count(store, round_id, pain_point_id)
    return bump_hand_count(store, round_id, pain_point_id, count - int(current))


def ballot_labels(
    store: WorkshopStore, numbers: Collection[int] | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """Return the numbers a ballot may name (number -> votable pain point) and deleted numbers.

    A merged pain point's number names the pain point it counts for (by the scoring rule); one
    that counts for none (deleted, or merged into a deleted one) is a deleted number. Given
    numbers, only those are looked up (through the position index, not every row).
    """
    if numbers is None:
        rows = store.query(
            "SELECT id, position, deleted_at, merged_into_id FROM pain_points ORDER BY rowid"
        )
        survivor_of = survivors(
            {row["id"]: row["merged_into_id"] for row in rows if row["deleted_at"] is None}
        )
    else:
        rows = []
        wanted = sorted(set(numbers))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows.extend(
                store.query(
                    "SELECT id, position, deleted_at, merged_into_id FROM pain_points "
                    f"WHERE position IN ({marks}) ORDER BY rowid",
                    chunk,
                )
            )
        survivor_of = survivors_of(store, [row["id"] for row in rows])
    labels: dict[str, str] = {}
    deleted: dict[str, str] = {}
    for row in rows:
        number = str(row["position"])
        target = survivor_of.get(row["id"])
        if target is None:
            deleted[number] = row["id"]
        else:
            labels[number] = target
    return labels, deleted


def survivors_of(store: WorkshopStore, pain_point_ids: Collection[str]) -> dict[str, str]:
    """Map some pain points to the shown pain point each counts for (the scoring rule's merge
    chains), reading only the rows on their chains; rows that count for none are left out."""
    merged_into: dict[str, str | None] = {}
    seen: set[str] = set()
    frontier = set(pain_point_ids)
    while frontier:
        seen |= frontier
        chosen = list(frontier)
        frontier = set()
        for start in range(0, len(chosen), _CHUNK):
            chunk = chosen[start : start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for row in store.query(
                "SELECT id, merged_into_id FROM pain_points "
                f"WHERE id IN ({marks}) AND deleted_at IS NULL",
                chunk,
            ):
                into = row["merged_into_id"]
                merged_into[row["id"]] = into
                if into is not None and into not in seen:
                    frontier.add(into)
    found = survivors(merged_into)
    return {row: found[row] for row in pain_point_ids if row in found}


def parse_ballot(store: WorkshopStore, text: str) -> dict[str, int]:
    """Turn typed pain point numbers such as "3 7 7 12" or "3x2 7" into pain point -> votes."""
    if not text.strip(" ,;\t"):
        raise RuleError(EMPTY_BALLOT_MESSAGE)
    labels, deleted = ballot_labels(store, [int(number) for number in re.findall(r"\d+", text)])
    for token in text.replace(",", " ").replace(";", " ").split():
        number = token.lower().split("x")[0].split("*")[0].lstrip("#")
        if number in deleted:
            raise RuleError(f"Pain point #{number} was deleted; it cannot get votes.")
    try:
        return parse_ballot_entry(
            text.replace("#", ""),
            labels,
        )
    except RuleError as error:
        message = str(error)
        if message.startswith("Unknown card code: "):
            unknown = message.removeprefix("Unknown card code: ").rstrip(".")
            raise RuleError(f"There is no pain point #{unknown}.") from None
        raise


def save_ballot(
    store: WorkshopStore, round_id: str, participant_id: str, ballot: Mapping[str, int]
) -> None:
    """Save one delegate's dot-vote ballot, replacing their earlier one (undoable)."""
    with store.write("enter ballot") as transaction:
        found = _open_round(store, round_id, VotingMethod.DOT)
        people = store.query(
            "SELECT number FROM participants WHERE id = ? AND deleted_at IS NULL",
            [participant_id],
        )
        if not people:
            raise StoreError("That delegate was removed from the workshop.")
        for item in ballot:
            _votable(store, item)
        check_ballot(found.rules, ballot, list(ballot))
        earlier = store.query(
            "SELECT id FROM pain_point_votes WHERE round_id = ? AND participant_id = ? "
            "AND deleted_at IS NULL",
            [found.id, participant_id],
        )
        for row in earlier:
            transaction.soft_delete("pain_point_votes", row["id"])
        for item, points in ballot.items():
            transaction.insert_undoable(
                "pain_point_votes",
                {
                    "round_id": found.id,
                    "pain_point_id": item,
                    "participant_id": participant_id,
                    "points": points,
                },
            )


def ballot_of(store: WorkshopStore, round_id: str, participant_id: str) -> dict[str, int]:
    """Return a delegate's current ballot in a round (pain point -> votes)."""
    rows = store.query(
        "SELECT pain_point_id, sum(points) AS points FROM pain_point_votes "
        "WHERE round_id = ? AND participant_id = ? AND deleted_at IS NULL "
        "GROUP BY pain_point_id ORDER BY min(rowid)",
        [round_id, participant_id],
    )
    return {row["pain_point_id"]: int(row["points"]) for row in rows}


def voters_in(store: WorkshopStore, round_id: str) -> set[str]:
    """Return the delegates who have a ballot in the round."""
    rows = store.query(
        "SELECT DISTINCT participant_id FROM pain_point_votes WHERE round_id = ? "
        "AND participant_id IS NOT NULL AND deleted_at IS NULL",
        [round_id],
    )
    return {row["participant_id"] for row in rows}


def round_votes(
    reader: Reader, round_id: str, members: Collection[str] | None = None
) -> list[Vote]:
    """Return a round's live votes as records, optionally only those cast on some rows."""
    base = (
        "SELECT pain_point_id, participant_id, points FROM pain_point_votes "
        "WHERE round_id = ? AND deleted_at IS NULL"
    )
    if members is None:
        rows = reader.query(base, [round_id])
    else:
        rows = []
        chosen = list(members)
        for start in range(0, len(chosen), _CHUNK):
            chunk = chosen[start : start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows.extend(reader.query(base + f" AND pain_point_id IN ({marks})", [round_id, *chunk]))
    return [Vote(row["pain_point_id"], int(row["points"]), row["participant_id"]) for row in rows]


def pain_point_items(reader: Reader) -> list[Item]:
    """Return the live pain points (variants too) with their merges and themes, as recorded."""
    rows = reader.query(
        "SELECT id, text, position, created_at, merged_into_id, theme_id FROM pain_points "
        "WHERE deleted_at IS NULL ORDER BY rowid"
    )
    return [
        Item(
            row["id"],
            row["text"],
            int(row["position"]),
            row["created_at"],
            row["merged_into_id"],
            row["theme_id"],
        )
        for row in rows
    ]


def theme_items(reader: Reader) -> list[Item]:
    """Return the live themes (merged ones too) with their merges."""
    rows = reader.query(
        "SELECT id, name, position, created_at, merged_into_id FROM themes "
        "WHERE deleted_at IS NULL ORDER BY rowid"
    )
    return [
        Item(row["id"], row["name"], int(row["position"]), row["created_at"], row["merged_into_id"])
        for row in rows
    ]


def inventory_scores(reader: Reader, round_id: str | None) -> InventoryScores:
    """Score the inventory in a round (None: no votes yet), read in one snapshot by the caller."""
    votes = round_votes(reader, round_id) if round_id else []
    return score_inventory(pain_point_items(reader), theme_items(reader), votes)


def voted_items_since(store: WorkshopStore, round_id: str, since_rev: int) -> set[str]:
    """Return the pain points (as voted on, variants included) whose votes changed."""
    rows = store.query(
        "SELECT DISTINCT pain_point_id FROM pain_point_votes WHERE round_id = ? AND rev > ?",
        [round_id, since_rev],
    )
    return {row["pain_point_id"] for row in rows}


def rank_pain_points(store: WorkshopStore, round_id: str | None) -> list[Ranked]:
    """Rank the shown pain points by their score in a round, with the documented tie-break."""
    with store.snapshot():
        return list(inventory_scores(store, round_id).points)


def rank_themes(store: WorkshopStore, round_id: str | None) -> list[ThemeStanding]:
    """Rank the shown themes by the summed score of their pain points, with the same tie-break."""
    with store.snapshot():
        return inventory_scores(store, round_id).standings()


def _hand_count(store: WorkshopStore, round_id: str, pain_point_id: str) -> int:
    """Return a pain point's current count in a round, the votes of the rows that count for it
    included (its merge chains followed through the index, not over every row)."""
    rows = store.query(
        "WITH RECURSIVE members(id) AS (SELECT ? UNION SELECT p.id FROM pain_points p "
        "JOIN members m ON p.merged_into_id = m.id WHERE p.deleted_at IS NULL) "
        "SELECT id FROM members",
        [pain_point_id],
    )
    members = [row["id"] for row in rows]
    survivor_of = dict.fromkeys(members, pain_point_id)
    found = tally(round_votes(store, round_id, members), survivor_of).get(pain_point_id)
    return found.score if found is not None else 0


def _round(row: Row) -> Round:
    """Build a Round from its row."""
    return Round(
        id=row["id"],
        title=row["title"],
        method=VotingMethod(row["method"]),
        budget=int(row["budget"]),
        cap_per_item=int(row["cap_per_item"]),
        status=row["status"],
        revealed_at=row["revealed_at"],
        position=int(row["position"]),
    )


def _open_round(store: WorkshopStore, round_id: str, method: VotingMethod) -> Round:
    """Return the round if it is open and uses the method, else raise a one-line error."""
    found = get_round(store, round_id)
    if found.status != "open":
        raise RuleError(f"{found.title} is closed; open a new round with v.")
    if found.method is not method:
        if method is VotingMethod.DOT:
            raise RuleError(f"{found.title} is a hand count: use + and - on a pain point.")
        raise RuleError(f"{found.title} is a dot vote: enter ballots with b.")
    return found


def _votable(store: WorkshopStore, pain_point_id: str) -> None:
    """Raise a one-line error unless the pain point can get votes."""
    rows = store.query(
        "SELECT position, deleted_at, merged_into_id FROM pain_points WHERE id = ?",
        [pain_point_id],
    )
    if not rows:
        raise StoreError("That pain point no longer exists.")
    if rows[0]["deleted_at"] is not None:
        raise RuleError(f"Pain point #{rows[0]['position']} was deleted; it cannot get votes.")
    if rows[0]["merged_into_id"] is not None:
        raise RuleError(
            f"Pain point #{rows[0]['position']} was merged; vote for the one it was merged into."
        )
