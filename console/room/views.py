"""What a phone page shows, read from the store in one snapshot and kept until the file changes.

Phones poll every 2 s: reading the room once per revision (not once per phone) keeps the store
thread free for ballots. Runs on the store thread (RoomContext.call); never writes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from console.domain.room import RoomActivity
from console.domain.timers import TimerStatus, timer_state
from console.store import card_rounds, inventory_votes
from console.store.agenda import current_item
from console.store.core import Clock, WorkshopStore
from console.store.decks import deck_cards
from console.store.room import PhoneRound, RoomState, phone_round, room_state

RESULTS_SHOWN = 10
"""How many of a revealed round's top items a phone lists."""


@dataclass(frozen=True)
class NowOn:
    """The agenda item the room is on, and its timer."""

    title: str
    status: str
    """'running', 'paused' or 'stopped'."""
    ends_at: datetime | None
    """When the timebox ends (running timers only): phones count down to it themselves."""
    remaining_seconds: float
    """Time left on a paused or stopped timer (0 while running: ends_at says it)."""


@dataclass(frozen=True)
class Choice:
    """One pain point or card a phone may vote for."""

    id: str
    label: str
    """'#3' for a pain point, the card's code for a card."""
    text: str


@dataclass(frozen=True)
class ResultRow:
    """One line of revealed results."""

    rank: int
    tied: bool
    title: str
    score: int


@dataclass(frozen=True)
class Results:
    """A revealed round's top items."""

    round_title: str
    rows: tuple[ResultRow, ...]


@dataclass(frozen=True)
class RoomView:
    """What every phone's page shows at one revision of the file."""

    rev: int
    state: RoomState
    round: PhoneRound | None
    now_on: NowOn | None
    choices: tuple[Choice, ...]
    """The live pain points of a dot vote, or the cards of the round's deck."""
    results: Results | None

    @property
    def stamp(self) -> str:
        """Return a short digest of what the page shows: phones reload when it changes."""
        shown = (
            self.state.activity,
            self.state.joining,
            self.round,
            self.now_on,
            self.choices,
            self.results,
        )
        return hashlib.blake2b(repr(shown).encode(), digest_size=8).hexdigest()


def load_room_view(store: WorkshopStore, clock: Clock) -> RoomView:
    """Read what the phones show now, in one consistent snapshot."""
    with store.snapshot():
        rev = store.current_rev()
        state = room_state(store)
        found = phone_round(store)
        choices: tuple[Choice, ...] = ()
        if found is not None and state.activity is RoomActivity.DOTS:
            items = inventory_votes.pain_point_items(store)
            live = sorted((i for i in items if i.merged_into is None), key=lambda i: i.position)
            choices = tuple(Choice(item.id, f"#{item.position}", item.label) for item in live)
        elif found is not None and state.activity is RoomActivity.CARDS and found.deck_id:
            choices = tuple(
                Choice(card.id, card.code, card.title) for card in deck_cards(store, found.deck_id)
            )
        return RoomView(
            rev=rev,
            state=state,
            round=found,
            now_on=_now_on(store, clock()),
            choices=choices,
            results=_results(store, state, found),
        )


def _now_on(store: WorkshopStore, now: datetime) -> NowOn | None:
    """Return the running or paused agenda item with its timer."""
    item = current_item(store)
    if item is None:
        return None
    state = timer_state(item.events, now)
    remaining = state.remaining_seconds
    if state.status is TimerStatus.RUNNING:
        # The nearest whole second: the instant stays the same however often it is read, so
        # the page's stamp does not change while the timer runs.
        end = round((now + timedelta(seconds=remaining)).timestamp())
        return NowOn(item.title, "running", datetime.fromtimestamp(end, UTC), 0.0)
    status = "paused" if state.status is TimerStatus.PAUSED else "stopped"
    return NowOn(item.title, status, None, remaining)


def _results(store: WorkshopStore, state: RoomState, found: PhoneRound | None) -> Results | None:
    """Return the revealed results a phone shows: the open vote's, else the newest revealed."""
    if found is not None:
        if not found.revealed:
            return None
        target = "cards" if state.activity is RoomActivity.CARDS else "pain_points"
        return _round_results(store, target, found.id)
    revealed: list[tuple[str, str, str]] = [
        (r.revealed_at, "pain_points", r.id)
        for r in inventory_votes.rounds(store)
        if r.revealed_at is not None
    ]
    revealed += [
        (r.revealed_at, "cards", r.id)
        for r in card_rounds.card_rounds(store)
        if r.revealed_at is not None
    ]
    if not revealed:
        return None
    _, target, round_id = max(revealed)
    return _round_results(store, target, round_id)


def _round_results(store: WorkshopStore, target: str, round_id: str) -> Results:
    """Return a round's top items, ranked by the documented tie-break."""
    if target == "cards":
        results = card_rounds.round_results(store, round_id)
        rows = tuple(
            ResultRow(r.rank, r.tied, f"{r.card.code} {r.card.title}".strip(), r.score)
            for r in results.top(RESULTS_SHOWN)
        )
        return Results(results.round.title, rows)
    title = inventory_votes.get_round(store, round_id).title
    ranked = [r for r in inventory_votes.rank_pain_points(store, round_id) if r.item.score > 0]
    rows = tuple(
        ResultRow(r.rank, r.tied, r.item.label, int(r.item.score)) for r in ranked[:RESULTS_SHOWN]
    )
    return Results(title, rows)
