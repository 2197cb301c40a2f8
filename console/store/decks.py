"""Decks and their cards: importing a deck file, adding and editing cards, the card list."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from console.domain.records import DECK_CARD_FIELDS, MAX_BYTES, RecordError, parse_records
from console.domain.text import clean_user_text
from console.store.core import Row, StoreError, WorkshopStore
from console.store.export import Reader

CATEGORIES = ("Attitude", "Behavior", "Culture")

MAX_CODE_CHARS = 20
MAX_TITLE_CHARS = 300
MAX_DESCRIPTION_CHARS = 2_000
MAX_DECK_NAME_CHARS = 120

_CATEGORY_SPEC = next(spec for spec in DECK_CARD_FIELDS if spec.name == "category")


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
class Deck:
    """A live deck and how many live cards it holds."""

    id: str
    name: str
    description: str
    source: str
    cards: int


@dataclass(frozen=True)
class ListedCard:
    """A card as the card list shows it: its deck's name and how many pain points it explains.

    A deleted card is listed too (with deleted set), so that a list showing it can drop it.
    """

    card: Card
    deck_name: str
    links: int
    deleted: bool

    @property
    def id(self) -> str:
        """Return the card's id."""
        return self.card.id


# Decks and cards ----------------------------------------------------------------------------


def live_decks(store: Reader) -> list[Deck]:
    """Return the live decks with how many live cards each holds, oldest first."""
    rows = store.query(
        "SELECT d.id, d.name, d.description, d.source, "
        "(SELECT count(*) FROM cards c WHERE c.deck_id = d.id AND c.deleted_at IS NULL) AS cards "
        "FROM decks d WHERE d.deleted_at IS NULL ORDER BY d.rowid"
    )
    return [
        Deck(
            id=row["id"],
            name=row["name"],
            description=row["description"] or "",
            source=row["source"] or "",
            cards=int(row["cards"]),
        )
        for row in rows
    ]


NUMBERED_CARDS = (
    "SELECT c.id, c.deck_id, c.code, c.title, c.category, c.description, c.position, "
    "c.created_at, c.deleted_at, c.rev, "
    "row_number() OVER (PARTITION BY c.deck_id ORDER BY c.position, c.rowid) AS number "
    "FROM cards c"
)
"""Cards numbered 1, 2, ... in deck order; deleted cards keep their number so none shift."""


def card_of(row: Row) -> Card:
    """Build a card from a row of NUMBERED_CARDS."""
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


def listed_cards(store: WorkshopStore, since_rev: int = 0) -> list[ListedCard]:
    """Return cards written or re-linked after since_rev (deleted ones included, to remove them)."""
    # Only the decks holding a changed card are numbered: a pain point typed reads its links,
    # not every card.
    rows = store.query(
        "WITH changed(id) AS (SELECT id FROM cards WHERE rev > :rev "
        "UNION SELECT card_id FROM card_pain_points WHERE rev > :rev "
        "UNION SELECT l.card_id FROM pain_points p "
        "JOIN card_pain_points l ON l.pain_point_id = p.id WHERE p.rev > :rev), "
        f"numbered AS ({NUMBERED_CARDS} WHERE c.deck_id IN "
        "(SELECT deck_id FROM cards WHERE id IN (SELECT id FROM changed))) "
        "SELECT n.id, n.deck_id, n.number, n.code, n.title, n.category, n.description, "
        "n.position, n.created_at, n.deleted_at, d.name AS deck, "
        "(SELECT count(*) FROM card_pain_points l JOIN pain_points p ON p.id = l.pain_point_id "
        "WHERE l.card_id = n.id AND l.deleted_at IS NULL AND p.deleted_at IS NULL) AS links "
        "FROM numbered n JOIN decks d ON d.id = n.deck_id "
        "WHERE n.id IN (SELECT id FROM changed) "
        "ORDER BY d.rowid, n.number",
        {"rev": since_rev},
    )
    return [
        ListedCard(
            card=card_of(row),
            deck_name=row["deck"],
            links=int(row["links"]),
            deleted=row["deleted_at"] is not None,
        )
        for row in rows
    ]


def deck_cards(store: WorkshopStore, deck_id: str) -> list[Card]:
    """Return a deck's live cards in order, numbered."""
    rows = store.query(
        f"WITH numbered AS ({NUMBERED_CARDS} WHERE c.deck_id = ?) "
        "SELECT * FROM numbered WHERE deleted_at IS NULL ORDER BY number",
        [deck_id],
    )
    return [card_of(row) for row in rows]


def get_card(store: WorkshopStore, card_id: str) -> Card:
    """Return one live card, or raise StoreError if it is gone."""
    rows = store.query(
        f"WITH numbered AS ({NUMBERED_CARDS} WHERE c.deck_id = "
        "(SELECT deck_id FROM cards WHERE id = :id)) "
        "SELECT * FROM numbered WHERE id = :id AND deleted_at IS NULL",
        {"id": card_id},
    )
    if not rows:
        raise StoreError("That card no longer exists.")
    return card_of(rows[0])


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


# Helpers ------------------------------------------------------------------------------------


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
