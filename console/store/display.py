"""What the projector shows: one row the facilitator's console writes and the projector reads."""

from __future__ import annotations

import json
from typing import Any

from console.store.core import WorkshopStore

PROJECTOR_ID = "projector"
"""The id of the display row the projector follows."""

DEFAULT_MODE = "agenda"
"""What the projector shows until the facilitator chooses something else."""

MAX_MODE_CHARS = 40


def set_display(store: WorkshopStore, mode: str, payload: dict[str, Any] | None = None) -> None:
    """Choose what the projector shows, in one action; payload must be JSON-serialisable."""
    mode = mode.strip()
    if not mode or len(mode) > MAX_MODE_CHARS:
        raise ValueError("The projector needs a short view name like 'agenda'.")
    try:
        text = json.dumps(payload or {}, sort_keys=True)
    except (TypeError, ValueError):
        raise ValueError(
            "The projector payload must be plain data (text, numbers, lists)."
        ) from None
    with store.write() as transaction:
        exists = store.query("SELECT id FROM display WHERE id = ?", [PROJECTOR_ID])
        values = {"mode": mode, "payload": text, "deleted_at": None}
        if exists:
            transaction.update("display", PROJECTOR_ID, values)
        else:
            transaction.insert("display", {"id": PROJECTOR_ID, **values})


def display_state(store: WorkshopStore) -> tuple[str, dict[str, Any]]:
    """Return the projector's mode and payload; the agenda view when nothing usable is stored."""
    rows = store.query(
        "SELECT mode, payload FROM display WHERE id = ? AND deleted_at IS NULL", [PROJECTOR_ID]
    )
    if not rows:
        return DEFAULT_MODE, {}
    mode = str(rows[0]["mode"] or DEFAULT_MODE)
    try:
        payload = json.loads(rows[0]["payload"] or "{}")
    except json.JSONDecodeError:
        payload = {}
    return mode, payload if isinstance(payload, dict) else {}
