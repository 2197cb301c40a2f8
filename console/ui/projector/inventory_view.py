"""The projector's inventory view: a round's top pain points or themes with bars, once revealed."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from console.domain.ranking import Ranked, top_n
from console.store.changes import Feature
from console.store.inventory_votes import Round, rank_pain_points, rank_themes, rounds, voters_in
from console.ui.common.text import literal
from console.ui.projector.base import ProjectorView

DEFAULT_TOP = 10
MAX_TOP = 20
BAR_WIDTH = 30
TITLE_WIDTH = 60


def ranking_table(ranked: list[Ranked], *, bar_width: int = BAR_WIDTH) -> Table:
    """Return ranked entries as rank, title, a bar as long as the score, and the score."""
    table = Table(show_header=False, box=None, padding=(0, 1), expand=False)
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", style="bold", no_wrap=True)
    highest = max((float(entry.item.score) for entry in ranked), default=0.0)
    for entry in ranked:
        length = round(bar_width * float(entry.item.score) / highest) if highest > 0 else 0
        table.add_row(
            f"{entry.rank}{'=' if entry.tied else ''}.",
            literal(entry.item.label, width=TITLE_WIDTH),
            Text("█" * length, style="bold"),
            str(entry.item.score),
        )
    return table


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
        yield Static(id="inventory-view-body", classes="view-body")

    def show(self, payload: dict[str, Any]) -> None:
        """Redraw the chosen round (the newest one if none is named) from the file."""
        title = self.query_one("#inventory-view-title", Static)
        body = self.query_one("#inventory-view-body", Static)
        all_rounds = rounds(self.store)
        wanted = payload.get("round_id")
        chosen: Round | None = next(
            (item for item in all_rounds if item.id == wanted),
            all_rounds[-1] if all_rounds else None,
        )
        themes = payload.get("show") == "themes"
        top = payload.get("top", DEFAULT_TOP)
        if isinstance(top, bool) or not isinstance(top, int):
            top = DEFAULT_TOP
        top = max(1, min(MAX_TOP, top))
        what = "themes" if themes else "pain points"
        self.shown = []
        if chosen is None:
            title.update(Text(f"Top {what}", style="bold"))
            body.update(Text("No voting round yet.", style="dim"))
            return
        heading = Text(f"Top {top} {what} · ", style="bold")
        heading.append_text(literal(chosen.title, width=50))
        title.update(heading)
        if not chosen.revealed:
            if chosen.method.value == "dot":
                waiting = f"{len(voters_in(self.store, chosen.id))} ballots in"
            else:
                waiting = "counting hands"
            body.update(Text(f"Scores are revealed soon · {waiting}", style="bold"))
            return
        if themes:
            ranked = [standing.ranked for standing in rank_themes(self.store, chosen.id)]
        else:
            ranked = rank_pain_points(self.store, chosen.id)
        self.shown = top_n(ranked, top)
        if not self.shown:
            body.update(Text(f"No {what} yet.", style="dim"))
            return
        body.update(ranking_table(self.shown))
