"""The result views (pain_point_ranking, theme_ranking, card_results) score like domain.scoring.

Random workshops with merges, chains of merges, soft deletes, ties, hand counts and dot votes
are written into a real workshop file; each view must list, row for row, what the console's
one scoring rule computes from the same file.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.store.card_rounds import card_rounds, round_cards, round_votes, score_card_round
from console.store.core import WorkshopStore
from console.store.inventory_votes import inventory_scores, rounds, theme_items

TIMES = ("2026-11-26T09:00:00.000000Z", "2026-11-26T09:05:00.000000Z")
WORDS = ("Blame", "blame", "Silos", "No time", "Tools", "silos")


@dataclass(frozen=True)
class Spec:
    """A random workshop as plain numbers: what to write, merge, delete and vote."""

    delegates: int
    themes: tuple[tuple[int, int | None, bool], ...]
    """Per theme: created_at index, merged into (theme index), deleted."""
    points: tuple[tuple[int, int, int | None, int | None, bool], ...]
    """Per pain point: text index, created_at index, theme, merged into (index), deleted."""
    rounds: tuple[tuple[str, bool], ...]
    """Per pain-point round: method, deleted."""
    votes: tuple[tuple[int, int, int | None, int, bool], ...]
    """Per vote: round, pain point, delegate (None: a hand count), points, deleted."""
    cards: tuple[tuple[int, int, bool], ...]
    """Per card: title index, created_at index, deleted."""
    card_rounds: tuple[tuple[str, bool], ...]
    card_votes: tuple[tuple[int, int, int | None, int, bool], ...]


def _index(limit: int) -> st.SearchStrategy[int]:
    return st.integers(0, max(limit - 1, 0))


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    """Draw a small workshop that exercises every scoring rule."""
    delegates = draw(st.integers(0, 4))
    theme_count = draw(st.integers(0, 4))
    themes = tuple(
        (
            draw(_index(len(TIMES))),
            draw(st.none() | _index(theme_count)),
            draw(st.sampled_from((False, False, True))),
        )
        for _ in range(theme_count)
    )
    point_count = draw(st.integers(0, 8))
    points = tuple(
        (
            draw(_index(len(WORDS))),
            draw(_index(len(TIMES))),
            draw(st.none() | _index(theme_count)) if theme_count else None,
            draw(st.none() | st.none() | _index(point_count)),
            draw(st.sampled_from((False, False, False, True))),
        )
        for _ in range(point_count)
    )
    rounds = tuple(
        (draw(st.sampled_from(("dot", "hand_count"))), draw(st.sampled_from((False, False, True))))
        for _ in range(draw(st.integers(0, 2)))
    )
    votes: tuple[tuple[int, int, int | None, int, bool], ...] = ()
    if rounds and points:
        votes = tuple(
            (
                draw(_index(len(rounds))),
                draw(_index(point_count)),
                draw(st.none() | _index(delegates)) if delegates else None,
                draw(st.integers(-1, 3)),
                draw(st.sampled_from((False, False, False, True))),
            )
            for _ in range(draw(st.integers(0, 14)))
        )
    card_count = draw(st.integers(0, 5))
    cards = tuple(
        (
            draw(_index(len(WORDS))),
            draw(_index(len(TIMES))),
            draw(st.sampled_from((False, False, False, True))),
        )
        for _ in range(card_count)
    )
    card_rounds = tuple(
        (
            draw(st.sampled_from(("pick_n", "approval", "hand_count"))),
            draw(st.sampled_from((False, False, True))),
        )
        for _ in range(draw(st.integers(0, 2)) if cards else 0)
    )
    card_votes: tuple[tuple[int, int, int | None, int, bool], ...] = ()
    if card_rounds:
        card_votes = tuple(
            (
                draw(_index(len(card_rounds))),
                draw(_index(card_count)),
                draw(st.none() | _index(delegates)) if delegates else None,
                draw(st.integers(0, 3)),
                draw(st.sampled_from((False, False, False, True))),
            )
            for _ in range(draw(st.integers(0, 10)))
        )
    return Spec(delegates, themes, points, rounds, votes, cards, card_rounds, card_votes)


def build(store: WorkshopStore, spec: Spec) -> None:
    """Write the spec's rows into the workshop in one transaction, merges after inserts."""
    with store.write() as transaction:
        gone = TIMES[-1]
        people = [
            transaction.insert("participants", {"number": number + 1})
            for number in range(spec.delegates)
        ]
        themes = [
            transaction.insert(
                "themes",
                {
                    "name": f"{WORDS[index % len(WORDS)]} {index}",
                    "position": index,
                    "created_at": TIMES[created],
                },
            )
            for index, (created, _into, _deleted) in enumerate(spec.themes)
        ]
        for index, (_created, into, deleted) in enumerate(spec.themes):
            values: dict[str, object] = {}
            if into is not None and into != index:
                values["merged_into_id"] = themes[into]
            if deleted:
                values["deleted_at"] = gone
            if values:
                transaction.update("themes", themes[index], values)
        points = [
            transaction.insert(
                "pain_points",
                {
                    "text": WORDS[text],
                    "position": index + 1,
                    "created_at": TIMES[created],
                    "theme_id": None if theme is None else themes[theme],
                },
            )
            for index, (text, created, theme, _into, _deleted) in enumerate(spec.points)
        ]
        for index, (*_rest, into, deleted) in enumerate(spec.points):
            values = {}
            if into is not None and into != index:
                values["merged_into_id"] = points[into]
            if deleted:
                values["deleted_at"] = gone
            if values:
                transaction.update("pain_points", points[index], values)
        rounds = [
            transaction.insert(
                "voting_rounds",
                {
                    "title": f"Round {index}",
                    "target": "pain_points",
                    "method": method,
                    "position": index,
                    "deleted_at": gone if deleted else None,
                },
            )
            for index, (method, deleted) in enumerate(spec.rounds)
        ]
        for round_index, point, person, amount, deleted in spec.votes:
            transaction.insert(
                "pain_point_votes",
                {
                    "round_id": rounds[round_index],
                    "pain_point_id": points[point],
                    "participant_id": None if person is None else people[person],
                    "points": amount,
                    "deleted_at": gone if deleted else None,
                },
            )
        deck = transaction.insert("decks", {"name": "Deck"})
        cards = [
            transaction.insert(
                "cards",
                {
                    "deck_id": deck,
                    "code": f"C{index:02d}",
                    "title": WORDS[title],
                    "position": index,
                    "created_at": TIMES[created],
                    "deleted_at": gone if deleted else None,
                },
            )
            for index, (title, created, deleted) in enumerate(spec.cards)
        ]
        card_rounds = [
            transaction.insert(
                "voting_rounds",
                {
                    "title": f"Cards {index}",
                    "target": "cards",
                    "deck_id": deck,
                    "method": method,
                    "position": index,
                    "deleted_at": gone if deleted else None,
                },
            )
            for index, (method, deleted) in enumerate(spec.card_rounds)
        ]
        for round_index, card, person, amount, deleted in spec.card_votes:
            transaction.insert(
                "card_votes",
                {
                    "round_id": card_rounds[round_index],
                    "card_id": cards[card],
                    "participant_id": None if person is None else people[person],
                    "points": amount,
                    "deleted_at": gone if deleted else None,
                },
            )


@pytest.fixture(scope="module")
def blank_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty workshop file to copy for each example (migrations run once)."""
    path = tmp_path_factory.mktemp("blank") / "blank.db"
    WorkshopStore.create(path).close()
    return path


def open_copy(blank: Path, folder: Path) -> WorkshopStore:
    """Open a fresh copy of the empty workshop file."""
    target = Path(tempfile.mkdtemp(dir=folder)) / "workshop.db"
    shutil.copyfile(blank, target)
    return WorkshopStore.open(target)


def tied_flags(ranks: list[int]) -> list[bool]:
    """Return, for each rank of a view's rows, whether another row shares it."""
    return [ranks.count(rank) > 1 for rank in ranks]


def check_inventory(store: WorkshopStore) -> None:
    """Each pain-point round's view rows are what scoring ranks, row for row."""
    names = {theme.id: theme.label for theme in theme_items(store)}
    for found in rounds(store):
        scores = inventory_scores(store, found.id)
        rows = store.query(
            "SELECT pain_point_id, rank, score, voters, theme, variants FROM pain_point_ranking "
            "WHERE round_id = ?",
            [found.id],
        )
        assert [
            (
                row["pain_point_id"],
                row["rank"],
                tied,
                row["score"],
                row["voters"],
                row["theme"],
                row["variants"],
            )
            for row, tied in zip(rows, tied_flags([row["rank"] for row in rows]), strict=True)
        ] == [
            (
                entry.item.item_id,
                entry.rank,
                entry.tied,
                entry.item.score,
                entry.item.voters,
                names.get(scores.theme_of[entry.item.item_id] or ""),
                len(scores.variants.get(entry.item.item_id, ())),
            )
            for entry in scores.points
        ]
        rows = store.query(
            "SELECT theme_id, rank, score, voters, pain_points FROM theme_ranking "
            "WHERE round_id = ?",
            [found.id],
        )
        assert [
            (row["theme_id"], row["rank"], tied, row["score"], row["voters"], row["pain_points"])
            for row, tied in zip(rows, tied_flags([row["rank"] for row in rows]), strict=True)
        ] == [
            (
                standing.ranked.item.item_id,
                standing.ranked.rank,
                standing.ranked.tied,
                standing.ranked.item.score,
                standing.ranked.item.voters,
                standing.items,
            )
            for standing in scores.standings()
        ]


def check_cards(store: WorkshopStore) -> None:
    """Each card round's card_results rows are what scoring ranks, row for row."""
    for found in card_rounds(store):
        scores = score_card_round(
            round_votes(store, found.id), round_cards(store, found.id), found.method
        )
        rows = store.query(
            "SELECT card_id, rank, score, voters FROM card_results WHERE round_id = ?", [found.id]
        )
        assert [
            (row["card_id"], row["rank"], tied, row["score"], row["voters"])
            for row, tied in zip(rows, tied_flags([row["rank"] for row in rows]), strict=True)
        ] == [
            (entry.item.item_id, entry.rank, entry.tied, entry.item.score, entry.item.voters)
            for entry in scores.ranked
        ]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spec=specs())
def test_views_and_scoring_agree_row_for_row(spec: Spec, blank_file: Path, tmp_path: Path) -> None:
    store = open_copy(blank_file, tmp_path)
    try:
        build(store, spec)
        check_inventory(store)
        check_cards(store)
    finally:
        store.close()


def test_a_chain_of_merges_counts_for_its_last_pain_point_in_views_and_scoring(
    blank_file: Path, tmp_path: Path
) -> None:
    # #1 merged into #2, #2 merged into #3: all votes count for #3; #4 merged into deleted #5.
    spec = Spec(
        delegates=2,
        themes=((0, None, False), (0, 0, False)),
        points=(
            (0, 0, None, 1, False),
            (1, 0, None, 2, False),
            (2, 0, 1, None, False),
            (3, 0, 0, 4, False),
            (4, 0, 0, None, True),
        ),
        rounds=(("dot", False),),
        votes=((0, 0, 0, 2, False), (0, 1, 1, 1, False), (0, 3, 1, 3, False)),
        cards=(),
        card_rounds=(),
        card_votes=(),
    )
    store = open_copy(blank_file, tmp_path)
    try:
        build(store, spec)
        rows = store.query(
            "SELECT position, score, voters, variants, theme FROM pain_point_ranking"
        )
        assert rows == [{"position": 3, "score": 3, "voters": 2, "variants": 2, "theme": "Blame 0"}]
        themes = store.query("SELECT theme, score, voters, pain_points FROM theme_ranking")
        assert themes == [{"theme": "Blame 0", "score": 3, "voters": 2, "pain_points": 1}]
        check_inventory(store)
    finally:
        store.close()
