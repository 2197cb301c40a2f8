"""The result views (for `datasette workshop.db`) agree with the report's rankings."""

from __future__ import annotations

import random
from pathlib import Path

from conftest import FakeClock, make_workshop
from sqlite_utils import Database
from workshops import EXPECTED_THEMES, EXPECTED_TOP, build_realistic_workshop

from console.report.build import read_report
from console.store.core import Transaction, WorkshopStore
from console.store.migrations import migrations


def test_views_rank_like_the_report(tmp_path: Path) -> None:
    clock = FakeClock()
    path = build_realistic_workshop(tmp_path / "workshop.db", clock)
    with WorkshopStore.open(path, clock=clock) as store:
        assert {
            "pain_point_ranking",
            "theme_ranking",
            "card_results",
            "actions",
            "agenda_times",
        } <= set(store.db.view_names())
        report = read_report(store)
        ranking = store.query(
            "SELECT rank, position, score, voters, variants FROM pain_point_ranking "
            "WHERE round_title = 'Score the pain points'"
        )
        themes = store.query(
            "SELECT theme, score, pain_points FROM theme_ranking "
            "WHERE round_title = 'Score the pain points'"
        )
        cards = store.query(
            "SELECT rank, code, score, reference_ranks, linked_pain_points FROM card_results "
            "WHERE round_title = 'ABC cards: top 3'"
        )
        actions = store.query("SELECT what, who, status FROM actions")
        agenda = store.query("SELECT day, planned_minutes, actual_minutes FROM agenda_times")
    assert len(ranking) == 39
    assert [row["position"] for row in ranking[: len(EXPECTED_TOP)]] == EXPECTED_TOP
    report_lines = {line.position: line for theme in report.themes for line in theme.items}
    for row in ranking:
        line = report_lines[row["position"]]
        assert (row["rank"], row["score"], row["voters"]) == (line.rank, line.score, line.voters)
    assert ranking[1]["variants"] == 1
    assert [row["theme"] for row in themes] == EXPECTED_THEMES
    assert [row["score"] for row in themes] == [theme.score for theme in report.themes]
    assert [row["code"] for row in cards] == [card.code for card in report.card_rounds[0].cards]
    assert "Glenfis ITIL-course surveys #1" in cards[1]["reference_ranks"]
    assert cards[0]["linked_pain_points"] == 1
    assert [row["what"] for row in actions] == [action.what for action in report.actions]
    assert len(agenda) == 12 and agenda[0]["actual_minutes"] == agenda[0]["planned_minutes"]


RANKING_VIEWS = ("pain_point_ranking", "theme_ranking")


def views_before(step: str) -> dict[str, str]:
    """Return the ranking views' CREATE statements as the steps before `step` left them."""
    database = Database(memory=True, execute_plugins=False)
    try:
        migrations.apply(database, stop_before=step)
        rows = database.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'")
        return {name: sql for name, sql in rows if name in RANKING_VIEWS}
    finally:
        database.close()


def build_tangled_workshop(store: WorkshopStore, seed: int) -> None:
    """Write a random workshop of merge chains, loops, deletions, ties and several rounds."""
    chance = random.Random(seed)
    times = ("2026-11-26T09:00:00.000000Z", "2026-11-26T09:05:00.000000Z")
    gone = times[-1]
    with store.write() as transaction:
        people = [transaction.insert("participants", {"number": n + 1}) for n in range(6)]
        themes = [
            transaction.insert(
                "themes",
                {"name": f"Theme {n}", "position": n % 3, "created_at": times[n // 3]},
            )
            for n in range(6)
        ]
        _merge_or_delete_some(transaction, "themes", themes, chance, gone)
        points = [
            transaction.insert(
                "pain_points",
                {
                    "text": f"Pain point {n}",
                    "position": n + 1,
                    "created_at": chance.choice(times),
                    "theme_id": chance.choice([None, *themes]),
                },
            )
            for n in range(40)
        ]
        _merge_or_delete_some(transaction, "pain_points", points, chance, gone)
        rounds = [
            transaction.insert(
                "voting_rounds",
                {
                    "title": f"Round {n}",
                    "target": "pain_points",
                    "method": method,
                    "position": n % 2,
                    "created_at": times[n // 2],
                    "deleted_at": gone if n == 3 else None,
                },
            )
            for n, method in enumerate(("dot", "hand_count", "dot", "dot"))
        ]
        for _ in range(90):
            round_id = chance.choice(rounds)
            hand_count = round_id == rounds[1]
            transaction.insert(
                "pain_point_votes",
                {
                    "round_id": round_id,
                    "pain_point_id": chance.choice(points),
                    "participant_id": None if hand_count else chance.choice(people),
                    "points": chance.randint(-1, 3),
                    "deleted_at": gone if chance.random() < 0.1 else None,
                },
            )


def _merge_or_delete_some(
    transaction: Transaction, table: str, ids: list[str], chance: random.Random, gone: str
) -> None:
    """Merge some rows into others at random (chains and loops too), and delete some."""
    for row_id in ids:
        values: dict[str, object] = {}
        if chance.random() < 0.4:
            values["merged_into_id"] = chance.choice(ids)
        if chance.random() < 0.15:
            values["deleted_at"] = gone
        if values:
            transaction.update(table, row_id, values)


def assert_ranking_views_unchanged(store: WorkshopStore) -> list[list[tuple]]:
    """Each ranking view lists what its definition before step 0012 lists, row for row."""
    listed = []
    for name, sql in views_before("0012_faster_ranking_views").items():
        head = f"CREATE VIEW {name} AS"
        store.db.conn.execute(f"CREATE TEMP VIEW old_{name} AS {sql.removeprefix(head)}")
        old = store.db.conn.execute(f"SELECT * FROM old_{name}").fetchall()
        new = store.db.conn.execute(f"SELECT * FROM {name}").fetchall()
        assert new == old, name
        listed.append(new)
    return listed


def test_the_ranking_views_list_what_they_listed_before_they_were_made_faster(
    tmp_path: Path,
) -> None:
    ties = variants = chains = 0
    for seed in range(12):
        path = tmp_path / f"tangled-{seed}.db"
        make_workshop(path)
        with WorkshopStore.open(path) as store:
            build_tangled_workshop(store, seed)
            points, themes = assert_ranking_views_unchanged(store)
            chains += store.query(
                "SELECT count(*) AS n FROM pain_points p JOIN pain_points q "
                "ON q.id = p.merged_into_id WHERE q.merged_into_id IS NOT NULL"
            )[0]["n"]
        ranks = [(row[0], row[2]) for row in points]
        ties += len(ranks) - len(set(ranks))
        variants += sum(1 for row in points if row[8] > 1)
        assert {row[0] for row in points} == {row[0] for row in themes}
        assert len({row[0] for row in points}) == 3, "three live pain-point rounds"
    # The workshops exercise what the views must keep: ties, chains, several variants.
    assert ties and variants and chains


def test_the_ranking_views_of_the_realistic_workshop_are_unchanged(tmp_path: Path) -> None:
    clock = FakeClock()
    path = build_realistic_workshop(tmp_path / "workshop.db", clock)
    with WorkshopStore.open(path, clock=clock) as store:
        points, themes = assert_ranking_views_unchanged(store)
    assert len(points) == 2 * 39 and themes  # two pain-point rounds
