"""The bad-input corpus: every file, import, deck, merge, typed text and export a user can get
wrong, with the exact outcome the user must see. Small fixtures live in tests/data/bad/; big or
binary ones (10 MB of junk, damaged SQLite, a 1 MB paste) are built here at run time."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import FakeClock, make_workshop
from helpers import (
    change_by_hand,
    changed_workshop,
    schema_refusal,
    workshop_with_pain_points,
)
from workshops import foreign, newer, random_bytes, truncated

from console.report.build import export
from console.store.card_rounds import create_round, save_hand_counts
from console.store.core import NOT_SAVED_FILE_LOST, WorkshopStore
from console.store.decks import add_card
from console.store.export import open_read_only
from console.store.format import SYNCED_TABLES
from console.store.importer import import_records
from console.store.inventory import assign_theme, capture_pain_point, create_theme
from console.store.inventory_votes import open_round
from console.store.takeaways import capture_takeaway
from console.store.workshop import update_workshop_details, workshop_details

DATA = Path(__file__).parent / "data" / "bad"
DECKS = Path(__file__).parent / "data" / "decks"

SCRIPT = "</script><script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
BUSY = (
    "is locked by another program (still busy after 10 seconds): close that program, or try again."
)
PASTE_REFUSED = (
    "The paste is too long (1,000,000 characters; the line holds 10,000): nothing was pasted."
)


# Builders ---------------------------------------------------------------------------------


def workshop(folder: Path, name: str = "w.db") -> Path:
    """Build a fresh workshop file from the default template."""
    return make_workshop(folder / name)


def copy_fixture(folder: Path, *names: str, source: Path = DATA) -> None:
    """Copy static fixtures into the case's folder."""
    for name in names:
        shutil.copy(source / name, folder / name)


def junk_10mb(path: Path) -> None:
    """Ten megabytes of random bytes."""
    path.write_bytes(os.urandom(10_000_000))


def live_dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Return every live row of every workshop table (the instances that opened it aside)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in SYNCED_TABLES
            if table != "instances"
        }
    finally:
        connection.close()


def with_injections(folder: Path) -> Path:
    """A workshop whose title, theme, pain point, takeaway and card carry script and formulas."""
    path = workshop(folder)
    with WorkshopStore.open(path, clock=FakeClock()) as store:
        details = workshop_details(store)
        update_workshop_details(
            store,
            title=f"Offsite {SCRIPT}",
            event=details.event,
            venue=details.venue,
            starts_on=details.starts_on or "",
            ends_on=details.ends_on or "",
            vote_budget=details.settings.vote_budget,
            vote_cap=details.settings.vote_cap,
            pick_count=details.settings.pick_count,
        )
        theme = create_theme(store, f"Theme {SCRIPT}")
        # In the theme: the report leaves out themes with no pain points.
        assign_theme(store, [capture_pain_point(store, f"Pain {SCRIPT}")], theme)
        capture_pain_point(store, '=HYPERLINK("http://evil.example","click")')
        capture_takeaway(store, f"Takeaway {SCRIPT}")
        capture_takeaway(store, "=SUM(A1:A9)")
        deck = store.query("SELECT id FROM decks WHERE deleted_at IS NULL LIMIT 1")[0]["id"]
        add_card(store, deck, code="X99", title=f"Card {SCRIPT}", category="Culture")
        round_id = create_round(store, deck, "hand_count", "Cards")
        save_hand_counts(store, round_id, "X99 5")
    return path


# CLI cases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CliCase:
    """A `facilitate` command run on bad input: its exact stderr line and exit code.

    `unchanged` files must keep their bytes; `same_rows` workshops their live rows; after the
    run the folder must hold exactly the files it held before plus `creates`.
    """

    id: str
    setup: Callable[[Path], None]
    args: tuple[str, ...]
    stderr: str
    code: int = 1
    unchanged: tuple[str, ...] = ()
    same_rows: tuple[str, ...] = ()
    creates: tuple[str, ...] = ()
    check: Callable[[Path], None] | None = None
    lock: str | None = None
    """"write": another connection holds a write transaction; "exclusive": an exclusive lock."""
    file_limit: int | None = None
    """A full disk: the command may write no file past this many bytes (`ulimit -f`)."""


def _file(make: Callable[[Path], None], name: str = "bad.db") -> Callable[[Path], None]:
    return lambda folder: make(folder / name)


def _read_only_folder(folder: Path) -> None:
    sub = folder / "locked"
    sub.mkdir()
    workshop(sub)
    sub.chmod(0o500)


def _read_only_file(folder: Path) -> None:
    workshop(folder).chmod(0o400)


def _workshop_and(*names: str, source: Path = DATA) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        workshop(folder)
        copy_fixture(folder, *names, source=source)

    return setup


def _workshop_and_junk(folder: Path) -> None:
    workshop(folder)
    junk_10mb(folder / "junk.csv")


def _two(make_source: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        workshop(folder)
        make_source(folder / "src.db")

    return setup


def _html_escapes_every_injection(folder: Path) -> None:
    page = (folder / "report.html").read_text("utf-8")
    assert "<script" not in page.lower()
    for where in ("Offsite ", "Theme ", "Pain ", "Takeaway ", "Card "):
        assert f"{where}{SCRIPT_ESCAPED}" in page, where


def _csv_neutralises_formulas(folder: Path) -> None:
    import csv
    import io

    cells = [
        cell
        for path in (folder / "out-csv").iterdir()
        for row in csv.reader(io.StringIO(path.read_text("utf-8-sig")))
        for cell in row
    ]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert "'=SUM(A1:A9)" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]


def _imported_formulas_are_neutralised(folder: Path) -> None:
    with WorkshopStore.open(folder / "w.db") as store:
        import_records(store, "pain-points", folder / "pain_points_formula.csv")
    (folder / "out-csv").mkdir()


def _exported_formulas(folder: Path) -> None:
    import csv
    import io

    rows = list(
        csv.DictReader(io.StringIO((folder / "out-csv" / "pain_points.csv").read_text("utf-8-sig")))
    )
    typed = {(row["text"], row["raised_by"]) for row in rows}
    assert ('\'=HYPERLINK("http://evil.example","click")', "'@mallory") in typed
    assert ("'+1+2", "'-3") in typed


def _json_export(folder: Path) -> None:
    workshop(folder)
    with open_read_only(folder / "w.db") as reader:
        export(reader, folder / "w.db", "json", folder / "w.json")


def _source_with_more_pain_points(folder: Path) -> None:
    workshop(folder)
    shutil.copy(folder / "w.db", folder / "src.db")
    workshop_with_pain_points(folder / "src.db", 1000, prefix="Noted by the note-taker")


def _workshop_and_previous(name: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        workshop(folder)
        if name.endswith("-csv"):
            (folder / name).mkdir()
            (folder / name / "cards.csv").write_text("code,title\nOLD,the previous export\n")
        else:
            (folder / name).write_text("the previous export")

    return setup


FULL = "free some space and try again."
KEPT = "was not updated, the previous version is kept"


def _changed(change: str) -> Callable[[Path], None]:
    """A workshop w.db whose schema was changed by hand (tests/helpers.py HAND_CHANGES)."""
    return lambda folder: changed_workshop(folder / "w.db", change)


def _holds_only(*names: str, refused: str = "w.db") -> Callable[[Path], None]:
    """Afterwards the folder holds exactly these files, and no journal of the refused one."""

    def check(folder: Path) -> None:
        assert sorted(_names_without_journal(folder)) == sorted(names)
        journal = [f"{refused}{suffix}" for suffix in ("-wal", "-shm", "-journal")]
        assert not [name for name in journal if (folder / name).exists()]

    return check


def _names_without_journal(folder: Path) -> list[str]:
    """Return the names in folder, SQLite's journal files left out."""
    return [p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm", "-journal"))]


def _error_logged(name: str, text: str) -> Callable[[Path], None]:
    """The error log exists, only its owner can read it, and it holds the traceback."""

    def check(folder: Path) -> None:
        log = folder / name
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
        logged = log.read_text("utf-8")
        assert "Traceback (most recent call last):" in logged
        assert text in logged

    return check


CLI_CASES: tuple[CliCase, ...] = (
    # Opening files
    CliCase(
        "open-10mb-random-bytes",
        _file(junk_10mb),
        ("open", "bad.db"),
        "facilitate: bad.db is not a workshop file (it is not an SQLite database).",
        unchanged=("bad.db",),
    ),
    CliCase(
        "open-empty-file",
        lambda folder: (folder / "bad.db").write_bytes(b""),
        ("bad.db",),
        "facilitate: bad.db is empty: it is not a workshop file.",
        unchanged=("bad.db",),
    ),
    CliCase(
        "open-truncated-sqlite",
        _file(truncated),
        ("bad.db",),
        "facilitate: bad.db is damaged: the file is truncated.",
        unchanged=("bad.db",),
    ),
    CliCase(
        "open-foreign-sqlite",
        _file(foreign),
        ("bad.db",),
        "facilitate: bad.db is an SQLite database but not a workshop file.",
        unchanged=("bad.db",),
    ),
    CliCase(
        "open-newer-format",
        _file(newer),
        ("bad.db",),
        "facilitate: bad.db was written by a newer console (file format {newer}; this console "
        "reads up to {current}): upgrade the console to open it.",
        unchanged=("bad.db",),
    ),
    CliCase(
        "open-read-only-file",
        _read_only_file,
        ("w.db",),
        "facilitate: w.db is read-only: the console must be able to save. "
        "Make it writable (chmod u+w) or open a copy.",
        unchanged=("w.db",),
    ),
    CliCase(
        "open-read-only-folder",
        _read_only_folder,
        ("locked/w.db",),
        "facilitate: Folder locked is read-only: the console needs to write its journal "
        "beside the workshop file. Move the file to a writable folder.",
        unchanged=("locked/w.db",),
    ),
    CliCase(
        "open-a-folder",
        lambda folder: (folder / "bad.db").mkdir(),
        ("bad.db",),
        "facilitate: bad.db is a folder, not a workshop file.",
    ),
    # Imports of records
    CliCase(
        "import-latin1-csv",
        _workshop_and("pain_points_latin1.csv"),
        ("import", "w.db", "pain_points_latin1.csv", "--kind", "pain-points"),
        "facilitate: pain_points_latin1.csv is not UTF-8 text (byte 0xe9 at line 2).",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-utf16-csv",
        _workshop_and("pain_points_utf16.csv"),
        ("import", "w.db", "pain_points_utf16.csv", "--kind", "pain-points"),
        "facilitate: pain_points_utf16.csv is UTF-16 text: save it as UTF-8 (in Excel: CSV UTF-8).",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-utf16-toml",
        _workshop_and("agenda_utf16.toml"),
        ("import", "w.db", "agenda_utf16.toml", "--kind", "agenda"),
        "facilitate: agenda_utf16.toml is UTF-16 text: save it as UTF-8 (in Excel: CSV UTF-8).",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-latin1-toml",
        _workshop_and("agenda_latin1.toml"),
        ("import", "w.db", "agenda_latin1.toml", "--kind", "agenda"),
        "facilitate: agenda_latin1.toml is not UTF-8 text (byte 0xe9 at line 2).",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-empty-csv",
        _workshop_and("empty.csv"),
        ("import", "w.db", "empty.csv", "--kind", "participants"),
        "facilitate: empty.csv is empty.",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-blank-toml",
        _workshop_and("blank.toml"),
        ("import", "w.db", "blank.toml", "--kind", "agenda"),
        "facilitate: blank.toml is empty.",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-10mb-junk",
        _workshop_and_junk,
        ("import", "w.db", "junk.csv", "--kind", "pain-points"),
        "facilitate: junk.csv is too large (10.0 MB) to import.",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-only-escape-sequences",
        _workshop_and("pain_points_escapes_only.csv"),
        ("import", "w.db", "pain_points_escapes_only.csv", "--kind", "pain-points"),
        "facilitate: pain_points_escapes_only.csv line 2: text is empty.",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-agenda-minutes-10e12-csv",
        _workshop_and("agenda_huge_minutes.csv"),
        ("import", "w.db", "agenda_huge_minutes.csv", "--kind", "agenda"),
        "facilitate: agenda_huge_minutes.csv line 2: minutes must be between 1 and 1440 "
        "(got 1000000000000).",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-agenda-minutes-10e30-toml",
        _workshop_and("agenda_huge_minutes.toml"),
        ("import", "w.db", "agenda_huge_minutes.toml", "--kind", "agenda"),
        "facilitate: agenda_huge_minutes.toml, item 1: minutes must be between 1 and 1440 "
        f"(got {10**30}).",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-agenda-negative-minutes",
        _workshop_and("agenda_negative_minutes.csv"),
        ("import", "w.db", "agenda_negative_minutes.csv", "--kind", "agenda"),
        "facilitate: agenda_negative_minutes.csv line 2: minutes must be between 1 and 1440 "
        "(got -5).",
        same_rows=("w.db",),
    ),
    CliCase(
        "import-json-foreign",
        _workshop_and("workshop_foreign.json"),
        ("import", "new.db", "workshop_foreign.json"),
        "facilitate: workshop_foreign.json is not a workshop export "
        "(made by `facilitate export --format json`).",
    ),
    CliCase(
        "import-json-newer-format",
        _workshop_and("workshop_newer.json"),
        ("import", "new.db", "workshop_newer.json"),
        "facilitate: workshop_newer.json was exported by a newer console (file format 99; this "
        "console reads up to {current}): upgrade the console to import it.",
    ),
    CliCase(
        "import-json-truncated",
        _workshop_and("workshop_truncated.json"),
        ("import", "new.db", "workshop_truncated.json"),
        "facilitate: workshop_truncated.json line 1: not valid JSON "
        "(unterminated string starting at).",
    ),
    CliCase(
        "import-json-number-10e30",
        _workshop_and("workshop_huge_number.json"),
        ("import", "new.db", "workshop_huge_number.json"),
        "facilitate: workshop_huge_number.json: pain_points row 1 has a number too large for a "
        "workshop file in 'position'.",
    ),
    CliCase(
        "import-into-foreign-sqlite",
        lambda folder: (foreign(folder / "bad.db"), copy_fixture(folder, "pain_points_script.csv")),
        ("import", "bad.db", "pain_points_script.csv", "--kind", "pain-points"),
        "facilitate: bad.db is an SQLite database but not a workshop file.",
        unchanged=("bad.db",),
    ),
    # Decks
    CliCase(
        "deck-latin1-csv",
        _workshop_and("latin1.csv", source=DECKS),
        ("import", "w.db", "latin1.csv", "--kind", "deck"),
        "facilitate: latin1.csv is not UTF-8 text (byte 0xe9 at line 2).",
        same_rows=("w.db",),
    ),
    CliCase(
        "deck-utf16-csv",
        _workshop_and("deck_utf16.csv"),
        ("import", "w.db", "deck_utf16.csv", "--kind", "deck"),
        "facilitate: deck_utf16.csv is UTF-16 text: save it as UTF-8 (in Excel: CSV UTF-8).",
        same_rows=("w.db",),
    ),
    CliCase(
        "deck-latin1-toml",
        _workshop_and("deck_latin1.toml"),
        ("import", "w.db", "deck_latin1.toml", "--kind", "deck"),
        "facilitate: deck_latin1.toml is not UTF-8 text (byte 0xe9 at line 3).",
        same_rows=("w.db",),
    ),
    CliCase(
        "deck-empty-toml",
        _workshop_and("deck_empty.toml"),
        ("import", "w.db", "deck_empty.toml", "--kind", "deck"),
        "facilitate: deck_empty.toml is empty.",
        same_rows=("w.db",),
    ),
    CliCase(
        "deck-without-cards",
        _workshop_and("deck_no_cards.toml"),
        ("import", "w.db", "deck_no_cards.toml", "--kind", "deck"),
        "facilitate: deck_no_cards.toml: no [[cards]] tables found.",
        same_rows=("w.db",),
    ),
    CliCase(
        "deck-broken-toml",
        _workshop_and("broken.toml", source=DECKS),
        ("import", "w.db", "broken.toml", "--kind", "deck"),
        "facilitate: broken.toml line 7: illegal character '\\n' (column 18).",
        same_rows=("w.db",),
    ),
    CliCase(
        "deck-duplicate-codes",
        _workshop_and("duplicate_codes.csv", source=DECKS),
        ("import", "w.db", "duplicate_codes.csv", "--kind", "deck"),
        "facilitate: duplicate_codes.csv line 4: duplicate code d01 (first on line 2).",
        same_rows=("w.db",),
    ),
    # Merges
    CliCase(
        "merge-random-bytes-source",
        _two(random_bytes),
        ("merge", "w.db", "src.db"),
        "facilitate: src.db is not a workshop file (it is not an SQLite database).",
        unchanged=("src.db",),
        same_rows=("w.db",),
    ),
    CliCase(
        "merge-truncated-source",
        _two(truncated),
        ("merge", "w.db", "src.db"),
        "facilitate: src.db is damaged: the file is truncated.",
        unchanged=("src.db",),
        same_rows=("w.db",),
    ),
    CliCase(
        "merge-foreign-source",
        _two(foreign),
        ("merge", "w.db", "src.db"),
        "facilitate: src.db is an SQLite database but not a workshop file.",
        unchanged=("src.db",),
        same_rows=("w.db",),
    ),
    CliCase(
        "merge-newer-source",
        _two(newer),
        ("merge", "w.db", "src.db"),
        "facilitate: src.db was written by a newer console (file format {newer}; this console "
        "reads up to {current}): upgrade the console to open it.",
        unchanged=("src.db",),
        same_rows=("w.db",),
    ),
    CliCase(
        "merge-empty-source",
        _two(lambda path: path.write_bytes(b"")),
        ("merge", "w.db", "src.db"),
        "facilitate: src.db is empty: it is not a workshop file.",
        unchanged=("src.db",),
        same_rows=("w.db",),
    ),
    CliCase(
        "merge-into-read-only-target",
        lambda folder: (
            _read_only_file(folder),
            shutil.copy(folder / "w.db", folder / "src.db"),
        ),
        ("merge", "w.db", "src.db"),
        "facilitate: w.db is read-only: the console must be able to save. "
        "Make it writable (chmod u+w) or open a copy.",
        unchanged=("w.db", "src.db"),
    ),
    # Exports
    CliCase(
        "export-html-escapes-script-injection",
        with_injections,
        ("export", "w.db", "--format", "html", "--out", "report.html"),
        "",
        code=0,
        creates=("report.html",),
        same_rows=("w.db",),
        check=_html_escapes_every_injection,
    ),
    CliCase(
        "export-csv-neutralises-typed-formulas",
        with_injections,
        ("export", "w.db", "--format", "csv", "--out", "out-csv"),
        "",
        code=0,
        creates=("out-csv",),
        same_rows=("w.db",),
        check=_csv_neutralises_formulas,
    ),
    CliCase(
        "export-csv-neutralises-imported-formulas",
        lambda folder: (
            _workshop_and("pain_points_formula.csv")(folder),
            _imported_formulas_are_neutralised(folder),
        ),
        ("export", "w.db", "--format", "csv", "--out", "out-csv"),
        "",
        code=0,
        creates=("out-csv",),
        same_rows=("w.db",),
        check=_exported_formulas,
    ),
    CliCase(
        "export-into-missing-folder",
        with_injections,
        ("export", "w.db", "--format", "md", "--out", "nowhere/report.md"),
        "facilitate: Could not write nowhere/report.md: folder nowhere does not exist.",
        same_rows=("w.db",),
    ),
    CliCase(
        "export-onto-a-folder",
        lambda folder: (workshop(folder), (folder / "report.md").mkdir()),
        ("export", "w.db", "--format", "md", "--out", "report.md"),
        "facilitate: Could not write report.md: it is a folder.",
        same_rows=("w.db",),
    ),
    CliCase(
        "export-csv-onto-a-file",
        lambda folder: (workshop(folder), (folder / "out-csv").write_text("keep")),
        ("export", "w.db", "--format", "csv", "--out", "out-csv"),
        "facilitate: Could not write out-csv: it is a file, not a folder.",
        same_rows=("w.db",),
        unchanged=("out-csv",),
    ),
    CliCase(
        "export-of-random-bytes",
        _file(random_bytes),
        ("export", "bad.db", "--format", "json", "--out", "x.json"),
        "facilitate: bad.db is not a workshop file (it is not an SQLite database).",
        unchanged=("bad.db",),
    ),
    # A full disk: one line, nothing half-made, an earlier export left as it was.
    CliCase(
        "new-on-a-full-disk",
        lambda folder: None,
        ("new", "ws.db"),
        f"facilitate: the disk is full: ws.db was not created; {FULL}",
        file_limit=100_000,
    ),
    CliCase(
        "import-json-into-a-new-file-on-a-full-disk",
        _json_export,
        ("import", "new.db", "w.json"),
        f"facilitate: the disk is full: new.db was not created; {FULL}",
        unchanged=("w.json",),
        same_rows=("w.db",),
        file_limit=100_000,
    ),
    CliCase(
        "merge-on-a-full-disk",
        _source_with_more_pain_points,
        ("merge", "w.db", "src.db"),
        f"facilitate: the disk is full: nothing was merged into w.db; {FULL}",
        unchanged=("src.db",),
        same_rows=("w.db",),
        file_limit=420_000,
    ),
    CliCase(
        "export-md-on-a-full-disk-keeps-the-old-report",
        _workshop_and_previous("report.md"),
        ("export", "w.db", "--format", "md", "--out", "report.md"),
        f"facilitate: the disk is full: report.md {KEPT}; {FULL}",
        unchanged=("report.md",),
        same_rows=("w.db",),
        file_limit=512,
    ),
    CliCase(
        "export-html-on-a-full-disk",
        _workshop_and(),
        ("export", "w.db", "--format", "html"),
        f"facilitate: the disk is full: w-report.html was not written; {FULL}",
        same_rows=("w.db",),
        file_limit=512,
    ),
    CliCase(
        "export-json-on-a-full-disk-keeps-the-old-export",
        _workshop_and_previous("w.json"),
        ("export", "w.db", "--format", "json"),
        f"facilitate: the disk is full: w.json {KEPT}; {FULL}",
        unchanged=("w.json",),
        same_rows=("w.db",),
        file_limit=512,
    ),
    CliCase(
        "export-csv-on-a-full-disk-keeps-the-old-tables",
        _workshop_and_previous("out-csv"),
        ("export", "w.db", "--format", "csv", "--out", "out-csv"),
        f"facilitate: the disk is full: out-csv {KEPT}; {FULL}",
        unchanged=("out-csv/cards.csv",),
        same_rows=("w.db",),
        file_limit=512,
    ),
    CliCase(
        "export-csv-on-a-full-disk",
        _workshop_and(),
        ("export", "w.db", "--format", "csv"),
        f"facilitate: the disk is full: w-csv was not written; {FULL}",
        same_rows=("w.db",),
        file_limit=512,
    ),
    CliCase(
        "portfolio-on-a-full-disk",
        _workshop_and(),
        ("portfolio", "w.db", "--format", "html", "--out", "p.html"),
        f"Reading workshops\nfacilitate: the disk is full: p.html was not written; {FULL}",
        same_rows=("w.db",),
        file_limit=512,
    ),
    # Another program holds the file: wait the busy timeout, then one line.
    CliCase(
        "locked-exclusive-open",
        _workshop_and(),
        ("open", "w.db"),
        f"facilitate: w.db {BUSY}",
        lock="exclusive",
    ),
    CliCase(
        "locked-exclusive-export",
        _workshop_and(),
        ("export", "w.db", "--format", "md", "--out", "report.md"),
        f"facilitate: w.db {BUSY}",
        lock="exclusive",
    ),
    CliCase(
        "locked-write-transaction-import",
        _workshop_and("pain_points_script.csv"),
        ("import", "w.db", "pain_points_script.csv", "--kind", "pain-points"),
        "facilitate: Not saved: the workshop file stayed busy for 10 seconds; try again.",
        same_rows=("w.db",),
        lock="write",
    ),
    CliCase(
        "locked-exclusive-merge-source",
        lambda folder: (workshop(folder), workshop(folder, "src.db")),
        ("merge", "w.db", "src.db"),
        f"facilitate: src.db {BUSY}",
        same_rows=("w.db",),
        lock="exclusive-src",
    ),
    # Files whose schema was changed by hand: refused on open, left as they were, no journal.
    CliCase(
        "open-dropped-column",
        _changed("dropped-column"),
        ("w.db",),
        schema_refusal("w.db", "dropped-column"),
        unchanged=("w.db",),
        check=_holds_only("w.db"),
    ),
    CliCase(
        "open-changed-column-type",
        _changed("changed-column-type"),
        ("open", "w.db"),
        schema_refusal("w.db", "changed-column-type"),
        unchanged=("w.db",),
        check=_holds_only("w.db"),
    ),
    CliCase(
        "present-dropped-view",
        _changed("dropped-view"),
        ("present", "w.db"),
        schema_refusal("w.db", "dropped-view"),
        unchanged=("w.db",),
        check=_holds_only("w.db"),
    ),
    CliCase(
        "notes-dropped-index",
        _changed("dropped-index"),
        ("notes", "w.db"),
        schema_refusal("w.db", "dropped-index"),
        unchanged=("w.db",),
        check=_holds_only("w.db"),
    ),
    CliCase(
        "export-dropped-trigger",
        _changed("dropped-trigger"),
        ("export", "w.db", "--format", "md", "--out", "report.md"),
        schema_refusal("w.db", "dropped-trigger"),
        unchanged=("w.db",),
        check=_holds_only("w.db"),
    ),
    CliCase(
        "merge-source-dropped-column",
        _two(lambda path: changed_workshop(path, "dropped-column")),
        ("merge", "w.db", "src.db"),
        schema_refusal("src.db", "dropped-column"),
        unchanged=("w.db", "src.db"),
        check=_holds_only("w.db", "src.db", refused="src.db"),
    ),
    CliCase(
        "merge-into-target-changed-column-type",
        lambda folder: (
            changed_workshop(folder / "w.db", "changed-column-type"),
            workshop(folder, "src.db"),
        ),
        ("merge", "w.db", "src.db"),
        schema_refusal("w.db", "changed-column-type"),
        unchanged=("w.db", "src.db"),
        check=_holds_only("w.db", "src.db"),
    ),
    CliCase(
        "import-into-dropped-view",
        lambda folder: (
            changed_workshop(folder / "w.db", "dropped-view"),
            copy_fixture(folder, "pain_points_script.csv"),
        ),
        ("import", "w.db", "pain_points_script.csv", "--kind", "pain-points"),
        schema_refusal("w.db", "dropped-view"),
        unchanged=("w.db",),
        check=_holds_only("w.db", "pain_points_script.csv"),
    ),
    # An unexpected error: one line naming the log, the traceback in it, the rows untouched.
    CliCase(
        "export-json-bytes-in-a-text-column",
        lambda folder: change_by_hand(workshop(folder), "UPDATE agenda_items SET title = x'00ff'"),
        ("export", "w.db", "--format", "json", "--out", "w.json"),
        "facilitate: unexpected error: TypeError: Object of type bytes is not JSON "
        "serializable; details in w.db.error.log",
        creates=("w.db.error.log",),
        same_rows=("w.db",),
        check=_error_logged("w.db.error.log", "TypeError: Object of type bytes"),
    ),
)


def hold_lock(folder: Path, lock: str) -> sqlite3.Connection:
    """Lock a workshop file from another connection, as another program would."""
    name = "src.db" if lock.endswith("-src") else "w.db"
    connection = sqlite3.connect(folder / name, isolation_level=None, check_same_thread=False)
    if lock.startswith("exclusive"):
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("UPDATE revision SET rev = rev")
        connection.execute("COMMIT")
    else:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE revision SET rev = rev")
    return connection


# In-app cases -----------------------------------------------------------------------------

Driver = Callable[[Any, Any, WorkshopStore], Awaitable[None]]


@dataclass(frozen=True)
class UiCase:
    """Keys or a paste in the running console: the exact notifications and what is saved.

    `saved` is the query whose rows must equal `rows` afterwards; with `rows` None, no live row
    of any table may change.
    """

    id: str
    pane: str
    drive: Driver
    notices: tuple[str, ...]
    saved: str = ""
    rows: tuple[tuple[Any, ...], ...] | None = None
    shown: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    """Texts the takeaways table must hold as cells (its screen rendering lags: see report)."""
    setup: Callable[[WorkshopStore], None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _paste(text: str, enter: bool = True) -> Driver:
    async def drive(pilot: Any, app: Any, store: WorkshopStore) -> None:
        from textual import events

        app.post_message(events.Paste(text))
        await pilot.pause()
        if enter:
            await pilot.press("enter")
            await pilot.pause()

    return drive


def _type(text: str) -> Driver:
    async def drive(pilot: Any, app: Any, store: WorkshopStore) -> None:
        await pilot.press(*text, "enter")
        await pilot.pause()

    return drive


def _hand_round(store: WorkshopStore) -> None:
    capture_pain_point(store, "Budget frozen")
    open_round(store, "hand_count", title="Hands")


def _to_list_and(*keys: str) -> Driver:
    async def drive(pilot: Any, app: Any, store: WorkshopStore) -> None:
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    return drive


async def _vote_budget(pilot: Any, app: Any, store: WorkshopStore) -> None:
    await pilot.press("escape", "w")
    await pilot.pause()
    app.screen.query_one("#details-vote_budget").focus()
    await pilot.press("end", "ctrl+u", *"999999", "ctrl+s")
    await pilot.pause()


async def _agenda_minutes(pilot: Any, app: Any, store: WorkshopStore) -> None:
    await pilot.press("down", "e")
    await pilot.pause()
    app.screen.query_one("#item-minutes").focus()
    await pilot.press("end", "ctrl+u", *str(10**12), "ctrl+s")
    await pilot.pause()


async def _theme_paste(pilot: Any, app: Any, store: WorkshopStore) -> None:
    from textual import events

    await pilot.press("escape", "g")
    await pilot.pause()
    app.post_message(events.Paste("t" * 1_000_000))
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def _file_deleted_then_typed(pilot: Any, app: Any, store: WorkshopStore) -> None:
    store.path.unlink()
    await pilot.press(*"Typed after the loss", "enter")
    await pilot.pause()
    await pilot.press("ctrl+u", "f12")  # clear the refused line, write the workshop back
    await pilot.pause()


async def _file_held_then_typed(pilot: Any, app: Any, store: WorkshopStore) -> None:
    from helpers import wait_until

    other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        await pilot.press(*"Typed while held", "enter")
        await wait_until(
            lambda: "Waiting for the workshop file" in str(app.query_one("#file-busy").render()),
            "the waiting banner",
        )
        other.execute("ROLLBACK")
    finally:
        other.close()
    await wait_until(lambda: not app.query_one("#file-busy").display, "the banner to go")
    await pilot.pause()


PAIN_POINTS = "SELECT text FROM pain_points WHERE deleted_at IS NULL ORDER BY position"
TAKEAWAYS = "SELECT text FROM takeaways WHERE deleted_at IS NULL ORDER BY captured_at, rowid"
HANDS = "SELECT points FROM pain_point_votes WHERE deleted_at IS NULL"

UI_CASES: tuple[UiCase, ...] = (
    UiCase(
        "paste-1mb-inventory",
        "inventory",
        _paste("x" * 1_000_000),
        (PASTE_REFUSED, "Nothing to save: type the pain point first."),
    ),
    UiCase(
        "paste-1mb-takeaways",
        "takeaways",
        _paste("y" * 1_000_000),
        (PASTE_REFUSED, "Nothing to save: type the takeaway first."),
    ),
    UiCase(
        "paste-multi-line-keeps-every-line",
        "inventory",
        _paste("Budget frozen\nuntil Q3\r\nno hires"),
        (),
        PAIN_POINTS,
        (("Budget frozen until Q3 no hires",),),
        shown=("Budget frozen until Q3 no hires",),
    ),
    UiCase(
        "typed-rich-markup",
        "inventory",
        _type("[bold red]Boom[/] [link=http://x]y[/link]"),
        (),
        PAIN_POINTS,
        (("[bold red]Boom[/] [link=http://x]y[/link]",),),
        shown=("[bold red]Boom[/] [link=http://x]y",),
    ),
    UiCase(
        "pasted-ansi-and-osc-escapes",
        "inventory",
        _paste("\x1b]52;c;aGk=\x07Budget \x1b[31mfreeze\x1b[0m\x1b]0;pwned\x07 \x9b2J"),
        (),
        PAIN_POINTS,
        (("Budget freeze",),),
        shown=("Budget freeze",),
    ),
    UiCase(
        "pasted-only-escapes",
        "takeaways",
        _paste("\x1b[2J\x1b[H\x1b]0;title\x07"),
        ("Text is empty: type something first.",),
    ),
    UiCase(
        "pasted-rtl-and-zero-width",
        "takeaways",
        _paste("\u202eevil\u202c שלום עולם a\u200bb\u200dc\u2066x\u2069"),
        (),
        TAKEAWAYS,
        (("evil שלום עולם a\u200bb\u200dcx",),),
    ),
    UiCase(
        "typed-wide-emoji-and-cjk",
        "takeaways",
        _paste("👩\u200d👩\u200d👧 Ship it 🚀 中文の説明"),
        (),
        TAKEAWAYS,
        (("👩\u200d👩\u200d👧 Ship it 🚀 中文の説明",),),
        cells=("👩\u200d👩\u200d👧 Ship it 🚀 中文の説明",),
    ),
    UiCase(
        "typed-script-injection",
        "takeaways",
        _paste(SCRIPT),
        (),
        TAKEAWAYS,
        ((SCRIPT,),),
        cells=(SCRIPT,),
    ),
    UiCase(
        "hand-count-10e30",
        "inventory",
        _to_list_and("h", "ctrl+u", *str(10**30), "enter"),
        ("That count is too large.",),
        setup=_hand_round,
    ),
    UiCase(
        "hand-count-negative",
        "inventory",
        _to_list_and("h", "ctrl+u", *"-5", "enter"),
        ("A count cannot go below zero.",),
        setup=_hand_round,
    ),
    UiCase(
        "hand-minus-below-zero",
        "inventory",
        _to_list_and("minus"),
        ("A count cannot go below zero.",),
        setup=_hand_round,
    ),
    UiCase(
        "vote-budget-999999",
        "inventory",
        _vote_budget,
        ("The vote budget must be between 1 and 12 (got 9999).",),
    ),
    UiCase(
        "agenda-minutes-10e12",
        "agenda",
        _agenda_minutes,
        ("A timebox cannot be longer than 24 hours.",),
    ),
    UiCase(
        "theme-name-1mb-paste",
        "inventory",
        _theme_paste,
        ("Theme name is too long (1,000,000 characters; the limit is 80).",),
        setup=lambda store: capture_pain_point(store, "Budget frozen"),
    ),
    UiCase(
        "workshop-file-deleted-mid-session",
        "inventory",
        _file_deleted_then_typed,
        (
            NOT_SAVED_FILE_LOST,
            "Written back to w.db (its own path): it holds the whole workshop; saving goes on "
            "there.",
        ),
        PAIN_POINTS,
        (("Budget frozen",),),
        setup=lambda store: capture_pain_point(store, "Budget frozen"),
    ),
    UiCase(
        "workshop-file-held-by-another-program",
        "inventory",
        _file_held_then_typed,
        (
            "Not saved yet: another program is holding the workshop file; the console waits "
            "for it.",
            "The workshop file is free again: 1 waiting line saved.",
        ),
        PAIN_POINTS,
        (("Typed while held",),),
    ),
)

__all__ = ["CLI_CASES", "UI_CASES", "CliCase", "UiCase", "hold_lock", "live_dump"]
