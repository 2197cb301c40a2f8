"""Workshop details and participants."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from console.domain.settings import WorkshopSettings, validate_settings
from console.store.core import Row, StoreError, WorkshopStore

MAX_PARTICIPANTS = 500


@dataclass(frozen=True)
class WorkshopDetails:
    """The workshop row as the console edits it."""

    id: str
    title: str
    event: str
    venue: str
    starts_on: str | None
    ends_on: str | None
    settings: WorkshopSettings


@dataclass(frozen=True)
class Participant:
    """A delegate in the room: numbered by default, optionally named."""

    id: str
    number: int
    name: str
    role: str
    table_label: str

    @property
    def label(self) -> str:
        """Return how the console names the delegate: 'Delegate 3' or 'Delegate 3 (Ann)'."""
        return f"Delegate {self.number}" + (f" ({self.name})" if self.name else "")


def workshop_details(store: WorkshopStore) -> WorkshopDetails:
    """Return the workshop's details."""
    rows = store.query("SELECT * FROM workshop WHERE deleted_at IS NULL LIMIT 1")
    if not rows:
        raise StoreError(f"{store.path} has no workshop row: it is not a usable workshop file.")
    return _details(rows[0])


def update_workshop_details(
    store: WorkshopStore,
    *,
    title: str,
    event: str,
    venue: str,
    starts_on: str,
    ends_on: str,
    vote_budget: int,
    vote_cap: int,
    pick_count: int,
) -> WorkshopDetails:
    """Check and save the workshop's details in one action; raise ValueError on bad input."""
    title = title.strip()
    if not title:
        raise ValueError("The workshop needs a title.")
    start = _parse_date(starts_on, "Start date")
    end = _parse_date(ends_on, "End date")
    if start and end and end < start:
        raise ValueError("The end date is before the start date.")
    settings = validate_settings(vote_budget, vote_cap, pick_count)
    with store.write() as transaction:
        details = workshop_details(store)
        stored = json.loads(
            store.query("SELECT settings FROM workshop WHERE id = ?", [details.id])[0]["settings"]
        )
        stored.update(settings.as_dict())
        transaction.update(
            "workshop",
            details.id,
            {
                "title": title,
                "event": event.strip(),
                "venue": venue.strip(),
                "starts_on": start.isoformat() if start else None,
                "ends_on": end.isoformat() if end else None,
                "settings": json.dumps(stored),
            },
        )
    return workshop_details(store)


def participants(store: WorkshopStore) -> list[Participant]:
    """Return the participants in number order."""
    rows = store.query(
        "SELECT id, number, name, role, table_label FROM participants "
        "WHERE deleted_at IS NULL ORDER BY number, created_at"
    )
    return [Participant(**row) for row in rows]


def add_participants(store: WorkshopStore, count: int) -> list[int]:
    """Add count numbered delegates after the highest number; return their numbers."""
    if count < 1:
        raise ValueError("Add at least one delegate.")
    with store.write() as transaction:
        existing = store.query(
            "SELECT count(*) AS n, max(number) AS top FROM participants WHERE deleted_at IS NULL"
        )[0]
        if existing["n"] + count > MAX_PARTICIPANTS:
            raise ValueError(f"A workshop holds at most {MAX_PARTICIPANTS} participants.")
        first = (existing["top"] or 0) + 1
        numbers = list(range(first, first + count))
        for number in numbers:
            transaction.insert("participants", {"number": number})
    return numbers


def update_participant(
    store: WorkshopStore, participant_id: str, *, name: str, role: str, table_label: str
) -> None:
    """Save a participant's optional name, role and table."""
    values: dict[str, Any] = {
        "name": name.strip(),
        "role": role.strip(),
        "table_label": table_label.strip(),
    }
    for label, value in values.items():
        if len(value) > 120:
            raise ValueError(
                f"The {label.replace('_label', '')} is too long (120 characters at most)."
            )
    with store.write() as transaction:
        transaction.update("participants", participant_id, values)


def delete_participant(store: WorkshopStore, participant_id: str) -> None:
    """Remove a participant (undoable)."""
    label = next((p.label for p in participants(store) if p.id == participant_id), "participant")
    with store.write(f"delete {label}") as transaction:
        transaction.soft_delete("participants", participant_id)


def _details(row: Row) -> WorkshopDetails:
    """Build details from a workshop row, tolerating settings written by hand."""
    try:
        stored = json.loads(row["settings"] or "{}")
    except json.JSONDecodeError:
        stored = {}
    try:
        settings = validate_settings(
            int(stored.get("vote_budget", 5)),
            int(stored.get("vote_cap", 3)),
            int(stored.get("pick_count", 3)),
        )
    except (TypeError, ValueError):
        settings = WorkshopSettings()
    return WorkshopDetails(
        id=row["id"],
        title=row["title"],
        event=row["event"],
        venue=row["venue"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        settings=settings,
    )


def _parse_date(text: str, label: str) -> date | None:
    """Parse an optional YYYY-MM-DD date."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{label} must be a real date like 2026-11-26 (got {text!r}).") from None
