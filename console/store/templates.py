"""Filling a new workshop file from a template shipped in data/ or given as a path."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from console.domain.records import DECK_CARD_FIELDS, FieldSpec, RecordError, parse_csv_records
from console.domain.templates import (
    Template,
    TemplateError,
    parse_competence_areas,
    parse_reference_rankings,
    parse_template,
)
from console.store.core import Transaction, WorkshopStore

DEFAULT_TEMPLATE = "executive-connections"
CARD_FIELDS = (*DECK_CARD_FIELDS, FieldSpec("source", required=False, max_chars=500))


@dataclass(frozen=True)
class TemplateSource:
    """Where a template and the files it names are read from."""

    name: str
    template_bytes: bytes
    folder: Path | None
    """Folder of a template given as a path; None for a shipped template."""

    def read(self, relative: str) -> tuple[bytes, str]:
        """Read a file the template names, relative to data/ or to the template's folder."""
        if self.folder is not None:
            candidate = self.folder / relative
            if candidate.is_file():
                return candidate.read_bytes(), relative
        resource = resources.files("console.data").joinpath(relative)
        if not resource.is_file():
            raise TemplateError(f"{self.name}: the file {relative} it names does not exist.")
        return resource.read_bytes(), relative


def shipped_template_names() -> list[str]:
    """Return the names of the templates shipped with the console."""
    folder = resources.files("console.data").joinpath("templates")
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


def find_template(name_or_path: str) -> TemplateSource:
    """Find a shipped template by name, or read a template file by path."""
    if name_or_path in shipped_template_names():
        resource = resources.files("console.data").joinpath(f"templates/{name_or_path}.toml")
        return TemplateSource(name_or_path, resource.read_bytes(), None)
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.is_file():
        return TemplateSource(path.name, path.read_bytes(), path.parent)
    names = ", ".join(shipped_template_names())
    raise TemplateError(f"No template {name_or_path!r}: use one of {names}, or a .toml file.")


def load_template(name_or_path: str) -> tuple[Template, TemplateSource]:
    """Parse a template, raising TemplateError with one line on any problem."""
    source = find_template(name_or_path)
    return parse_template(source.template_bytes, source.name), source


def apply_template(store: WorkshopStore, name_or_path: str, *, title: str | None = None) -> None:
    """Fill an empty workshop file from a template in one transaction."""
    template, source = load_template(name_or_path)
    cards = []
    if template.deck_file:
        data, name = source.read(template.deck_file)
        try:
            cards = parse_csv_records(data, CARD_FIELDS, source=name, unique="code")
        except RecordError as error:
            raise TemplateError(str(error)) from None
    rankings = ()
    if template.references_file:
        rankings = parse_reference_rankings(*source.read(template.references_file))
    areas = ()
    if template.competence_areas_file:
        areas = parse_competence_areas(*source.read(template.competence_areas_file))
    with store.write() as transaction:
        transaction.insert(
            "workshop",
            {
                "title": title or template.title,
                "event": template.event,
                "venue": template.venue,
                "template": source.name,
                "settings": json.dumps(template.settings.as_dict()),
            },
        )
        for number in range(1, template.delegates + 1):
            transaction.insert("participants", {"number": number})
        for position, theme in enumerate(template.themes):
            transaction.insert(
                "themes",
                {"name": theme.name, "description": theme.description, "position": position},
            )
        _insert_agenda(transaction, template)
        card_ids = _insert_deck(transaction, template, cards)
        for ranking in rankings:
            ranking_id = transaction.insert(
                "reference_rankings",
                {
                    "name": ranking.name,
                    "source": ranking.source,
                    "year": ranking.year,
                    "ordered": int(ranking.ordered),
                    "deck_id": card_ids.get("__deck__"),
                },
            )
            for position, entry in enumerate(ranking.entries):
                transaction.insert(
                    "reference_entries",
                    {
                        "ranking_id": ranking_id,
                        "rank": entry.rank,
                        "title": entry.title,
                        "card_id": card_ids.get((entry.card_code or "").casefold()),
                        "position": position,
                    },
                )
        for position, area in enumerate(areas):
            transaction.insert(
                "competence_areas",
                {
                    "code": area.code,
                    "name": area.name,
                    "kind": area.kind,
                    "aliases": json.dumps(list(area.aliases)),
                    "position": position,
                },
            )
        transaction.insert("display", {"id": "projector", "mode": "agenda"})


def _insert_agenda(transaction: Transaction, template: Template) -> None:
    """Insert the template's days and agenda items."""
    position = 0
    for number, day in enumerate(template.days, start=1):
        day_id = transaction.insert(
            "agenda_days",
            {"number": number, "title": day.title, "start_time": day.start_time},
        )
        for item in day.items:
            transaction.insert(
                "agenda_items",
                {
                    "day_id": day_id,
                    "position": position,
                    "title": item.title,
                    "kind": item.kind,
                    "planned_minutes": item.minutes,
                },
            )
            position += 1


def _insert_deck(
    transaction: Transaction, template: Template, cards: list[dict[str, object]]
) -> dict[object, str]:
    """Insert the template's deck; return card ids by folded code, and the deck's id."""
    if not template.deck_file:
        return {}
    deck_id = transaction.insert(
        "decks",
        {
            "name": template.deck_name,
            "description": template.deck_description,
            "source": template.deck_file,
        },
    )
    ids: dict[object, str] = {"__deck__": deck_id}
    for position, card in enumerate(cards):
        ids[str(card["code"]).casefold()] = transaction.insert(
            "cards",
            {
                "deck_id": deck_id,
                "code": card["code"],
                "title": card["title"],
                "category": card.get("category") or None,
                "description": card.get("description") or "",
                "source": card.get("source") or "",
                "position": position,
            },
        )
    return ids
