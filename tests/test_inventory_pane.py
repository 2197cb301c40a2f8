"""The inventory pane driven by keys: capture, themes, merge, dot votes, reveal, the projector."""

from __future__ import annotations

import re

from helpers import notices, pilot_wait_until, visible_text
from textual import events
from textual.widgets import DataTable, Input

from console.store.core import WorkshopStore
from console.store.display import display_state
from console.store.inventory import capture_pain_point
from console.store.inventory_votes import (
    open_round,
    parse_ballot,
    rank_pain_points,
    rank_themes,
    save_ballot,
    set_hand_count,
    set_revealed,
)
from console.store.workshop import participants
from console.ui.app import make_app
from console.ui.inventory.inventory_list import InventoryList
from console.ui.inventory.inventory_modals import InventoryRoundModal, ThemeChooserModal
from console.ui.projector.app import make_projector_app
from console.ui.projector.inventory_view import InventoryView

SIZE = (140, 44)
LINE = re.compile(r"^\s*(?:●\s+)?(\d+)\s+(\d+=?)\s+(\d+)\s+(Pain \d\d)")


def messages(app) -> str:  # type: ignore[no-untyped-def]
    """Return the notifications shown so far, one a line."""
    return "\n".join(notices(app))


def screen_ranking(app) -> list[tuple[int, str, int]]:  # type: ignore[no-untyped-def]
    """Read (number, rank, score) of the pain points on screen, top to bottom."""
    found = []
    for line in visible_text(app).splitlines():
        match = LINE.match(line)
        if match:
            found.append((int(match[1]), match[2], int(match[3])))
    return found


async def go_to(pilot, listing: InventoryList, number: int) -> None:  # type: ignore[no-untyped-def]
    """Move the list cursor to the pain point with that number, by keys."""
    await pilot.press("home")
    while listing.lines[listing.cursor_id].position != number:
        await pilot.press("down")


async def test_capture_theme_merge_dot_vote_reveal_and_the_ranking_agree(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        themes = ["#People", "#Fit", "#Flow", ""]
        for number in range(1, 21):
            text = f"Pain {number:02d} {themes[(number - 1) // 5]} @{number % 5 + 1}"
            if number <= 8:
                await pilot.press(*text, "enter")
            else:
                # A paste is as fast as the pilot gets: typing every key takes ~70 ms in tests.
                app.focused.post_message(events.Paste(text))
                await pilot.pause()
                await pilot.press("enter")
        await pilot.pause()
        listing = app.query_one(InventoryList)
        assert listing.row_count == 20
        assert app.query_one("#inventory-input", Input).value == ""
        assert "Pain 20" in visible_text(app)
        rows = store.query("SELECT text, raised_by FROM pain_points ORDER BY position")
        assert rows[0] == {"text": "Pain 01", "raised_by": "2"}
        assert rows[19] == {"text": "Pain 20", "raised_by": "1"}

        # Merge #20 (a duplicate) into #3.
        await pilot.press("escape")
        assert app.focused is listing
        await go_to(pilot, listing, 20)
        await pilot.press("space")
        await go_to(pilot, listing, 3)
        await pilot.press("m")
        await pilot.pause()
        assert listing.row_count == 19
        assert "+1" in listing.line_text(listing.cursor_id)
        merged = store.query("SELECT merged_into_id FROM pain_points WHERE position = 20")
        assert merged[0]["merged_into_id"] == listing.cursor_id

        # Merging an item with itself.
        await pilot.press("space", "m")
        assert "cannot be merged with itself" in messages(app)
        await pilot.press("escape")

        # A dot-vote round: budget and cap checked in the dialog.
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, InventoryRoundModal)
        await pilot.press("tab", *"Top pains", "tab", *"13", "enter")
        await pilot.pause()
        assert "between 1 and 12" in messages(app)
        budget = app.screen.query_one("#round-budget", Input)
        budget.value = ""
        budget.focus()
        await pilot.press("5", "tab")
        app.screen.query_one("#round-cap", Input).value = ""
        await pilot.press("6", "enter")
        await pilot.pause()
        assert "cannot be above the budget (5)" in messages(app)
        app.screen.query_one("#round-cap", Input).value = ""
        await pilot.press("3", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, InventoryRoundModal)
        (round_row,) = store.query("SELECT id, title, budget, cap_per_item FROM voting_rounds")
        assert (round_row["title"], round_row["budget"], round_row["cap_per_item"]) == (
            "Top pains",
            5,
            3,
        )

        # Ballots for 5 delegates, one after another; over budget and over cap refused.
        await pilot.press("b")
        await pilot.pause()
        assert "Delegate 1" in visible_text(app)
        await pilot.press(*"1 2 3 4 5 6", "enter")
        assert "That ballot uses 6 votes; the budget is 5." in messages(app)
        ballot_line = app.query_one("#ballot-input", Input)
        ballot_line.value = ""
        await pilot.press(*"4 4 4 4", "enter")
        assert "At most 3 votes on one item." in messages(app)
        ballot_line.value = ""
        for ballot in ("3 3 7 7 1", "3 7 12 12 1", "20 7 12 1 1", "12 12 12 5 5", "5 5 9 9 9"):
            await pilot.press(*ballot, "enter")
            await pilot.pause()
        assert "That was the last delegate" not in visible_text(app)
        votes = store.query(
            "SELECT count(DISTINCT participant_id) AS people, sum(points) AS points "
            "FROM pain_point_votes WHERE deleted_at IS NULL"
        )
        assert votes == [{"people": 5, "points": 25}]

        # Re-entering delegate 2's ballot replaces it (Up goes back from delegate 6).
        await pilot.press("up", "up", "up", "up")
        assert "Delegate 2" in visible_text(app)
        assert ballot_line.value == "3 7 12x2 1"
        ballot_line.value = ""
        await pilot.press(*"3 7 12 12 1", "enter")
        await pilot.pause()
        assert votes == store.query(
            "SELECT count(DISTINCT participant_id) AS people, sum(points) AS points "
            "FROM pain_point_votes WHERE deleted_at IS NULL"
        )
        await pilot.press("escape")
        assert app.focused is listing

        # Reveal, then the ranking on screen and in the file agree.
        await pilot.press("R")
        await pilot_wait_until(
            pilot,
            lambda: store.query("SELECT revealed_at FROM voting_rounds")[0]["revealed_at"],
            message="the round was never revealed",
        )
        round_id = store.query("SELECT id FROM voting_rounds")[0]["id"]
        ranked = rank_pain_points(store, round_id)
        expected = [
            (entry.item.position, f"{entry.rank}{'=' if entry.tied else ''}", entry.item.score)
            for entry in ranked
        ]
        await pilot.press("home")
        await pilot.pause()
        shown = screen_ranking(app)
        assert len(shown) == 19
        assert shown == expected
        # #12 leads; #1, #3 (with #20's vote) and #7 tie on score and voters: capture order.
        assert shown[:5] == [(12, "1", 6), (1, "2=", 4), (3, "2=", 4), (7, "2=", 4), (5, "5", 4)]
        assert [entry.item.item_id for entry in ranked] == listing.order

        theme_table = app.query_one("#inventory-themes", DataTable)
        standings = rank_themes(store, round_id)
        assert [row.key.value for row in theme_table.ordered_rows] == [
            standing.ranked.item.item_id for standing in standings
        ]
        screen_themes = [
            (str(theme_table.get_row_at(index)[0]), str(theme_table.get_row_at(index)[3]))
            for index in range(theme_table.row_count)
        ]
        assert screen_themes == [
            (f"{s.ranked.rank}{'=' if s.ranked.tied else ''}", str(s.ranked.item.score))
            for s in standings
        ]
        # #People means the template's "People and culture" (#Fit its "Strategic fit").
        assert str(theme_table.get_row_at(0)[1]) == "People and cult…"


async def test_markup_and_escape_sequences_are_stored_and_shown_literally(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*'[bold red]x[/] typed #"[b]Theme[/b]"', "enter")
        app.focused.post_message(events.Paste("pasted \x1b[31mred\x1b]0;title\x07 [/] end"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        texts = [
            row["text"] for row in store.query("SELECT text FROM pain_points ORDER BY position")
        ]
        # Escape sequences are removed whole on capture (never reach the terminal).
        assert texts == ["[bold red]x[/] typed", "pasted red [/] end"]
        assert store.query("SELECT name FROM themes WHERE name LIKE '[b]%'") == [
            {"name": "[b]Theme[/b]"}
        ]
        screen = visible_text(app)
        assert "[bold red]x[/] typed" in screen
        assert "pasted red [/] end" in screen
        assert "[b]Theme[/b]" in screen
        assert "\x1b" not in screen


async def test_empty_and_very_long_input(store: WorkshopStore) -> None:
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("space", "space", "enter")
        assert "Nothing to save" in messages(app)
        await pilot.press(*"#only_theme", "enter")
        assert "empty" in messages(app)
        assert store.query("SELECT count(*) AS n FROM pain_points") == [{"n": 0}]
        long_text = "Long " + "x" * 400 + " end"
        app.query_one("#inventory-input", Input).value = ""
        app.focused.post_message(events.Paste(long_text))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert store.query("SELECT text FROM pain_points") == [{"text": long_text}]
        line = app.query_one(InventoryList).line_text(app.query_one(InventoryList).cursor_id)
        assert "…" in line and " end" not in line
        assert "…" in visible_text(app)


async def test_themes_are_assigned_renamed_and_merged_by_key_and_undone(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for text in ("Silos", "Handovers", "Tool sprawl"):
            await pilot.press(*text, "enter")
        await pilot.press("escape")
        listing = app.query_one(InventoryList)
        await go_to(pilot, listing, 1)
        await pilot.press("space", "down", "space", "g")
        await pilot.pause()
        assert isinstance(app.screen, ThemeChooserModal)
        await pilot.press(*"Ways of", "enter")
        await pilot.pause()
        rows = store.query(
            "SELECT p.position, t.name FROM pain_points p LEFT JOIN themes t ON t.id = p.theme_id "
            "ORDER BY p.position"
        )
        assert [row["name"] for row in rows] == ["Ways of working", "Ways of working", None]
        assert "Ways of working" in listing.line_text(listing.order[0])

        await go_to(pilot, listing, 3)
        await pilot.press("g", *"Tooling", "enter")
        await pilot.pause()
        assert store.query(
            "SELECT t.name FROM pain_points p JOIN themes t ON t.id = p.theme_id "
            "WHERE p.position = 3"
        ) == [{"name": "Tooling"}]

        await pilot.press("r")
        await pilot.pause()
        prompt = app.screen.query_one("#prompt-input", Input)
        prompt.value = ""
        await pilot.press(*"Ways of working", "enter")
        await pilot.pause()
        assert "already exists" in messages(app)
        prompt.value = ""
        await pilot.press(*"Tools", "enter")
        await pilot.pause()
        assert "Tools" in listing.line_text(listing.cursor_id)

        table = app.query_one("#inventory-themes", DataTable)
        table.focus()
        names = [str(table.get_row_at(index)[1]) for index in range(table.row_count)]
        table.move_cursor(row=names.index("Tools"))
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"ways", "enter")
        await pilot.pause()
        assert store.query(
            "SELECT DISTINCT t.name FROM pain_points p JOIN themes t ON t.id = p.theme_id"
        ) == [{"name": "Ways of working"}]
        names = [str(table.get_row_at(index)[1]) for index in range(table.row_count)]
        assert "Tools" not in names
        await pilot.press("ctrl+z")
        await pilot.pause()
        names = [str(table.get_row_at(index)[1]) for index in range(table.row_count)]
        assert "Tools" in names
        assert "Tools" in listing.line_text(listing.order[2])


async def test_hand_count_by_keys_never_below_zero(store: WorkshopStore) -> None:
    capture_pain_point(store, "Priorities change weekly")
    open_round(store, "hand_count")
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("escape", "plus", "plus", "plus", "minus")
        await pilot.pause()
        listing = app.query_one(InventoryList)
        assert listing.score_of(listing.cursor_id) == 2
        await pilot.press("h")
        await pilot.pause()
        app.screen.query_one("#prompt-input", Input).value = ""
        await pilot.press(*"-4", "enter")
        assert "below zero" in messages(app)
        app.screen.query_one("#prompt-input", Input).value = ""
        await pilot.press(*"17", "enter")
        await pilot.pause()
        assert listing.score_of(listing.cursor_id) == 17
        await pilot.press(*["minus"] * 18)
        await pilot.pause()
        assert "A count cannot go below zero." in messages(app)
        assert store.query("SELECT sum(points) AS n FROM pain_point_votes") == [{"n": 0}]
        # Ballots need a dot-vote round: in a hand count, b is text and starts the line.
        await pilot.press("escape", "b")
        await pilot.pause()
        assert "Open a dot-vote round first" not in messages(app)
        capture = app.query_one("#inventory-input", Input)
        assert app.focused is capture and capture.value == "b"


async def test_brackets_show_the_previous_and_next_round_with_their_scores(
    store: WorkshopStore,
) -> None:
    for number in range(1, 4):
        capture_pain_point(store, f"Pain {number:02d}")
    dots = open_round(store, "dot", title="Dots")
    people = participants(store)
    save_ballot(store, dots, people[0].id, parse_ballot(store, "1 1 3"))
    hands = open_round(store, "hand_count", title="Hands")
    ids = [row["id"] for row in store.query("SELECT id FROM pain_points ORDER BY position")]
    set_hand_count(store, hands, ids[1], 9)
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert "Hands (hand count)" in visible_text(app)
        assert screen_ranking(app) == [(2, "1", 9), (1, "2=", 0), (3, "2=", 0)]
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "Dots (dot vote, 5 dots each" in visible_text(app)
        assert "1 ballots" in visible_text(app)
        assert "closed" in visible_text(app)
        assert screen_ranking(app) == [(1, "1", 2), (3, "2", 1), (2, "3", 0)]
        # No round before the first: [ cannot act, so it is text and starts the capture line.
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen_ranking(app) == [(1, "1", 2), (3, "2", 1), (2, "3", 0)]
        capture = app.query_one("#inventory-input", Input)
        assert app.focused is capture and capture.value == "["
        await pilot.press("backspace", "escape", "right_square_bracket")
        await pilot.pause()
        assert "Hands (hand count)" in visible_text(app)
        assert screen_ranking(app) == [(2, "1", 9), (1, "2=", 0), (3, "2=", 0)]


async def test_a_round_opened_with_v_shows_its_own_scores(store: WorkshopStore) -> None:
    for number in range(1, 4):
        capture_pain_point(store, f"Pain {number:02d}")
    first = open_round(store, "dot")
    save_ballot(store, first, participants(store)[0].id, parse_ballot(store, "1 1 3"))
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert "Round 1 (dot vote" in visible_text(app)
        assert screen_ranking(app)[0] == (1, "1", 2)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, InventoryRoundModal)
        await pilot.press("down", "tab", *"Hands", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, InventoryRoundModal)
        assert "Hands (hand count)" in visible_text(app)
        assert screen_ranking(app) == [(1, "1=", 0), (2, "1=", 0), (3, "1=", 0)]
        await pilot.press("home", "down", "plus")
        await pilot.pause()
        # While hands are counted the lines stay put; the rank beside them changes.
        assert screen_ranking(app) == [(1, "2=", 0), (2, "1", 1), (3, "2=", 0)]
        await pilot.press("escape")
        await pilot.pause()
        assert screen_ranking(app) == [(2, "1", 1), (1, "2=", 0), (3, "2=", 0)]


async def test_projector_shows_top_items_only_after_the_reveal(store: WorkshopStore) -> None:
    ids = [capture_pain_point(store, f"Pain {number:02d} #T{number % 2}") for number in range(1, 5)]
    round_id = open_round(store, "dot")
    people = participants(store)
    save_ballot(store, round_id, people[0].id, parse_ballot(store, "2 2 2 4"))
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("escape", "p")
        await pilot.pause()
        app.screen.query_one("#projector-top", Input).value = ""
        await pilot.press("3", "enter")
        await pilot.pause()
        assert display_state(store) == (
            "inventory",
            {"round_id": round_id, "show": "items", "top": 3},
        )
        assert "scores hidden until you reveal" in messages(app)

    projector = make_projector_app(store)
    async with projector.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        view = projector.query_one(InventoryView)
        assert "revealed soon" in visible_text(projector)
        assert "Pain 02" not in visible_text(projector)
        set_revealed(store, round_id, True)
        await projector.follow()
        await pilot.pause()
        screen = visible_text(projector)
        assert [entry.item.item_id for entry in view.shown] == [ids[1], ids[3], ids[0]]
        assert "Pain 02" in screen and "███" in screen and "Pain 03" not in screen


async def test_another_console_s_ballot_re_ranks_the_list(
    store: WorkshopStore, second_store: WorkshopStore
) -> None:
    ids = [capture_pain_point(store, f"Pain {number:02d}") for number in range(1, 4)]
    round_id = open_round(store, "dot")
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE) as pilot:
        listing = app.query_one(InventoryList)
        assert listing.order == ids
        person = participants(second_store)[0].id
        save_ballot(second_store, round_id, person, parse_ballot(second_store, "3 3 2"))
        await pilot_wait_until(
            pilot,
            lambda: screen_ranking(app)[:2] == [(3, "1", 2), (2, "2", 1)],
            message=lambda: str(screen_ranking(app)),
        )
        assert listing.order == [ids[2], ids[1], ids[0]]
        capture_pain_point(second_store, "Pain 04 from the note-taker")
        await pilot_wait_until(pilot, lambda: listing.row_count == 4)


async def test_the_cards_a_pain_point_relates_to_show_beside_it_and_follow_links(
    store, second_store
) -> None:
    """Links made in the Cards pane (here by another console) show for the pain point."""
    from textual.widgets import Static

    from console.store.card_links import set_card_links
    from console.store.inventory import capture_pain_point
    from console.ui.app import make_app

    point = capture_pain_point(store, "Everything is priority one")
    card = store.query("SELECT id FROM cards WHERE code = 'ABC02'")[0]["id"]
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("escape")
        links = app.query_one("#inventory-links", Static)
        assert "None linked" in str(links.render())
        set_card_links(second_store, card, [point])
        await pilot_wait_until(
            pilot,
            lambda: "ABC02 Everything (features) has the h…" in str(links.render()),
            message=lambda: str(links.render()),
        )


async def test_counting_hands_keeps_the_cursor_on_the_item_counted(store: WorkshopStore) -> None:
    for number in range(1, 6):
        capture_pain_point(store, f"Pain {number:02d}")
    open_round(store, "hand_count")
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        listing = app.query_one(InventoryList)
        assert [number for number, _rank, _score in screen_ranking(app)] == [1, 2, 3, 4, 5]
        # Count down the list: 1 hand, 3 hands, 5 hands... each + stays on its own line.
        for position, count in ((2, 1), (3, 3), (4, 5)):
            await pilot.press("down", *["plus"] * count)
            await pilot.pause()
            assert listing.lines[listing.cursor_id].position == position
        assert screen_ranking(app) == [
            (1, "4=", 0),
            (2, "3", 1),
            (3, "2", 3),
            (4, "1", 5),
            (5, "4=", 0),
        ]
        assert listing.lines[listing.cursor_id].position == 4
        assert "lines stay put" in visible_text(app)
        await pilot.press("down", "plus", "plus")
        await pilot.pause()
        assert listing.lines[listing.cursor_id].position == 5
        assert screen_ranking(app)[4] == (5, "3", 2)
        await pilot.press("escape")
        await pilot.pause()
        assert [number for number, _rank, _score in screen_ranking(app)] == [4, 3, 5, 2, 1]
        assert listing.lines[listing.cursor_id].position == 5, "the cursor stays on its item"
        assert "lines stay put" not in visible_text(app)


async def test_numbers_of_six_digits_and_more_keep_their_columns_apart(
    store: WorkshopStore,
) -> None:
    ids = [capture_pain_point(store, f"Pain {n:02d} #ops") for n in range(1, 4)]
    round_id = open_round(store, "hand_count")
    for count, item in enumerate(ids, start=1):
        set_hand_count(store, round_id, item, count)
    # A workshop past 100,000 pain points: numbers and ranks as long as that.
    store.connection.execute("UPDATE pain_points SET position = 1234567 WHERE id = ?", [ids[2]])
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_until(
            pilot, lambda: "1234567" in visible_text(app), message="the long number shown"
        )
        lines = visible_text(app).splitlines()
        header = next(line for line in lines if "Rank" in line and "Pain point" in line)
        row = next(line for line in lines if "1234567" in line)
        assert re.search(r"1234567\s+1\s+3\s+Pain 03", row), row
        assert row.index("1234567") == header.index("#")
        # The rank and the score columns start where their titles do.
        assert header.index("Rank") > row.index("1234567") + len("1234567")
