"""The workshop file's identity and format version, readable without loading the migrations."""

from __future__ import annotations

APPLICATION_ID = 0x46434C54
"""`PRAGMA application_id` of every workshop file ("FCLT"): tells a workshop from other SQLite."""

MIGRATION_SET = "console"
"""The sqlite-utils migration set whose steps build the schema."""

STEP_NAMES = (
    "0001_initial",
    "0005_takeaways_fts",
    "0006_report_views",
    "0007_faster_pain_point_ranking",
    "0008_views_follow_merge_chains",
    "0009_room",
    "0010_hot_path_indexes",
    "0011_round_scores_index",
    "0012_faster_ranking_views",
    "0013_kept_pain_point_scores",
)
"""Every migration step, in the order it applies; a test keeps this equal to migrations.py."""

FORMAT_VERSION = max(int(name.split("_", 1)[0]) for name in STEP_NAMES)
"""The newest file format this console reads and writes: the number of its newest step."""

SCHEMA_SQL_FINGERPRINT = "a33325ef59429c23"
"""Digest of the SQL text of the schema the steps build (console.store.schema.sql_fingerprint):
a file with it opens without reading its structure. A test keeps it equal to a new file's."""

SCHEMA_FINGERPRINT = "cf18baf0e877a268"
"""Digest of the structure the steps build (console.store.schema.Schema.fingerprint): a file
with it opens without a detailed comparison. A test keeps it equal to a new file's."""

SYNCED_TABLES = (
    "workshop",
    "participants",
    "agenda_days",
    "agenda_items",
    "timer_events",
    "themes",
    "pain_points",
    "voting_rounds",
    "pain_point_votes",
    "decks",
    "cards",
    "card_votes",
    "card_pain_points",
    "reference_rankings",
    "reference_entries",
    "takeaways",
    "competence_areas",
    "takeaway_competence_areas",
    "takeaway_themes",
    "display",
    "room",
    "room_seats",
)
"""Tables whose rows carry the audit columns, in an order that respects foreign keys."""
