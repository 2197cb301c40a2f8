"""The one workload every benchmark runs on: a workshop of N pain points, built once per size.

`build_workshop(path, items)` makes the template's workshop (agenda, themes, competence areas)
and adds, in one transaction of bulk inserts through the store's own schema (so its indexes and
full-text triggers are filled as the console fills them): 200 delegates, `items` pain points
with `items` dot votes, `2 * items` takeaways (a tenth tagged with a competence area), and a
deck of `cards` cards with a pick-3 round of `ballots` ballots. `workshop(items)` builds it once
per size into a cache folder under the temporary directory and returns that file;
`fresh_copy` gives a benchmark that writes its own copy.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from console.store.core import WorkshopStore, new_id
from console.store.format import FORMAT_VERSION
from console.store.templates import apply_template

BUILDER_VERSION = 1
"""Bump when the builder changes, so that cached workshops are built again."""
CACHE = Path(tempfile.gettempdir()) / "facilitate-benchmarks"
DELEGATES = 200
WORDS = [
    "ownership",
    "priority",
    "business",
    "impact",
    "silo",
    "handover",
    "change",
    "release",
    "customer",
    "value",
    "process",
    "tooling",
    "budget",
    "skills",
    "culture",
    "trust",
    "outsourcing",
    "vendor",
    "backlog",
    "incident",
    "flow",
    "feedback",
    "learning",
    "courage",
    "team",
    "risk",
    "debt",
    "automation",
    "metrics",
    "experiment",
    "outcome",
]
CATEGORIES = ("Attitude", "Behavior", "Culture")
KINDS = ("insight", "quote", "decision", "question", "action")


def new_workshop(path: Path) -> WorkshopStore:
    """Create a workshop file from the default template and return it open."""
    store = WorkshopStore.create(path)
    apply_template(store, "executive-connections")
    return store


def _insert_many(store: WorkshopStore, table: str, rows: Iterable[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys) with one prepared statement."""
    rows = list(rows)
    if not rows:
        return
    names = list(rows[0])
    columns = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    store.connection.executemany(
        f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',
        ([row[name] for name in names] for row in rows),
    )


def _ids(store: WorkshopStore, sql: str, params: Sequence[Any] = ()) -> list[str]:
    """Return the id column of a query."""
    return [row["id"] for row in store.query(sql, params)]


def build_workshop(
    path: Path, items: int, *, cards: int = 100, ballots: int = 200, seed: int = 8
) -> None:
    """Create the benchmark workshop at path (see the module docstring)."""
    from console.store.card_rounds import create_round
    from console.store.decks import import_deck
    from console.store.inventory_votes import open_round

    rng = random.Random(seed)
    store = new_workshop(path)
    try:
        deck_csv = ["code,title,category"] + [
            f"X{number:03d},Worst practice {number},{CATEGORIES[number % 3]}"
            for number in range(1, cards + 1)
        ]
        deck = import_deck(store, "\n".join(deck_csv).encode(), "Bench deck", filename="b.csv")
        card_round = create_round(store, deck.deck_id, "pick_n", "Bench cards", pick_count=3)
        dot_round = open_round(store, "dot")
        themes = _ids(store, "SELECT id FROM themes")
        agenda = _ids(store, "SELECT id FROM agenda_items")
        areas = _ids(store, "SELECT id FROM competence_areas")
        deck_cards = _ids(store, "SELECT id FROM cards WHERE deck_id = ?", [deck.deck_id])
        with store.write() as transaction:
            stamp = {
                "created_at": transaction.now,
                "created_by": store.instance_id,
                "updated_at": transaction.now,
                "updated_by": store.instance_id,
                "rev": transaction.rev,
            }
            top = store.query("SELECT coalesce(max(number), 0) AS n FROM participants")[0]["n"]
            existing = store.query("SELECT count(*) AS n FROM participants")[0]["n"]
            _insert_many(
                store,
                "participants",
                (
                    {"id": new_id(), "number": top + n + 1, **stamp}
                    for n in range(max(0, max(DELEGATES, ballots) - existing))
                ),
            )
            people = _ids(store, "SELECT id FROM participants ORDER BY number")
            points = [
                {
                    "id": new_id(),
                    "text": f"Pain point {number}: {' '.join(rng.choices(WORDS, k=8))}",
                    "theme_id": rng.choice(themes),
                    "raised_by": "",
                    "position": number,
                    **stamp,
                }
                for number in range(1, items + 1)
            ]
            _insert_many(store, "pain_points", points)
            _insert_many(
                store,
                "pain_point_votes",
                (
                    {
                        "id": new_id(),
                        "round_id": dot_round,
                        "pain_point_id": rng.choice(points)["id"],
                        "participant_id": people[index % DELEGATES],
                        "points": 1,
                        **stamp,
                    }
                    for index in range(items)
                ),
            )
            del points
            notes, tags = [], []
            for number in range(2 * items):
                kind = KINDS[number % len(KINDS)]
                note_id = new_id()
                notes.append(
                    {
                        "id": note_id,
                        "kind": kind,
                        "text": " ".join(rng.choices(WORDS, k=12)) + f" n{number}",
                        "speaker": "Gene Kim" if kind == "quote" else "",
                        "owner": "Ann" if kind == "action" else "",
                        "action_status": "open" if kind == "action" else None,
                        "agenda_item_id": rng.choice(agenda),
                        "captured_at": f"2026-11-26T{9 + number // 3600 % 10:02d}:"
                        f"{number // 60 % 60:02d}:{number % 60:02d}.{number:06d}+00:00",
                        **stamp,
                    }
                )
                if number % 10 == 0:
                    tags.append(
                        {
                            "id": new_id(),
                            "takeaway_id": note_id,
                            "competence_area_id": rng.choice(areas),
                            **stamp,
                        }
                    )
            _insert_many(store, "takeaways", notes)
            _insert_many(store, "takeaway_competence_areas", tags)
            _insert_many(
                store,
                "card_votes",
                (
                    {
                        "id": new_id(),
                        "round_id": card_round,
                        "card_id": card,
                        "participant_id": person,
                        "points": 1,
                        **stamp,
                    }
                    for person in people[:ballots]
                    for card in rng.sample(deck_cards, 3)
                ),
            )
    finally:
        store.close()


def workshop(items: int) -> Path:
    """Return the cached benchmark workshop of this size, building it on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"workshop-f{FORMAT_VERSION}-b{BUILDER_VERSION}-{items}.db"
    if not path.exists():
        building = CACHE / f"building-{os.getpid()}-{path.name}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        build_workshop(building, items)
        os.replace(building, path)
    return path


def fresh_copy(items: int, folder: Path, name: str = "workshop.db") -> Path:
    """Copy the cached workshop of this size into folder, for a benchmark that writes to it."""
    target = folder / name
    shutil.copyfile(workshop(items), target)
    target.chmod(0o600)
    return target
