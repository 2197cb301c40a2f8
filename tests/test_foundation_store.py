"""The workshop file: migrations, format version, permissions, templates, concurrency, undo."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from conftest import make_workshop

from console.store.changes import Feature, features_of
from console.store.core import WorkshopStore
from console.store.files import BUSY_TIMEOUT_MS, StoreError
from console.store.format import APPLICATION_ID, FORMAT_VERSION, STEP_NAMES, SYNCED_TABLES
from console.store.migrations import migration_names
from console.store.templates import apply_template, shipped_template_names
from console.store.workshop import (
    add_participants,
    delete_participant,
    participants,
    update_workshop_details,
    workshop_details,
)

ABC_TITLES = (Path(__file__).parent.parent / "data" / "decks" / "abc.csv").read_text("utf-8")


def test_new_file_has_every_migration_and_its_format_version(tmp_path: Path) -> None:
    store = WorkshopStore.create(tmp_path / "w.db")
    applied = [row["name"] for row in store.query("SELECT name FROM _sqlite_migrations")]
    assert applied == migration_names()
    assert store.query("PRAGMA user_version")[0]["user_version"] == FORMAT_VERSION
    assert store.query("PRAGMA application_id")[0]["application_id"] == APPLICATION_ID
    assert store.query("PRAGMA journal_mode")[0]["journal_mode"] == "wal"
    assert store.query("PRAGMA synchronous")[0]["synchronous"] == 2  # FULL
    assert store.query("PRAGMA foreign_keys")[0]["foreign_keys"] == 1
    assert store.query("PRAGMA busy_timeout")[0]["timeout"] >= 5000
    store.close()


def test_reopening_an_existing_file_keeps_its_rows_and_applies_nothing_twice(
    workshop_path: Path,
) -> None:
    first = WorkshopStore.open(workshop_path)
    title = workshop_details(first).title
    migrations_before = first.query("SELECT count(*) AS n FROM _sqlite_migrations")[0]["n"]
    first.close()
    second = WorkshopStore.open(workshop_path)
    assert workshop_details(second).title == title
    assert second.query("SELECT count(*) AS n FROM _sqlite_migrations")[0]["n"] == migrations_before
    second.close()


def test_the_format_module_names_every_migration_step_in_order() -> None:
    assert list(STEP_NAMES) == migration_names()
    assert int(migration_names()[-1].split("_", 1)[0]) == FORMAT_VERSION


def test_an_older_file_gets_the_newer_steps_on_open(
    workshop_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlite_utils import Migrations

    import console.store.core as core
    import console.store.migrations as steps
    from console.store.migrations import migrations

    newer = Migrations("console")
    for step in migrations._migrations:
        newer(name=step.name)(step.fn)

    @newer(name="9999_add_a_column")
    def add_column(db) -> None:
        db.execute("ALTER TABLE workshop ADD COLUMN motto TEXT")

    monkeypatch.setattr(steps, "migrations", newer)
    monkeypatch.setattr(core, "FORMAT_VERSION", 9999)
    monkeypatch.setattr(core, "STEP_NAMES", (*core.STEP_NAMES, "9999_add_a_column"))
    store = WorkshopStore.open(workshop_path)
    assert store.query("PRAGMA user_version")[0]["user_version"] == 9999
    assert "motto" in store.db["workshop"].columns_dict
    assert store.query("SELECT title FROM workshop")[0]["title"] == "Executive Connections"
    store.close()


def test_a_newer_format_is_refused_and_left_untouched(workshop_path: Path) -> None:
    with sqlite3.connect(workshop_path) as connection:
        connection.execute(f"PRAGMA user_version = {FORMAT_VERSION + 1}")
    before = workshop_path.read_bytes()
    with pytest.raises(StoreError, match="newer console"):
        WorkshopStore.open(workshop_path)
    assert workshop_path.read_bytes() == before


def test_a_new_file_is_private_to_its_owner(tmp_path: Path) -> None:
    path = make_workshop(tmp_path / "w.db")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_creating_over_an_existing_file_is_refused(workshop_path: Path) -> None:
    before = workshop_path.read_bytes()
    with pytest.raises(StoreError, match="already exists"):
        WorkshopStore.create(workshop_path)
    assert workshop_path.read_bytes() == before


@pytest.mark.parametrize("template", shipped_template_names())
def test_template_round_trip_keeps_every_title(tmp_path: Path, template: str) -> None:
    store = WorkshopStore.create(tmp_path / "w.db")
    apply_template(store, template)
    cards = {row["title"] for row in store.query("SELECT title FROM cards")}
    for line in ABC_TITLES.splitlines()[1:]:
        code = line.split(",", 1)[0]
        assert store.query("SELECT 1 FROM cards WHERE code = ?", [code]), code
    assert "Too little understanding of business impact and priority" in cards
    assert "Plan, Do, Stop….no real continual improvement culture" in cards
    assert len(cards) == 22
    areas = [
        row["name"] for row in store.query("SELECT name FROM competence_areas ORDER BY position")
    ]
    assert areas[:4] == ["Courage", "Teambuilding", "DevOps Leadership", "Continuous Improvement"]
    assert len(areas) == 12
    unlinked = store.query("SELECT title FROM reference_entries WHERE card_id IS NULL")
    assert unlinked == []
    assert store.query("SELECT count(*) AS n FROM reference_rankings")[0]["n"] == 3
    store.close()


def test_executive_connections_template_has_the_two_day_agenda_and_themes(
    store: WorkshopStore,
) -> None:
    days = store.query("SELECT number, title FROM agenda_days ORDER BY number")
    assert [day["number"] for day in days] == [1, 2]
    kinds = {row["kind"] for row in store.query("SELECT kind FROM agenda_items")}
    assert {"welcome", "inventory", "exercise", "break", "talk", "wrap-up"} <= kinds
    themes = {row["name"] for row in store.query("SELECT name FROM themes")}
    assert {"People and culture", "Strategic fit"} <= themes
    assert len(participants(store)) == 12


def test_a_broken_template_file_is_refused_with_its_line(tmp_path: Path) -> None:
    from console.domain.templates import TemplateError

    bad = tmp_path / "bad.toml"
    bad.write_text('[workshop]\ntitle = "x"\n[[days]]\nitems = [{ title = "a", minutes = 0 }]\n')
    store = WorkshopStore.create(tmp_path / "w.db")
    with pytest.raises(TemplateError, match="minutes must be between 1 and 1440"):
        apply_template(store, str(bad))
    assert store.query("SELECT count(*) AS n FROM workshop")[0]["n"] == 0
    store.close()


def _writer(path: str, label: str, count: int, queue: multiprocessing.Queue) -> None:
    """Write count rows from another process, each as its own user action."""
    store = WorkshopStore.open(path, role=label)
    failures = 0
    for number in range(count):
        try:
            with store.write() as transaction:
                top = store.query("SELECT coalesce(max(position), 0) AS p FROM pain_points")
                transaction.insert(
                    "pain_points",
                    {"text": f"{label} {number}", "position": top[0]["p"] + 1},
                )
        except StoreError:
            failures += 1
    store.close()
    queue.put(failures)


def test_two_processes_interleave_500_writes_each_without_failure_or_loss(
    workshop_path: Path,
) -> None:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue = context.Queue()
    writers = [
        context.Process(target=_writer, args=(str(workshop_path), name, 500, queue))
        for name in ("left", "right")
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [queue.get(timeout=5), queue.get(timeout=5)] == [0, 0]
    store = WorkshopStore.open(workshop_path)
    texts = {row["text"] for row in store.query("SELECT text FROM pain_points")}
    positions = [row["position"] for row in store.query("SELECT position FROM pain_points")]
    assert len(texts) == 1000
    assert sorted(positions) == list(range(1, 1001))
    assert store.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    store.close()


def test_another_connections_commit_is_seen_through_data_version(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    store.changed_elsewhere()
    seen = store.current_rev()
    add_participants(second_store, 1)
    assert store.changed_elsewhere()
    assert store.changed_features(seen) == {Feature.PARTICIPANTS}
    assert not store.changed_elsewhere()


def test_every_table_a_console_follows_belongs_to_exactly_one_feature() -> None:
    tables = [table for feature in Feature for table in feature.tables]
    assert sorted(tables) == sorted(SYNCED_TABLES)
    assert features_of(["cards", "decks", "card_pain_points"]) == {
        Feature.CARDS,
        Feature.CARD_LINKS,
    }


def test_undo_survives_a_restart_and_belongs_to_its_console(workshop_path: Path) -> None:
    facilitator = WorkshopStore.open(workshop_path)
    notes = WorkshopStore.open(workshop_path, role="notes")
    victim = participants(facilitator)[0]
    delete_participant(facilitator, victim.id)
    assert notes.undo_last() is None
    facilitator.close()
    reopened = WorkshopStore.open(workshop_path)
    assert victim.id not in {p.id for p in participants(reopened)}
    assert reopened.undo_last() == "delete Delegate 1"
    assert victim.id in {p.id for p in participants(reopened)}
    assert reopened.undo_last() is None
    reopened.close()
    notes.close()


def test_a_failed_action_leaves_nothing_behind(store: WorkshopStore) -> None:
    before = store.current_rev()
    with pytest.raises(ZeroDivisionError), store.write() as transaction:
        transaction.insert("participants", {"number": 99})
        raise ZeroDivisionError
    assert store.current_rev() == before
    assert not store.query("SELECT 1 FROM participants WHERE number = 99")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "needs a title"),
        ({"starts_on": "2026-02-30"}, "real date"),
        ({"starts_on": "2026-11-27", "ends_on": "2026-11-26"}, "before the start"),
        ({"vote_budget": 13}, "between 1 and 12"),
        ({"vote_budget": 5, "vote_cap": 6}, "cap per item"),
        ({"pick_count": 0}, "between 1 and 50"),
    ],
)
def test_bad_workshop_details_are_refused_and_change_nothing(
    store: WorkshopStore, changes: dict[str, object], message: str
) -> None:
    values: dict = {
        "title": "T",
        "event": "",
        "venue": "",
        "starts_on": "",
        "ends_on": "",
        "vote_budget": 5,
        "vote_cap": 3,
        "pick_count": 3,
    }
    values.update(changes)
    before = workshop_details(store)
    with pytest.raises(ValueError, match=message):
        update_workshop_details(store, **values)
    assert workshop_details(store) == before


def test_workshop_details_are_saved(store: WorkshopStore) -> None:
    details = update_workshop_details(
        store,
        title="Executive Connections, Fusion 18",
        event="itSMF USA Fusion 18",
        venue="St Louis",
        starts_on="2018-10-01",
        ends_on="2018-10-02",
        vote_budget=10,
        vote_cap=4,
        pick_count=3,
    )
    assert details.venue == "St Louis"
    assert details.settings.vote_budget == 10
    assert os.path.getsize(store.path) > 0


def test_the_demo_is_a_whole_workshop_within_its_own_rules(tmp_path: Path) -> None:
    from console.store.demo import build_demo

    store = build_demo(tmp_path / "demo.db")
    counts = {
        table: store.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]
        for table in ("pain_points", "takeaways", "card_pain_points", "card_votes")
    }
    assert counts == {"pain_points": 12, "takeaways": 12, "card_pain_points": 4, "card_votes": 36}
    over_budget = store.query(
        "SELECT participant_id, sum(points) AS total, max(points) AS top FROM pain_point_votes "
        "GROUP BY participant_id HAVING total > 5 OR top > 3"
    )
    assert over_budget == []
    picks = store.query(
        "SELECT participant_id, count(*) AS n FROM card_votes GROUP BY participant_id"
    )
    assert {row["n"] for row in picks} == {3}
    store.close()


def test_a_write_waits_while_another_program_writes_then_saves(workshop_path: Path) -> None:
    store = WorkshopStore.open(workshop_path)
    other = sqlite3.connect(workshop_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    before = len(participants(store))
    try:
        add_participants(store, 1)
        assert len(participants(store)) == before + 1
        assert store.query("PRAGMA busy_timeout")[0]["timeout"] == BUSY_TIMEOUT_MS
    finally:
        release.join()
        other.close()
        store.close()


def test_a_write_held_off_past_the_busy_timeout_is_refused_and_changes_nothing(
    workshop_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import console.store.core as core

    monkeypatch.setattr(core, "BUSY_TIMEOUT_MS", 200)
    store = WorkshopStore.open(workshop_path)
    before = len(participants(store))
    other = sqlite3.connect(workshop_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="Not saved: the workshop file stayed busy"):
            add_participants(store, 1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(participants(store)) == before
    add_participants(store, 1)  # and the next action, once the file is free, saves
    assert len(participants(store)) == before + 1
    store.close()
