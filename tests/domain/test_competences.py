"""Tests for console.domain.competences: the DASA areas, aliases and search."""

from __future__ import annotations

import pytest

from console.domain.competences import (
    DASA_AREAS,
    LEVELS,
    CompetenceArea,
    normalise_key,
    resolve_area,
    search_areas,
)


def test_twelve_areas_with_official_names_and_kinds() -> None:
    assert [(area.name, area.kind) for area in DASA_AREAS] == [
        ("Courage", "skill"),
        ("Teambuilding", "skill"),
        ("DevOps Leadership", "skill"),
        ("Continuous Improvement", "skill"),
        ("Business Value Optimization", "knowledge"),
        ("Business Analysis", "knowledge"),
        ("Architecture & Design", "knowledge"),
        ("Programming", "knowledge"),
        ("Continuous Delivery", "knowledge"),
        ("Test Specification", "knowledge"),
        ("Infrastructure Engineering", "knowledge"),
        ("Security, Risk & Compliance", "knowledge"),
    ]


def test_codes() -> None:
    assert [area.code for area in DASA_AREAS] == [
        "courage",
        "teambuilding",
        "leadership",
        "ci",
        "bvo",
        "ba",
        "arch",
        "prog",
        "cd",
        "test",
        "infra",
        "src",
    ]


def test_levels() -> None:
    assert LEVELS == ("Novice", "Competent", "Proficient", "Expert", "Master")


def test_every_spelling_resolves_to_exactly_one_area() -> None:
    owners: dict[str, str] = {}
    for area in DASA_AREAS:
        for spelling in area.spellings:
            key = normalise_key(spelling)
            assert owners.setdefault(key, area.code) == area.code, spelling
            assert resolve_area(spelling) is area


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Leadership", "leadership"),
        ("continual improvement", "ci"),
        ("Continual-Improvement", "ci"),
        ("CONTINUOUS IMPROVEMENT", "ci"),
        ("Team building", "teambuilding"),
        ("team-building", "teambuilding"),
        ("Business Value Optimisation", "bvo"),
        ("business value optimization", "bvo"),
        ("BVO", "bvo"),
        ("Security", "src"),
        ("security, risk and compliance", "src"),
        ("Security Risk & Compliance", "src"),
        ("Architecture and Design", "arch"),
        ("architecture&design", "arch"),
        ("Testing", "test"),
        ("#Courage", "courage"),
        ("  courage  ", "courage"),
        ("Business_Value_Optimization", "bvo"),
    ],
)
def test_resolve_area_aliases(text: str, code: str) -> None:
    area = resolve_area(text)
    assert area is not None
    assert area.code == code


@pytest.mark.parametrize("text", ["", "   ", "#", "Cour", "Agile", "Improvements please"])
def test_resolve_area_needs_a_whole_match(text: str) -> None:
    assert resolve_area(text) is None


def test_resolve_area_with_custom_areas() -> None:
    custom = (CompetenceArea("x", "Facilitation", "skill", ("Hosting",)),)
    assert resolve_area("hosting", custom) is custom[0]
    assert resolve_area("Courage", custom) is None


def test_area_kind_is_checked() -> None:
    with pytest.raises(ValueError):
        CompetenceArea("x", "X", "talent")


def test_search_empty_returns_all_in_order() -> None:
    assert search_areas("") == list(DASA_AREAS)


def test_search_prefix_of_name_comes_first() -> None:
    codes = [area.code for area in search_areas("co")]
    assert codes[:2] == ["courage", "ci"]
    assert set(codes) >= {"cd", "src"}


def test_search_exact_code_or_alias_first() -> None:
    assert search_areas("ci")[0].code == "ci"
    assert search_areas("security")[0].code == "src"
    assert search_areas("leadership")[0].code == "leadership"


def test_search_word_prefix_and_substring() -> None:
    assert [area.code for area in search_areas("imp")] == ["ci"]
    assert [area.code for area in search_areas("optim")] == ["bvo"]
    assert "arch" in [area.code for area in search_areas("design")]


def test_search_no_match() -> None:
    assert search_areas("zzz") == []
