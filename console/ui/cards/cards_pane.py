"""The cards pane: decks, ballots typed delegate after delegate, results and published rankings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from console.domain.ranking import MOST_SHOWN
from console.domain.voting import VotingMethod
from console.store.card_links import pain_points_for_card
from console.store.card_rounds import (
    CardRound,
    SavedBallot,
    ballot_codes,
    card_rounds,
    delegate_numbers,
    first_delegate_without_ballot,
    get_round,
    next_delegate,
    previous_delegate,
    round_results,
    save_ballot,
    save_hand_counts,
    set_revealed,
    set_round_open,
)
from console.store.changes import Feature
from console.store.core import StoreError, WorkshopStore
from console.store.decks import CATEGORIES, Card, ImportedDeck, ListedCard, get_card, listed_cards
from console.store.display import set_display
from console.store.rankings import compare_round
from console.ui.cards.cards_modals import (
    CardModal,
    CardRoundModal,
    CardsProjectorModal,
    ImportDeckModal,
    LinksModal,
)
from console.ui.cards.cards_results import comparison_renderable, results_renderable
from console.ui.cards.cards_widgets import BallotInput, SearchInput
from console.ui.common.capture import start_capture
from console.ui.common.keys import HintLine, PaneKey
from console.ui.common.pane import TablePane, cell
from console.ui.common.text import literal

DEFAULT_TOP = 5
MAX_BALLOT_CHARS = 2_000
IMMEDIATE_ROWS = 60
"""A search that leaves this many cards or fewer redraws at once; more waits for a pause."""
REFILTER_DELAY = 0.15

CARD_LIST_FEATURES = frozenset({Feature.CARDS, Feature.CARD_LINKS, Feature.PAIN_POINTS})
"""Features whose changes touch the card list (a card's links count its live pain points)."""

ROUND_FEATURES = frozenset(
    {
        Feature.ROUNDS,
        Feature.CARD_VOTES,
        Feature.CARDS,
        Feature.PARTICIPANTS,
        Feature.RANKINGS,
    }
)
"""Features whose changes touch the round, its results and the comparison."""

NO_CATEGORY = "(none)"


class CardsPane(TablePane[ListedCard]):
    """Cards of the workshop's decks, the voting round on them and its results."""

    TITLE = "Cards"
    WATCHED = CARD_LIST_FEATURES | ROUND_FEATURES
    COLUMNS = (
        ("#", 4),
        ("Code", 8),
        ("Card", 40),
        ("Category", 9),
        ("Deck", 10),
        ("Links", 5),
    )
    ROUNDS = Binding.Group("round")
    TOP = Binding.Group("top N")
    BINDINGS: ClassVar = [
        PaneKey(
            "slash",
            "search",
            "search",
            tooltip="Search the cards (number, code or words); Escape clears it",
        ),
        PaneKey(
            "escape",
            "clear_search",
            "clear search",
            hint=False,
            tooltip="In the card list: clear the search",
        ),
        PaneKey(
            "v",
            "new_round",
            "new round",
            tooltip="New voting round: pick N, recognise (approval) or hand count",
        ),
        PaneKey(
            "b",
            "ballot",
            "ballots",
            tooltip="Ballot line: type one delegate's cards (1 2 10 or ABC01 ABC02 ABC10)",
        ),
        PaneKey("x", "toggle_open", "close", tooltip="Close the round to ballots, or reopen it"),
        PaneKey(
            "R",
            "toggle_reveal",
            "reveal",
            tooltip="Reveal the results on the projector, or hide them again",
        ),
        PaneKey(
            "p",
            "project",
            "projector",
            tooltip="Put this round's top N cards on the projector: how many, then Enter",
        ),
        PaneKey(
            "left_square_bracket",
            "previous_round",
            "previous round",
            tooltip="Work on the previous voting round",
            group=ROUNDS,
        ),
        PaneKey(
            "right_square_bracket",
            "next_round",
            "next round",
            tooltip="Work on the next voting round",
            group=ROUNDS,
        ),
        PaneKey(
            "plus,equals_sign",
            "change_top(1)",
            "more top cards",
            tooltip="Show one more top card",
            group=TOP,
        ),
        PaneKey(
            "minus",
            "change_top(-1)",
            "fewer top cards",
            tooltip="Show one fewer top card",
            group=TOP,
        ),
        PaneKey("n", "new_card", "new card", tooltip="New card in the selected card's deck"),
        PaneKey("e", "edit_card", "edit", tooltip="Edit the selected card (Enter too)"),
        # f filters: g groups (a theme, a tag) in the other panes, so it is not the filter here.
        PaneKey(
            "f", "cycle_category", "category", hint=False, tooltip="Show one category at a time"
        ),
        PaneKey("k", "cycle_deck", "deck", hint=False, tooltip="Show one deck at a time"),
        # I imports: d marks an action done in the takeaways.
        PaneKey(
            "I",
            "import_deck",
            "import deck",
            hint=False,
            tooltip="Import a deck from a .csv or .toml file",
        ),
        PaneKey(
            "l",
            "links",
            "link pain points",
            hint=False,
            tooltip="Link the selected card to the pain points it explains",
        ),
    ]
    MORE_KEYS: ClassVar = (
        ("Enter (ballot)", "Save the ballot and move to the next delegate"),
        ("Up / Down (ballot)", "Previous / next delegate, with their saved ballot to correct"),
        ("7: 1 2 10", "Save (or replace) the ballot of delegate 7"),
        ("-", "As a ballot: the delegate picks nothing (removes a saved ballot)"),
        ("5 12", "In a hand-count round: card 5 got 12 hands (0 clears)"),
        ("Enter (list)", "Edit the selected card, as e does"),
    )

    def __init__(self, store: WorkshopStore, *, id: str | None = None) -> None:
        super().__init__(store, id=id)
        self.cards: dict[str, ListedCard] = {}
        """Every card seen, live or not, in deck order; the table shows those that match."""
        self.round_id: str | None = None
        self.delegate: int | None = None
        self.top = DEFAULT_TOP
        self.category: str | None = None
        self.deck_id: str | None = None
        self.search_terms: tuple[str, ...] = ()
        self._refilter_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, classes="pane-title")
        yield Static(id="cards-status")
        with Horizontal(id="cards-body"):
            with Vertical(id="cards-left"):
                yield SearchInput(
                    placeholder="Search cards: number, code or words  (/)",
                    id="cards-search",
                    max_length=200,
                )
                table: DataTable[Any] = DataTable(
                    cursor_type="row", zebra_stripes=True, id="cards-table"
                )
                for label, width in self.COLUMNS:
                    table.add_column(label, width=width, key=label)
                yield table
                yield Static(id="cards-detail")
            with Vertical(id="cards-right"):
                yield Static(id="cards-ballot-label")
                yield BallotInput(id="cards-ballot", max_length=MAX_BALLOT_CHARS)
                with VerticalScroll(id="cards-results-scroll"):
                    yield Static(id="cards-results")
                    yield Static(id="cards-compare")
        yield HintLine(self.hint())

    def on_mount(self) -> None:
        # TablePane's own on_mount then loads the rows (Textual calls every class's handler).
        if self.being_removed:
            return  # the console closed while this pane was being built: it has no children
        rounds = card_rounds(self.store)
        if rounds:
            self._choose_round(rounds[-1].id)

    # Keeping in step with the file ----------------------------------------------------------

    def fetch(self, since_rev: int) -> list[ListedCard]:
        return listed_cards(self.store, since_rev)

    def cells(self, record: ListedCard) -> Sequence[Text | str]:
        card = record.card
        return (
            str(card.number),
            cell(card.code, 8),
            cell(card.title, 40),
            card.category or "",
            cell(record.deck_name, 10),
            str(record.links) if record.links else "",
        )

    def sync(self, since_rev: int, changed: frozenset[Feature]) -> None:
        """Update the changed card rows in place, then the round, its results and comparison."""
        if since_rev and not (changed & self.WATCHED):
            return
        if not since_rev or changed & CARD_LIST_FEATURES:
            self._sync_cards(since_rev)
        if not since_rev or changed & ROUND_FEATURES:
            self.show_round()

    def _sync_cards(self, since_rev: int) -> None:
        """Add, update or remove only the cards written after since_rev."""
        records = self.fetch(since_rev)
        self.cards.update((record.id, record) for record in records)
        self.update_rows(records, shows=self._matches)
        self._show_detail()

    def _matches(self, record: ListedCard) -> bool:
        """Tell whether a card passes the deck, category and search filters."""
        if self.is_gone(record):
            return False
        card = record.card
        if self.deck_id is not None and card.deck_id != self.deck_id:
            return False
        if self.category is not None and (card.category or NO_CATEGORY) != self.category:
            return False
        if self.search_terms:
            haystack = f"{card.number} {card.code} {card.title} {card.description}"
            folded = haystack.casefold()
            return all(term in folded for term in self.search_terms)
        return True

    def _wanted(self) -> list[str]:
        """Return the ids of the cards that pass the filters, in deck order."""
        return [key for key, record in self.cards.items() if self._matches(record)]

    def refilter(self, wanted: list[str] | None = None) -> None:
        """Show exactly the cards that pass the filters, in deck order."""
        self._refilter_timer = None
        table = self.table
        if wanted is None:
            wanted = self._wanted()
        if [key.value for key in table.rows] == wanted:
            return
        table.clear()
        for key in wanted:
            table.add_row(*self.cells(self.cards[key]), key=key)
        self._show_detail()

    # The round ------------------------------------------------------------------------------

    def current_round(self) -> CardRound | None:
        """Return the round the pane works on, if any is left."""
        if self.round_id is None:
            return None
        try:
            return get_round(self.store, self.round_id)
        except StoreError:
            rounds = card_rounds(self.store)
            self.round_id = rounds[-1].id if rounds else None
            return rounds[-1] if rounds else None

    def show_round(self) -> None:
        """Redraw the round line, the ballot prompt, the results and the comparison."""
        card_round = self.current_round()
        status = self.query_one("#cards-status", Static)
        results_widget = self.query_one("#cards-results", Static)
        compare_widget = self.query_one("#cards-compare", Static)
        if card_round is None:
            status.update(Text("No voting round yet: v opens one.", style="dim"))
            results_widget.update("")
            compare_widget.update("")
            self._show_ballot_prompt(None)
            return
        results = round_results(self.store, card_round.id)
        rounds = card_rounds(self.store)
        index = next((i for i, r in enumerate(rounds, 1) if r.id == card_round.id), 0)
        line = Text()
        line.append(f"Round {index} of {len(rounds)}: ")
        line.append_text(literal(card_round.title, width=40, style="bold"))
        line.append(f" · {card_round.method_label} · ")
        line.append(
            "open" if card_round.is_open else "closed", style="" if card_round.is_open else "bold"
        )
        if card_round.method is VotingMethod.HAND_COUNT:
            line.append(f" · {results.total_points} hands on {len(results.results)} cards")
        else:
            line.append(f" · {results.ballots} ballots")
        if card_round.is_revealed:
            line.append(" · REVEALED on the projector", style="bold")
        else:
            line.append(" · hidden on the projector (R reveals)", style="dim")
        status.update(line)
        results_widget.update(results_renderable(results, self.top, title_width=26, bar_width=10))
        comparisons = compare_round(self.store, card_round.id, self.top, results=results)
        compare_widget.update(comparison_renderable(results, comparisons, self.top))
        self._show_ballot_prompt(card_round)

    def _choose_round(self, round_id: str) -> None:
        """Work on a round: ballots start at the first delegate without one."""
        self.round_id = round_id
        self.delegate = first_delegate_without_ballot(self.store, round_id)
        if self.delegate is None:
            numbers = delegate_numbers(self.store)
            self.delegate = numbers[0] if numbers else None

    def _show_ballot_prompt(self, card_round: CardRound | None) -> None:
        """Say what the ballot line expects now."""
        label = self.query_one("#cards-ballot-label", Static)
        ballot = self.query_one(BallotInput)
        if card_round is None:
            label.update(Text("Ballots: open a voting round first (v).", style="dim"))
            ballot.placeholder = ""
            return
        if not card_round.is_open:
            label.update(Text("This round is closed: x reopens it.", style="bold"))
            ballot.placeholder = ""
            return
        if card_round.method is VotingMethod.HAND_COUNT:
            label.update(Text("Hand count: a card and its count, Enter saves (0 clears)."))
            ballot.placeholder = "e.g. 5 12   or   ABC05 12, 7 3"
            return
        if self.delegate is None:
            label.update(Text("No delegates: add them in the workshop details (w).", style="bold"))
            return
        total = len(delegate_numbers(self.store))
        text = Text()
        text.append(f"Delegate {self.delegate}", style="bold")
        text.append(f" of {total}")
        saved = ballot_codes(self.store, card_round.id, self.delegate)
        if saved:
            text.append(" · saved: ")
            text.append_text(literal(saved, width=40, style="bold"))
            text.append(" (retype to correct)")
        label.update(text)
        ballot.placeholder = (
            f"Delegate {self.delegate}: {card_round.method_label}: card numbers or codes, "
            "Enter saves · ↑↓ other delegate · - none"
        )

    # Handlers -------------------------------------------------------------------------------

    @on(Input.Changed, "#cards-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search_terms = tuple(event.value.casefold().split())
        if self._refilter_timer is not None:
            self._refilter_timer.stop()
            self._refilter_timer = None
        wanted = self._wanted()
        if len(wanted) <= IMMEDIATE_ROWS:
            self.refilter(wanted)
        else:
            # Redrawing hundreds of rows on every key lags: wait until typing pauses.
            self._refilter_timer = self.set_timer(REFILTER_DELAY, self.refilter)

    @on(Input.Submitted, "#cards-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    @on(SearchInput.Leave)
    def _search_left(self) -> None:
        self.table.focus()

    @on(Input.Submitted, "#cards-ballot")
    def _ballot_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        card_round = self.current_round()
        if card_round is None:
            self.notify("Open a voting round first (v).", severity="warning")
            return
        if card_round.method is VotingMethod.HAND_COUNT:
            counted: list[tuple[Card, int]] = []
            if self._attempt(
                lambda: counted.extend(save_hand_counts(self.store, card_round.id, event.value))
            ):
                shown = ", ".join(f"{card.code}: {count}" for card, count in counted)
                self.notify(f"Hands counted: {shown}.")
                event.input.value = ""
            return
        if self.delegate is None:
            self.notify("No delegates: add them in the workshop details (w).", severity="error")
            return
        saved: list[SavedBallot] = []
        delegate = self.delegate
        if not self._attempt(
            lambda: saved.append(save_ballot(self.store, card_round.id, delegate, event.value))
        ):
            return
        (result,) = saved
        event.input.value = ""
        codes = " ".join(result.codes) or "no cards"
        verb = "corrected" if result.replaced else "saved"
        message = f"Delegate {result.number} {verb}: {codes}."
        if card_round.method is VotingMethod.PICK_N and not result.complete and result.codes:
            message += f" Only {len(result.codes)} of {card_round.pick_count} cards."
            self.notify(message, severity="warning")
        else:
            self.notify(message)
        if result.next_number is None:
            self.delegate = result.number
            self.notify("That was the last delegate.", severity="warning")
        else:
            self.delegate = result.next_number
        card_round = self.current_round()
        self._show_ballot_prompt(card_round)

    @on(BallotInput.Step)
    def _step_delegate(self, event: BallotInput.Step) -> None:
        if self.delegate is None:
            return
        step = next_delegate if event.delta > 0 else previous_delegate
        number = step(self.store, self.delegate)
        if number is None:
            return
        self.delegate = number
        card_round = self.current_round()
        if card_round is not None:
            ballot = self.query_one(BallotInput)
            ballot.value = ballot_codes(self.store, card_round.id, number)
            ballot.select_all()  # Typing replaces the saved ballot; End keeps and edits it.
        self._show_ballot_prompt(card_round)

    @on(BallotInput.Leave)
    def _ballot_left(self) -> None:
        self.table.focus()

    @on(DataTable.RowHighlighted, "#cards-table")
    def _row_highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#cards-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_card()

    # Actions --------------------------------------------------------------------------------

    def start_focus(self) -> Widget:
        return self._ballot_line() or self.table

    def on_key(self, event: events.Key) -> None:
        if not isinstance(self.app.focused, Input):
            self.type_key(event)

    def type_key(self, event: events.Key) -> bool:
        # A ballot typed on the list (7: 1 2 10) starts the ballot line while a round is open.
        ballot = self._ballot_line()
        return ballot is not None and start_capture(ballot, event)

    def can_return_to(self, line: Input) -> bool:
        # The ballot line takes ballots only while the round shown is open to them.
        return isinstance(line, BallotInput) and self._ballot_line() is not None

    def _ballot_line(self) -> BallotInput | None:
        """Return the ballot line while the round shown is open to ballots, else None."""
        card_round = self.current_round()
        if card_round is not None and card_round.is_open:
            return self.query_one(BallotInput)
        return None

    def action_search(self) -> None:
        """Type to filter the card list."""
        self.query_one(SearchInput).focus()

    def action_cycle_category(self) -> None:
        """Show every card, then only one category at a time."""
        order: list[str | None] = [None, *CATEGORIES, NO_CATEGORY]
        self.category = order[(order.index(self.category) + 1) % len(order)]
        self.refilter()
        self.notify(f"Showing {self.category or 'every'} card category.")

    def action_cycle_deck(self) -> None:
        """Show every deck, then one deck at a time."""
        decks = list(dict.fromkeys(record.card.deck_id for record in self.cards.values()))
        order: list[str | None] = [None, *decks]
        position = order.index(self.deck_id) if self.deck_id in order else 0
        self.deck_id = order[(position + 1) % len(order)]
        self.refilter()
        name = next(
            (
                record.deck_name
                for record in self.cards.values()
                if record.card.deck_id == self.deck_id
            ),
            None,
        )
        self.notify(f"Showing {name or 'every deck'}.")

    def action_new_card(self) -> None:
        """Add a card to the selected card's deck."""
        deck = self._deck_for_new_card()
        if deck is None:
            self.notify("Import a deck first (I).", severity="warning")
            return
        self.app.push_screen(CardModal(self.store, *deck), self._modal_saved)

    def action_edit_card(self) -> None:
        """Edit the selected card."""
        card = self._selected_card()
        if card is not None:
            deck = self.cards[card.id].deck_name
            self.app.push_screen(CardModal(self.store, card.deck_id, deck, card), self._modal_saved)

    def action_import_deck(self) -> None:
        """Import a deck from a CSV or TOML file."""
        self.app.push_screen(ImportDeckModal(self.store), self._deck_imported)

    def action_links(self) -> None:
        """Link the selected card to the pain points it explains."""
        card = self._selected_card()
        if card is not None:
            self.app.push_screen(LinksModal(self.store, card), self._modal_saved)

    def action_new_round(self) -> None:
        """Open a new voting round on a deck."""
        card = self._selected_card()
        current = self.current_round()
        deck_id = card.deck_id if card else (current.deck_id if current else None)
        self.app.push_screen(CardRoundModal(self.store, deck_id), self._round_opened)

    def action_next_round(self) -> None:
        """Work on the next voting round (they cycle)."""
        self._step_round(1)

    def action_previous_round(self) -> None:
        """Work on the previous voting round (they cycle)."""
        self._step_round(-1)

    def _step_round(self, step: int) -> None:
        """Move to another voting round."""
        rounds = card_rounds(self.store)
        if not rounds:
            self.notify("No voting round yet: v opens one.", severity="warning")
            return
        ids = [r.id for r in rounds]
        position = ids.index(self.round_id) if self.round_id in ids else -1
        self._choose_round(ids[(position + step) % len(ids)])
        self.show_round()

    def action_ballot(self) -> None:
        """Type ballots, delegate after delegate."""
        self.query_one(BallotInput).focus()

    def action_toggle_open(self) -> None:
        """Close the round to ballots, or reopen it."""
        card_round = self.current_round()
        if card_round is None:
            return
        if self._attempt(set_round_open, self.store, card_round.id, not card_round.is_open):
            self.notify("Round reopened." if not card_round.is_open else "Round closed.")

    def action_toggle_reveal(self) -> None:
        """Reveal the results on the projector, or hide them again."""
        card_round = self.current_round()
        if card_round is None:
            return
        if self._attempt(set_revealed, self.store, card_round.id, not card_round.is_revealed):
            shown = "hidden on" if card_round.is_revealed else "revealed on"
            self.notify(f"Results {shown} the projector.")

    def action_project(self) -> None:
        """Choose how many of this round's top cards the projector shows (hidden until revealed)."""
        card_round = self.current_round()
        if card_round is None:
            self.notify("Open a voting round first (v).", severity="warning")
            return

        def chosen(top: int | None) -> None:
            if top is None:
                return
            self.top = top
            self.show_round()
            payload = {"round_id": card_round.id, "top": top}
            if self._attempt(set_display, self.store, "cards", payload):
                hidden = "" if card_round.is_revealed else " (hidden until R reveals it)"
                self.notify(f"The projector shows this round's top {top}{hidden}.")

        modal = CardsProjectorModal(card_round.title, self.top, card_round.is_revealed)
        self.app.push_screen(modal, chosen)

    def action_clear_search(self) -> None:
        """Clear the card search: the whole list again."""
        search = self.query_one(SearchInput)
        if search.value:
            search.value = ""
            self.table.focus()

    def action_change_top(self, delta: int) -> None:
        """Show more or fewer top cards."""
        self.top = max(1, min(MOST_SHOWN, self.top + delta))
        self.show_round()

    # Helpers --------------------------------------------------------------------------------

    def _selected_card(self) -> Card | None:
        """Return the card under the cursor, if any."""
        card_id = self.selected_id()
        if card_id is None:
            self.notify("Choose a card first.", severity="warning")
            return None
        try:
            return get_card(self.store, card_id)
        except StoreError as error:
            self.notify(str(error), severity="error")
            return None

    def _deck_for_new_card(self) -> tuple[str, str] | None:
        """Return the deck (id, name) a new card goes to: the filtered or selected card's one."""
        selected = self.cards.get(self.selected_id() or "")
        key = self.deck_id or (selected.card.deck_id if selected else None)
        for record in self.cards.values():
            if key is None or record.card.deck_id == key:
                return record.card.deck_id, record.deck_name
        return None

    def _show_detail(self) -> None:
        """Show the selected card's description and the pain points it explains."""
        detail = self.query_one("#cards-detail", Static)
        card_id = self.selected_id()
        record = self.cards.get(card_id) if card_id else None
        if record is None:
            detail.update("")
            return
        card = record.card
        text = Text()
        text.append_text(literal(f"{card.code} {card.title}", width=100, style="bold"))
        if card.description:
            text.append("\n")
            text.append_text(literal(card.description, width=200))
        links = pain_points_for_card(self.store, card.id)
        text.append("\nExplains: " if links else "\nNo linked pain points (l links them).")
        if links:
            shown = "; ".join(f"{link.position}. {link.text}" for link in links)
            text.append_text(literal(shown, width=200))
        detail.update(text)

    def _modal_saved(self, saved: bool | None) -> None:
        """Bring the pane up to date after a dialog saved."""
        if saved:
            self.post_message(self.Edited())

    def _deck_imported(self, imported: ImportedDeck | None) -> None:
        """Announce an imported deck and bring the pane up to date."""
        if imported is not None:
            self.notify(f"Imported {imported.cards} cards into {imported.name!r}.")
            self.post_message(self.Edited())

    def _round_opened(self, round_id: str | None) -> None:
        """Work on the round just opened and go to the ballot line."""
        if round_id is None:
            return
        self._choose_round(round_id)
        self.post_message(self.Edited())
        self.show_round()
        self.query_one(BallotInput).focus()
