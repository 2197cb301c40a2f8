"""Ties are never cut: three cards tied for 4th in a top 5 all show, marked "4=", in the Cards
pane, on the projector and in the report's summary."""

from __future__ import annotations

import io
import re
from pathlib import Path

from click.testing import CliRunner
from conftest import FakeClock
from helpers import pilot_wait_until
from rich.console import Console
from textual.widgets import Static

from console.cli import cli
from console.store.card_rounds import card_rounds, set_revealed
from console.store.core import WorkshopStore
from console.store.display import set_display
from console.ui.app import make_app
from console.ui.projector.app import make_projector_app

BALLOTS = ["1 2 3", "1 2 3", "1 2 3", "1 2 4", "1 5 6", "4 5 6"]
"""Six pick-3 ballots: ABC01 5, ABC02 4, ABC03 3, then ABC04, ABC05 and ABC06 on 2 each."""

TOP_FIVE = [
    ("1.", "ABC01"),
    ("2.", "ABC02"),
    ("3.", "ABC03"),
    ("4=", "ABC04"),
    ("4=", "ABC05"),
    ("4=", "ABC06"),
]


def rendered(app, selector: str) -> str:
    """Return a Static's content as the room reads it."""
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(app.query_one(selector, Static).content)
    return console.export_text()


def top_rows(text: str) -> list[tuple[str, str]]:
    """Return (rank, code) of the rows of the first ranking in a rendered text.

    A row may take more than one line (a wrapped title, large digits): only its first line has
    the rank and the code.
    """
    rows: list[tuple[str, str]] = []
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[1].startswith("ABC"):
            rows.append((words[0], words[1]))
        elif rows and line[:1].strip():
            break  # the next ranking's heading (a long title's further lines are indented)
    return rows


async def test_three_cards_tied_for_fourth_all_show_in_a_top_five(
    store: WorkshopStore, second_store: WorkshopStore, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(store, first_pane="cards", clock=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        for ballot in BALLOTS:
            await pilot.press(*ballot, "enter")
        await pilot_wait_until(
            pilot,
            lambda: "ABC06" in rendered(app, "#cards-results"),
            message=lambda: rendered(app, "#cards-results"),
        )
        panel = rendered(app, "#cards-results")
        assert "Top 5" in panel
        assert top_rows(panel) == TOP_FIVE

    round_id = card_rounds(store)[-1].id
    set_revealed(store, round_id, True)
    set_display(store, "cards", {"round_id": round_id, "top": 5})
    projector = make_projector_app(second_store, clock=clock)
    async with projector.run_test(size=(160, 45)) as pilot:
        await pilot_wait_until(
            pilot,
            lambda: "ABC06" in rendered(projector, "#cards-view-body"),
            message=lambda: rendered(projector, "#cards-view-body"),
        )
        assert top_rows(rendered(projector, "#cards-view-body")) == TOP_FIVE

    result = CliRunner().invoke(cli, ["export", str(store.path), "--format", "html"])
    assert result.exit_code == 0, result.output
    html = store.path.with_name(store.path.stem + "-report.html").read_text("utf-8")
    summary = html[html.index('id="summary-cards"') : html.index('id="summary-actions"')]
    ranks = re.findall(r'<span class="rank">([^<]*)</span><span class="what">(ABC\d+)', summary)
    assert [(rank if rank.endswith("=") else rank + ".", code) for rank, code in ranks] == (
        TOP_FIVE
    )
