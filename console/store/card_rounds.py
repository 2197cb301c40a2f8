"""Voting rounds on a deck of cards: ballots typed delegate after delegate, hand counts, results."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from console.domain.ranking import Scored, rank_items, top_n
from console.domain.scoring import Item, RoundScores, Vote, score_round
from console.domain.text import clean_user_text
from console.domain.voting import (
    EMPTY_ENTRY_MESSAGE,
    RuleError,
    VoteRules,
    VotingMethod,
    ballot_is_complete,
    check_ballot,
    make_rules,
    parse_ballot_entry,
    parse_hand_count,
)
from console.store.agenda import current_item
from console.store.core import Row, StoreError, WorkshopStore
from console.store.decks import (
    CATEGORIES,
    NUMBERED_CARDS,
    Card,
    card_labels,
    card_of,
    deck_cards,
    live_decks,
)
from console.store.export import Reader
from console.store.workshop import workshop_details

CARD_METHODS = (VotingMethod.PICK_N, VotingMethod.APPROVAL, VotingMethod.HAND_COUNT)
"""The methods a card round can use, the usual one first."""

METHOD_NAMES = {
    VotingMethod.PICK_N: "pick N",
    VotingMethod.APPROVAL: "recognise (approval)",
    VotingMethod.HAND_COUNT: "hand count",
    VotingMethod.DOT: "dot vote",
}


def method_label(method: VotingMethod | str, pick_count: int) -> str:
    """Return a round's method as the facilitator reads it, e.g. "pick 3" or "hand count"."""
    method = VotingMethod(method)
    if method is VotingMethod.PICK_N:
        return f"pick {pick_count}"
    return METHOD_NAMES[method]


CLEAR_BALLOT = "-"
"""Typed alone as a ballot: the delegate picks nothing (an earlier ballot is removed)."""

MAX_ROUND_TITLE_CHARS = 120

_DELEGATE_PREFIX = re.compile(r"^\s*(?:d(?:elegate)?\s*)?(?P<number>[0-9]{1,6})\s*:\s*", re.I)
_TOKENS = re.compile(r"[\s,;]+")
_PAIR = re.compile(r"^(?P<label>.+?)[x×*=](?P<count>[0-9]+)$", re.I)


@dataclass(frozen=True)
class CardRound:
    """A voting round on a deck of cards."""

    id: str
    title: str
    deck_id: str
    deck_name: str
    method: VotingMethod
    pick_count: int
    status: str
    revealed_at: str | None
    created_at: str

    @property
    def is_open(self) -> bool:
        """Tell whether ballots are still accepted."""
        return self.status == "open"

    @property
    def is_revealed(self) -> bool:
        """Tell whether the projector may show the results."""
        return self.revealed_at is not None

    @property
    def rules(self) -> VoteRules:
        """Return the ballot rules of the round."""
        return make_rules(self.method, pick_count=self.pick_count)

    @property
    def method_label(self) -> str:
        """Return the method as the facilitator reads it, e.g. "pick 3"."""
        return method_label(self.method, self.pick_count)


@dataclass(frozen=True)
class SavedBallot:
    """What a saved ballot held, and which delegate comes next."""

    number: int
    codes: tuple[str, ...]
    complete: bool
    replaced: bool
    next_number: int | None


@dataclass(frozen=True)
class CardResult:
    """One card's place in a round's results."""

    rank: int
    tied: bool
    card: Card
    score: int
    voters: int

    def scored(self) -> Scored:
        """Return what the ranking needs to know about this card's result."""
        card = self.card
        return Scored(card.id, card.title, self.score, self.voters, card.created_at, card.position)


@dataclass(frozen=True)
class ResultSection:
    """One part of a revealed round's board: its heading and its ranked cards."""

    heading: str
    results: tuple[CardResult, ...]


@dataclass(frozen=True)
class RoundResults:
    """A round's ranked results: every card that got at least one vote."""

    round: CardRound
    ballots: int
    results: tuple[CardResult, ...]

    def top(self, n: int, category: str | None = None) -> list[CardResult]:
        """Return the first n results overall, or ranked within one category, with every card
        tied with the n-th (ties are never cut)."""
        if category is None:
            return top_n(self.results, n)
        return top_n(_rank(r for r in self.results if r.card.category == category), n)

    def sections(self, n: int) -> list[ResultSection]:
        """Return what every projector shows: the top n overall, then the top n of each category
        that has results, in the deck's category order."""
        points = "hands" if self.round.method is VotingMethod.HAND_COUNT else "votes"
        sections = [ResultSection(f"Top {n} ({points})", tuple(self.top(n)))]
        for category in CATEGORIES:
            in_category = self.top(n, category)
            if in_category:
                sections.append(ResultSection(category, tuple(in_category)))
        return sections

    @property
    def total_points(self) -> int:
        """Return the sum of every card's score."""
        return sum(result.score for result in self.results)


# Rounds -------------------------------------------------------------------------------------


def card_rounds(store: WorkshopStore) -> list[CardRound]:
    """Return the live card rounds, oldest first."""
    rows = store.query(f"{_ROUND_QUERY} ORDER BY r.position, r.rowid")
    return [_round(row) for row in rows]


def get_round(store: WorkshopStore, round_id: str) -> CardRound:
    """Return one live card round, or raise StoreError if it is gone."""
    rows = store.query(f"{_ROUND_QUERY} AND r.id = ?", [round_id])
    if not rows:
        raise StoreError("That voting round no longer exists.")
    return _round(rows[0])


def create_round(
    store: WorkshopStore,
    deck_id: str,
    method: VotingMethod | str,
    title: str = "",
    pick_count: int | None = None,
) -> str:
    """Open a new voting round on a deck, tied to the running agenda item if there is one."""
    if pick_count is None:
        pick_count = workshop_details(store).settings.pick_count
    rules = make_rules(method, pick_count=pick_count)
    if rules.method not in CARD_METHODS:
        raise RuleError("Card rounds use pick N, recognise (approval) or a hand count.")
    deck = next((deck for deck in live_decks(store) if deck.id == deck_id), None)
    if deck is None:
        raise StoreError("That deck no longer exists.")
    if not title.strip():
        shown = f"top {pick_count}" if rules.method is VotingMethod.PICK_N else "vote"
        title = f"{deck.name} {shown}"
    title = clean_user_text(title, max_chars=MAX_ROUND_TITLE_CHARS, field="Round title")
    item = current_item(store)
    with store.write() as transaction:
        position = store.query("SELECT count(*) AS n FROM voting_rounds WHERE target = 'cards'")[0][
            "n"
        ]
        return transaction.insert(
            "voting_rounds",
            {
                "title": title,
                "target": "cards",
                "deck_id": deck_id,
                "method": rules.method.value,
                "pick_count": rules.pick_count,
                "status": "open",
                "revealed_at": None,
                "agenda_item_id": item.id if item else None,
                "position": position,
            },
        )


def set_round_open(store: WorkshopStore, round_id: str, is_open: bool) -> None:
    """Close a round to ballots, or reopen it."""
    with store.write() as transaction:
        get_round(store, round_id)
        transaction.update("voting_rounds", round_id, {"status": "open" if is_open else "closed"})


def set_revealed(store: WorkshopStore, round_id: str, revealed: bool) -> None:
    """Reveal a round's results on the projector, or hide them again."""
    with store.write() as transaction:
        get_round(store, round_id)
        transaction.update(
            "voting_rounds", round_id, {"revealed_at": transaction.now if revealed else None}
        )


# Ballots ------------------------------------------------------------------------------------


def delegate_numbers(store: WorkshopStore) -> list[int]:
    """Return the numbers of the live delegates, in order."""
    rows = store.query(
        "SELECT DISTINCT number FROM participants WHERE deleted_at IS NULL ORDER BY number"
    )
    return [int(row["number"]) for row in rows]


def next_delegate(store: WorkshopStore, number: int) -> int | None:
    """Return the number of the delegate after number, or None after the last one."""
    rows = store.query(
        "SELECT min(number) AS n FROM participants WHERE deleted_at IS NULL AND number > ?",
        [number],
    )
    return rows[0]["n"]


def previous_delegate(store: WorkshopStore, number: int) -> int | None:
    """Return the number of the delegate before number, or None before the first one."""
    rows = store.query(
        "SELECT max(number) AS n FROM participants WHERE deleted_at IS NULL AND number < ?",
        [number],
    )
    return rows[0]["n"]


def first_delegate_without_ballot(store: WorkshopStore, round_id: str) -> int | None:
    """Return the lowest delegate number with no ballot in the round yet."""
    # NOT IN reads the round's voters once; a correlated NOT EXISTS read them once per
    # delegate (4 s for 5,000 ballots, benchmarks/cards.py).
    rows = store.query(
        "SELECT min(number) AS n FROM participants WHERE deleted_at IS NULL AND id NOT IN "
        "(SELECT participant_id FROM card_votes WHERE round_id = ? AND deleted_at IS NULL "
        "AND participant_id IS NOT NULL)",
        [round_id],
    )
    return rows[0]["n"]


def split_delegate_prefix(text: str) -> tuple[int | None, str]:
    """Split "7: 1 2 10" into the delegate number 7 and the cards typed after it."""
    found = _DELEGATE_PREFIX.match(text)
    if found is None:
        return None, text
    return int(found["number"]), text[found.end() :]


def ballot_codes(store: WorkshopStore, round_id: str, number: int) -> str:
    """Return a delegate's saved ballot as typed card codes, or "" if there is none."""
    rows = store.query(
        "SELECT c.code FROM card_votes v JOIN cards c ON c.id = v.card_id "
        "JOIN participants p ON p.id = v.participant_id "
        "WHERE v.round_id = ? AND p.number = ? AND p.deleted_at IS NULL "
        "AND v.deleted_at IS NULL ORDER BY v.rowid",
        [round_id, number],
    )
    return " ".join(row["code"] for row in rows)


def save_ballot(store: WorkshopStore, round_id: str, number: int, text: str) -> SavedBallot:
    """Save a delegate's ballot, replacing any earlier one, in one undoable action.

    A "7:" prefix in the text names the delegate and wins over number.
    """
    prefixed, text = split_delegate_prefix(text)
    number = prefixed if prefixed is not None else number
    if not text.strip():
        raise RuleError(EMPTY_ENTRY_MESSAGE)
    with store.write(f"ballot of delegate {number}") as transaction:
        card_round = get_round(store, round_id)
        if card_round.method is VotingMethod.HAND_COUNT:
            raise RuleError("This round is a hand count: type a card and its count, e.g. 5 12.")
        _refuse_closed(card_round)
        participant = store.query(
            "SELECT id FROM participants WHERE number = ? AND deleted_at IS NULL "
            "ORDER BY created_at LIMIT 1",
            [number],
        )
        if not participant:
            raise RuleError(
                f"There is no delegate {number}: add delegates in the workshop details (w)."
            )
        participant_id = participant[0]["id"]
        cards = deck_cards(store, card_round.deck_id)
        by_id = {card.id: card for card in cards}
        ballot: dict[str, int] = {}
        if text.strip() != CLEAR_BALLOT:
            labels = card_labels(cards)
            _refuse_repeated_cards(text, labels, by_id)
            ballot = parse_ballot_entry(text, labels)
            check_ballot(card_round.rules, ballot, by_id)
        earlier = store.query(
            "SELECT id FROM card_votes WHERE round_id = ? AND participant_id = ? "
            "AND deleted_at IS NULL",
            [round_id, participant_id],
        )
        for row in earlier:
            transaction.soft_delete("card_votes", row["id"])
        for card_id, points in ballot.items():
            transaction.insert_undoable(
                "card_votes",
                {
                    "round_id": round_id,
                    "card_id": card_id,
                    "participant_id": participant_id,
                    "points": points,
                },
            )
        following = next_delegate(store, number)
    return SavedBallot(
        number=number,
        codes=tuple(by_id[card_id].code for card_id in ballot),
        complete=ballot_is_complete(card_round.rules, ballot),
        replaced=bool(earlier),
        next_number=following,
    )


def parse_hand_counts(text: str, labels: dict[str, str]) -> dict[str, int]:
    """Read "5 12", "ABC05 12, 7 3" or "5x12" into card id -> counted hands."""
    tokens = [token for token in _TOKENS.split(text.strip()) if token]
    if not tokens:
        raise RuleError("Type a card and its count, e.g. 5 12.")
    counts: dict[str, int] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        card_id = labels.get(token.casefold())
        if card_id is not None:
            if index + 1 >= len(tokens):
                raise RuleError(f"Type the count after {token}, e.g. {token} 12.")
            count = parse_hand_count(tokens[index + 1])
            index += 2
        else:
            pair = _PAIR.match(token)
            card_id = labels.get(pair["label"].casefold()) if pair else None
            if pair is None or card_id is None:
                label = pair["label"] if pair else token
                raise RuleError(f"Unknown card code: {label}.")
            count = parse_hand_count(pair["count"])
            index += 1
        if card_id in counts:
            raise RuleError(f"{token} is counted twice in one entry.")
        counts[card_id] = count
    return counts


def save_hand_counts(store: WorkshopStore, round_id: str, text: str) -> list[tuple[Card, int]]:
    """Save the hands counted for one or more cards (0 clears a count), in one undoable action."""
    with store.write("hand count") as transaction:
        card_round = get_round(store, round_id)
        if card_round.method is not VotingMethod.HAND_COUNT:
            raise RuleError("This round takes ballots per delegate, not hand counts.")
        _refuse_closed(card_round)
        cards = deck_cards(store, card_round.deck_id)
        by_id = {card.id: card for card in cards}
        counts = parse_hand_counts(text, card_labels(cards))
        check_ballot(
            card_round.rules, {key: value for key, value in counts.items() if value}, by_id
        )
        for card_id, count in counts.items():
            earlier = store.query(
                "SELECT id FROM card_votes WHERE round_id = ? AND card_id = ? "
                "AND participant_id IS NULL AND deleted_at IS NULL",
                [round_id, card_id],
            )
            for row in earlier:
                transaction.soft_delete("card_votes", row["id"])
            if count:
                transaction.insert_undoable(
                    "card_votes",
                    {
                        "round_id": round_id,
                        "card_id": card_id,
                        "participant_id": None,
                        "points": count,
                    },
                )
    return [(by_id[card_id], count) for card_id, count in counts.items()]


# Results ------------------------------------------------------------------------------------


def round_votes(reader: Reader, round_id: str) -> list[Vote]:
    """Return a card round's live votes as records (deleted cards' votes too)."""
    rows = reader.query(
        "SELECT card_id, participant_id, points FROM card_votes "
        "WHERE round_id = ? AND deleted_at IS NULL",
        [round_id],
    )
    return [Vote(row["card_id"], int(row["points"]), row["participant_id"]) for row in rows]


def round_cards(reader: Reader, round_id: str) -> dict[str, Card]:
    """Return the live cards a round's votes can name, numbered, by id: its deck's cards, and
    those of any other deck one of its live votes names."""
    rows = reader.query(
        f"WITH numbered AS ({NUMBERED_CARDS} WHERE c.deck_id IN (SELECT deck_id "
        "FROM voting_rounds WHERE id = :round UNION SELECT k.deck_id FROM cards k WHERE k.id IN "
        "(SELECT card_id FROM card_votes WHERE round_id = :round AND deleted_at IS NULL))) "
        "SELECT * FROM numbered WHERE deleted_at IS NULL",
        {"round": round_id},
    )
    return {row["id"]: card_of(row) for row in rows}


def card_item(card: Card) -> Item:
    """Return what scoring needs to know of a card."""
    return Item(card.id, card.title, card.position, card.created_at)


def score_card_round(
    votes: Iterable[Vote], cards: dict[str, Card], method: VotingMethod | str
) -> RoundScores:
    """Score a card round's votes on its live cards (hand counts: the hands are the voters)."""
    hands = VotingMethod(method) is VotingMethod.HAND_COUNT
    return score_round(votes, (card_item(card) for card in cards.values()), hand_count=hands)


def round_results(store: WorkshopStore, round_id: str) -> RoundResults:
    """Return a round's results, ranked by the documented tie-break rule."""
    with store.snapshot():
        card_round = get_round(store, round_id)
        votes = round_votes(store, round_id)
        cards = round_cards(store, round_id)
    scores = score_card_round(votes, cards, card_round.method)
    results = tuple(
        CardResult(
            entry.rank,
            entry.tied,
            cards[entry.item.item_id],
            int(entry.item.score),
            entry.item.voters,
        )
        for entry in scores.ranked
    )
    return RoundResults(card_round, scores.ballots, results)


# Helpers ------------------------------------------------------------------------------------

_ROUND_QUERY = (
    "SELECT r.id, r.title, r.deck_id, r.method, r.pick_count, r.status, r.revealed_at, "
    "r.created_at, d.name AS deck_name FROM voting_rounds r JOIN decks d ON d.id = r.deck_id "
    "WHERE r.target = 'cards' AND r.deleted_at IS NULL"
)


def _round(row: Row) -> CardRound:
    """Build a card round from its row."""
    return CardRound(
        id=row["id"],
        title=row["title"],
        deck_id=row["deck_id"],
        deck_name=row["deck_name"],
        method=VotingMethod(row["method"]),
        pick_count=int(row["pick_count"]),
        status=row["status"],
        revealed_at=row["revealed_at"],
        created_at=row["created_at"],
    )


def _rank(results: Iterable[CardResult]) -> list[CardResult]:
    """Rank results by the documented tie-break rule."""
    by_id = {result.card.id: result for result in results}
    ranked = rank_items(result.scored() for result in by_id.values())
    return [
        CardResult(
            entry.rank,
            entry.tied,
            by_id[entry.item.item_id].card,
            by_id[entry.item.item_id].score,
            by_id[entry.item.item_id].voters,
        )
        for entry in ranked
    ]


def _refuse_closed(card_round: CardRound) -> None:
    """Raise RuleError if the round no longer takes votes."""
    if not card_round.is_open:
        raise RuleError(f"The round {card_round.title!r} is closed: press x to reopen it.")


def _refuse_repeated_cards(text: str, labels: dict[str, str], cards: dict[str, Card]) -> None:
    """Raise RuleError naming a card typed twice on one ballot (as code or number)."""
    seen: set[str] = set()
    for token in _TOKENS.split(text.strip()):
        card_id = labels.get(token.casefold())
        if card_id is None:
            continue
        if card_id in seen:
            raise RuleError(
                f"{cards[card_id].code} is on this ballot twice: each card counts once."
            )
        seen.add(card_id)
