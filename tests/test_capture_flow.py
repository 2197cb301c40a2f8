"""Capture as a facilitator types it: #themes, speakers of every kind, focus and Escape, by keys."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeClock, make_workshop
from helpers import notices, open_on_list, visible_text, wait_until
from textual.widgets import DataTable, Input

from console.store.core import WorkshopStore
from console.store.display import display_state
from console.store.inventory import capture_pain_point
from console.ui.app import make_app
from console.ui.inventory.inventory_list import InventoryList
from console.ui.inventory.inventory_modals import InventoryProjectorModal, ThemeChooserModal
from console.ui.takeaways.takeaways_modals import TakeawayEditModal

SIZE = (140, 44)


def saved_pain_points(store: WorkshopStore) -> list[tuple[str, str | None]]:
    """Return each live pain point's text and theme name, in capture order."""
    rows = store.query(
        "SELECT p.text, t.name FROM pain_points p LEFT JOIN themes t ON t.id = p.theme_id "
        "WHERE p.deleted_at IS NULL ORDER BY p.position"
    )
    return [(row["text"], row["name"]) for row in rows]


def theme_count(store: WorkshopStore) -> int:
    """Return how many themes the file holds (merged and deleted ones too)."""
    return int(store.query("SELECT count(*) AS n FROM themes")[0]["n"])


def hint_line(app) -> str:  # type: ignore[no-untyped-def]
    """Return the screen line under the inventory capture line, as the facilitator reads it."""
    return next((line.strip() for line in visible_text(app).splitlines() if "→" in line), "")


async def write_report(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Press F9 and wait until the console says the report is written."""
    await pilot.press("f9")
    await wait_until(
        lambda: any(n.startswith("Report written") for n in notices(app)), "the report"
    )


async def test_a_typed_theme_means_the_known_theme_and_a_new_one_is_marked_before_enter(
    store: WorkshopStore,
) -> None:
    themes_before = theme_count(store)
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f3")
        line = app.query_one("#inventory-input", Input)
        # The start of a known theme's name means that theme: the line says so before Enter.
        await pilot.press(*"Silos between teams #peo")
        await pilot.pause()
        assert hint_line(app) == "→ theme: People and culture"
        await pilot.press(*"ple", "enter")
        # The known theme's name as spelt, words and all: nothing of it stays in the text.
        await pilot.press(*"x #People and culture", "enter")
        # A word of the name, and the underscored form.
        await pilot.press(*"Handovers #culture", "enter")
        await pilot.press(*"Long queues #Ways_of_working", "enter")
        await pilot.pause()
        assert saved_pain_points(store) == [
            ("Silos between teams", "People and culture"),
            ("x", "People and culture"),
            ("Handovers", "People and culture"),
            ("Long queues", "Ways of working"),
        ]
        assert theme_count(store) == themes_before  # no stray "people" theme

        # A theme no known theme answers to is new: the line marks it before Enter.
        await pilot.press(*'Blame #"people"')
        await pilot.pause()
        assert hint_line(app) == "→ theme: people (new theme)"
        await pilot.press("enter")
        await pilot.press(*"No budget #Tooling_debt")
        await pilot.pause()
        assert hint_line(app) == "→ theme: Tooling debt (new theme)"
        await pilot.press("enter")
        await pilot.pause()
        assert saved_pain_points(store)[-2:] == [("Blame", "people"), ("No budget", "Tooling debt")]
        assert theme_count(store) == themes_before + 2

        # Ambiguous: the line says which themes it could be; Enter refuses and keeps the text.
        await pilot.press(*"Gaps #and")
        await pilot.pause()
        assert hint_line(app) == (
            "→ #and could be People and culture or Value and priorities: type more of the name"
        )
        await pilot.press("enter")
        await pilot.pause()
        assert notices(app, "error")[-1] == (
            "Not saved: #and could be People and culture or Value and priorities; type more "
            'of the theme\'s name, or #"…" for a new theme.'
        )
        assert line.value == "Gaps #and"
        assert len(saved_pain_points(store)) == 6
        await pilot.press(*"_pri", "enter")
        await pilot.pause()
        assert saved_pain_points(store)[-1] == ("Gaps", "Value and priorities")
        assert line.value == ""
        assert hint_line(app) == ""
        assert '#"New theme"' in line.placeholder  # the placeholder says how


async def test_a_stray_theme_merged_away_by_keys_is_not_named_in_the_report(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    path = make_workshop(tmp_path / "workshop.db")
    with WorkshopStore.open(path, clock=clock) as store:
        app = make_app(store, first_pane="inventory", clock=clock)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.press(*'Blame culture #"people"', "enter")
            await pilot.press(*"Silos #People and culture", "enter")
            await pilot.press("escape")
            table = app.query_one("#inventory-themes", DataTable)
            table.focus()
            await pilot.pause()
            names = [str(table.get_row_at(index)[1]) for index in range(table.row_count)]
            table.move_cursor(row=names.index("people"))
            await pilot.press("m")
            await pilot.pause()
            assert isinstance(app.screen, ThemeChooserModal)
            await pilot.press(*"People and", "enter")
            await pilot.pause()
            assert saved_pain_points(store) == [
                ("Blame culture", "People and culture"),
                ("Silos", "People and culture"),
            ]
            await write_report(app, pilot)
    report = (tmp_path / "workshop-report.md").read_text("utf-8")
    assert "Blame culture" in report and "People and culture" in report
    assert "Includes the merged themes" not in report
    assert "people" not in report.replace("People", "")


async def test_every_kind_of_takeaway_takes_a_speaker_and_the_report_names_it(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    path = make_workshop(tmp_path / "workshop.db")
    with WorkshopStore.open(path, clock=clock) as store:
        app = make_app(store, first_pane="takeaways", clock=clock)
        async with app.run_test(size=(140, 40), notifications=True) as pilot:
            for typed in (
                "i: Flow beats utilisation -- Gene Kim",
                "d: Ship every week -- Ann Lee",
                "o: Who owns the budget? -- Jan",
                "a: Map the value stream @CIO !+7 -- Gene Kim",
                "q: Improve daily work -- Mike Orzen",
            ):
                await pilot.press(*typed, "enter")
            await pilot.pause()
            saved = store.query("SELECT kind, text, speaker, owner FROM takeaways ORDER BY rowid")
            assert [(r["kind"], r["text"], r["speaker"], r["owner"]) for r in saved] == [
                ("insight", "Flow beats utilisation", "Gene Kim", ""),
                ("decision", "Ship every week", "Ann Lee", ""),
                ("question", "Who owns the budget?", "Jan", ""),
                ("action", "Map the value stream", "Gene Kim", "CIO"),
                ("quote", "Improve daily work", "Mike Orzen", ""),
            ]
            table = app.query_one("#takeaways-table", DataTable)
            assert [str(table.get_row_at(0)[index]) for index in (1, 2, 3)] == [
                "insight",
                "Flow beats utilisation",
                "Gene Kim",
            ]
            # The edit dialog's speaker is for any kind.
            await pilot.press("escape")
            await pilot.press("up", "e")
            await pilot.pause()
            assert isinstance(app.screen, TakeawayEditModal)
            dialog = visible_text(app)
            assert "Speaker: who said it (any kind)" in dialog
            assert "(for a quote)" not in dialog
            await pilot.press("escape")
            await write_report(app, pilot)
    report = (tmp_path / "workshop-report.md").read_text("utf-8")
    assert "Flow beats utilisation (Gene Kim)" in report
    assert "-- Gene Kim" not in report


async def test_after_a_pane_switch_pane_keys_act_and_other_keys_start_capture(
    store: WorkshopStore,
) -> None:
    capture_pain_point(store, "Handoffs")
    app = make_app(store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        # What a new user typed: F3, p, Ctrl+T, p, Enter saved a pain point "pp". (A first
        # visit opens on the capture line, where p is text: tests/test_first_visit.py; so is p
        # on an empty inventory: tests/test_pane_keys_text.py.) On the list p is the key.
        assert isinstance(await open_on_list(pilot, "f3"), InventoryList)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, InventoryProjectorModal)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert display_state(store)[1]["show"] == "themes"
        await pilot.press("p", "enter")
        await pilot.pause()
        assert display_state(store)[1]["show"] == "items"
        assert saved_pain_points(store) == [("Handoffs", None)]
        # A key no pane key answers to starts the capture line, and is its first letter.
        await pilot.press(*"Silos", "enter", *"Queues", "enter")
        await pilot.pause()
        assert saved_pain_points(store)[1:] == [("Silos", None), ("Queues", None)]
        # Escape leaves the capture line for the list, where the letters are keys again.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, InventoryList)

        # On the takeaways list too, a key no key answers to (q) starts the capture line.
        focused = await open_on_list(pilot, "t")
        table = app.query_one("#takeaways-table", DataTable)
        assert focused is table
        await pilot.press(*"q: Ask why -- Ann", "enter")
        await pilot.pause()
        capture = app.query_one("#takeaways-input", Input)
        assert app.focused is capture
        assert store.query("SELECT kind, text, speaker FROM takeaways") == [
            {"kind": "quote", "text": "Ask why", "speaker": "Ann"}
        ]
        # Escape leaves the takeaways capture line, and the search line too.
        await pilot.press(*"half typed", "escape")
        await pilot.pause()
        assert app.focused is table
        assert capture.value == "half typed"  # nothing typed is lost
        await pilot.press("slash", *"ask", "escape")
        await pilot.pause()
        assert app.focused is table
        # Enter on the list goes back to the capture line, where the half-typed line waits.
        await pilot.press("enter", *" more")
        await pilot.pause()
        assert app.focused is capture and capture.value == "half typed more"
        await pilot.press("escape")
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.focused, InventoryList)
