"""The workshop file's schema, built only by named migration steps."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

APPLICATION_ID = 0x46434C54
"""`PRAGMA application_id` of every workshop file ("FCLT"): tells a workshop from other SQLite."""

migrations = Migrations("console")

AUDIT = """
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    rev INTEGER NOT NULL,
    deleted_at TEXT
"""
"""Columns every user-editable table carries: who wrote it when, its revision, soft delete."""

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
)
"""Tables whose rows carry the audit columns, in an order that respects foreign keys."""


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    """Create every table of format 1."""
    db.executescript(
        f"""
        CREATE TABLE revision (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            rev INTEGER NOT NULL
        );
        INSERT INTO revision (id, rev) VALUES (1, 0);

        CREATE TABLE instances (
            id TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            started_at TEXT NOT NULL,
            pid INTEGER,
            hostname TEXT,
            console_version TEXT
        );

        CREATE TABLE workshop (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            event TEXT NOT NULL DEFAULT '',
            venue TEXT NOT NULL DEFAULT '',
            starts_on TEXT,
            ends_on TEXT,
            template TEXT,
            settings TEXT NOT NULL DEFAULT '{{}}',
            {AUDIT}
        );

        CREATE TABLE participants (
            id TEXT PRIMARY KEY,
            number INTEGER NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT '',
            table_label TEXT NOT NULL DEFAULT '',
            {AUDIT}
        );

        CREATE TABLE agenda_days (
            id TEXT PRIMARY KEY,
            number INTEGER NOT NULL,
            date TEXT,
            start_time TEXT NOT NULL DEFAULT '09:00',
            title TEXT NOT NULL DEFAULT '',
            {AUDIT}
        );

        CREATE TABLE agenda_items (
            id TEXT PRIMARY KEY,
            day_id TEXT NOT NULL REFERENCES agenda_days(id),
            position INTEGER NOT NULL,
            title TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'discussion',
            planned_minutes INTEGER NOT NULL CHECK (planned_minutes BETWEEN 1 AND 1440),
            status TEXT NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'running', 'paused', 'done', 'skipped')),
            actual_seconds REAL,
            notes TEXT NOT NULL DEFAULT '',
            {AUDIT}
        );

        CREATE TABLE timer_events (
            id TEXT PRIMARY KEY,
            agenda_item_id TEXT NOT NULL REFERENCES agenda_items(id),
            kind TEXT NOT NULL CHECK (kind IN ('start', 'pause', 'resume', 'extend', 'stop')),
            at TEXT NOT NULL,
            seconds INTEGER NOT NULL DEFAULT 0,
            {AUDIT}
        );

        CREATE TABLE themes (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0,
            merged_into_id TEXT REFERENCES themes(id),
            {AUDIT}
        );

        CREATE TABLE pain_points (
            id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            theme_id TEXT REFERENCES themes(id),
            raised_by TEXT NOT NULL DEFAULT '',
            participant_id TEXT REFERENCES participants(id),
            agenda_item_id TEXT REFERENCES agenda_items(id),
            merged_into_id TEXT REFERENCES pain_points(id),
            position INTEGER NOT NULL,
            {AUDIT}
        );

        CREATE TABLE voting_rounds (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            target TEXT NOT NULL CHECK (target IN ('pain_points', 'themes', 'cards')),
            deck_id TEXT REFERENCES decks(id),
            method TEXT NOT NULL CHECK (method IN ('hand_count', 'dot', 'pick_n', 'approval')),
            budget INTEGER NOT NULL DEFAULT 5,
            cap_per_item INTEGER NOT NULL DEFAULT 3,
            pick_count INTEGER NOT NULL DEFAULT 3,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            revealed_at TEXT,
            agenda_item_id TEXT REFERENCES agenda_items(id),
            position INTEGER NOT NULL DEFAULT 0,
            {AUDIT}
        );

        CREATE TABLE pain_point_votes (
            id TEXT PRIMARY KEY,
            round_id TEXT NOT NULL REFERENCES voting_rounds(id),
            pain_point_id TEXT NOT NULL REFERENCES pain_points(id),
            participant_id TEXT REFERENCES participants(id),
            points INTEGER NOT NULL,
            {AUDIT}
        );

        CREATE TABLE decks (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            {AUDIT}
        );

        CREATE TABLE cards (
            id TEXT PRIMARY KEY,
            deck_id TEXT NOT NULL REFERENCES decks(id),
            code TEXT NOT NULL,
            title TEXT NOT NULL,
            category TEXT CHECK (category IN ('Attitude', 'Behavior', 'Culture')),
            description TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0,
            {AUDIT}
        );

        CREATE TABLE card_votes (
            id TEXT PRIMARY KEY,
            round_id TEXT NOT NULL REFERENCES voting_rounds(id),
            card_id TEXT NOT NULL REFERENCES cards(id),
            participant_id TEXT REFERENCES participants(id),
            points INTEGER NOT NULL,
            {AUDIT}
        );

        CREATE TABLE card_pain_points (
            id TEXT PRIMARY KEY,
            card_id TEXT NOT NULL REFERENCES cards(id),
            pain_point_id TEXT NOT NULL REFERENCES pain_points(id),
            {AUDIT}
        );

        CREATE TABLE reference_rankings (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            year INTEGER,
            ordered INTEGER NOT NULL DEFAULT 1,
            deck_id TEXT REFERENCES decks(id),
            {AUDIT}
        );

        CREATE TABLE reference_entries (
            id TEXT PRIMARY KEY,
            ranking_id TEXT NOT NULL REFERENCES reference_rankings(id),
            rank INTEGER,
            title TEXT NOT NULL,
            card_id TEXT REFERENCES cards(id),
            position INTEGER NOT NULL DEFAULT 0,
            {AUDIT}
        );

        CREATE TABLE competence_areas (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('skill', 'knowledge')),
            aliases TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL DEFAULT 0,
            {AUDIT}
        );

        CREATE TABLE takeaways (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL
                CHECK (kind IN ('insight', 'quote', 'decision', 'question', 'action')),
            text TEXT NOT NULL,
            speaker TEXT NOT NULL DEFAULT '',
            agenda_item_id TEXT REFERENCES agenda_items(id),
            captured_at TEXT NOT NULL,
            owner TEXT NOT NULL DEFAULT '',
            due_on TEXT,
            action_status TEXT CHECK (action_status IN ('open', 'done', 'dropped')),
            done_means TEXT NOT NULL DEFAULT '',
            pain_point_id TEXT REFERENCES pain_points(id),
            card_id TEXT REFERENCES cards(id),
            {AUDIT}
        );

        CREATE TABLE takeaway_competence_areas (
            id TEXT PRIMARY KEY,
            takeaway_id TEXT NOT NULL REFERENCES takeaways(id),
            competence_area_id TEXT NOT NULL REFERENCES competence_areas(id),
            {AUDIT}
        );

        CREATE TABLE takeaway_themes (
            id TEXT PRIMARY KEY,
            takeaway_id TEXT NOT NULL REFERENCES takeaways(id),
            theme_id TEXT NOT NULL REFERENCES themes(id),
            {AUDIT}
        );

        CREATE TABLE display (
            id TEXT PRIMARY KEY,
            mode TEXT NOT NULL DEFAULT 'agenda',
            payload TEXT NOT NULL DEFAULT '{{}}',
            {AUDIT}
        );

        CREATE TABLE undo_log (
            id TEXT PRIMARY KEY,
            actor TEXT NOT NULL,
            instance_id TEXT NOT NULL,
            label TEXT NOT NULL,
            changes TEXT NOT NULL,
            created_at TEXT NOT NULL,
            undone_at TEXT
        );
        CREATE INDEX undo_log_actor ON undo_log (actor, undone_at, created_at);
        """
    )
    for table in SYNCED_TABLES:
        db.execute(f"CREATE INDEX {table}_rev ON {table} (rev)")
    for table, column in [
        ("agenda_items", "day_id"),
        ("timer_events", "agenda_item_id"),
        ("pain_points", "theme_id"),
        ("pain_point_votes", "round_id"),
        ("pain_point_votes", "pain_point_id"),
        ("cards", "deck_id"),
        ("card_votes", "round_id"),
        ("card_votes", "card_id"),
        ("card_pain_points", "card_id"),
        ("card_pain_points", "pain_point_id"),
        ("reference_entries", "ranking_id"),
        ("takeaway_competence_areas", "takeaway_id"),
        ("takeaway_themes", "takeaway_id"),
    ]:
        db.execute(f"CREATE INDEX {table}_{column} ON {table} ({column})")


FORMAT_VERSION = 1
"""The newest file format this console reads and writes: one more with each migration step."""
