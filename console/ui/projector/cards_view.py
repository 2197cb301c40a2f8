"""The projector's card view: a round's top cards with bars, hidden until the reveal."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from console.store.card_rounds import RoundResults, card_rounds, round_results
from console.store.changes import Feature
from console.ui.cards.cards_results import results_renderable
from console.ui.common.text import literal
from console.ui.projector.base import ProjectorView

DEFAULT_TOP = 5
MAX_TOP = 20


class CardsView(ProjectorView):
    """Shows a card round's top N overall and per category once it is revealed."""

    MODE: ClassVar[str] = "cards"
    WATCHED: ClassVar[frozenset[Feature]] = frozenset(
        {Feature.ROUNDS, Feature.CARD_VOTES, Feature.CARDS, Feature.PARTICIPANTS}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.results: RoundResults | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="cards-view-title", classes="view-title")
        yield Static(id="cards-view-body", classes="view-body")

    def show(self, payload: dict[str, Any]) -> None:
        """Redraw the chosen round (the newest one if none is named) from the file."""
        title = self.query_one("#cards-view-title", Static)
        body = self.query_one("#cards-view-body", Static)
        rounds = card_rounds(self.store)
        wanted = payload.get("round_id")
        chosen = next((r for r in rounds if r.id == wanted), rounds[-1] if rounds else None)
        top = payload.get("top", DEFAULT_TOP)
        if isinstance(top, bool) or not isinstance(top, int):
            top = DEFAULT_TOP
        top = max(1, min(MAX_TOP, top))
        if chosen is None:
            self.results = None
            title.update("Cards")
            body.update(Text("No card round yet.", style="dim"))
            return
        self.results = round_results(self.store, chosen.id)
        title.update(literal(chosen.title))
        if not chosen.is_revealed:
            noun = "hands counted" if chosen.method.value == "hand_count" else "ballots in"
            count = (
                self.results.total_points
                if chosen.method.value == "hand_count"
                else self.results.ballots
            )
            body.update(Text(f"Results are revealed soon · {count} {noun}", style="bold"))
            return
        body.update(results_renderable(self.results, top, title_width=60, bar_width=30))
