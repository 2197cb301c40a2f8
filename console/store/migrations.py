"""The workshop file's schema, built only by named migration steps."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from console.store.format import MIGRATION_SET

migrations = Migrations(MIGRATION_SET)

AUDIT = """
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    rev INTEGER NOT NULL,
    deleted_at TEXT
"""
"""Columns every user-editable table carries: who wrote it when, its revision, soft delete."""


FORMAT_1_TABLES = (
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
"""The audited tables step 0001 builds (console.store.format.SYNCED_TABLES grows later)."""


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
    # The tables of format 1, written out: a released step never changes with later formats.
    for table in FORMAT_1_TABLES:
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


# Later steps are appended below, each named "NNNN_what" with the next free number, in the
# order they were written. Never edit or reorder a step that has been released.

# -- agenda steps --

# -- inventory steps --

# -- cards steps --

# -- takeaways steps --


@migrations(name="0005_takeaways_fts")
def takeaways_fts(db: Database) -> None:
    """Index takeaways for full-text search (kept in step by triggers) and by capture time."""
    db["takeaways"].enable_fts(["text", "speaker", "owner"], create_triggers=True)
    db.execute("CREATE INDEX takeaways_captured_at ON takeaways (captured_at)")


# -- report steps --


@migrations(name="0006_report_views")
def report_views(db: Database) -> None:
    """Add read-only views of the results, so `datasette workshop.db` shows them without SQL."""
    db.executescript(
        """
        CREATE VIEW pain_point_ranking AS
        WITH members AS (
            SELECT id AS member_id, coalesce(merged_into_id, id) AS pain_point_id
            FROM pain_points WHERE deleted_at IS NULL
        ), scores AS (
            SELECT v.round_id, m.pain_point_id, sum(v.points) AS score,
                count(DISTINCT v.participant_id) AS voters
            FROM pain_point_votes v JOIN members m ON m.member_id = v.pain_point_id
            WHERE v.deleted_at IS NULL GROUP BY v.round_id, m.pain_point_id
        )
        SELECT r.id AS round_id, r.title AS round_title,
            RANK() OVER (PARTITION BY r.id
                ORDER BY coalesce(s.score, 0) DESC, coalesce(s.voters, 0) DESC) AS rank,
            p.position, p.text, coalesce(t2.name, t.name) AS theme,
            coalesce(s.score, 0) AS score, coalesce(s.voters, 0) AS voters,
            (SELECT count(*) FROM pain_points m WHERE m.merged_into_id = p.id
                AND m.deleted_at IS NULL) AS variants,
            p.id AS pain_point_id
        FROM voting_rounds r
        JOIN pain_points p ON p.deleted_at IS NULL AND p.merged_into_id IS NULL
        LEFT JOIN scores s ON s.round_id = r.id AND s.pain_point_id = p.id
        LEFT JOIN themes t ON t.id = p.theme_id
        LEFT JOIN themes t2 ON t2.id = t.merged_into_id AND t2.deleted_at IS NULL
        WHERE r.deleted_at IS NULL AND r.target = 'pain_points'
        ORDER BY r.position, r.created_at, rank, p.position, p.created_at;

        CREATE VIEW theme_ranking AS
        WITH point_theme AS (
            SELECT m.id AS member_id, s.id AS pain_point_id,
                coalesce(t.merged_into_id, t.id) AS theme_id
            FROM pain_points m JOIN pain_points s ON s.id = coalesce(m.merged_into_id, m.id)
            JOIN themes t ON t.id = s.theme_id
            WHERE m.deleted_at IS NULL AND s.deleted_at IS NULL AND t.deleted_at IS NULL
        ), scores AS (
            SELECT v.round_id, pt.theme_id, sum(v.points) AS score,
                count(DISTINCT v.participant_id) AS voters
            FROM pain_point_votes v JOIN point_theme pt ON pt.member_id = v.pain_point_id
            WHERE v.deleted_at IS NULL GROUP BY v.round_id, pt.theme_id
        ), counts AS (
            SELECT theme_id, count(*) AS pain_points FROM point_theme
            WHERE member_id = pain_point_id GROUP BY theme_id
        )
        SELECT r.id AS round_id, r.title AS round_title,
            RANK() OVER (PARTITION BY r.id
                ORDER BY coalesce(s.score, 0) DESC, coalesce(s.voters, 0) DESC) AS rank,
            t.name AS theme, coalesce(s.score, 0) AS score, coalesce(s.voters, 0) AS voters,
            coalesce(c.pain_points, 0) AS pain_points, t.id AS theme_id
        FROM voting_rounds r
        JOIN themes t ON t.deleted_at IS NULL AND t.merged_into_id IS NULL
        LEFT JOIN scores s ON s.round_id = r.id AND s.theme_id = t.id
        LEFT JOIN counts c ON c.theme_id = t.id
        WHERE r.deleted_at IS NULL AND r.target = 'pain_points'
        ORDER BY r.position, r.created_at, rank, t.position, t.created_at;

        CREATE VIEW card_results AS
        WITH totals AS (
            SELECT v.round_id, v.card_id, sum(v.points) AS score,
                count(DISTINCT v.participant_id) AS voters
            FROM card_votes v JOIN cards c ON c.id = v.card_id AND c.deleted_at IS NULL
            WHERE v.deleted_at IS NULL GROUP BY v.round_id, v.card_id
        ), scored AS (
            SELECT r.id AS round_id, r.title AS round_title, r.position AS round_position,
                r.created_at AS round_created_at, d.name AS deck, c.code, c.title, c.category,
                t.score, CASE WHEN r.method = 'hand_count' THEN t.score ELSE t.voters END AS voters,
                c.position, c.created_at, c.id AS card_id
            FROM totals t JOIN voting_rounds r ON r.id = t.round_id
            JOIN cards c ON c.id = t.card_id LEFT JOIN decks d ON d.id = c.deck_id
            WHERE r.deleted_at IS NULL AND r.target = 'cards' AND t.score != 0
        )
        SELECT round_id, round_title,
            RANK() OVER (PARTITION BY round_id ORDER BY score DESC, voters DESC) AS rank,
            deck, code, title, category, score, voters,
            (SELECT group_concat(rr.name || ' #' || coalesce(e.rank, '-'), '; ')
                FROM reference_entries e JOIN reference_rankings rr ON rr.id = e.ranking_id
                WHERE e.card_id = scored.card_id AND e.deleted_at IS NULL
                AND rr.deleted_at IS NULL) AS reference_ranks,
            (SELECT count(DISTINCT l.pain_point_id) FROM card_pain_points l
                JOIN pain_points p ON p.id = l.pain_point_id WHERE l.card_id = scored.card_id
                AND l.deleted_at IS NULL AND p.deleted_at IS NULL) AS linked_pain_points,
            card_id
        FROM scored ORDER BY round_position, round_created_at, rank, position, created_at;

        CREATE VIEW actions AS
        SELECT t.text AS what, t.owner AS who, t.due_on,
            coalesce(t.action_status, 'open') AS status, t.done_means,
            coalesce(a.title, '') AS agenda_item, t.captured_at, t.id AS takeaway_id
        FROM takeaways t LEFT JOIN agenda_items a ON a.id = t.agenda_item_id
        WHERE t.deleted_at IS NULL AND t.kind = 'action'
        ORDER BY CASE coalesce(t.action_status, 'open') WHEN 'open' THEN 0 WHEN 'done' THEN 1
            ELSE 2 END, t.due_on IS NULL, t.due_on, t.captured_at;

        CREATE VIEW agenda_times AS
        SELECT d.number AS day, d.date, i.position, i.title, i.kind, i.status, i.planned_minutes,
            round(i.actual_seconds / 60.0, 1) AS actual_minutes,
            round(i.actual_seconds / 60.0 - i.planned_minutes, 1) AS over_minutes,
            i.id AS agenda_item_id
        FROM agenda_items i JOIN agenda_days d ON d.id = i.day_id
        WHERE i.deleted_at IS NULL AND d.deleted_at IS NULL
        ORDER BY d.number, d.created_at, i.position, i.created_at;
        """
    )


# -- performance steps --


@migrations(name="0007_faster_pain_point_ranking")
def faster_pain_point_ranking(db: Database) -> None:
    """Make the pain_point_ranking view fast at 10,000 pain points (12 s before, 0.1 s after).

    Its rows are unchanged. An index answers "which pain points were merged into this one", and
    each pain point finds its score by one key: SQLite's automatic index on the scores keyed only
    the round, so every pain point read every score of its round.
    """
    db.executescript(
        """
        CREATE INDEX pain_points_merged_into_id ON pain_points (merged_into_id);

        DROP VIEW pain_point_ranking;
        CREATE VIEW pain_point_ranking AS
        WITH members AS (
            SELECT id AS member_id, coalesce(merged_into_id, id) AS pain_point_id
            FROM pain_points WHERE deleted_at IS NULL
        ), scores AS (
            SELECT v.round_id || ' ' || m.pain_point_id AS score_key, sum(v.points) AS score,
                count(DISTINCT v.participant_id) AS voters
            FROM pain_point_votes v JOIN members m ON m.member_id = v.pain_point_id
            WHERE v.deleted_at IS NULL GROUP BY v.round_id, m.pain_point_id
        )
        SELECT r.id AS round_id, r.title AS round_title,
            RANK() OVER (PARTITION BY r.id
                ORDER BY coalesce(s.score, 0) DESC, coalesce(s.voters, 0) DESC) AS rank,
            p.position, p.text, coalesce(t2.name, t.name) AS theme,
            coalesce(s.score, 0) AS score, coalesce(s.voters, 0) AS voters,
            (SELECT count(*) FROM pain_points m WHERE m.merged_into_id = p.id
                AND m.deleted_at IS NULL) AS variants,
            p.id AS pain_point_id
        FROM voting_rounds r
        JOIN pain_points p ON p.deleted_at IS NULL AND p.merged_into_id IS NULL
        LEFT JOIN scores s ON s.score_key = r.id || ' ' || p.id
        LEFT JOIN themes t ON t.id = p.theme_id
        LEFT JOIN themes t2 ON t2.id = t.merged_into_id AND t2.deleted_at IS NULL
        WHERE r.deleted_at IS NULL AND r.target = 'pain_points'
        ORDER BY r.position, r.created_at, rank, p.position, p.created_at;
        """
    )


# -- scoring steps --

_MERGE_CHAINS = """
    members(member_id, pain_point_id) AS (
        SELECT id, id FROM pain_points WHERE deleted_at IS NULL AND merged_into_id IS NULL
        UNION ALL
        SELECT p.id, m.pain_point_id FROM members m
        JOIN pain_points p ON p.merged_into_id = m.member_id AND p.deleted_at IS NULL
    ), theme_members(member_id, theme_id) AS (
        SELECT id, id FROM themes WHERE deleted_at IS NULL AND merged_into_id IS NULL
        UNION ALL
        SELECT t.id, m.theme_id FROM theme_members m
        JOIN themes t ON t.merged_into_id = m.member_id AND t.deleted_at IS NULL
    )
"""
"""Every live row with the shown row it counts for, merge chains followed down from the shown
rows: a chain that passes a deleted row (or loops) never reaches a shown row, so it counts for
nothing, as in console.domain.scoring."""


@migrations(name="0008_views_follow_merge_chains")
def views_follow_merge_chains(db: Database) -> None:
    """Make pain_point_ranking and theme_ranking score by the console's one rule.

    A pain point (or theme) merged into one that was itself merged counts for the last one, as
    in the console and the report; a pain point's theme is the theme its theme's merges end at
    (none if one of them was deleted); variants counts every row that counts for a pain point.
    """
    db.executescript(
        f"""
        DROP VIEW pain_point_ranking;
        CREATE VIEW pain_point_ranking AS
        WITH RECURSIVE {_MERGE_CHAINS}, scores AS (
            SELECT v.round_id || ' ' || m.pain_point_id AS score_key, sum(v.points) AS score,
                count(DISTINCT v.participant_id) AS voters
            FROM pain_point_votes v JOIN members m ON m.member_id = v.pain_point_id
            WHERE v.deleted_at IS NULL GROUP BY v.round_id, m.pain_point_id
        ), variants AS (
            SELECT pain_point_id, count(*) AS n FROM members
            WHERE member_id != pain_point_id GROUP BY pain_point_id
        )
        SELECT r.id AS round_id, r.title AS round_title,
            RANK() OVER (PARTITION BY r.id
                ORDER BY coalesce(s.score, 0) DESC, coalesce(s.voters, 0) DESC) AS rank,
            p.position, p.text, t.name AS theme,
            coalesce(s.score, 0) AS score, coalesce(s.voters, 0) AS voters,
            coalesce(va.n, 0) AS variants,
            p.id AS pain_point_id
        FROM voting_rounds r
        JOIN pain_points p ON p.deleted_at IS NULL AND p.merged_into_id IS NULL
        LEFT JOIN scores s ON s.score_key = r.id || ' ' || p.id
        LEFT JOIN variants va ON va.pain_point_id = p.id
        LEFT JOIN theme_members tm ON tm.member_id = p.theme_id
        LEFT JOIN themes t ON t.id = tm.theme_id
        WHERE r.deleted_at IS NULL AND r.target = 'pain_points'
        ORDER BY r.position, r.created_at, rank, p.position, p.created_at;

        DROP VIEW theme_ranking;
        CREATE VIEW theme_ranking AS
        WITH RECURSIVE {_MERGE_CHAINS}, point_theme AS (
            SELECT m.member_id, m.pain_point_id, tm.theme_id
            FROM members m JOIN pain_points s ON s.id = m.pain_point_id
            JOIN theme_members tm ON tm.member_id = s.theme_id
        ), scores AS (
            SELECT v.round_id, pt.theme_id, sum(v.points) AS score,
                count(DISTINCT v.participant_id) AS voters
            FROM pain_point_votes v JOIN point_theme pt ON pt.member_id = v.pain_point_id
            WHERE v.deleted_at IS NULL GROUP BY v.round_id, pt.theme_id
        ), counts AS (
            SELECT theme_id, count(*) AS pain_points FROM point_theme
            WHERE member_id = pain_point_id GROUP BY theme_id
        )
        SELECT r.id AS round_id, r.title AS round_title,
            RANK() OVER (PARTITION BY r.id
                ORDER BY coalesce(s.score, 0) DESC, coalesce(s.voters, 0) DESC) AS rank,
            t.name AS theme, coalesce(s.score, 0) AS score, coalesce(s.voters, 0) AS voters,
            coalesce(c.pain_points, 0) AS pain_points, t.id AS theme_id
        FROM voting_rounds r
        JOIN themes t ON t.deleted_at IS NULL AND t.merged_into_id IS NULL
        LEFT JOIN scores s ON s.round_id = r.id AND s.theme_id = t.id
        LEFT JOIN counts c ON c.theme_id = t.id
        WHERE r.deleted_at IS NULL AND r.target = 'pain_points'
        ORDER BY r.position, r.created_at, rank, t.position, t.created_at;
        """
    )


# -- room steps --


@migrations(name="0009_room")
def room(db: Database) -> None:
    """Let delegates join from their phones: the room's state, their places, rows from phones.

    A place is a participant held by a phone's random token (only its hash is stored); freeing
    a place soft-deletes the seat. Pain points sent from a phone say so in `origin`.
    """
    db.executescript(
        f"""
        CREATE TABLE room (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            joining INTEGER NOT NULL DEFAULT 1 CHECK (joining IN (0, 1)),
            activity TEXT NOT NULL DEFAULT 'none'
                CHECK (activity IN ('none', 'pain_points', 'dots', 'cards')),
            round_id TEXT REFERENCES voting_rounds(id),
            server_url TEXT NOT NULL DEFAULT '',
            server_pid INTEGER,
            server_host TEXT NOT NULL DEFAULT '',
            {AUDIT}
        );

        CREATE TABLE room_seats (
            id TEXT PRIMARY KEY,
            participant_id TEXT NOT NULL REFERENCES participants(id),
            token_hash TEXT NOT NULL,
            {AUDIT}
        );
        CREATE INDEX room_rev ON room (rev);
        CREATE INDEX room_seats_rev ON room_seats (rev);
        CREATE INDEX room_seats_token_hash ON room_seats (token_hash);
        CREATE INDEX room_seats_participant_id ON room_seats (participant_id);

        ALTER TABLE pain_points ADD COLUMN origin TEXT NOT NULL DEFAULT 'console'
            CHECK (origin IN ('console', 'room'));
        """
    )


# -- hot path steps --


@migrations(name="0010_hot_path_indexes")
def hot_path_indexes(db: Database) -> None:
    """Index every query a key press runs, so that no keystroke reads a whole big table.

    The next pain point's number (max position), a ballot's numbers, one pain point's votes in
    a round, one delegate's ballot, the votes written since a revision, and the action counts.
    """
    db.executescript(
        """
        CREATE INDEX pain_points_position ON pain_points (position);
        CREATE INDEX themes_position ON themes (position);
        CREATE INDEX pain_point_votes_round_item ON pain_point_votes (round_id, pain_point_id);
        CREATE INDEX pain_point_votes_round_participant
            ON pain_point_votes (round_id, participant_id);
        CREATE INDEX pain_point_votes_round_rev ON pain_point_votes (round_id, rev);
        CREATE INDEX card_votes_round_participant ON card_votes (round_id, participant_id);
        CREATE INDEX takeaways_kind_status ON takeaways (kind, action_status, deleted_at);
        CREATE INDEX takeaways_deleted_at ON takeaways (deleted_at);
        """
    )


@migrations(name="0011_round_scores_index")
def round_scores_index(db: Database) -> None:
    """Let the inventory find a round's best-scored pain points from the index alone.

    Opening the inventory adds up a round's votes per pain point to show its first screen
    before the rest is loaded: with every column the sum needs in one index, that reads no
    table row (0.05 s at 100,000 votes instead of 0.25 s).
    """
    db.executescript(
        """
        CREATE INDEX pain_point_votes_round_scores
            ON pain_point_votes (round_id, deleted_at, pain_point_id, participant_id, points);
        """
    )


_COUNTED_FOR = """
    variants(member_id, pain_point_id) AS (
        SELECT p.id, s.id FROM pain_points p JOIN pain_points s ON s.id = p.merged_into_id
        WHERE p.merged_into_id IS NOT NULL AND p.deleted_at IS NULL
            AND s.deleted_at IS NULL AND s.merged_into_id IS NULL
        UNION ALL
        SELECT p.id, v.pain_point_id FROM variants v
        JOIN pain_points p ON p.merged_into_id = v.member_id AND p.deleted_at IS NULL
    ), theme_members(member_id, theme_id) AS (
        SELECT id, id FROM themes WHERE deleted_at IS NULL AND merged_into_id IS NULL
        UNION ALL
        SELECT t.id, m.theme_id FROM theme_members m
        JOIN themes t ON t.merged_into_id = m.member_id AND t.deleted_at IS NULL
    )
"""
"""Every live merged pain point with the shown one it counts for (variants), and every live theme
with the shown theme it counts for. Chains are followed down from the rows merged into a shown
pain point only, so a workshop without merges does no work for them; a chain that passes a
deleted row (or loops) never reaches a shown one: it counts for nothing, as in
console.domain.scoring."""


@migrations(name="0012_faster_ranking_views")
def faster_ranking_views(db: Database) -> None:
    """Make pain_point_ranking and theme_ranking fast at 100,000 pain points, with the same rows.

    pain_point_ranking adds up each pain point's own votes in one pass over a round's votes (an
    index holds them in order) and the votes of its variants only for the few that have any,
    ranks narrow rows and reads the text only for the final order. theme_ranking reads each
    vote's pain point once through an index that holds what the scoring needs. CPU at 100,000
    pain points: 1.6 s and 0.7 s before, 0.8 s and 0.25 s after.
    """
    db.executescript(
        f"""
        CREATE INDEX pain_points_scoring
            ON pain_points (id, deleted_at, merged_into_id, theme_id);

        DROP VIEW pain_point_ranking;
        CREATE VIEW pain_point_ranking AS
        WITH RECURSIVE {_COUNTED_FOR}, variant_counts AS (
            SELECT pain_point_id, count(*) AS n FROM variants GROUP BY pain_point_id
        ), own_scores AS (
            SELECT r.id AS round_id, v.pain_point_id, sum(v.points) AS score,
                count(DISTINCT v.participant_id) AS voters
            FROM voting_rounds r
            JOIN pain_point_votes v ON v.round_id = r.id AND v.deleted_at IS NULL
            WHERE r.deleted_at IS NULL AND r.target = 'pain_points'
            GROUP BY r.id, v.pain_point_id
        ), merged_scores AS (
            SELECT v.round_id, m.pain_point_id, sum(v.points) AS score,
                count(DISTINCT v.participant_id) AS voters
            FROM (SELECT member_id, pain_point_id FROM variants
                UNION SELECT pain_point_id, pain_point_id FROM variants) m
            JOIN pain_point_votes v ON v.pain_point_id = m.member_id AND v.deleted_at IS NULL
            GROUP BY v.round_id, m.pain_point_id
        ), ranked AS (
            SELECT r.rowid AS round_row, p.rowid AS point_row,
                RANK() OVER (PARTITION BY r.id ORDER BY coalesce(m.score, s.score, 0) DESC,
                    coalesce(m.voters, s.voters, 0) DESC) AS rank,
                coalesce(m.score, s.score, 0) AS score, coalesce(m.voters, s.voters, 0) AS voters,
                coalesce(va.n, 0) AS variants
            FROM voting_rounds r
            JOIN pain_points p ON p.deleted_at IS NULL AND p.merged_into_id IS NULL
            LEFT JOIN own_scores s ON s.round_id = r.id AND s.pain_point_id = p.id
            LEFT JOIN merged_scores m ON m.round_id = r.id AND m.pain_point_id = p.id
            LEFT JOIN variant_counts va ON va.pain_point_id = p.id
            WHERE r.deleted_at IS NULL AND r.target = 'pain_points'
        )
        SELECT r.id AS round_id, r.title AS round_title, k.rank, p.position, p.text,
            t.name AS theme, k.score, k.voters, k.variants, p.id AS pain_point_id
        FROM ranked k CROSS JOIN voting_rounds r CROSS JOIN pain_points p
        LEFT JOIN theme_members tm ON tm.member_id = p.theme_id
        LEFT JOIN themes t ON t.id = tm.theme_id
        WHERE r.rowid = k.round_row AND p.rowid = k.point_row
        ORDER BY r.position, r.created_at, k.rank, p.position, p.created_at;

        DROP VIEW theme_ranking;
        CREATE VIEW theme_ranking AS
        WITH RECURSIVE {_COUNTED_FOR}, counted_votes(round_id, theme_id, participant_id, points)
        AS (
            SELECT r.id, tm.theme_id, v.participant_id, v.points
            FROM voting_rounds r CROSS JOIN pain_point_votes v CROSS JOIN pain_points p
            CROSS JOIN theme_members tm
            WHERE r.deleted_at IS NULL AND r.target = 'pain_points'
                AND v.round_id = r.id AND v.deleted_at IS NULL AND p.id = v.pain_point_id
                AND p.deleted_at IS NULL AND p.merged_into_id IS NULL
                AND tm.member_id = p.theme_id
            UNION ALL
            SELECT v.round_id, tm.theme_id, v.participant_id, v.points
            FROM variants va JOIN pain_points s ON s.id = va.pain_point_id
            JOIN theme_members tm ON tm.member_id = s.theme_id
            JOIN pain_point_votes v ON v.pain_point_id = va.member_id AND v.deleted_at IS NULL
        ), scores AS (
            SELECT round_id, theme_id, sum(points) AS score,
                count(DISTINCT participant_id) AS voters
            FROM counted_votes GROUP BY round_id, theme_id
        ), counts AS (
            SELECT tm.theme_id, count(*) AS pain_points
            FROM pain_points p JOIN theme_members tm ON tm.member_id = p.theme_id
            WHERE p.deleted_at IS NULL AND p.merged_into_id IS NULL GROUP BY tm.theme_id
        )
        SELECT r.id AS round_id, r.title AS round_title,
            RANK() OVER (PARTITION BY r.id
                ORDER BY coalesce(s.score, 0) DESC, coalesce(s.voters, 0) DESC) AS rank,
            t.name AS theme, coalesce(s.score, 0) AS score, coalesce(s.voters, 0) AS voters,
            coalesce(c.pain_points, 0) AS pain_points, t.id AS theme_id
        FROM voting_rounds r
        JOIN themes t ON t.deleted_at IS NULL AND t.merged_into_id IS NULL
        LEFT JOIN scores s ON s.round_id = r.id AND s.theme_id = t.id
        LEFT JOIN counts c ON c.theme_id = t.id
        WHERE r.deleted_at IS NULL AND r.target = 'pain_points'
        ORDER BY r.position, r.created_at, rank, t.position, t.created_at;
        """
    )


def _add_vote(vote: str) -> str:
    """Return the SQL that adds a vote now live (NEW) to its pain point's kept score."""
    return f"""
        INSERT INTO pain_point_scores (round_id, pain_point_id, score, voters, votes)
        VALUES ({vote}.round_id, {vote}.pain_point_id, {vote}.points, {_first_of_voter(vote)}, 1)
        ON CONFLICT (round_id, pain_point_id) DO UPDATE SET score = score + excluded.score,
            voters = voters + excluded.voters, votes = votes + 1;
    """


def _take_vote(vote: str) -> str:
    """Return the SQL that takes a vote that was live (OLD) out of its pain point's kept score."""
    return f"""
        UPDATE pain_point_scores SET score = score - {vote}.points,
            voters = voters - {_first_of_voter(vote)}, votes = votes - 1
        WHERE round_id = {vote}.round_id AND pain_point_id = {vote}.pain_point_id;
        DELETE FROM pain_point_scores
        WHERE round_id = {vote}.round_id AND pain_point_id = {vote}.pain_point_id AND votes = 0;
    """


def _first_of_voter(vote: str) -> str:
    """Return SQL telling whether the vote is its delegate's only live one on that pain point in
    that round (the vote itself left out): adding or taking it changes the voters by one."""
    return f"""(
        {vote}.participant_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM pain_point_votes v
            WHERE v.round_id = {vote}.round_id AND v.deleted_at IS NULL
                AND v.pain_point_id = {vote}.pain_point_id
                AND v.participant_id = {vote}.participant_id AND v.rowid <> {vote}.rowid
        )
    )"""


_VOTE_COLUMNS = "round_id, pain_point_id, participant_id, points, deleted_at"
"""The columns of a vote that its pain point's kept score depends on."""


@migrations(name="0013_kept_pain_point_scores")
def kept_pain_point_scores(db: Database) -> None:
    """Keep each pain point's score, voters and live votes per round in a table of their own,
    kept in step with pain_point_votes by triggers, so the inventory's first screen reads a
    round's best-scored pain points from an index instead of adding up every vote (85 ms at
    100,000 votes, before the pane could show).

    The scores are the plain sums of each pain point's own live votes (merges and deletions of
    pain points are applied by console.domain.scoring to what is read); no console writes the
    table, and exports, imports and merges leave it out: the triggers rebuild it from the votes.
    """
    db.executescript(
        f"""
        CREATE TABLE pain_point_scores (
            round_id TEXT NOT NULL,
            pain_point_id TEXT NOT NULL,
            score INTEGER NOT NULL,
            voters INTEGER NOT NULL,
            votes INTEGER NOT NULL,
            PRIMARY KEY (round_id, pain_point_id)
        ) WITHOUT ROWID;
        CREATE INDEX pain_point_scores_rank ON pain_point_scores (round_id, score, voters);

        INSERT INTO pain_point_scores (round_id, pain_point_id, score, voters, votes)
        SELECT round_id, pain_point_id, sum(points), count(DISTINCT participant_id), count(*)
        FROM pain_point_votes WHERE deleted_at IS NULL GROUP BY round_id, pain_point_id;

        CREATE TRIGGER pain_point_scores_ai AFTER INSERT ON pain_point_votes
        WHEN NEW.deleted_at IS NULL BEGIN {_add_vote("NEW")} END;
        CREATE TRIGGER pain_point_scores_ad AFTER DELETE ON pain_point_votes
        WHEN OLD.deleted_at IS NULL BEGIN {_take_vote("OLD")} END;
        CREATE TRIGGER pain_point_scores_au_old AFTER UPDATE OF {_VOTE_COLUMNS} ON pain_point_votes
        WHEN OLD.deleted_at IS NULL BEGIN {_take_vote("OLD")} END;
        CREATE TRIGGER pain_point_scores_au_new AFTER UPDATE OF {_VOTE_COLUMNS} ON pain_point_votes
        WHEN NEW.deleted_at IS NULL BEGIN {_add_vote("NEW")} END;
        """
    )


def migration_names() -> list[str]:
    """Return the names of every migration step, in the order they apply."""
    return [migration.name for migration in migrations.pending(Database(memory=True))]
