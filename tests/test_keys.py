"""Keys from one source: what the hint lines, help, README, footer and palette say is bound."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import notices, pilot_wait_until, visible_text
from textual.actions import parse as parse_action
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from console.store.core import WorkshopStore
from console.store.display import display_state
from console.store.inventory import capture_pain_point
from console.store.inventory_votes import open_round
from console.ui.app import PANES, ConsoleApp, key_sections, make_app
from console.ui.common.help_modal import HelpModal
from console.ui.common.keys import PaneKey, binding_keys, declared_bindings, key_name

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")

SAME_KIND = {
    "v": {"new_round"},
    "R": {"reveal", "toggle_reveal"},
    "e": {"edit", "edit_card"},
    "slash": {"search"},
    "b": {"ballots", "ballot"},
    "l": {"links", "link"},
    "delete": {"delete", "delete_row"},
    "left_square_bracket": {"switch_round", "previous_round"},
    "right_square_bracket": {"switch_round", "next_round"},
    "p": {"projector", "project", "show_on_projector", "choose_projector"},
    "n": {"focus_capture", "add_item", "new_card"},
    "o": {"toggle_order"},
    "x": {"skip", "toggle_open", "toggle_status"},
    "N": {"next_item"},
    "g": {"group", "tag"},
    "d": {"toggle_status"},
    "f": {"cycle_category"},
    "I": {"import_deck"},
}
"""Keys bound in several panes, and the actions (one kind of thing) they may run there."""


def pane_classes() -> list[type]:
    """Return every pane's class."""
    return [entry.pane_class() for entry in PANES]


def hinted(pane: type) -> list[PaneKey]:
    """Return the bindings a pane's hint line shows."""
    return [b for b in declared_bindings(pane) if isinstance(b, PaneKey) and b.hint]


def palette_lines(app: ConsoleApp) -> list[str]:
    """Return the palette's listed commands as the facilitator reads them."""
    results = app.screen.query_one(CommandList)
    return [str(option.prompt) for option in results.options]


async def palette(pilot, app: ConsoleApp, query: str) -> list[str]:
    """Open the palette, type a query and return the commands it lists."""
    await pilot.press("ctrl+p")
    await pilot_wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*query)
    await pilot_wait_until(
        pilot, lambda: app.screen.query_one(CommandList).option_count > 0, message=query
    )
    return palette_lines(app)


def test_every_binding_is_in_the_help_and_the_readme() -> None:
    sections = {section.title: section for section in key_sections()}
    owners = [("Everywhere", ConsoleApp)] + [
        (pane.HELP_TITLE or pane.TITLE, pane) for pane in pane_classes()
    ]
    for title, owner in owners:
        rows = {row.action: row for row in sections[title].rows}
        for binding in declared_bindings(owner):
            if binding.system or not binding.description:
                continue  # Textual's own (Ctrl+C tells how to quit)
            row = rows[binding.action]
            for key in binding.key.split(","):
                assert key_name(key) in row.keys.split(" or "), (title, key)
            assert f"| {row.keys} | {row.meaning} |" in README.replace("\\|", "|"), row


def test_the_hint_lines_tell_the_cards_keys_as_they_are() -> None:
    cards = next(pane for pane in pane_classes() if pane.TITLE == "Cards")
    hint = cards.hint()
    for part in ("v new round", "R reveal", "p projector", "b ballots", "/ search"):
        assert part in hint, part
    assert "o new round" not in hint and "v reveal" not in hint and "P projector" not in hint
    for pane in pane_classes():
        for binding in hinted(pane):
            key = key_name(binding.key.split(",")[0])
            label = binding.group.description if binding.group else binding.description
            assert key in pane.hint() and label in pane.hint(), (pane.TITLE, binding)


def test_a_key_does_the_same_kind_of_thing_in_every_pane() -> None:
    # n is "new" in every pane: the agenda's next item is N, and every pane that takes new
    # things has n; o is only the inventory's order.
    for pane in pane_classes():
        actions = {
            b.action.split("(")[0] for b in declared_bindings(pane) if "n" in b.key.split(",")
        }
        assert len(actions) == 1 and actions <= SAME_KIND["n"], (pane.TITLE, actions)
    for pane in pane_classes():
        for binding in declared_bindings(pane):
            action = binding.action.split("(")[0]
            for key in binding.key.split(","):
                if key in SAME_KIND:
                    assert action in SAME_KIND[key], (pane.TITLE, key, action)


@pytest.mark.parametrize("entry", PANES, ids=[entry.pane_id for entry in PANES])
async def test_each_pane_shows_its_whole_hint_line_at_80_columns(
    store: WorkshopStore, entry
) -> None:
    app = make_app(store, first_pane=entry.pane_id)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(f"#{entry.pane_id}")
        await pilot.press("escape")  # from a capture line to the list, whose keys show
        listing = next(w for w in pane.query("*") if w.focusable and not isinstance(w, Input))
        app.set_focus(listing)  # where Escape does not lead there yet
        await pilot_wait_until(pilot, lambda: "F1 all keys" in visible_text(app))
        screen = " ".join(visible_text(app).split())
        for binding in hinted(type(pane)):
            key = key_name(binding.key.split(",")[0])
            label = binding.group.description if binding.group else binding.description
            assert f"{key} {label}" in screen or label in screen, binding


@pytest.mark.parametrize("width", [80, 160])
async def test_the_footer_shows_help_undo_and_export_whole(store: WorkshopStore, width) -> None:
    app = make_app(store, first_pane="cards")
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot_wait_until(pilot, lambda: "F9 Export" in visible_text(app))
        footer = visible_text(app).splitlines()[-1]
        for shown in ("F1 Help", "F9 Export", "^z Undo", "F6 Details", "^q Quit", "^p palette"):
            assert shown in footer, (shown, footer)
        assert "F2 F3 F4 F5 panes" in footer, footer


async def test_the_palette_finds_every_key_of_the_pane_by_what_it_does(
    store: WorkshopStore,
) -> None:
    capture_pain_point(store, "Silos")
    open_round(store, "hand_count")
    app = make_app(store, first_pane="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        found = await palette(pilot, app, "timer")
        assert any("Agenda: start timer" in line for line in found), found
        await pilot.press("escape")
        await pilot.press("f3")
        await pilot.pause()
        found = await palette(pilot, app, "reveal")
        assert any("Inventory: reveal" in line for line in found), found
        await pilot.press("escape")
        found = await palette(pilot, app, "round")
        assert any("Inventory: new round" in line for line in found), found
        # Every command that can act now is offered, and only those (no marks: no merge).
        titles = [command.title for command in app.key_commands()]
        pane = app.query_one("#inventory")
        for binding in declared_bindings(type(pane)):
            _namespace, name, parameters = parse_action(binding.action)
            offered = f"Inventory: {binding.description}" in titles
            assert offered == bool(pane.check_action(name, parameters)), binding
        assert "Inventory: one more hand" in titles
        assert "Inventory: merge" not in titles
        # Choosing a command does what its key does: here, the new round dialog opens.
        await pilot.press("escape")
        await palette(pilot, app, "Inventory: new round")
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: "New voting round" in visible_text(app))


async def test_the_palette_lists_keys_once(store: WorkshopStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        found = [line.splitlines()[0] for line in await palette(pilot, app, "keys")]
        assert "Help" in found, found
        assert "Keys" not in found, "Textual's own key panel would stand beside F1"
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, HelpModal))


async def test_the_hint_line_says_letters_are_text_in_a_capture_line(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="inventory")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot_wait_until(pilot, lambda: "letters are text" in visible_text(app))
        assert "v new round" not in visible_text(app)
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: "v new round" in visible_text(app))


async def test_f8_says_what_it_changed(store: WorkshopStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        assert app.theme == "projector"
        assert "high contrast on" in notices(app)[-1]
        assert "Only this console changed" in notices(app)[-1]
        await pilot.press("f8")
        await pilot.pause()
        assert "high contrast off" in notices(app)[-1]


async def open_card_round(pilot, app: ConsoleApp) -> None:
    """Open a pick-N round on the workshop's deck, by keys."""
    await pilot.press("v")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot_wait_until(pilot, lambda: app.focused is app.query_one("#cards-ballot"))


async def test_p_in_cards_opens_a_chooser_and_enter_puts_the_results_up(
    store: WorkshopStore,
) -> None:
    app = make_app(store, first_pane="cards")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.pause()
        await open_card_round(pilot, app)
        await pilot.press("escape", "p")
        await pilot_wait_until(pilot, lambda: "How many top cards" in visible_text(app))
        assert display_state(store)[0] != "cards"
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: display_state(store)[0] == "cards")
        assert "Edit card" not in visible_text(app)
        assert display_state(store)[1]["top"] == 5


async def test_escape_clears_the_card_search(store: WorkshopStore) -> None:
    app = make_app(store, first_pane="cards")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.pause()
        await open_card_round(pilot, app)
        table = app.query_one("#cards-table")
        everything = table.row_count
        await pilot.press("escape", "slash", *"blame")
        await pilot_wait_until(pilot, lambda: table.row_count == 1)
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: table.row_count == everything)
        assert app.query_one("#cards-search", Input).value == ""
        assert app.focused is table


def test_binding_keys_read_as_printed() -> None:
    assert key_name("ctrl+z") == "Ctrl+Z"
    assert key_name("shift+up") == "Shift+↑"
    assert key_name("left_square_bracket") == "["
    assert key_name("f10") == "F10"
    assert binding_keys(declared_bindings(ConsoleApp)[0]) == "F1 or ?"
