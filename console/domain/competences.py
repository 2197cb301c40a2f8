"""The 12 DASA DevOps competence areas, their levels, and forgiving look-up by name or alias."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SKILL = "skill"
KNOWLEDGE = "knowledge"

LEVELS = ("Novice", "Competent", "Proficient", "Expert", "Master")
"""The five DASA proficiency levels, lowest first."""


@dataclass(frozen=True)
class CompetenceArea:
    """One DASA competence area: short code, official name, skill or knowledge, and aliases."""

    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Refuse a kind other than "skill" or "knowledge"."""
        if self.kind not in (SKILL, KNOWLEDGE):
            raise ValueError(f"kind must be {SKILL!r} or {KNOWLEDGE!r}, not {self.kind!r}")

    @property
    def spellings(self) -> tuple[str, ...]:
        """Return the name, code and aliases, the name first."""
        return (self.name, self.code, *self.aliases)


DASA_AREAS: tuple[CompetenceArea, ...] = (
    CompetenceArea("courage", "Courage", SKILL, ("Courageous",)),
    CompetenceArea("teambuilding", "Teambuilding", SKILL, ("Team building", "Team-building")),
    CompetenceArea("leadership", "DevOps Leadership", SKILL, ("Leadership", "Leader")),
    CompetenceArea(
        "ci",
        "Continuous Improvement",
        SKILL,
        ("Continual Improvement", "Improvement", "Kaizen"),
    ),
    CompetenceArea(
        "bvo",
        "Business Value Optimization",
        KNOWLEDGE,
        ("Business Value Optimisation", "Business Value", "Value Optimization"),
    ),
    CompetenceArea("ba", "Business Analysis", KNOWLEDGE, ("Analysis", "Requirements")),
    CompetenceArea(
        "arch",
        "Architecture & Design",
        KNOWLEDGE,
        ("Architecture and Design", "Architecture", "Design"),
    ),
    CompetenceArea("prog", "Programming", KNOWLEDGE, ("Coding", "Software Development")),
    CompetenceArea("cd", "Continuous Delivery", KNOWLEDGE, ("Continuous Deployment", "Delivery")),
    CompetenceArea(
        "test", "Test Specification", KNOWLEDGE, ("Testing", "Test Specifications", "QA")
    ),
    CompetenceArea(
        "infra",
        "Infrastructure Engineering",
        KNOWLEDGE,
        ("Infrastructure", "Operations", "Ops"),
    ),
    CompetenceArea(
        "src",
        "Security, Risk & Compliance",
        KNOWLEDGE,
        ("Security", "Risk", "Compliance", "SecRC"),
    ),
)
"""The 12 DASA areas in the official order: four skill areas, then eight knowledge areas."""


def normalise_key(text: str) -> str:
    """Return a comparison key: case-folded, "&" read as "and", spaces and punctuation dropped."""
    return re.sub(r"[\W_]+", "", text.casefold().replace("&", "and"))


def resolve_area(text: str, areas: Sequence[CompetenceArea] = DASA_AREAS) -> CompetenceArea | None:
    """Return the area whose name, code or alias matches the text exactly (forgivingly), or None."""
    key = normalise_key(text)
    if not key:
        return None
    for area in areas:
        if any(normalise_key(spelling) == key for spelling in area.spellings):
            return area
    return None


def _match_rank(area: CompetenceArea, key: str) -> int | None:
    """Return how well the key matches the area (0 best), or None if it does not match at all."""
    name_key = normalise_key(area.name)
    other_keys = [normalise_key(spelling) for spelling in (area.code, *area.aliases)]
    word_keys = [normalise_key(word) for spelling in area.spellings for word in spelling.split()]
    if key == name_key or key in other_keys:
        return 0
    if name_key.startswith(key):
        return 1
    if any(other.startswith(key) for other in other_keys):
        return 2
    if any(word.startswith(key) for word in word_keys):
        return 3
    if key in name_key:
        return 4
    if any(key in other for other in other_keys):
        return 5
    return None


def search_areas(prefix: str, areas: Sequence[CompetenceArea] = DASA_AREAS) -> list[CompetenceArea]:
    """Return the areas matching typed text, best first (exact, prefix, word prefix, substring)."""
    key = normalise_key(prefix)
    if not key:
        return list(areas)
    ranked: list[tuple[int, int, CompetenceArea]] = []
    for index, area in enumerate(areas):
        rank = _match_rank(area, key)
        if rank is not None:
            ranked.append((rank, index, area))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [area for _, _, area in ranked]
