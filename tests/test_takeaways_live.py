"""Two consoles on one file, the note-taker's command, and a takeaway on the projector."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from helpers import pilot_wait_until
from textual.widgets import DataTable, Static

from console import cli as cli_module
from console import launch
from console.store.core import WorkshopStore
from console.store.display import display_state
from console.store.takeaways import capture_takeaway
from console.ui.app import make_app
from console.ui.projector.app import make_projector_app
from console.ui.projector.takeaway_view import TakeawayView


def texts(app) -> list[str]:
    """Return the takeaway texts a console shows, top to bottom."""
    table = app.query_one("#takeaways DataTable", DataTable)
    return [str(table.get_row_at(index)[2]) for index in range(table.row_count)]


async def test_two_consoles_capture_on_one_file_and_each_sees_the_other(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    facilitator = make_app(store, first_pane="takeaways")
    note_taker = make_app(second_store, first_pane="takeaways")
    async with (
        facilitator.run_test(size=(120, 36)) as first,
        note_taker.run_test(size=(120, 36)) as second,
    ):
        await first.press(*"one", "enter")
        await second.press(*"two", "enter")
        await first.press(*"three", "enter")
        await second.press(*"four", "enter")
        expected = ["one", "two", "three", "four"]
        await pilot_wait_until(
            first,
            lambda: texts(facilitator) == expected and texts(note_taker) == expected,
            message=lambda: f"{texts(facilitator)} and {texts(note_taker)}",
        )
        assert texts(facilitator) == expected
        assert texts(note_taker) == expected
        saved = store.query("SELECT text, created_by FROM takeaways ORDER BY captured_at, rowid")
        assert [row["text"] for row in saved] == expected
        assert {row["created_by"] for row in saved} == {
            store.instance_id,
            second_store.instance_id,
        }
        # The note-taker's undo is its own: Ctrl+Z there does not touch the facilitator's delete.
        await first.press("tab", "tab", "ctrl+home", "delete")
        await second.press("ctrl+z")
        live = "SELECT text FROM takeaways WHERE deleted_at IS NULL ORDER BY captured_at, rowid"
        assert [row["text"] for row in store.query(live)] == ["two", "three", "four"]
        await pilot_wait_until(
            first,
            lambda: texts(note_taker) == ["two", "three", "four"],
            message=lambda: f"the note-taker shows {texts(note_taker)}",
        )
        assert texts(facilitator) == ["two", "three", "four"]
        await first.press("ctrl+z")
        await pilot_wait_until(
            second,
            lambda: texts(note_taker) == expected,
            message=lambda: f"the note-taker shows {texts(note_taker)}",
        )


async def test_a_row_captured_earlier_elsewhere_is_placed_in_order(
    store: WorkshopStore, second_store: WorkshopStore, clock
) -> None:
    app = make_app(store, first_pane="takeaways")
    async with app.run_test(size=(120, 36)) as pilot:
        capture_takeaway(second_store, "early")
        clock.advance(1)
        await pilot.press(*"late", "enter")
        await pilot_wait_until(
            pilot, lambda: texts(app) == ["early", "late"], message=lambda: str(texts(app))
        )


def test_notes_command_opens_the_takeaways_pane_as_the_note_taker(
    workshop_path: Path, monkeypatch
) -> None:
    built = {}

    def fake_run(store: WorkshopStore, factory) -> None:
        app = factory()
        built.update(role=store.role, pane=app.first_pane)
        store.close()

    monkeypatch.setattr(launch, "run_app", fake_run)
    result = CliRunner().invoke(cli_module.cli, ["notes", str(workshop_path)])
    assert result.exit_code == 0, result.output
    assert built == {"role": "notes", "pane": "takeaways"}


async def test_the_facilitator_puts_a_quote_on_the_projector(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    capture_takeaway(store, "an insight")
    capture_takeaway(store, "q: [b]Improving[/b] daily work -- Mike Orzen")
    console = make_app(store, first_pane="takeaways")
    projector = make_projector_app(second_store)
    async with (
        console.run_test(size=(120, 36), notifications=True) as pilot,
        projector.run_test(size=(100, 30)) as screen,
    ):
        await pilot.press("tab", "tab", "ctrl+end", "p")
        await pilot.pause()
        mode, payload = display_state(store)
        assert mode == "takeaway"
        quote_id = store.query("SELECT id FROM takeaways WHERE kind = 'quote'")[0]["id"]
        assert payload == {"takeaway_id": quote_id}
        await pilot_wait_until(
            screen,
            lambda: bool(projector.query(TakeawayView)),
            message="the projector never showed the takeaway",
        )
        view = projector.query_one(TakeawayView)
        shown = str(view.query_one("#projector-takeaway-text", Static).content)
        speaker = str(view.query_one("#projector-takeaway-speaker", Static).content)
        assert shown == "“[b]Improving[/b] daily work”"
        assert speaker == "— Mike Orzen"
