"""The takeaways pane driven by keys: capture, kinds, tags, search, filter, actions, edit."""

from __future__ import annotations

from helpers import notices, pilot_wait_until, visible_text
from textual.widgets import DataTable, Input, OptionList

from console.store.agenda import start_item
from console.store.core import WorkshopStore
from console.store.inventory import capture_pain_point
from console.store.takeaways import capture_takeaway
from console.ui.app import make_app
from console.ui.common.confirm_modal import ConfirmModal
from console.ui.takeaways.takeaways_modals import TakeawayEditModal
from console.ui.takeaways.takeaways_pane import TakeawaysPane
from console.ui.takeaways.takeaways_pick import TakeawayPickModal


def shown_rows(app) -> list[list[str]]:
    """Return the takeaways table as the user sees it, top to bottom."""
    table = app.query_one("#takeaways DataTable", DataTable)
    return [[str(value) for value in table.get_row_at(index)] for index in range(table.row_count)]


async def type_line(pilot, text: str) -> None:
    """Type a line and press Enter."""
    await pilot.press(*text, "enter")
    await pilot.pause()


async def test_capture_insights_a_quote_with_speaker_and_an_action_by_keys(
    store: WorkshopStore,
) -> None:
    item = store.query(
        "SELECT id, title FROM agenda_items WHERE title LIKE 'Welcome back%' LIMIT 1"
    )[0]
    start_item(store, item["id"], 600)
    app = make_app(store, first_pane="takeaways", clock=store.clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await type_line(pilot, "Small batches lower risk")
        await type_line(pilot, "Fast feedback beats big plans")
        await type_line(pilot, "q: Improving daily work -- Mike Orzen")
        await type_line(pilot, "q: Pay down debt daily")  # speaker remembered
        await type_line(pilot, "a: write the charter @Alice !2026-12-01")
        rows = shown_rows(app)
        assert [row[1:4] for row in rows] == [
            ["insight", "Small batches lower risk", ""],
            ["insight", "Fast feedback beats big plans", ""],
            ["quote", "Improving daily work", "Mike Orzen"],
            ["quote", "Pay down debt daily", "Mike Orzen"],
            ["action ○", "write the charter", "Alice, 1 Dec"],
        ]
        assert all(row[5] == "Welcome back: day 1…" or row[5].startswith("Welcome") for row in rows)
        assert app.query_one("#takeaways-input", Input).value == ""
        saved = store.query(
            "SELECT kind, text, speaker, owner, due_on, action_status, agenda_item_id "
            "FROM takeaways ORDER BY captured_at, rowid"
        )
        assert [row["kind"] for row in saved] == ["insight", "insight", "quote", "quote", "action"]
        assert saved[3]["speaker"] == "Mike Orzen"
        assert saved[4] | {} == {
            "kind": "action",
            "text": "write the charter",
            "speaker": "",
            "owner": "Alice",
            "due_on": "2026-12-01",
            "action_status": "open",
            "agenda_item_id": item["id"],
        }


async def test_kind_keys_set_the_kind_of_the_next_lines(store: WorkshopStore) -> None:
    app = make_app(store, first_pane="takeaways")
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(TakeawaysPane)
        await pilot.press("f7")  # insight -> quote
        assert "quote" in visible_text(app)
        await type_line(pilot, "Ask why five times -- Taiichi Ohno")
        await pilot.press("alt+d")
        await type_line(pilot, "We meet weekly")
        await pilot.press("alt+o")
        await type_line(pilot, "Who owns the backlog?")
        await type_line(pilot, "i: prefix wins over the key")
        assert pane.kind.value == "question"
        kinds = store.query("SELECT kind, speaker FROM takeaways ORDER BY captured_at, rowid")
        assert kinds == [
            {"kind": "quote", "speaker": "Taiichi Ohno"},
            {"kind": "decision", "speaker": ""},
            {"kind": "question", "speaker": ""},
            {"kind": "insight", "speaker": ""},
        ]


async def test_tag_with_competence_areas_via_alias_inline_and_by_type_to_search(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="takeaways")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await type_line(pilot, "Lead by example #Leadership")
        assert shown_rows(app)[0][4] == "DevOps Leadership"
        assert "Tagged: DevOps Leadership." in notices(app)
        await pilot.press("tab", "tab")  # capture line -> search -> list
        assert isinstance(app.focused, DataTable)
        await pilot.press("g")
        assert isinstance(app.screen, TakeawayPickModal)
        await pilot.press(*"Continual")
        options = app.screen.query_one(OptionList)
        assert "Continuous Improvement" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.press("escape")
        await pilot.pause()
        tags = store.query(
            "SELECT c.name FROM takeaway_competence_areas x JOIN competence_areas c "
            "ON c.id = x.competence_area_id WHERE x.deleted_at IS NULL ORDER BY c.name"
        )
        assert [row["name"] for row in tags] == ["Continuous Improvement", "DevOps Leadership"]
        assert shown_rows(app)[0][4].startswith("DevOps Leadership")
        await pilot.press("g")
        listed = [str(option.prompt) for option in app.screen.query_one(OptionList).options]
        assert "✓ Continuous Improvement (competence area)" in listed
        assert "✓ DevOps Leadership (competence area)" in listed


async def test_unknown_tag_asks_first_and_nothing_is_lost(store: WorkshopStore) -> None:
    app = make_app(store, first_pane="takeaways")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await type_line(pilot, "Cloud costs surprise us #CloudCost")
        assert isinstance(app.screen, ConfirmModal)
        assert "#CloudCost is not a competence area or theme" in visible_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert store.query("SELECT count(*) AS n FROM takeaways") == [{"n": 0}]
        line = app.query_one("#takeaways-input", Input)
        assert line.value == "Cloud costs surprise us #CloudCost"
        assert any("Not saved: fix or remove #CloudCost" in text for text in notices(app))
        await pilot.press("enter")
        await pilot.press("y")
        await pilot.pause()
        assert line.value == ""
        assert shown_rows(app)[0][2:5] == ["Cloud costs surprise us", "", "CloudCost"]
        assert store.query("SELECT name FROM themes WHERE name = 'CloudCost'") == [
            {"name": "CloudCost"}
        ]


async def test_search_and_filter_by_keys(store: WorkshopStore) -> None:
    for line in (
        "Flow beats utilisation #Courage",
        "q: Improving daily work -- Mike Orzen",
        "a: map the value stream @Bob",
    ):
        capture_takeaway(store, line)
    app = make_app(store, first_pane="takeaways")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+f", *"daily")
        await pilot.pause()
        assert [row[2] for row in shown_rows(app)] == ["Improving daily work"]
        assert "1 of 3 takeaways · text daily" in visible_text(app)
        search = app.query_one("#takeaways-search", Input)
        for query, expected in (
            ("kind:action", ["map the value stream"]),
            ("#courageous", ["Flow beats utilisation"]),
            ("@mike", ["Improving daily work"]),
            ("", ["Flow beats utilisation", "Improving daily work", "map the value stream"]),
        ):
            search.value = ""
            await pilot.press(*query)
            await pilot.pause()
            assert [row[2] for row in shown_rows(app)] == expected, query
        await pilot.press(*"kind:poem")
        await pilot.pause()
        assert "No kind called “poem”" in visible_text(app)
        search.value = ""
        await pilot.pause()
        # A takeaway captured elsewhere that does not match the filter stays out of the list.
        await pilot.press(*"stream")
        await pilot.pause()
        await pilot.press("shift+tab")
        await type_line(pilot, "other")
        assert [row[2] for row in shown_rows(app)] == ["map the value stream"]
        await type_line(pilot, "stream 2")
        assert [row[2] for row in shown_rows(app)] == ["map the value stream", "stream 2"]


async def test_actions_view_status_keys_edit_and_undo(store: WorkshopStore) -> None:
    for line in ("an insight", "a: write the charter @Alice !2026-12-01", "a: book the room @Bob"):
        capture_takeaway(store, line)
    app = make_app(store, first_pane="takeaways")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert [row[2] for row in shown_rows(app)] == ["write the charter", "book the room"]
        assert "2 open, 0 done, 0 dropped" in visible_text(app)
        await pilot.press("tab", "tab", "up")  # to the list, on "write the charter"
        await pilot.press("d")
        await pilot.pause()
        assert shown_rows(app)[0][1] == "action ✓"
        await pilot.press("down", "x")
        await pilot.pause()
        assert "0 open, 1 done, 1 dropped" in visible_text(app)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert shown_rows(app)[1][1] == "action ○"
        # The same key again opens the action again, as x skips and brings back elsewhere.
        await pilot.press("x")
        await pilot.pause()
        assert "0 open, 1 done, 1 dropped" in visible_text(app)
        await pilot.press("x")
        await pilot.pause()
        assert shown_rows(app)[1][1] == "action ○"
        assert "1 open, 1 done, 0 dropped" in visible_text(app)
        # Edit: an impossible date is refused and the dialog stays open.
        await pilot.press("up", "e")
        assert isinstance(app.screen, TakeawayEditModal)
        due = app.screen.query_one("#takeaway-edit-due", Input)
        due.value = ""
        await pilot.press("tab", "tab", "tab")  # text -> speaker -> owner -> due
        assert app.focused is due
        await pilot.press(*"2026-02-30", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TakeawayEditModal)
        assert any("No such date: 2026-02-30." in text for text in notices(app))
        due.value = ""
        await pilot.press(*"2026-12-24", "tab", "tab")
        await pilot.press(*"signed", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, TakeawayEditModal)
        row = store.query(
            "SELECT due_on, done_means, action_status FROM takeaways WHERE text = ?",
            ["write the charter"],
        )
        assert row == [{"due_on": "2026-12-24", "done_means": "signed", "action_status": "done"}]
        assert shown_rows(app)[0][3] == "Alice, 24 Dec"
        # Status keys act on actions only: on another takeaway, d is text and starts the line.
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("ctrl+home", "d")
        await pilot.pause()
        assert not any("Only actions have a status" in text for text in notices(app))
        capture = app.query_one("#takeaways-input", Input)
        assert app.focused is capture and capture.value == "d"


async def test_empty_line_markup_escapes_bad_dates_and_delete_with_undo(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="takeaways")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("space", "enter")
        await pilot.pause()
        assert any("Nothing to save" in text for text in notices(app))
        await pilot.press("backspace")
        await type_line(pilot, "a: plan it !2026-02-30")
        assert any("No such date: 2026-02-30." in text for text in notices(app))
        assert app.query_one("#takeaways-input", Input).value == "a: plan it !2026-02-30"
        app.query_one("#takeaways-input", Input).value = ""
        app.query_one("#takeaways-input", Input).insert_text_at_cursor(
            "[bold]not bold[/bold] \x1b[31mred"
        )
        await pilot.press("enter")
        await pilot.pause()
        assert shown_rows(app)[0][2] == "[bold]not bold[/bold] red"
        assert "[bold]not bold[/bold] red" in visible_text(app)
        assert store.query("SELECT count(*) AS n FROM takeaways") == [{"n": 1}]
        await pilot.press("tab", "tab", "delete")
        await pilot.pause()
        assert shown_rows(app) == []
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(shown_rows(app)) == 1


async def test_link_a_takeaway_to_a_pain_point_by_typing(store: WorkshopStore) -> None:
    capture_pain_point(store, "Nobody owns the release")
    capture_takeaway(store, "Ownership needs a name")
    app = make_app(store, first_pane="takeaways")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("tab", "tab", "l")
        assert isinstance(app.screen, TakeawayPickModal)
        await pilot.press(*"owns", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, TakeawayPickModal)
        assert "Linked to Pain point 1." in notices(app)
        assert shown_rows(app)[0][4] == "pain point 1"
        linked = store.query(
            "SELECT p.text FROM takeaways t JOIN pain_points p ON p.id = t.pain_point_id"
        )
        assert linked == [{"text": "Nobody owns the release"}]


async def test_a_long_takeaway_after_a_short_one_is_shown_whole(store) -> None:
    """Regression: an auto-width column kept the width of its first paint."""
    from console.ui.app import make_app

    app = make_app(store, first_pane="takeaways")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press(*"short", "enter")
        await pilot.press(*"a much longer takeaway shown whole", "enter")
        await pilot_wait_until(
            pilot,
            lambda: "a much longer takeaway shown whole" in visible_text(app),
            message=lambda: visible_text(app),
        )
