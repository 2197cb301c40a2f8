"""Small dialogs of the cards pane: edit a card, import a deck, open a round, link pain points,
put results on the projector."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.selection_list import Selection

from console.domain.ranking import MOST_SHOWN
from console.store.card_links import pain_point_choices, pain_points_for_card, set_card_links
from console.store.card_rounds import (
    CARD_METHODS,
    MAX_ROUND_TITLE_CHARS,
    METHOD_NAMES,
    create_round,
)
from console.store.core import WorkshopStore
from console.store.decks import (
    MAX_CODE_CHARS,
    MAX_DECK_NAME_CHARS,
    MAX_DESCRIPTION_CHARS,
    MAX_TITLE_CHARS,
    Card,
    ImportedDeck,
    add_card,
    import_deck,
    live_decks,
    update_card,
)
from console.store.workshop import workshop_details
from console.ui.common.choices import Choice, ChoiceSet
from console.ui.common.form_modal import FormModal
from console.ui.common.text import literal


class CardModal(FormModal[bool]):
    """Add a card to a deck or edit one; dismisses True when saved."""

    def __init__(
        self, store: WorkshopStore, deck_id: str, deck_name: str, card: Card | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.deck_id = deck_id
        self.deck_name = deck_name
        self.card = card

    def compose(self) -> ComposeResult:
        card = self.card
        heading = f"Edit card {card.code}" if card else f"New card in {self.deck_name}"
        with Vertical(id="card-dialog", classes="dialog"):
            yield Static(literal(heading), classes="dialog-title")
            yield Label("Code (unique in the deck)")
            yield Input(card.code if card else "", id="card-code", max_length=MAX_CODE_CHARS)
            yield Label("Title")
            yield Input(card.title if card else "", id="card-title", max_length=MAX_TITLE_CHARS)
            yield Label("Category: Attitude, Behavior or Culture (A, B, C), or blank")
            yield Input(card.category or "" if card else "", id="card-category", max_length=20)
            yield Label("Description (optional)")
            yield Input(
                card.description if card else "",
                id="card-description",
                max_length=MAX_DESCRIPTION_CHARS,
            )
            yield Static("Enter or Ctrl+S saves, Escape cancels.", classes="dialog-hint")

    def save(self) -> bool:
        """Save the card."""
        fields = {
            name: self.query_one(f"#card-{name}", Input).value
            for name in ("code", "title", "category", "description")
        }
        if self.card is None:
            add_card(self.store, self.deck_id, **fields)
        else:
            update_card(self.store, self.card.id, **fields)
        return True


class ImportDeckModal(FormModal[ImportedDeck]):
    """Import a deck from a CSV or TOML file given by its path; dismisses with the new deck."""

    def __init__(self, store: WorkshopStore) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        with Vertical(id="import-deck-dialog", classes="dialog"):
            yield Static("Import a deck", classes="dialog-title")
            yield Label(
                "Path of a .csv or .toml file (columns: code, title, category, description)"
            )
            yield Input(id="import-deck-path", max_length=4_000, placeholder="~/decks/my-deck.csv")
            yield Label("Deck name (blank: from the file name)")
            yield Input(id="import-deck-name", max_length=MAX_DECK_NAME_CHARS)
            yield Static(
                "Enter imports every card or none; a bad line is named. Escape cancels.",
                classes="dialog-hint",
            )

    def save(self) -> ImportedDeck:
        """Import the file."""
        path = self.query_one("#import-deck-path", Input).value
        name = self.query_one("#import-deck-name", Input).value
        return import_deck(self.store, path, name or None)


class CardRoundModal(FormModal[str]):
    """Open a voting round on a deck with a chosen method; dismisses with the round's id."""

    BINDINGS: ClassVar = FormModal.ENTER_SAVES

    def __init__(self, store: WorkshopStore, deck_id: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.deck_id = deck_id

    def compose(self) -> ComposeResult:
        decks = live_decks(self.store)
        chosen = self.deck_id if any(deck.id == self.deck_id for deck in decks) else None
        if chosen is None and decks:
            chosen = decks[0].id
        pick_count = workshop_details(self.store).settings.pick_count
        with Vertical(id="card-round-dialog", classes="dialog"):
            yield Static("New voting round on cards", classes="dialog-title")
            yield Label("Method (arrows choose)")
            with ChoiceSet(id="card-round-method"):
                for index, method in enumerate(CARD_METHODS):
                    yield Choice(METHOD_NAMES[method], value=index == 0, id=f"method-{method}")
            yield Label("Cards each delegate picks (pick N)")
            yield Input(str(pick_count), id="round-pick-count", type="integer", max_length=3)
            yield Label("Deck")
            yield Select(
                [(literal(f"{deck.name} ({deck.cards} cards)"), deck.id) for deck in decks],
                value=chosen if chosen is not None else Select.NULL,
                allow_blank=not decks,
                id="round-deck",
            )
            yield Label("Title (blank: from the deck and method)")
            yield Input(id="round-title", max_length=MAX_ROUND_TITLE_CHARS)
            yield Static("Ctrl+S or Enter opens the round, Escape cancels.", classes="dialog-hint")

    def save(self) -> str:
        """Open the round."""
        radio = self.query_one("#card-round-method", ChoiceSet)
        index = radio.pressed_index if radio.pressed_index >= 0 else 0
        deck = self.query_one("#round-deck", Select).value
        count = self.query_one("#round-pick-count", Input).value.strip()
        if not isinstance(deck, str):
            raise ValueError("Import or choose a deck first.")
        if not count.isdigit():
            raise ValueError("Cards to pick must be a whole number, e.g. 3.")
        return create_round(
            self.store,
            deck,
            CARD_METHODS[index],
            self.query_one("#round-title", Input).value,
            pick_count=int(count),
        )


class LinksModal(FormModal[bool]):
    """Choose the pain points a card explains; dismisses True when saved."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        # Enter saves rather than ticking: Space ticks, as in every checklist.
        Binding("enter", "save", "Save", priority=True),
    ]

    def __init__(self, store: WorkshopStore, card: Card) -> None:
        super().__init__()
        self.store = store
        self.card = card

    def compose(self) -> ComposeResult:
        linked = {pain_point.id for pain_point in pain_points_for_card(self.store, self.card.id)}
        choices = pain_point_choices(self.store)
        with Vertical(id="links-dialog", classes="dialog"):
            yield Static(
                literal(f"Pain points that {self.card.code} explains", width=80),
                classes="dialog-title",
            )
            yield Static(literal(self.card.title, width=80))
            yield SelectionList[str](
                *(
                    Selection(
                        literal(f"{choice.position}. {choice.text}", width=80),
                        choice.id,
                        choice.id in linked,
                    )
                    for choice in choices
                ),
                id="links-list",
            )
            hint = "Space ticks a pain point; Enter or Ctrl+S saves, Escape cancels."
            if not choices:
                hint = "No pain points yet: capture them in the Inventory pane (i). Escape closes."
            yield Static(hint, classes="dialog-hint")

    def save(self) -> bool:
        """Save the links."""
        set_card_links(
            self.store, self.card.id, self.query_one("#links-list", SelectionList).selected
        )
        return True


class CardsProjectorModal(ModalScreen[int | None]):
    """Choose how many top cards of the round the projector shows; dismisses with the number."""

    BINDINGS: ClassVar = [Binding("escape", "cancel", "Cancel")]

    MAX_TOP = MOST_SHOWN

    def __init__(self, round_title: str, top: int, revealed: bool) -> None:
        super().__init__()
        self.round_title = round_title
        self.top = top
        self.revealed = revealed

    def compose(self) -> ComposeResult:
        with Vertical(id="cards-projector-dialog", classes="dialog"):
            yield Static("Put the round's results on the projector", classes="dialog-title")
            yield Static(literal(self.round_title, width=70))
            yield Label(f"How many top cards (1–{self.MAX_TOP})")
            yield Input(str(self.top), id="cards-projector-top", max_length=2)
            with Horizontal(classes="buttons"):
                yield Button("Top cards (Enter)", variant="primary", id="cards-projector-top-n")
            hidden = "" if self.revealed else " Results stay hidden until you reveal them (R)."
            yield Static(f"Enter puts them up, Escape cancels.{hidden}", classes="dialog-hint")

    @on(Input.Submitted)
    @on(Button.Pressed)
    def _chosen(self) -> None:
        text = self.query_one(Input).value.strip()
        if not text.isdigit() or not 1 <= int(text) <= self.MAX_TOP:
            self.notify(f"Type how many cards to show, 1 to {self.MAX_TOP}.", severity="error")
            return
        self.dismiss(int(text))

    def action_cancel(self) -> None:
        """Close without changing the projector."""
        self.dismiss(None)
