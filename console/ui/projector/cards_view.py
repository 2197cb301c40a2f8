"""The projector's card view: a round's top cards with bars, hidden until the reveal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from console.domain.ranking import shown_top
from console.store.card_rounds import CardResult, RoundResults, card_rounds, round_results
from console.store.changes import Feature
from console.ui.common.text import literal
from console.ui.projector.base import ProjectorView
from console.ui.projector.board import BoardRow, BoardSection, RankingBoard

DEFAULT_TOP = 5


def board_rows(results: Sequence[CardResult]) -> tuple[BoardRow, ...]:
    """Return ranked cards as board rows: rank ("4=" when tied), code, title and score."""
    return tuple(
        BoardRow(
            rank=f"{result.rank}=" if result.tied else f"{result.rank}.",
            title=result.card.title,
            score=float(result.score),
            score_text=str(result.score),
            code=result.card.code,
        )
        for result in results
    )


def board_sections(results: RoundResults, top: int) -> list[BoardSection]:
    """Return the round's sections (RoundResults.sections decides them) as board sections."""
    return [
        BoardSection(section.heading, board_rows(section.results))
        for section in results.sections(top)
    ]


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
        yield RankingBoard(id="cards-view-body", classes="view-body", codes=True)

    def show(self, payload: dict[str, Any]) -> None:
        """Redraw the chosen round (the newest one if none is named) from the file."""
        title = self.query_one("#cards-view-title", Static)
        body = self.query_one("#cards-view-body", RankingBoard)
        rounds = card_rounds(self.store)
        wanted = payload.get("round_id")
        chosen = next((r for r in rounds if r.id == wanted), rounds[-1] if rounds else None)
        top = shown_top(payload.get("top"), DEFAULT_TOP)
        if chosen is None:
            self.results = None
            title.update("Cards")
            body.show_message(Text("No card round yet.", style="dim"))
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
            body.show_message(Text(f"Results are revealed soon · {count} {noun}", style="bold"))
            return
        if not self.results.top(top):
            body.show_message(Text("No votes yet.", style="dim"))
            return
        body.show_sections(board_sections(self.results, top))
