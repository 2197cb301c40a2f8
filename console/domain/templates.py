"""Workshop templates, reference rankings and competence areas read from human-editable TOML."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from console.domain.schedule import AGENDA_KINDS
from console.domain.settings import WorkshopSettings, validate_settings

MAX_DELEGATES = 500
_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class TemplateError(ValueError):
    """A template or reference file that cannot be used, told in one line."""


@dataclass(frozen=True)
class TemplateItem:
    """One agenda item of a template day."""

    title: str
    kind: str
    minutes: int


@dataclass(frozen=True)
class TemplateDay:
    """One day of a template agenda."""

    title: str
    start_time: str
    items: tuple[TemplateItem, ...]


@dataclass(frozen=True)
class TemplateTheme:
    """A pain-point theme a template starts with."""

    name: str
    description: str


@dataclass(frozen=True)
class Template:
    """A parsed workshop template."""

    title: str
    event: str
    venue: str
    settings: WorkshopSettings
    delegates: int
    themes: tuple[TemplateTheme, ...]
    days: tuple[TemplateDay, ...]
    deck_file: str | None
    deck_name: str
    deck_description: str
    references_file: str | None
    competence_areas_file: str | None


@dataclass(frozen=True)
class ReferenceEntrySpec:
    """One entry of a published ranking."""

    rank: int | None
    title: str
    card_code: str | None


@dataclass(frozen=True)
class ReferenceRankingSpec:
    """A published ranking of cards, to compare a room's result with."""

    name: str
    source: str
    year: int | None
    ordered: bool
    entries: tuple[ReferenceEntrySpec, ...]


@dataclass(frozen=True)
class CompetenceAreaSpec:
    """A competence area as listed in a competence-area file."""

    code: str
    name: str
    kind: str
    aliases: tuple[str, ...]


def parse_template(data: bytes, source: str) -> Template:
    """Parse and validate a workshop template."""
    document = _load_toml(data, source)
    workshop = _table(document, "workshop", source)
    settings_table = _table(document, "settings", source, required=False)
    try:
        settings = validate_settings(
            _int(settings_table, "vote_budget", source, 5),
            _int(settings_table, "vote_cap", source, 3),
            _int(settings_table, "pick_count", source, 3),
        )
    except ValueError as error:
        raise TemplateError(f"{source} [settings]: {error}") from None
    delegates = _int(settings_table, "delegates", source, 12)
    if not 0 <= delegates <= MAX_DELEGATES:
        raise TemplateError(
            f"{source} [settings]: delegates must be between 0 and {MAX_DELEGATES}."
        )
    themes = tuple(
        TemplateTheme(
            _text(theme, "name", f"{source} theme {number}"),
            _text(theme, "description", f"{source} theme {number}", required=False),
        )
        for number, theme in enumerate(_array(document, "themes", source), start=1)
    )
    days = tuple(
        _parse_day(day, f"{source} day {number}")
        for number, day in enumerate(_array(document, "days", source), start=1)
    )
    deck = _table(document, "deck", source, required=False)
    references = _table(document, "references", source, required=False)
    areas = _table(document, "competence_areas", source, required=False)
    return Template(
        title=_text(workshop, "title", f"{source} [workshop]"),
        event=_text(workshop, "event", f"{source} [workshop]", required=False),
        venue=_text(workshop, "venue", f"{source} [workshop]", required=False),
        settings=settings,
        delegates=delegates,
        themes=themes,
        days=days,
        deck_file=_text(deck, "file", f"{source} [deck]", required=False) or None,
        deck_name=_text(deck, "name", f"{source} [deck]", required=False) or "Deck",
        deck_description=_text(deck, "description", f"{source} [deck]", required=False),
        references_file=_text(references, "file", f"{source} [references]", required=False) or None,
        competence_areas_file=_text(areas, "file", f"{source} [competence_areas]", required=False)
        or None,
    )


def parse_reference_rankings(data: bytes, source: str) -> tuple[ReferenceRankingSpec, ...]:
    """Parse a file of published rankings."""
    document = _load_toml(data, source)
    rankings = []
    for number, ranking in enumerate(_array(document, "rankings", source), start=1):
        where = f"{source} ranking {number}"
        ordered = ranking.get("ordered", True)
        if not isinstance(ordered, bool):
            raise TemplateError(f"{where}: 'ordered' must be true or false.")
        entries = []
        for position, entry in enumerate(_array(ranking, "entries", where), start=1):
            entry_where = f"{where} entry {position}"
            rank = entry.get("rank")
            if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool)):
                raise TemplateError(f"{entry_where}: 'rank' must be a whole number.")
            if ordered and rank is None:
                raise TemplateError(f"{entry_where}: an ordered ranking needs a 'rank'.")
            code = _text(entry, "card", entry_where, required=False)
            entries.append(
                ReferenceEntrySpec(rank, _text(entry, "title", entry_where), code or None)
            )
        year = ranking.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise TemplateError(f"{where}: 'year' must be a whole number.")
        rankings.append(
            ReferenceRankingSpec(
                name=_text(ranking, "name", where),
                source=_text(ranking, "source", where, required=False),
                year=year,
                ordered=ordered,
                entries=tuple(entries),
            )
        )
    return tuple(rankings)


def parse_competence_areas(data: bytes, source: str) -> tuple[CompetenceAreaSpec, ...]:
    """Parse a file of competence areas."""
    document = _load_toml(data, source)
    areas = []
    for number, area in enumerate(_array(document, "areas", source), start=1):
        where = f"{source} area {number}"
        kind = _text(area, "kind", where)
        if kind not in ("skill", "knowledge"):
            raise TemplateError(f"{where}: 'kind' must be skill or knowledge (got {kind!r}).")
        aliases = area.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
            raise TemplateError(f"{where}: 'aliases' must be a list of names.")
        areas.append(
            CompetenceAreaSpec(
                _text(area, "code", where), _text(area, "name", where), kind, tuple(aliases)
            )
        )
    return tuple(areas)


def _parse_day(day: Mapping[str, Any], where: str) -> TemplateDay:
    """Parse one day of a template agenda."""
    start_time = _text(day, "start_time", where, required=False) or "09:00"
    if not _TIME_OF_DAY.match(start_time):
        raise TemplateError(f"{where}: start_time must look like 09:00 (got {start_time!r}).")
    items = []
    for number, item in enumerate(_array(day, "items", where), start=1):
        item_where = f"{where} item {number}"
        kind = _text(item, "kind", item_where, required=False) or "discussion"
        if kind not in AGENDA_KINDS:
            raise TemplateError(
                f"{item_where}: kind must be one of {', '.join(AGENDA_KINDS)} (got {kind!r})."
            )
        minutes = _int(item, "minutes", item_where, None)
        if not 1 <= minutes <= 1440:
            raise TemplateError(
                f"{item_where}: minutes must be between 1 and 1440 (got {minutes})."
            )
        items.append(TemplateItem(_text(item, "title", item_where), kind, minutes))
    return TemplateDay(_text(day, "title", where, required=False), start_time, tuple(items))


def _load_toml(data: bytes, source: str) -> dict[str, Any]:
    """Decode and parse TOML, turning every failure into one line."""
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise TemplateError(f"{source} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"{source}: {error}.") from None


def _table(document: Mapping[str, Any], key: str, source: str, *, required: bool = True) -> dict:
    """Return a TOML table, or an empty one when it is optional and absent."""
    value = document.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise TemplateError(f"{source}: a [{key}] table is required.")
    return value


def _array(document: Mapping[str, Any], key: str, source: str) -> list[dict[str, Any]]:
    """Return an array of tables, empty when absent."""
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise TemplateError(f"{source}: '{key}' must be a list of tables.")
    return value


def _text(table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    """Return a text value, stripped."""
    value = table.get(key)
    if value is None:
        if required:
            raise TemplateError(f"{where}: '{key}' is missing.")
        return ""
    if not isinstance(value, str):
        raise TemplateError(f"{where}: '{key}' must be text.")
    if required and not value.strip():
        raise TemplateError(f"{where}: '{key}' is empty.")
    return value.strip()


def _int(table: Mapping[str, Any], key: str, where: str, default: int | None) -> int:
    """Return a whole-number value."""
    value = table.get(key, default)
    if value is None:
        raise TemplateError(f"{where}: '{key}' is missing.")
    if not isinstance(value, int) or isinstance(value, bool):
        raise TemplateError(f"{where}: '{key}' must be a whole number.")
    return value
