"""`facilitate browse`: the workshop file in Datasette, its views first, internals hidden.

Datasette is an optional extra (`pip install ".[browse]"`); it is imported only here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console.store.browse import table_names, view_columns
from console.store.export import Reader
from console.store.format import SYNCED_TABLES

VIEWS: dict[str, tuple[str, str]] = {
    "pain_point_ranking": (
        "Pain point ranking",
        "One row per pain-point voting round and surviving (not merged, not deleted) pain point.",
    ),
    "theme_ranking": (
        "Theme ranking",
        "One row per pain-point voting round and surviving theme.",
    ),
    "card_results": (
        "Card results",
        "One row per card round and card with a non-zero score.",
    ),
    "actions": (
        "Actions",
        "Live takeaways of kind `action`: open first (by due date), then done, then dropped.",
    ),
    "agenda_times": (
        "Agenda times",
        "Planned against actual time of every live agenda item.",
    ),
}
"""Each view's title, and its description: the first line under its heading in docs/views.md."""

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "top_themes": {
        "title": "Top themes of the latest round",
        "description": "The themes of the newest pain-point round, best first.",
        "sql": (
            "SELECT rank, theme, score, voters, pain_points FROM theme_ranking\n"
            "WHERE round_id = (SELECT id FROM voting_rounds WHERE target = 'pain_points'\n"
            "  AND deleted_at IS NULL ORDER BY position DESC, created_at DESC LIMIT 1)\n"
            "AND pain_points > 0 ORDER BY rank, theme"
        ),
    },
    "top_cards": {
        "title": "Top cards of every round",
        "description": "The ten best cards of each card round, with the published rankings.",
        "sql": (
            "SELECT round_title, rank, code, title, category, score, voters, reference_ranks\n"
            "FROM card_results WHERE rank <= 10 ORDER BY round_title, rank, code"
        ),
    },
    "open_actions": {
        "title": "Open actions",
        "description": "Actions not yet done or dropped, by due date.",
        "sql": (
            "SELECT what, who, due_on, done_means, agenda_item FROM actions\n"
            "WHERE status = 'open' ORDER BY due_on IS NULL, due_on, captured_at"
        ),
    },
}
"""Questions a reader of the report asks first, one click from the database page."""


INTERNAL_TABLES = frozenset({"display", "room", "room_seats"})
"""Audited tables that only the console reads: what the projector shows, phones' places."""


def is_id_column(name: str) -> bool:
    """Tell whether a column holds ids (UUIDs): hidden until asked for."""
    return name == "id" or name.endswith("_id")


def metadata(reader: Reader, database: str) -> dict[str, Any]:
    """Return Datasette metadata for one workshop file opened as `database`."""
    views = view_columns(reader)
    shown = (set(SYNCED_TABLES) - INTERNAL_TABLES) | set(views)
    tables: dict[str, Any] = {
        name: {"hidden": True} for name in table_names(reader) if name not in shown
    }
    queries: dict[str, Any] = {}
    # The documented views first, in the order docs/views.md gives them.
    ordered = [name for name in VIEWS if name in views] + [n for n in views if n not in VIEWS]
    for name in ordered:
        columns = views[name]
        title, description = VIEWS.get(name, (name.replace("_", " ").capitalize(), ""))
        tables[name] = {"title": title, "description": description}
        # A canned query of the view's own name lists first on the database page and answers
        # at the view's address, without its id columns; SQL still reaches every column.
        listed = ", ".join(f'"{column}"' for column in columns if not is_id_column(column))
        queries[name] = {
            "title": title,
            "description": f"{description} Without its id columns (select * shows them).",
            "sql": f'SELECT {listed} FROM "{name}"',
        }
    queries.update(CANNED_QUERIES)
    return {
        "title": "Workshop",
        "databases": {database: {"tables": tables, "queries": queries}},
    }


def make_datasette(path: Path, reader: Reader) -> Any:
    """Return a Datasette instance serving the workshop file with the console's metadata."""
    from datasette.app import Datasette

    return Datasette(
        [str(path)],
        metadata=metadata(reader, path.stem),
        settings={"default_page_size": 50, "sql_time_limit_ms": 3000},
    )


async def serve(path: Path, reader: Reader, host: str, port: int) -> None:
    """Serve the workshop file in Datasette until interrupted."""
    import uvicorn

    datasette = make_datasette(path, reader)
    await datasette.invoke_startup()
    config = uvicorn.Config(datasette.app(), host=host, port=port, log_level="warning")
    await uvicorn.Server(config).serve()
