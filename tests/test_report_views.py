"""The result views (for `datasette workshop.db`) agree with the report's rankings."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeClock
from workshops import EXPECTED_THEMES, EXPECTED_TOP, build_realistic_workshop

from console.report.build import read_report
from console.store.core import WorkshopStore


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
