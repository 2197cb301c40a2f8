"""The report of a realistic two-day workshop: the inventory by the revealed round, cards and the
agenda's times (the workshop itself is built in tests/workshops.py)."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeClock, make_workshop
from workshops import EXPECTED_THEMES, EXPECTED_TOP, build_realistic_workshop

from console.report.build import read_report
from console.store import inventory
from console.store.core import WorkshopStore
from console.store.takeaways import Choice, capture_takeaway, delete_takeaway, toggle_link


def test_the_report_ranks_the_inventory_by_the_revealed_round(tmp_path: Path) -> None:
    clock = FakeClock()
    path = build_realistic_workshop(tmp_path / "workshop.db", clock)
    with WorkshopStore.open(path, clock=clock) as store:
        report = read_report(store)
    assert report.pain_point_round == "Score the pain points"
    assert report.pain_point_count == 39
    assert [theme.name for theme in report.themes] == EXPECTED_THEMES
    assert [theme.score for theme in report.themes] == [25, 10, 7]
    ranked = sorted(
        (line for theme in report.themes for line in theme.items), key=lambda line: line.rank
    )
    assert [line.position for line in ranked[: len(EXPECTED_TOP)]] == EXPECTED_TOP
    three = next(line for line in ranked if line.position == 3)
    assert (three.score, three.voters, three.tied, three.variants) == (
        7,
        3,
        True,
        ("Pain point number 40",),
    )
    assert report.themes[1].merged_themes == ("Value and priorities",)


def test_the_report_compares_cards_and_times_the_agenda(tmp_path: Path) -> None:
    clock = FakeClock()
    path = build_realistic_workshop(tmp_path / "workshop.db", clock)
    with WorkshopStore.open(path, clock=clock) as store:
        report = read_report(store)
    top3, recognise = report.card_rounds
    assert [card.code for card in top3.cards] == ["ABC01", "ABC02", "ABC05", "ABC11", "ABC07"]
    assert top3.ballots == 8 and len(recognise.cards) == 2
    abc02 = top3.cards[1]
    assert abc02.global_top
    assert any("Glenfis" in text and "#1" in text for text in abc02.reference_ranks)
    assert top3.cards[0].pain_points == ("#7 Pain point number 7",)
    day1, day2 = report.agenda
    assert all(item.actual_seconds is not None for item in day1.items)
    running = day2.items[0]
    assert running.running and running.actual_seconds is not None
    assert running.actual_seconds >= 600
    assert len(report.quotes) == 6 and len(report.actions) == 6
    assert [a.status for a in report.actions] == ["open"] * 4 + ["done", "dropped"]
    assert report.by_theme[0].name == "People and culture"
    assert {group.name for group in report.by_area} == {"Courage", "Business Value Optimization"}


def test_takeaways_are_grouped_by_their_tags_and_by_the_pain_point_they_are_about(
    tmp_path: Path,
) -> None:
    path = make_workshop(tmp_path / "workshop.db", "blank")
    with WorkshopStore.open(path, clock=FakeClock()) as store:
        inventory.capture_pain_point(store, 'Blame culture #"Culture"')
        tools = inventory.capture_pain_point(store, 'Too many tools #"Tooling"')
        capture_takeaway(store, "i: Say sorry first #Culture")
        about = capture_takeaway(store, "i: Every team picks its own tracker").id
        toggle_link(store, about, Choice("pain_point", tools, "Pain point 2: Too many tools"))
        capture_takeaway(store, "i: Speak up in the review #Courage")
        gone = capture_takeaway(store, "i: Struck out #Culture #Courage").id
        delete_takeaway(store, gone)
        report = read_report(store)
        # The groups' takeaways are read from the file as they are gone through.
        by_theme = [
            (group.name, [line.text for line in group.takeaways]) for group in report.by_theme
        ]
        by_area = [
            (group.name, [line.text for line in group.takeaways]) for group in report.by_area
        ]
    assert by_theme == [
        ("Culture", ["Say sorry first"]),
        ("Tooling", ["Every team picks its own tracker"]),
    ]
    assert by_area == [("Courage", ["Speak up in the review"])]
