"""What the projector shows: one row the facilitator's console writes and the projector reads."""

from __future__ import annotations

import json
from typing import Any

from console.store.core import Transaction, WorkshopStore

PROJECTOR_ID = "projector"
"""The id of the display row the projector follows."""

DEFAULT_MODE = "agenda"
"""What the projector shows until the facilitator chooses something else."""

MAX_MODE_CHARS = 40

_LAST = PROJECTOR_ID + ":"
"""The id prefix of the rows that keep, per view, the last content put up with that view."""


def set_display(store: WorkshopStore, mode: str, payload: dict[str, Any] | None = None) -> None:
    """Choose what the projector shows, in one action; payload must be JSON-serialisable.

    A payload is also kept for its view, so choosing the view again shows the same content.
    """
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
        _put(transaction, PROJECTOR_ID, exists, values)
        if payload:
            kept = _LAST + mode
            exists = store.query("SELECT id FROM display WHERE id = ?", [kept])
            _put(transaction, kept, exists, values)


def _put(transaction: Transaction, row_id: str, exists: object, values: dict[str, Any]) -> None:
    """Update the display row row_id, or insert it when it is not there yet."""
    if exists:
        transaction.update("display", row_id, values)
    else:
        transaction.insert("display", {"id": row_id, **values})


def last_payload(store: WorkshopStore, mode: str) -> dict[str, Any]:
    """Return the last payload put up with the view mode, or {} when there was none."""
    rows = store.query(
        "SELECT payload FROM display WHERE id = ? AND deleted_at IS NULL", [_LAST + mode.strip()]
    )
    try:
        payload = json.loads(rows[0]["payload"] or "{}") if rows else {}
    except json.JSONDecodeError:
        payload = {}
    return payload if isinstance(payload, dict) else {}


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
