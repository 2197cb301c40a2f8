"""The inventory's voting rounds: the round shown, opening one, dot ballots, hand counts, reveal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from console.domain.voting import VotingMethod, format_ballot_entry, parse_hand_count
from console.store.core import StoreError, WorkshopStore
from console.store.inventory import PainPoint
from console.store.inventory_votes import (
    Round,
    ballot_of,
    bump_hand_count,
    open_round,
    parse_ballot,
    rounds,
    save_ballot,
    set_hand_count,
    set_revealed,
    voters_in,
)
from console.store.workshop import Participant, participants, workshop_details
from console.ui.common.pane import Pane
from console.ui.common.text import literal
from console.ui.inventory.ballot_bar import BallotBar, BallotInput
from console.ui.inventory.inventory_modals import InventoryRoundModal, PromptModal, RoundSettings

BALLOT_HINT = (
    "Enter saves this ballot and moves on · Up/Down other delegate (re-entering replaces "
    "a ballot) · Escape ends"
)


class RoundsPanel(Widget):
    """The pain-point voting rounds and the ballot bar, below the inventory's list."""

    # Its keys are the pane's bindings (a widget's bindings act only while the focus is inside
    # it, and the list has the focus): the pane calls its methods with the pain point under the
    # cursor. Up to the pane go Hint, Pane.Edited after a save, and BallotInput.Close, which
    # bubbles on so that the pane takes the focus back when ballot entry ends.

    @dataclass
    class Hint(Message):
        """Show this on the pane's hint line."""

        text: Text

    DEFAULT_CSS = """
    RoundsPanel {
        height: auto;
    }
    """

    def __init__(self, store: WorkshopStore, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.round_id: str | None = None
        """The round whose scores the pane shows (None: there is no round yet)."""
        self.all_rounds: list[Round] = []
        self._opened: str | None = None
        """A round this console just opened: shown from the next reload, which counts its votes."""
        self.delegates: list[Participant] = []
        self.delegate_index = 0
        self.pain_points: Mapping[str, PainPoint] = {}
        """The pain points the list holds, by id (set by the pane): ballots show their numbers."""

    def compose(self) -> ComposeResult:
        yield BallotBar(id="inventory-ballot")

    # Ballot entry -----------------------------------------------------------------------------

    @on(Input.Submitted, "#ballot-input")
    def _ballot_entered(self, event: Input.Submitted) -> None:
        event.stop()
        current = self.current
        if current is None or not self.delegates:
            return
        delegate = self.delegates[self.delegate_index]

        def save() -> None:
            save_ballot(self.store, current.id, delegate.id, parse_ballot(self.store, event.value))

        if not self._attempt(save):
            return
        used = sum(ballot_of(self.store, current.id, delegate.id).values())
        message = f"{delegate.label}: {used} of {current.budget} dots saved."
        if self.delegate_index + 1 < len(self.delegates):
            self._show_delegate(self.delegate_index + 1)
        else:
            message += " That was the last delegate: Escape ends ballot entry."
            self.ballot_bar.ballot_input.value = ""
        self.post_message(self.Hint(literal(message)))

    @on(BallotInput.Switch)
    def _switch_delegate(self, event: BallotInput.Switch) -> None:
        if self.delegates:
            self._show_delegate((self.delegate_index + event.step) % len(self.delegates))

    @on(BallotInput.Close)
    def _close_ballots(self) -> None:
        # Not stopped: the pane, next up, takes the focus back in the order the keys came.
        self.ballot_bar.display = False

    # Views ------------------------------------------------------------------------------------

    @property
    def ballot_bar(self) -> BallotBar:
        """Return the ballot bar."""
        return self.query_one(BallotBar)

    @property
    def current(self) -> Round | None:
        """Return the round the pane shows scores for."""
        return next((item for item in self.all_rounds if item.id == self.round_id), None)

    @property
    def revealed(self) -> bool:
        """Tell whether the current round is revealed."""
        current = self.current
        return current is not None and current.revealed

    def status(self, ballots: int) -> Text:
        """Return the title line's part about the current round, with its ballots so far."""
        shown = Text()
        current = self.current
        if current is None:
            shown.append("  ·  no voting round yet (v opens one)", style="dim")
            return shown
        shown.append("  ·  ")
        shown.append_text(literal(current.title, width=40))
        shown.append(f" ({current.describe()})")
        if current.method is VotingMethod.DOT:
            shown.append(f"  ·  {ballots} ballots")
        if current.status != "open":
            shown.append("  ·  closed", style="dim")
        shown.append(
            "  ·  revealed on the projector"
            if current.revealed
            else "  ·  hidden on the projector (R reveals)",
            style="bold" if current.revealed else "italic",
        )
        return shown

    # Keeping in step with the file ------------------------------------------------------------

    def reload(self) -> bool:
        """Reload the rounds; return True if the pane now shows another round."""
        before = self.round_id
        self.all_rounds = rounds(self.store)
        known = {item.id for item in self.all_rounds}
        if self._opened in known:
            self.round_id, self._opened = self._opened, None
        elif self.round_id not in known:
            self.round_id = self.all_rounds[-1].id if self.all_rounds else None
        return self.round_id != before

    # What the pane's keys do ------------------------------------------------------------------

    def new_round(self) -> None:
        """Open a new voting round: a dot vote or a hand count (it becomes the one shown)."""
        settings = workshop_details(self.store).settings

        def save(chosen: RoundSettings) -> None:
            self._opened = open_round(
                self.store,
                chosen.method,
                title=chosen.title,
                budget=chosen.budget,
                cap_per_item=chosen.cap_per_item,
            )

        self._open(InventoryRoundModal(settings.vote_budget, settings.vote_cap, save))

    def enter_ballots(self) -> None:
        """Enter dot-vote ballots, one delegate after another."""
        current = self.current
        if current is None or current.method is not VotingMethod.DOT:
            self.notify("Open a dot-vote round first (v).", severity="warning")
            return
        if current.status != "open":
            self.notify(f"{current.title} is closed; open a new round with v.", severity="warning")
            return
        self.delegates = participants(self.store)
        if not self.delegates:
            self.notify("Add delegates first (w: workshop details).", severity="warning")
            return
        done = voters_in(self.store, current.id)
        first = next(
            (index for index, person in enumerate(self.delegates) if person.id not in done), 0
        )
        self.ballot_bar.display = True
        self._show_delegate(first)
        self.post_message(self.Hint(Text(BALLOT_HINT)))
        self.ballot_bar.ballot_input.focus()

    def bump(self, pain_point_id: str | None, step: int) -> None:
        """Add or take away one raised hand on a pain point (None: the list is empty)."""
        current = self.current
        if current is None:
            self.notify("Open a hand-count round first (v).", severity="warning")
            return
        if pain_point_id is not None:
            self._attempt(lambda: bump_hand_count(self.store, current.id, pain_point_id, step))

    def type_count(self, point: PainPoint | None, count: int) -> None:
        """Type the number of raised hands for a pain point, its current count shown first."""
        current = self.current
        if current is None or current.method is not VotingMethod.HAND_COUNT:
            self.notify("Open a hand-count round first (v).", severity="warning")
            return
        if point is None:
            return
        self._open(
            PromptModal(
                f"Raised hands for #{point.position}",
                str(count),
                lambda text: set_hand_count(
                    self.store, current.id, point.id, parse_hand_count(text)
                ),
                max_length=8,
            )
        )

    def reveal(self) -> None:
        """Reveal the current round's scores on the projector, or hide them again."""
        current = self.current
        if current is None:
            self.notify("There is no voting round yet (v opens one).", severity="warning")
            return
        if self._attempt(lambda: set_revealed(self.store, current.id, not current.revealed)):
            shown = "revealed on" if not current.revealed else "hidden again on"
            self.notify(f"Scores {shown} the projector.")

    def switch(self, step: int) -> bool:
        """Show the previous or next round; return False (with a notice) if there is none."""
        if not self.all_rounds:
            self.notify("There is no voting round yet (v opens one).", severity="warning")
            return False
        ids = [item.id for item in self.all_rounds]
        index = ids.index(self.round_id) if self.round_id in ids else len(ids) - 1
        self.round_id = ids[max(0, min(len(ids) - 1, index + step))]
        return True

    # Helpers ----------------------------------------------------------------------------------

    def _attempt(self, action: Callable[[], object]) -> bool:
        """Run one user action; bring the console up to date, or show its one-line refusal."""
        try:
            action()
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return False
        self.post_message(Pane.Edited())
        return True

    def _open(self, modal: Any) -> None:
        """Open a dialog that saves by itself; bring the console up to date when it has saved."""

        def closed(saved: bool | None) -> None:
            if saved:
                self.post_message(Pane.Edited())

        self.app.push_screen(modal, closed)

    def _show_delegate(self, index: int) -> None:
        """Put a delegate's ballot (as typed numbers) into the ballot line."""
        current = self.current
        if current is None:
            return
        self.delegate_index = index
        delegate = self.delegates[index]
        ballot = ballot_of(self.store, current.id, delegate.id)
        numbers = {
            item: str(point.position) for item, point in self.pain_points.items() if item in ballot
        }
        ballot = {item: points for item, points in ballot.items() if item in numbers}
        who = literal(delegate.label, width=30, style="bold")
        who.append(f" ({index + 1}/{len(self.delegates)}, {current.budget} dots, ")
        who.append(f"max {current.cap_per_item} each) ")
        self.query_one("#ballot-who", Static).update(who)
        line = self.ballot_bar.ballot_input
        line.value = format_ballot_entry(ballot, numbers)
        line.cursor_position = len(line.value)
