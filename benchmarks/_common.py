"""Helpers the benchmark scripts share: throwaway workshops and figure printing."""

from __future__ import annotations

import asyncio
import os
import pty
import select
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from console.store.core import WorkshopStore
from console.store.templates import apply_template


def new_workshop(path: Path) -> WorkshopStore:
    """Create a workshop file from the default template and return it open."""
    store = WorkshopStore.create(path)
    apply_template(store, "executive-connections")
    return store


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the value below which the given fraction of values fall."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def describe(values_ms: Sequence[float]) -> str:
    """Summarise timings in milliseconds: median and 95th percentile."""
    return (
        f"median {statistics.median(values_ms):7.2f} ms   p95 {percentile(values_ms, 0.95):7.2f} ms"
        f"   (n={len(values_ms)})"
    )


def time_to_screen(argv: list[str], marker: bytes, cwd: Path, env: dict[str, str]) -> float:
    """Start a terminal program in a pseudo-terminal; return seconds until marker is painted."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.environ.update(env)
        os.execv(argv[0], argv)
    output = b""
    try:
        while marker not in output:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                raise TimeoutError(f"{marker!r} never appeared")
            output += os.read(fd, 65536)
        return time.perf_counter() - started
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


PYTHON = sys.executable
TERMINAL = {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}


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


def build_big_workshop(path: Path, items: int = 10_000, *, seed: int = 8) -> None:
    """Create a realistic big workshop: items pain points (one dot round with items votes from
    200 delegates), items takeaways (a tenth tagged), the template's agenda and a 100-card deck
    with a pick-3 round of 200 ballots."""
    import random

    from console.store.card_rounds import create_round
    from console.store.core import new_id
    from console.store.decks import import_deck
    from console.store.inventory_votes import open_round

    rng = random.Random(seed)
    store = new_workshop(path)
    try:
        deck_csv = ["code,title,category"] + [
            f"X{number:03d},Worst practice {number},{CATEGORIES[number % 3]}"
            for number in range(1, 101)
        ]
        deck = import_deck(store, "\n".join(deck_csv).encode(), "Bench deck", filename="b.csv")
        card_round = create_round(store, deck.deck_id, "pick_n", "Bench cards", pick_count=3)
        dot_round = open_round(store, "dot")
        themes = [row["id"] for row in store.query("SELECT id FROM themes")]
        agenda = [row["id"] for row in store.query("SELECT id FROM agenda_items")]
        areas = [row["id"] for row in store.query("SELECT id FROM competence_areas")]
        cards = [
            row["id"]
            for row in store.query("SELECT id FROM cards WHERE deck_id = ?", [deck.deck_id])
        ]
        with store.write() as transaction:
            stamp = {
                "created_at": transaction.now,
                "created_by": store.instance_id,
                "updated_at": transaction.now,
                "updated_by": store.instance_id,
                "rev": transaction.rev,
            }
            db = store.db
            existing = store.query("SELECT count(*) AS n FROM participants")[0]["n"]
            db.table("participants").insert_all(
                [
                    {"id": new_id(), "number": existing + n + 1, **stamp}
                    for n in range(max(0, 200 - existing))
                ],
                batch_size=1000,
            )
            people = [row["id"] for row in store.query("SELECT id FROM participants")]
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
            db.table("pain_points").insert_all(points, batch_size=1000)
            db.table("pain_point_votes").insert_all(
                [
                    {
                        "id": new_id(),
                        "round_id": dot_round,
                        "pain_point_id": rng.choice(points)["id"],
                        "participant_id": people[index % len(people)],
                        "points": 1,
                        **stamp,
                    }
                    for index in range(items)
                ],
                batch_size=1000,
            )
            notes = []
            tags = []
            for number in range(items):
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
            db.table("takeaways").insert_all(notes, batch_size=1000)
            db.table("takeaway_competence_areas").insert_all(tags, batch_size=1000)
            db.table("card_votes").insert_all(
                [
                    {
                        "id": new_id(),
                        "round_id": card_round,
                        "card_id": card,
                        "participant_id": person,
                        "points": 1,
                        **stamp,
                    }
                    for person in people[:200]
                    for card in rng.sample(cards, 3)
                ],
                batch_size=1000,
            )
    finally:
        store.close()


async def every_pane_built(app: Any) -> None:
    """Wait until the console has built the panes it builds after its first frame.

    Figures of a steady console are taken after this, so that they do not include the panes
    being built in the background.
    """
    from console.ui.app import PANES
    from console.ui.common.pane import Pane

    while len(app.query(Pane)) < len(PANES) or not all(p.is_mounted for p in app.query(Pane)):
        await asyncio.sleep(0.005)


def size_argument(default: int) -> int:
    """Return the item count given on the command line (first argument), or default."""
    if len(sys.argv) < 2:
        return default
    if not sys.argv[1].isdigit():
        script = Path(sys.argv[0]).name
        sys.exit(f"usage: python benchmarks/{script} [ITEMS]   (default {default:,})")
    return int(sys.argv[1])


def figure_line(
    what: str, figure: str, floor: str, ratio: str, target: str, met: bool | None
) -> str:
    """Return one machine-readable result line that run_all.py collects into its table."""
    verdict = "n/a" if met is None else ("yes" if met else "NO")
    return f"RESULT\t{what}\t{figure}\t{floor}\t{ratio}\t{target}\t{verdict}"
