"""The room: delegates' places held by their phones, what phones may do, and what they send.

Every function that writes is one user action (one `BEGIN IMMEDIATE` transaction). A phone is
known only by the hash of its place token; the room server (console.room) never writes SQL.
Ballots from phones go through the same rules and tables as ballots typed in the console.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from console.domain.room import (
    RoomActivity,
    clean_delegate_name,
    clean_room_pain_point,
    join_address,
    new_room_code,
    token_hash,
)
from console.domain.voting import RuleError, VoteRules, VotingMethod, check_ballot, make_rules
from console.store.core import Row, StoreError, Transaction, WorkshopStore
from console.store.workshop import MAX_PARTICIPANTS

ROOM_ID = "room"
"""The id of the one room row."""


class RoomError(RuleError):
    """A one-line refusal of something a phone asked for (shown to the delegate)."""


@dataclass(frozen=True)
class RoomState:
    """What the phones may do now, and where the room server runs."""

    code: str
    joining: bool
    activity: RoomActivity
    round_id: str | None
    server_url: str
    server_pid: int | None
    server_host: str

    @property
    def join_url(self) -> str:
        """Return the address phones open to join, with the code ('' while no server runs)."""
        if not self.server_url or not self.code or not self.server_running:
            return ""
        return join_address(self.server_url, self.code)

    @property
    def server_running(self) -> bool:
        """Tell whether a room server is running (checked by its process id on this machine)."""
        if not self.server_pid or not self.server_url:
            return False
        if self.server_host and self.server_host != socket.gethostname():
            return True  # Another laptop's server: trust its record.
        try:
            os.kill(self.server_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


NO_ROOM = RoomState("", True, RoomActivity.NONE, None, "", None, "")
"""The room of a file where no phone has joined and no room server has run."""


@dataclass(frozen=True)
class Seat:
    """A delegate's place held by a phone."""

    id: str
    participant_id: str
    number: int
    name: str
    joined_at: str

    @property
    def label(self) -> str:
        """Return 'Delegate 7' or 'Delegate 7 (Ann)'."""
        return f"Delegate {self.number}" + (f" ({self.name})" if self.name else "")


@dataclass(frozen=True)
class RoomCounts:
    """What the console's header says about the room: joined phones and ballots in."""

    joined: int
    ballots: int
    """Joined delegates with a ballot in the activity's round (0 when no vote is open)."""


@dataclass(frozen=True)
class PhoneRound:
    """The round phones vote in now, as a phone needs it."""

    id: str
    title: str
    method: VotingMethod
    budget: int
    cap_per_item: int
    pick_count: int
    is_open: bool
    revealed: bool
    deck_id: str | None


# The room row -----------------------------------------------------------------------------


def room_state(store: WorkshopStore) -> RoomState:
    """Return the room's state (NO_ROOM when the file has never had one)."""
    rows = store.query(
        "SELECT code, joining, activity, round_id, server_url, server_pid, server_host "
        "FROM room WHERE id = ? AND deleted_at IS NULL",
        [ROOM_ID],
    )
    return _state(rows[0]) if rows else NO_ROOM


def ensure_room(store: WorkshopStore) -> RoomState:
    """Return the room's state, creating the room with a fresh code on first use."""
    state = room_state(store)
    if state.code:
        return state
    with store.write() as transaction:
        if not store.query("SELECT 1 FROM room WHERE id = ?", [ROOM_ID]):
            transaction.insert("room", {"id": ROOM_ID, "code": new_room_code()})
        else:
            transaction.update("room", ROOM_ID, {"code": new_room_code(), "deleted_at": None})
    return room_state(store)


def new_code(store: WorkshopStore) -> str:
    """Give the room a new code (phones that joined keep their places); return it."""
    ensure_room(store)
    code = new_room_code()
    with store.write() as transaction:
        transaction.update("room", ROOM_ID, {"code": code})
    return code


def set_joining(store: WorkshopStore, joining: bool) -> None:
    """Let new phones join, or stop them (joined phones keep their places)."""
    ensure_room(store)
    with store.write() as transaction:
        transaction.update("room", ROOM_ID, {"joining": int(joining)})


def set_activity(
    store: WorkshopStore, activity: RoomActivity | str, round_id: str | None = None
) -> RoomState:
    """Choose what phones may do now; a vote needs an open round of its kind (the newest one
    when round_id is None)."""
    activity = RoomActivity(activity)
    ensure_room(store)
    with store.write() as transaction:
        chosen: str | None = None
        if activity is RoomActivity.DOTS:
            chosen = _open_round_id(store, "pain_points", round_id)
            if chosen is None:
                raise RoomError("Open a dot-vote round in the inventory first (v).")
            method = store.query("SELECT method FROM voting_rounds WHERE id = ?", [chosen])
            if method[0]["method"] != VotingMethod.DOT.value:
                raise RoomError("The open round is a hand count: phones vote in a dot vote.")
        elif activity is RoomActivity.CARDS:
            chosen = _open_round_id(store, "cards", round_id)
            if chosen is None:
                raise RoomError("Open a card round first (v in Cards).")
            method = store.query("SELECT method FROM voting_rounds WHERE id = ?", [chosen])
            if method[0]["method"] == VotingMethod.HAND_COUNT.value:
                raise RoomError("The open card round is a hand count: phones pick cards.")
        transaction.update("room", ROOM_ID, {"activity": activity.value, "round_id": chosen})
    return room_state(store)


def record_server(store: WorkshopStore, url: str, pid: int) -> None:
    """Record that a room server runs on this machine, for the consoles' headers."""
    ensure_room(store)
    with store.write() as transaction:
        transaction.update(
            "room",
            ROOM_ID,
            {"server_url": url, "server_pid": pid, "server_host": socket.gethostname()},
        )


def clear_server(store: WorkshopStore, pid: int) -> None:
    """Record that the room server with this process id stopped (a newer one is left alone)."""
    state = room_state(store)
    if state.server_pid != pid:
        return
    with store.write() as transaction:
        transaction.update(
            "room", ROOM_ID, {"server_url": "", "server_pid": None, "server_host": ""}
        )


# Places -----------------------------------------------------------------------------------


def join(store: WorkshopStore, token: str, name: str = "") -> Seat:
    """Give a phone the next free delegate place, held by its token; return the place.

    The next free place is the lowest-numbered delegate with no phone and no ballot yet
    (delegates the facilitator votes for keep their numbers), else a new delegate.
    """
    cleaned = clean_delegate_name(name)
    digest = token_hash(token)
    with store.write() as transaction:
        state = room_state(store)
        if not state.code:
            raise RoomError("The room is not open.")
        if not state.joining:
            raise RoomError("Joining is closed: ask the facilitator to open it.")
        held = _seat_row(store, digest)
        if held is not None:
            raise RoomError(f"This phone already holds the place of delegate {held['number']}.")
        free = store.query(
            "SELECT p.id, p.number FROM participants p WHERE p.deleted_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM room_seats s WHERE s.participant_id = p.id "
            "AND s.deleted_at IS NULL) "
            "AND NOT EXISTS (SELECT 1 FROM pain_point_votes v WHERE v.participant_id = p.id "
            "AND v.deleted_at IS NULL) "
            "AND NOT EXISTS (SELECT 1 FROM card_votes v WHERE v.participant_id = p.id "
            "AND v.deleted_at IS NULL) "
            "ORDER BY p.number, p.created_at LIMIT 1"
        )
        if free:
            participant_id, number = free[0]["id"], int(free[0]["number"])
            if cleaned:
                transaction.update("participants", participant_id, {"name": cleaned})
        else:
            counts = store.query(
                "SELECT count(*) AS n, coalesce(max(number), 0) AS top FROM participants "
                "WHERE deleted_at IS NULL"
            )[0]
            if counts["n"] >= MAX_PARTICIPANTS:
                raise RoomError(f"The room is full ({MAX_PARTICIPANTS} delegates).")
            number = int(counts["top"]) + 1
            participant_id = transaction.insert("participants", {"number": number, "name": cleaned})
        seat_id = transaction.insert(
            "room_seats", {"participant_id": participant_id, "token_hash": digest}
        )
        return Seat(seat_id, participant_id, number, cleaned, transaction.now)


def seat_for(store: WorkshopStore, token: str) -> Seat | None:
    """Return the place a phone's token holds, or None (never joined, or freed)."""
    if not token:
        return None
    row = _seat_row(store, token_hash(token))
    return _seat(row) if row is not None else None


def seats(store: WorkshopStore) -> list[Seat]:
    """Return the places phones hold, in delegate number order."""
    rows = store.query(f"{_SEAT_QUERY} ORDER BY p.number, s.created_at")
    return [_seat(row) for row in rows]


def free_seat(store: WorkshopStore, seat_id: str) -> None:
    """Free a phone's place: the phone must join again; the delegate's votes stay."""
    with store.write("free a place") as transaction:
        rows = store.query(
            "SELECT id FROM room_seats WHERE id = ? AND deleted_at IS NULL", [seat_id]
        )
        if not rows:
            raise StoreError("That place is already free.")
        transaction.soft_delete("room_seats", seat_id)


def room_counts(store: WorkshopStore) -> RoomCounts:
    """Return how many phones joined and how many of them have a ballot in the open vote."""
    with store.snapshot():
        state = room_state(store)
        joined = int(
            store.query("SELECT count(*) AS n FROM room_seats WHERE deleted_at IS NULL")[0]["n"]
        )
        table = _VOTE_TABLES.get(state.activity)
        ballots = 0
        if table and state.round_id:
            ballots = int(
                store.query(
                    f"SELECT count(DISTINCT v.participant_id) AS n FROM {table} v "
                    "JOIN room_seats s ON s.participant_id = v.participant_id "
                    "AND s.deleted_at IS NULL WHERE v.round_id = ? AND v.deleted_at IS NULL",
                    [state.round_id],
                )[0]["n"]
            )
    return RoomCounts(joined, ballots)


# What phones send ---------------------------------------------------------------------------


def phone_round(store: WorkshopStore) -> PhoneRound | None:
    """Return the round phones vote in now, or None when no vote is open to them."""
    state = room_state(store)
    if state.activity not in _VOTE_TABLES or not state.round_id:
        return None
    rows = store.query(
        "SELECT id, title, method, budget, cap_per_item, pick_count, status, revealed_at, "
        "deck_id FROM voting_rounds WHERE id = ? AND deleted_at IS NULL",
        [state.round_id],
    )
    if not rows:
        return None
    row = rows[0]
    return PhoneRound(
        id=row["id"],
        title=row["title"],
        method=VotingMethod(row["method"]),
        budget=int(row["budget"]),
        cap_per_item=int(row["cap_per_item"]),
        pick_count=int(row["pick_count"]),
        is_open=row["status"] == "open",
        revealed=row["revealed_at"] is not None,
        deck_id=row["deck_id"],
    )


def add_pain_point(store: WorkshopStore, seat: Seat, raw: str) -> str:
    """Save a pain point sent from a delegate's phone, marked as from the room; return its id."""
    text = clean_room_pain_point(raw)
    with store.write() as transaction:
        _refuse_unless(store, seat, RoomActivity.PAIN_POINTS)
        position = store.query("SELECT coalesce(max(position), 0) + 1 AS next FROM pain_points")
        running = store.query(
            "SELECT id FROM agenda_items WHERE status IN ('running', 'paused') "
            "AND deleted_at IS NULL ORDER BY updated_at DESC LIMIT 1"
        )
        return transaction.insert(
            "pain_points",
            {
                "text": text,
                "raised_by": str(seat.number),
                "participant_id": seat.participant_id,
                "agenda_item_id": running[0]["id"] if running else None,
                "position": position[0]["next"],
                "origin": "room",
            },
        )


def save_dot_ballot(
    store: WorkshopStore, seat: Seat, round_id: str, ballot: Mapping[str, int]
) -> None:
    """Save a phone's dot ballot in the open round, replacing its earlier one."""
    from console.store.inventory_votes import get_round

    with store.write() as transaction:
        _refuse_unless(store, seat, RoomActivity.DOTS, round_id)
        found = get_round(store, round_id)
        chosen = {item: points for item, points in ballot.items() if points}
        for item in chosen:
            _votable_pain_point(store, item)
        check_ballot(found.rules, chosen, list(chosen))
        _replace_ballot(transaction, store, "pain_point_votes", round_id, seat)
        for item, points in chosen.items():
            transaction.insert(
                "pain_point_votes",
                {
                    "round_id": round_id,
                    "pain_point_id": item,
                    "participant_id": seat.participant_id,
                    "points": points,
                },
            )


def save_card_picks(
    store: WorkshopStore, seat: Seat, round_id: str, card_ids: Sequence[str]
) -> None:
    """Save a phone's cards in the open card round, replacing its earlier picks."""
    with store.write() as transaction:
        _refuse_unless(store, seat, RoomActivity.CARDS, round_id)
        found = phone_round(store)
        assert found is not None  # _refuse_unless checked it.
        if len(set(card_ids)) != len(card_ids):
            raise RoomError("A card can be picked only once.")
        known = {
            row["id"]
            for row in store.query(
                "SELECT id FROM cards WHERE deck_id = ? AND deleted_at IS NULL", [found.deck_id]
            )
        }
        for card_id in card_ids:
            if card_id not in known:
                raise RoomError("That card is not in this round's deck.")
        rules = _card_rules(found)
        ballot = dict.fromkeys(card_ids, 1)
        if ballot:
            check_ballot(rules, ballot, known)
        _replace_ballot(transaction, store, "card_votes", round_id, seat)
        for card_id in card_ids:
            transaction.insert(
                "card_votes",
                {
                    "round_id": round_id,
                    "card_id": card_id,
                    "participant_id": seat.participant_id,
                    "points": 1,
                },
            )


def dot_ballot_of(store: WorkshopStore, seat: Seat, round_id: str) -> dict[str, int]:
    """Return a delegate's current dot ballot in a round (pain point -> dots)."""
    rows = store.query(
        "SELECT pain_point_id AS item, sum(points) AS points FROM pain_point_votes "
        "WHERE round_id = ? AND participant_id = ? AND deleted_at IS NULL "
        "GROUP BY pain_point_id ORDER BY min(rowid)",
        [round_id, seat.participant_id],
    )
    return {row["item"]: int(row["points"]) for row in rows}


def card_picks_of(store: WorkshopStore, seat: Seat, round_id: str) -> list[str]:
    """Return the cards a delegate picked in a round, in the order picked."""
    rows = store.query(
        "SELECT card_id FROM card_votes WHERE round_id = ? AND participant_id = ? "
        "AND deleted_at IS NULL ORDER BY rowid",
        [round_id, seat.participant_id],
    )
    return [row["card_id"] for row in rows]


# Helpers ----------------------------------------------------------------------------------

_VOTE_TABLES = {RoomActivity.DOTS: "pain_point_votes", RoomActivity.CARDS: "card_votes"}

_SEAT_QUERY = (
    "SELECT s.id, s.participant_id, p.number, p.name, s.created_at AS joined_at "
    "FROM room_seats s JOIN participants p ON p.id = s.participant_id "
    "WHERE s.deleted_at IS NULL AND p.deleted_at IS NULL"
)


def _state(row: Row) -> RoomState:
    """Build the RoomState of the room row."""
    return RoomState(
        code=row["code"],
        joining=bool(row["joining"]),
        activity=RoomActivity(row["activity"]),
        round_id=row["round_id"],
        server_url=row["server_url"],
        server_pid=row["server_pid"],
        server_host=row["server_host"],
    )


def _seat(row: Row) -> Seat:
    """Build a Seat from its row."""
    return Seat(row["id"], row["participant_id"], int(row["number"]), row["name"], row["joined_at"])


def _seat_row(store: WorkshopStore, digest: str) -> Row | None:
    """Return the live place held under a token digest."""
    rows = store.query(f"{_SEAT_QUERY} AND s.token_hash = ? LIMIT 1", [digest])
    return rows[0] if rows else None


def _open_round_id(store: WorkshopStore, target: str, round_id: str | None) -> str | None:
    """Return the open round of a target: the one named, else the newest."""
    rows = store.query(
        "SELECT id FROM voting_rounds WHERE target = ? AND status = 'open' "
        "AND deleted_at IS NULL ORDER BY position DESC, created_at DESC",
        [target],
    )
    ids = [row["id"] for row in rows]
    if round_id is not None:
        return round_id if round_id in ids else None
    return ids[0] if ids else None


def _refuse_unless(
    store: WorkshopStore, seat: Seat, activity: RoomActivity, round_id: str | None = None
) -> None:
    """Refuse unless the phone's place is live and the room is doing this activity now."""
    live = store.query("SELECT 1 FROM room_seats WHERE id = ? AND deleted_at IS NULL", [seat.id])
    if not live:
        raise RoomError("Your place was freed: join the room again.")
    state = room_state(store)
    if state.activity is not activity:
        raise RoomError(f"The room is not set to {activity.label} now.")
    if round_id is not None:
        if state.round_id != round_id:
            raise RoomError("That round is not open to phones any more.")
        found = phone_round(store)
        if found is None or not found.is_open:
            raise RoomError("That round is closed.")


def _votable_pain_point(store: WorkshopStore, pain_point_id: str) -> None:
    """Refuse a pain point that is deleted, merged or unknown."""
    rows = store.query(
        "SELECT position, deleted_at, merged_into_id FROM pain_points WHERE id = ?",
        [pain_point_id],
    )
    if not rows or rows[0]["deleted_at"] is not None:
        raise RoomError("That pain point was removed: reload the page.")
    if rows[0]["merged_into_id"] is not None:
        raise RoomError(f"Pain point #{rows[0]['position']} was merged: reload the page.")


def _card_rules(found: PhoneRound) -> VoteRules:
    """Return the ballot rules of a card round."""
    return make_rules(found.method, pick_count=found.pick_count)


def _replace_ballot(
    transaction: Transaction, store: WorkshopStore, table: str, round_id: str, seat: Seat
) -> None:
    """Remove the delegate's earlier ballot in the round (a phone that sends again replaces)."""
    earlier = store.query(
        f"SELECT id FROM {table} WHERE round_id = ? AND participant_id = ? AND deleted_at IS NULL",
        [round_id, seat.participant_id],
    )
    for row in earlier:
        transaction.update(table, row["id"], {"deleted_at": transaction.now})
