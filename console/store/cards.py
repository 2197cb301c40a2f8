"""Decks of cards, voting rounds on them, ballots, results and links to pain points."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from console.domain.ranking import (
    Comparison,
    Ranked,
    ReferenceEntry,
    Scored,
    compare_with_reference,
    rank_items,
    shared_top,
)
from console.domain.records import DECK_CARD_FIELDS, MAX_BYTES, RecordError, parse_records
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
from console.store.export import Reader
from console.store.workshop import workshop_details

CATEGORIES = ("Attitude", "Behavior", "Culture")

CARD_METHODS = (VotingMethod.PICK_N, VotingMethod.APPROVAL, VotingMethod.HAND_COUNT)
"""The methods a card round can use, the usual one first."""

METHOD_NAMES = {
    VotingMethod.PICK_N: "pick N",
    VotingMethod.APPROVAL: "recognise (approval)",
    VotingMethod.HAND_COUNT: "hand count",
    VotingMethod.DOT: "dot vote",
}

CLEAR_BALLOT = "-"
"""Typed alone as a ballot: the delegate picks nothing (an earlier ballot is removed)."""

MAX_CODE_CHARS = 20
MAX_TITLE_CHARS = 300
MAX_DESCRIPTION_CHARS = 2_000
MAX_DECK_NAME_CHARS = 120
MAX_ROUND_TITLE_CHARS = 120

_CATEGORY_SPEC = next(spec for spec in DECK_CARD_FIELDS if spec.name == "category")
_DELEGATE_PREFIX = re.compile(r"^\s*(?:d(?:elegate)?\s*)?(?P<number>[0-9]{1,6})\s*:\s*", re.I)
_TOKENS = re.compile(r"[\s,;]+")
_PAIR = re.compile(r"^(?P<label>.+?)[x×*=](?P<count>[0-9]+)$", re.I)


@dataclass(frozen=True)
class Card:
    """One card of a deck with its number (1-based order in the deck) for quick typing."""

    id: str
    deck_id: str
    number: int
    code: str
    title: str
    category: str | None
    description: str
    position: int
    created_at: str


@dataclass(frozen=True)
class ImportedDeck:
    """A deck just imported from a file."""

    deck_id: str
    name: str
    cards: int


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
        if self.method is VotingMethod.PICK_N:
            return f"pick {self.pick_count}"
        return METHOD_NAMES[self.method]


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


@dataclass(frozen=True)
class RoundResults:
    """A round's ranked results: every card that got at least one vote."""

    round: CardRound
    ballots: int
    results: tuple[CardResult, ...]

    def top(self, n: int, category: str | None = None) -> list[CardResult]:
        """Return the first n results overall, or ranked within one category."""
        if category is None:
            return list(self.results[:n])
        return _rank(result for result in self.results if result.card.category == category)[:n]

    @property
    def total_points(self) -> int:
        """Return the sum of every card's score."""
        return sum(result.score for result in self.results)


@dataclass(frozen=True)
class ReferenceComparison:
    """The room's result beside one published ranking."""

    ranking_id: str
    name: str
    year: int | None
    ordered: bool
    rows: tuple[Comparison, ...]
    shared: tuple[Comparison, ...]

    def reference_rank(self, card_id: str) -> tuple[bool, int | None]:
        """Return whether a card is in this ranking, and its rank there (None if unordered)."""
        for row in self.rows:
            if row.item_id == card_id and row.in_reference:
                return True, row.reference_rank
        return False, None


# Decks and cards ----------------------------------------------------------------------------


def deck_rows(store: WorkshopStore) -> list[Row]:
    """Return the live decks with how many live cards each holds, oldest first."""
    return store.query(
        "SELECT d.id, d.name, d.description, d.source, "
        "(SELECT count(*) FROM cards c WHERE c.deck_id = d.id AND c.deleted_at IS NULL) AS cards "
        "FROM decks d WHERE d.deleted_at IS NULL ORDER BY d.rowid"
    )


_NUMBERED_CARDS = (
    "SELECT c.id, c.deck_id, c.code, c.title, c.category, c.description, c.position, "
    "c.created_at, c.deleted_at, c.rev, "
    "row_number() OVER (PARTITION BY c.deck_id ORDER BY c.position, c.rowid) AS number "
    "FROM cards c"
)
"""Cards numbered 1, 2, ... in deck order; deleted cards keep their number so none shift."""


def card_rows(store: WorkshopStore, since_rev: int = 0) -> list[Row]:
    """Return cards written or re-linked after since_rev (deleted ones included, to remove them)."""
    return store.query(
        f"WITH numbered AS ({_NUMBERED_CARDS}) "
        "SELECT c.id, c.deck_id, c.number, c.code, c.title, c.category, c.description, "
        "c.position, c.deleted_at, d.name AS deck, "
        "(SELECT count(*) FROM card_pain_points l JOIN pain_points p ON p.id = l.pain_point_id "
        "WHERE l.card_id = c.id AND l.deleted_at IS NULL AND p.deleted_at IS NULL) AS links "
        "FROM numbered c JOIN decks d ON d.id = c.deck_id "
        "WHERE c.rev > :rev OR c.id IN (SELECT l.card_id FROM card_pain_points l "
        "JOIN pain_points p ON p.id = l.pain_point_id WHERE l.rev > :rev OR p.rev > :rev) "
        "ORDER BY d.rowid, c.number",
        {"rev": since_rev},
    )


def deck_cards(store: WorkshopStore, deck_id: str) -> list[Card]:
    """Return a deck's live cards in order, numbered."""
    rows = store.query(
        f"WITH numbered AS ({_NUMBERED_CARDS} WHERE c.deck_id = ?) "
        "SELECT * FROM numbered WHERE deleted_at IS NULL ORDER BY number",
        [deck_id],
    )
    return [_card(row) for row in rows]


def get_card(store: WorkshopStore, card_id: str) -> Card:
    """Return one live card, or raise StoreError if it is gone."""
    rows = store.query(
        f"WITH numbered AS ({_NUMBERED_CARDS} WHERE c.deck_id = "
        "(SELECT deck_id FROM cards WHERE id = :id)) "
        "SELECT * FROM numbered WHERE id = :id AND deleted_at IS NULL",
        {"id": card_id},
    )
    if not rows:
        raise StoreError("That card no longer exists.")
    return _card(rows[0])


def card_labels(cards: Iterable[Card]) -> dict[str, str]:
    """Return what a facilitator may type for each card (code, number, 01) mapped to its id."""
    labels: dict[str, str] = {}
    numbers: dict[str, str] = {}
    for card in cards:
        labels[card.code.casefold()] = card.id
        for shown in (str(card.number), f"{card.number:02d}", f"{card.number:03d}"):
            numbers.setdefault(shown, card.id)
    for label, card_id in numbers.items():
        labels.setdefault(label, card_id)  # A code that looks like a number wins over a number.
    return labels


def import_deck(
    store: WorkshopStore,
    path_or_bytes: Path | str | bytes,
    name: str | None = None,
    *,
    filename: str | None = None,
) -> ImportedDeck:
    """Import a CSV or TOML deck file as a new deck, all cards or none; raise ValueError."""
    data, source = _read_deck_source(path_or_bytes, filename)
    records = parse_records(data, source, "cards", DECK_CARD_FIELDS, unique="code")
    if not records:
        raise RecordError(f"{source} has no cards.", source=source)
    default_name = Path(source).stem.replace("_", " ").replace("-", " ").strip() or "Deck"
    deck_name = clean_user_text(
        name if name and name.strip() else default_name,
        max_chars=MAX_DECK_NAME_CHARS,
        field="Deck name",
    )
    with store.write() as transaction:
        taken = store.query(
            "SELECT 1 FROM decks WHERE deleted_at IS NULL AND lower(name) = lower(?)", [deck_name]
        )
        if taken:
            raise ValueError(f"A deck named {deck_name!r} already exists: choose another name.")
        deck_id = transaction.insert(
            "decks", {"name": deck_name, "description": "", "source": source}
        )
        for position, record in enumerate(records):
            transaction.insert(
                "cards",
                {
                    "deck_id": deck_id,
                    "code": record["code"],
                    "title": record["title"],
                    "category": record.get("category") or None,
                    "description": record.get("description") or "",
                    "source": source,
                    "position": position,
                },
            )
    return ImportedDeck(deck_id, deck_name, len(records))


def add_card(
    store: WorkshopStore,
    deck_id: str,
    *,
    code: str,
    title: str,
    category: str = "",
    description: str = "",
) -> str:
    """Add a card at the end of a deck; refuse a code the deck already has."""
    values = _card_values(code, title, category, description)
    with store.write() as transaction:
        if not store.query("SELECT 1 FROM decks WHERE id = ? AND deleted_at IS NULL", [deck_id]):
            raise StoreError("That deck no longer exists.")
        _refuse_duplicate_code(store, deck_id, values["code"], None)
        position = store.query(
            "SELECT coalesce(max(position), -1) + 1 AS next FROM cards WHERE deck_id = ?",
            [deck_id],
        )[0]["next"]
        return transaction.insert(
            "cards", {"deck_id": deck_id, "position": position, "source": "console", **values}
        )


def update_card(
    store: WorkshopStore,
    card_id: str,
    *,
    code: str,
    title: str,
    category: str = "",
    description: str = "",
) -> None:
    """Save a card's code, title, category and description (undoable)."""
    values = _card_values(code, title, category, description)
    with store.write(f"edit card {values['code']}") as transaction:
        card = get_card(store, card_id)
        _refuse_duplicate_code(store, card.deck_id, values["code"], card_id)
        transaction.update("cards", card_id, values, undoable=True)


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
    decks = {row["id"]: row for row in deck_rows(store)}
    if deck_id not in decks:
        raise StoreError("That deck no longer exists.")
    if not title.strip():
        shown = f"top {pick_count}" if rules.method is VotingMethod.PICK_N else "vote"
        title = f"{decks[deck_id]['name']} {shown}"
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
        f"WITH numbered AS ({_NUMBERED_CARDS} WHERE c.deck_id IN (SELECT deck_id "
        "FROM voting_rounds WHERE id = :round UNION SELECT k.deck_id FROM cards k WHERE k.id IN "
        "(SELECT card_id FROM card_votes WHERE round_id = :round AND deleted_at IS NULL))) "
        "SELECT * FROM numbered WHERE deleted_at IS NULL",
        {"round": round_id},
    )
    return {row["id"]: _card(row) for row in rows}


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


def reference_rankings(store: Reader, deck_id: str | None = None) -> list[Row]:
    """Return the published rankings for a deck (and those tied to no deck), oldest first."""
    return store.query(
        "SELECT id, name, source, year, ordered, deck_id FROM reference_rankings "
        "WHERE deleted_at IS NULL AND (? IS NULL OR deck_id IS NULL OR deck_id = ?) "
        "ORDER BY coalesce(year, 0), created_at, rowid",
        [deck_id, deck_id],
    )


def compare_with_published(
    reader: Reader, deck_id: str | None, room: Sequence[Ranked], top: int
) -> list[tuple[Row, list[Comparison]]]:
    """Compare a room's ranked cards with each published ranking of the deck.

    An entry's explicit card link wins; other entries are matched by title.
    """
    compared = []
    for ranking in reference_rankings(reader, deck_id):
        entries = reader.query(
            "SELECT title, rank, card_id FROM reference_entries "
            "WHERE ranking_id = ? AND deleted_at IS NULL ORDER BY position, rowid",
            [ranking["id"]],
        )
        explicit = {row["title"]: row["card_id"] for row in entries if row["card_id"]}
        rows = compare_with_reference(
            room,
            [ReferenceEntry(row["title"], row["rank"]) for row in entries],
            match=explicit.get,
            top=top,
        )
        compared.append((ranking, rows))
    return compared


def compare_round(
    store: WorkshopStore, round_id: str, top: int = 3, results: RoundResults | None = None
) -> list[ReferenceComparison]:
    """Compare a round's result (given, or read now) with every published ranking of its deck."""
    if results is None or results.round.id != round_id:
        results = round_results(store, round_id)
    room = [Ranked(result.rank, result.tied, _scored(result)) for result in results.results]
    return [
        ReferenceComparison(
            ranking_id=ranking["id"],
            name=ranking["name"],
            year=ranking["year"],
            ordered=bool(ranking["ordered"]),
            rows=tuple(rows),
            shared=tuple(shared_top(rows)),
        )
        for ranking, rows in compare_with_published(store, results.round.deck_id, room, top)
    ]


# Links to pain points -----------------------------------------------------------------------


def pain_points_for_card(store: WorkshopStore, card_id: str) -> list[Row]:
    """Return the live pain points a card is linked to (id, text, position), in inventory order."""
    return store.query(
        "SELECT p.id, p.text, p.position FROM card_pain_points l "
        "JOIN pain_points p ON p.id = l.pain_point_id WHERE l.card_id = ? "
        "AND l.deleted_at IS NULL AND p.deleted_at IS NULL GROUP BY p.id ORDER BY p.position",
        [card_id],
    )


def cards_for_pain_point(store: WorkshopStore, pain_point_id: str) -> list[Row]:
    """Return the live cards linked to a pain point (id, code, title, category, deck)."""
    return store.query(
        "SELECT c.id, c.code, c.title, c.category, d.name AS deck FROM card_pain_points l "
        "JOIN cards c ON c.id = l.card_id JOIN decks d ON d.id = c.deck_id "
        "WHERE l.pain_point_id = ? AND l.deleted_at IS NULL AND c.deleted_at IS NULL "
        "GROUP BY c.id ORDER BY d.rowid, c.position",
        [pain_point_id],
    )


def pain_point_choices(store: WorkshopStore) -> list[Row]:
    """Return the live, unmerged pain points a card can be linked to, in inventory order."""
    return store.query(
        "SELECT id, text, position FROM pain_points WHERE deleted_at IS NULL "
        "AND merged_into_id IS NULL ORDER BY position, created_at"
    )


def set_card_links(store: WorkshopStore, card_id: str, pain_point_ids: Iterable[str]) -> None:
    """Link a card to exactly these pain points in one undoable action."""
    wanted = list(dict.fromkeys(pain_point_ids))
    with store.write("change card links") as transaction:
        card = get_card(store, card_id)
        live = {row["id"] for row in pain_point_choices(store)}
        for pain_point_id in wanted:
            if pain_point_id not in live:
                raise StoreError("A chosen pain point no longer exists.")
        existing = store.query(
            "SELECT id, pain_point_id FROM card_pain_points WHERE card_id = ? "
            "AND deleted_at IS NULL",
            [card.id],
        )
        linked = {row["pain_point_id"] for row in existing}
        for row in existing:
            if row["pain_point_id"] not in wanted:
                transaction.soft_delete("card_pain_points", row["id"])
        for pain_point_id in wanted:
            if pain_point_id not in linked:
                transaction.insert_undoable(
                    "card_pain_points", {"card_id": card.id, "pain_point_id": pain_point_id}
                )


# Helpers ------------------------------------------------------------------------------------

_ROUND_QUERY = (
    "SELECT r.id, r.title, r.deck_id, r.method, r.pick_count, r.status, r.revealed_at, "
    "r.created_at, d.name AS deck_name FROM voting_rounds r JOIN decks d ON d.id = r.deck_id "
    "WHERE r.target = 'cards' AND r.deleted_at IS NULL"
)


def _card(row: Row) -> Card:
    """Build a card from a numbered row."""
    return Card(
        id=row["id"],
        deck_id=row["deck_id"],
        number=int(row["number"]),
        code=row["code"],
        title=row["title"],
        category=row["category"],
        description=row["description"] or "",
        position=int(row["position"]),
        created_at=row["created_at"],
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


def _scored(result: CardResult) -> Scored:
    """Return what the ranking needs to know about one card's result."""
    card = result.card
    return Scored(card.id, card.title, result.score, result.voters, card.created_at, card.position)


def _rank(results: Iterable[CardResult]) -> list[CardResult]:
    """Rank results by the documented tie-break rule."""
    by_id = {result.card.id: result for result in results}
    ranked = rank_items(_scored(result) for result in by_id.values())
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


def _card_values(code: str, title: str, category: str, description: str) -> dict[str, object]:
    """Check a card's typed fields and return them as stored."""
    code = clean_user_text(code, max_chars=MAX_CODE_CHARS, field="Code")
    if re.search(r"[\s,;]", code):
        raise ValueError("A card code cannot contain spaces, commas or semicolons.")
    title = clean_user_text(title, max_chars=MAX_TITLE_CHARS, field="Title")
    chosen: str | None = None
    if category.strip():
        chosen = _CATEGORY_SPEC.choice_for(category)
        if chosen is None:
            raise ValueError("Category must be Attitude, Behavior or Culture (or A, B, C).")
    text = description.strip()
    if text:
        text = clean_user_text(text, max_chars=MAX_DESCRIPTION_CHARS, field="Description")
    return {"code": code, "title": title, "category": chosen, "description": text}


def _refuse_duplicate_code(
    store: WorkshopStore, deck_id: str, code: object, card_id: str | None
) -> None:
    """Raise ValueError if another live card of the deck has this code."""
    rows = store.query(
        "SELECT code FROM cards WHERE deck_id = ? AND deleted_at IS NULL "
        "AND lower(code) = lower(?) AND id IS NOT ?",
        [deck_id, code, card_id],
    )
    if rows:
        raise ValueError(f"The deck already has a card {rows[0]['code']}: use another code.")


def _read_deck_source(path_or_bytes: Path | str | bytes, filename: str | None) -> tuple[bytes, str]:
    """Return a deck file's bytes and the name its messages use; refuse huge files unread."""
    if isinstance(path_or_bytes, bytes):
        source = filename or ("deck.toml" if b"[[cards]]" in path_or_bytes[:65_536] else "deck.csv")
        return path_or_bytes, source
    text = str(path_or_bytes).strip().strip("'\"")
    if not text:
        raise ValueError("Type the path of a .csv or .toml deck file.")
    path = Path(text).expanduser()
    if path.suffix.casefold() not in (".csv", ".toml"):
        raise RecordError(f"{path.name}: use a .csv or .toml file.", source=path.name)
    try:
        if path.is_dir():
            raise ValueError(f"{path} is a folder, not a deck file.")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RecordError(
                f"{path.name} is too large ({size / 1_000_000:.1f} MB; "
                f"the limit is {MAX_BYTES / 1_000_000:g} MB).",
                source=path.name,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"No file at {path}.") from None
    except OSError as error:
        raise ValueError(f"{path} cannot be read: {error.strerror}.") from None
    return data, path.name
