"""The room's store: places held by phones, what phones may do, and what they send."""

from __future__ import annotations

import pytest

from console.domain.room import RoomActivity, new_place_token, token_hash
from console.domain.voting import RuleError
from console.store import card_rounds, inventory, inventory_votes, room
from console.store.core import WorkshopStore
from console.store.decks import live_decks
from console.store.workshop import add_participants, participants


def test_a_phone_joins_as_the_next_free_delegate_and_keeps_its_place(store: WorkshopStore) -> None:
    room.ensure_room(store)
    token = new_place_token()
    seat = room.join(store, token, "  Ann ")
    assert (seat.number, seat.name) == (1, "Ann")
    assert room.seat_for(store, token) == seat
    hashes = [row["token_hash"] for row in store.query("SELECT token_hash FROM room_seats")]
    assert hashes == [token_hash(token)], "the file holds the token's hash, never the token"
    with pytest.raises(RuleError, match="already holds the place of delegate 1"):
        room.join(store, token)
    assert room.join(store, new_place_token()).number == 2


def test_delegates_the_facilitator_votes_for_keep_their_numbers(store: WorkshopStore) -> None:
    add_participants(store, 3)
    round_id = inventory_votes.open_round(store, "dot", budget=3, cap_per_item=3)
    point = inventory.capture_pain_point(store, "Silos")
    first = participants(store)[0]
    inventory_votes.save_ballot(store, round_id, first.id, {point: 2})
    room.ensure_room(store)
    assert room.join(store, new_place_token()).number == 2


def test_joining_needs_an_open_room(store: WorkshopStore) -> None:
    before = store.query("SELECT * FROM participants")
    with pytest.raises(RuleError, match="not open"):
        room.join(store, new_place_token())
    room.ensure_room(store)
    room.set_joining(store, False)
    with pytest.raises(RuleError, match="Joining is closed"):
        room.join(store, new_place_token())
    assert store.query("SELECT * FROM participants") == before
    assert store.query("SELECT * FROM room_seats") == []


def test_a_freed_place_is_refused_and_goes_to_the_next_phone(store: WorkshopStore) -> None:
    room.ensure_room(store)
    token = new_place_token()
    seat = room.join(store, token)
    room.set_activity(store, RoomActivity.PAIN_POINTS)
    room.free_seat(store, seat.id)
    assert room.seat_for(store, token) is None
    with pytest.raises(RuleError, match="freed"):
        room.add_pain_point(store, seat, "Too late")
    assert room.join(store, new_place_token()).number == 1


def test_pain_points_from_phones_are_marked_and_only_while_open(store: WorkshopStore) -> None:
    room.ensure_room(store)
    seat = room.join(store, new_place_token())
    with pytest.raises(RuleError, match="not set to add pain points"):
        room.add_pain_point(store, seat, "Nobody decides")
    room.set_activity(store, RoomActivity.PAIN_POINTS)
    room.add_pain_point(store, seat, "<b>Nobody</b> decides #theme")
    rows = store.query("SELECT text, origin, raised_by, theme_id FROM pain_points")
    assert rows == [
        {
            "text": "<b>Nobody</b> decides #theme",
            "origin": "room",
            "raised_by": "1",
            "theme_id": None,
        }
    ]


def test_a_dot_ballot_from_a_phone_obeys_the_round_and_replaces_the_last(
    store: WorkshopStore,
) -> None:
    room.ensure_room(store)
    seat = room.join(store, new_place_token())
    a = inventory.capture_pain_point(store, "A")
    b = inventory.capture_pain_point(store, "B")
    with pytest.raises(RuleError, match="dot-vote round"):
        room.set_activity(store, RoomActivity.DOTS)
    round_id = inventory_votes.open_round(store, "dot", budget=3, cap_per_item=2)
    room.set_activity(store, RoomActivity.DOTS)
    with pytest.raises(RuleError, match="budget is 3"):
        room.save_dot_ballot(store, seat, round_id, {a: 2, b: 2})
    with pytest.raises(RuleError, match="At most 2"):
        room.save_dot_ballot(store, seat, round_id, {a: 3})
    room.save_dot_ballot(store, seat, round_id, {a: 2, b: 1})
    room.save_dot_ballot(store, seat, round_id, {b: 1})
    assert room.dot_ballot_of(store, seat, round_id) == {b: 1}
    assert room.room_counts(store) == room.RoomCounts(joined=1, ballots=1)
    scores = {
        r.item.item_id: r.item.score for r in inventory_votes.rank_pain_points(store, round_id)
    }
    assert scores == {a: 0, b: 1}


def test_card_picks_from_a_phone(store: WorkshopStore) -> None:
    room.ensure_room(store)
    seat = room.join(store, new_place_token())
    deck = live_decks(store)[0]
    round_id = card_rounds.create_round(store, deck.id, "pick_n", pick_count=3)
    room.set_activity(store, RoomActivity.CARDS)
    cards = [row["id"] for row in store.query("SELECT id FROM cards ORDER BY position LIMIT 4")]
    with pytest.raises(RuleError, match="Pick at most 3"):
        room.save_card_picks(store, seat, round_id, cards)
    with pytest.raises(RuleError, match="not in this round's deck"):
        room.save_card_picks(store, seat, round_id, ["nope"])
    room.save_card_picks(store, seat, round_id, cards[:3])
    room.save_card_picks(store, seat, round_id, cards[1:3])
    assert room.card_picks_of(store, seat, round_id) == cards[1:3]
    assert card_rounds.round_results(store, round_id).ballots == 1
    card_rounds.set_round_open(store, round_id, False)
    with pytest.raises(RuleError, match="closed"):
        room.save_card_picks(store, seat, round_id, cards[:1])


def test_the_facilitator_can_correct_a_phones_ballot_and_both_kinds_count_together(
    store: WorkshopStore,
) -> None:
    room.ensure_room(store)
    seat = room.join(store, new_place_token())
    a = inventory.capture_pain_point(store, "A")
    b = inventory.capture_pain_point(store, "B")
    round_id = inventory_votes.open_round(store, "dot", budget=3, cap_per_item=3)
    room.set_activity(store, RoomActivity.DOTS)
    room.save_dot_ballot(store, seat, round_id, {a: 3})
    # Delegate 2 has no phone: the facilitator types their ballot.
    other = next(p for p in participants(store) if p.number == 2)
    inventory_votes.save_ballot(store, round_id, other.id, {b: 2})
    # The phone's delegate asks the facilitator to correct their ballot.
    inventory_votes.save_ballot(store, round_id, seat.participant_id, {b: 1})
    assert room.dot_ballot_of(store, seat, round_id) == {b: 1}
    scores = {
        r.item.item_id: r.item.score for r in inventory_votes.rank_pain_points(store, round_id)
    }
    assert scores == {a: 0, b: 3}
    assert inventory_votes.voters_in(store, round_id) == {seat.participant_id, other.id}
