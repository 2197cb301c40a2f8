"""The example workshop behind `facilitate demo`, built from data/demo.toml."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from console.domain.competences import resolve_area
from console.store.core import Transaction, WorkshopStore
from console.store.templates import apply_template
from console.store.workshop import workshop_details


def build_demo(path: Path) -> WorkshopStore:
    """Create a filled example workshop at path and return it open."""
    demo = tomllib.loads(resources.files("console.data").joinpath("demo.toml").read_text("utf-8"))
    store = WorkshopStore.create(path)
    apply_template(store, demo["template"], title=demo["title"])
    details = workshop_details(store)
    with store.write() as transaction:
        transaction.update("workshop", details.id, {"event": demo["event"], "venue": demo["venue"]})
        _finish_day_one(store, transaction, demo["day1_actual_minutes"])
        delegates = [
            row["id"]
            for row in store.query(
                "SELECT id FROM participants WHERE deleted_at IS NULL ORDER BY number"
            )
        ]
        _add_pain_points(store, transaction, demo["pain_points"], delegates, details.settings)
        _add_card_picks(store, transaction, demo["card_picks"], delegates)
        _add_takeaways(store, transaction, demo["takeaways"])
    return store


def _finish_day_one(store: WorkshopStore, transaction: Transaction, minutes: list[int]) -> None:
    """Mark day 1 as run, with the actual minutes each item took."""
    items = store.query(
        "SELECT i.id FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id "
        "WHERE d.number = 1 ORDER BY i.position"
    )
    for item, actual in zip(items, minutes, strict=False):
        transaction.update(
            "agenda_items", item["id"], {"status": "done", "actual_seconds": actual * 60}
        )


def _spread(
    counts: list[tuple[str, int]], delegates: list[str], budget: int, cap: int
) -> list[tuple[str, str, int]]:
    """Spread vote counts over delegates within a budget and a cap per item."""
    left = dict.fromkeys(delegates, budget)
    votes: list[tuple[str, str, int]] = []
    turn = 0
    for item_id, count in counts:
        given: dict[str, int] = {}
        while count > 0 and any(left.values()):
            delegate = delegates[turn % len(delegates)]
            turn += 1
            if left[delegate] and given.get(delegate, 0) < cap:
                given[delegate] = given.get(delegate, 0) + 1
                left[delegate] -= 1
                count -= 1
        votes.extend((delegate, item_id, points) for delegate, points in given.items())
    return votes


def _add_pain_points(
    store: WorkshopStore,
    transaction: Transaction,
    pain_points: list[dict[str, Any]],
    delegates: list[str],
    settings: Any,
) -> None:
    """Add the pain points and a revealed dot-vote round on them."""
    themes = {row["name"]: row["id"] for row in store.query("SELECT id, name FROM themes")}
    round_id = transaction.insert(
        "voting_rounds",
        {
            "title": "Score the pain points",
            "target": "pain_points",
            "method": "dot",
            "budget": settings.vote_budget,
            "cap_per_item": settings.vote_cap,
            "status": "closed",
            "revealed_at": transaction.now,
        },
    )
    counts = []
    for position, point in enumerate(pain_points, start=1):
        point_id = transaction.insert(
            "pain_points",
            {"text": point["text"], "theme_id": themes[point["theme"]], "position": position},
        )
        counts.append((point_id, int(point["dots"])))
    for delegate, point_id, points in _spread(
        counts, delegates, settings.vote_budget, settings.vote_cap
    ):
        transaction.insert(
            "pain_point_votes",
            {
                "round_id": round_id,
                "pain_point_id": point_id,
                "participant_id": delegate,
                "points": points,
            },
        )


def _add_card_picks(
    store: WorkshopStore,
    transaction: Transaction,
    picks: list[dict[str, Any]],
    delegates: list[str],
) -> None:
    """Add a revealed pick-3 round on the ABC deck."""
    cards = {
        row["code"]: (row["id"], row["deck_id"])
        for row in store.query("SELECT id, code, deck_id FROM cards")
    }
    deck_id = next(iter(cards.values()))[1]
    round_id = transaction.insert(
        "voting_rounds",
        {
            "title": "ABC cards: top 3",
            "target": "cards",
            "deck_id": deck_id,
            "method": "pick_n",
            "pick_count": 3,
            "status": "closed",
            "revealed_at": transaction.now,
        },
    )
    counts = [(cards[pick["code"]][0], int(pick["picks"])) for pick in picks]
    pain_points = {
        row["text"]: row["id"] for row in store.query("SELECT id, text FROM pain_points")
    }
    for pick in picks:
        for text in pick.get("explains", []):
            transaction.insert(
                "card_pain_points",
                {"card_id": cards[pick["code"]][0], "pain_point_id": pain_points[text]},
            )
    for delegate, card_id, points in _spread(counts, delegates, 3, 1):
        transaction.insert(
            "card_votes",
            {
                "round_id": round_id,
                "card_id": card_id,
                "participant_id": delegate,
                "points": points,
            },
        )


def _add_takeaways(
    store: WorkshopStore, transaction: Transaction, takeaways: list[dict[str, Any]]
) -> None:
    """Add day 2's takeaways, tagged with competence areas."""
    areas = {row["name"]: row["id"] for row in store.query("SELECT id, name FROM competence_areas")}
    today = store.clock().date()
    for takeaway in takeaways:
        due = takeaway.get("due_in_days")
        takeaway_id = transaction.insert(
            "takeaways",
            {
                "kind": takeaway["kind"],
                "text": takeaway["text"],
                "speaker": takeaway.get("speaker", ""),
                "owner": takeaway.get("owner", ""),
                "due_on": (today + timedelta(days=due)).isoformat() if due else None,
                "action_status": "open" if takeaway["kind"] == "action" else None,
                "captured_at": transaction.now,
            },
        )
        for name in takeaway.get("areas", []):
            area = resolve_area(name)
            if area is not None and area.name in areas:
                transaction.insert(
                    "takeaway_competence_areas",
                    {"takeaway_id": takeaway_id, "competence_area_id": areas[area.name]},
                )
