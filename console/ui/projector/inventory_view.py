"""The projector's inventory view: a round's top pain points or themes with bars, once revealed."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from console.domain.ranking import Ranked, shown_top, top_n
from console.store.changes import Feature
from console.store.inventory_votes import Round, rank_pain_points, rank_themes, rounds, voters_in
from console.ui.common.text import literal
from console.ui.projector.base import ProjectorView
from console.ui.projector.board import BoardRow, BoardSection, RankingBoard

DEFAULT_TOP = 10


def board_rows(ranked: list[Ranked]) -> tuple[BoardRow, ...]:
    """Return ranked entries as board rows: rank ("4=" when tied), title and score."""
    return tuple(
        BoardRow(
            rank=f"{entry.rank}{'=' if entry.tied else '.'}",
            title=entry.item.label,
            score=float(entry.item.score),
            score_text=str(entry.item.score),
        )
        for entry in ranked
    )


class InventoryView(ProjectorView):
    """Shows the top N pain points or themes of a voting round; scores only after the reveal."""

    MODE: ClassVar[str] = "inventory"
    WATCHED: ClassVar[frozenset[Feature]] = frozenset(
        {Feature.ROUNDS, Feature.PAIN_POINT_VOTES, Feature.PAIN_POINTS, Feature.THEMES}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shown: list[Ranked] = []

    def compose(self) -> ComposeResult:
        yield Static(id="inventory-view-title", classes="view-title")
        yield RankingBoard(id="inventory-view-body", classes="view-body")

    def show(self, payload: dict[str, Any]) -> None:
        """Redraw the chosen round (the newest one if none is named) from the file."""
        title = self.query_one("#inventory-view-title", Static)
        body = self.query_one("#inventory-view-body", RankingBoard)
        all_rounds = rounds(self.store)
        wanted = payload.get("round_id")
        chosen: Round | None = next(
            (item for item in all_rounds if item.id == wanted),
            all_rounds[-1] if all_rounds else None,
        )
        themes = payload.get("show") == "themes"
        top = shown_top(payload.get("top"), DEFAULT_TOP)
        what = "themes" if themes else "pain points"
        self.shown = []
        if chosen is None:
            title.update(Text(f"Top {what}", style="bold"))
            body.show_message(Text("No voting round yet.", style="dim"))
            return
        heading = Text(f"Top {top} {what} · ", style="bold")
        heading.append_text(literal(chosen.title))
        title.update(heading)
        if not chosen.revealed:
            if chosen.method.value == "dot":
                waiting = f"{len(voters_in(self.store, chosen.id))} ballots in"
            else:
                waiting = "counting hands"
            body.show_message(Text(f"Scores are revealed soon · {waiting}", style="bold"))
            return
        if themes:
            ranked = [standing.ranked for standing in rank_themes(self.store, chosen.id)]
        else:
            ranked = rank_pain_points(self.store, chosen.id)
        self.shown = top_n(ranked, top)
        if not self.shown:
            body.show_message(Text(f"No {what} yet.", style="dim"))
            return
        body.show_sections([BoardSection("", board_rows(self.shown))])
