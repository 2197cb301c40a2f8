"""Small dialogs of the inventory pane: a text prompt, the theme chooser, a new voting round."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from console.domain.ranking import MOST_SHOWN
from console.domain.text import MAX_TEXT_CHARS
from console.domain.voting import VotingMethod
from console.store.inventory import Theme
from console.ui.common.choices import Choice, ChoiceSet
from console.ui.common.form_modal import FormModal
from console.ui.common.text import literal

NO_THEME = "\x00none"
NEW_THEME = "\x00new"


class PromptModal(FormModal[bool]):
    """Ask for one line of text and save it; dismisses True once saved, None on Escape."""

    def __init__(
        self,
        title: str,
        value: str,
        save: Callable[[str], object],
        *,
        hint: str = "Enter saves, Escape cancels.",
        details: Sequence[str] = (),
        max_length: int = MAX_TEXT_CHARS,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.on_save = save
        self.hint = hint
        self.details = list(details)
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(id="inventory-prompt", classes="dialog"):
            yield Static(literal(self.title_text), classes="dialog-title")
            yield Input(self.value, max_length=self.max_length, id="prompt-input")
            for line in self.details:
                yield Static(literal(line, width=84), classes="inventory-variant")
            yield Static(self.hint, classes="dialog-hint")

    def save(self) -> bool:
        """Save the typed line."""
        self.on_save(self.query_one("#prompt-input", Input).value)
        return True


@dataclass(frozen=True)
class ThemeChoice:
    """What the theme chooser returned: a theme id, a new theme's name, or no theme."""

    theme_id: str | None
    new_name: str | None = None


class ThemeChooserModal(ModalScreen[ThemeChoice | None]):
    """Type to search the themes; Enter picks the highlighted one or creates the typed one."""

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "Cancel"),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
    ]

    def __init__(
        self, title: str, themes: Sequence[Theme], *, allow_none: bool, allow_new: bool
    ) -> None:
        super().__init__()
        self.title_text = title
        self.themes = list(themes)
        self.allow_none = allow_none
        self.allow_new = allow_new

    def compose(self) -> ComposeResult:
        with Vertical(id="theme-chooser", classes="dialog"):
            yield Static(literal(self.title_text), classes="dialog-title")
            yield Input(placeholder="Type to search or name a new theme", id="theme-search")
            yield OptionList(id="theme-options")
            yield Static("Up/Down choose, Enter picks, Escape cancels.", classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.notify("No theme matches: type a name for a new theme.", severity="warning")
            return
        self._pick(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def action_move(self, step: int) -> None:
        """Move the highlight through the matching themes."""
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)

    def _pick(self, option_id: str | None) -> None:
        """Dismiss with the chosen option."""
        if option_id == NO_THEME:
            self.dismiss(ThemeChoice(None))
        elif option_id == NEW_THEME:
            self.dismiss(ThemeChoice(None, self.query_one(Input).value.strip()))
        elif option_id is not None:
            self.dismiss(ThemeChoice(option_id))

    def _fill(self, typed: str) -> None:
        """Show the themes whose name contains the typed text."""
        wanted = typed.strip().casefold()
        options: list[Option] = []
        exact = False
        for theme in self.themes:
            if wanted in theme.name.casefold():
                options.append(Option(literal(theme.name, width=60), id=theme.id))
                exact = exact or theme.name.casefold() == wanted
        if self.allow_new and wanted and not exact:
            label = literal("New theme: ", style="italic")
            label.append_text(literal(typed.strip(), width=50))
            options.append(Option(label, id=NEW_THEME))
        if self.allow_none and not wanted:
            options.append(Option(literal("(no theme)", style="italic"), id=NO_THEME))
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        if options:
            option_list.highlighted = 0


@dataclass(frozen=True)
class RoundSettings:
    """What the facilitator chose for a new voting round."""

    method: VotingMethod
    title: str
    budget: int | None
    cap_per_item: int | None


class InventoryRoundModal(FormModal[bool]):
    """Choose how the next round scores pain points; dismisses True once the round is open."""

    BINDINGS: ClassVar = FormModal.ENTER_SAVES

    def __init__(
        self, budget: int, cap_per_item: int, save: Callable[[RoundSettings], object]
    ) -> None:
        super().__init__()
        self.budget = budget
        self.cap_per_item = cap_per_item
        self.on_save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="round-dialog", classes="dialog"):
            yield Static("New voting round", classes="dialog-title")
            yield Label("Method (arrows choose)")
            with ChoiceSet(id="round-method"):
                yield Choice("Dot vote (ballots per delegate)", value=True, id="method-dot")
                yield Choice("Hand count (+ and - per pain point)", id="method-hand")
            yield Label("Title (optional)")
            yield Input(id="round-title", max_length=120)
            yield Label("Dots per delegate (1–12)")
            yield Input(str(self.budget), id="round-budget", max_length=3)
            yield Label("At most on one pain point (not above the dots)")
            yield Input(str(self.cap_per_item), id="round-cap", max_length=3)
            yield Static(
                "Enter or Ctrl+S opens the round (it becomes the current one); Escape cancels.",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        # The method comes first: it decides what the other fields mean.
        self.query_one(ChoiceSet).focus()

    def save(self) -> bool:
        """Open the round."""
        method = (
            VotingMethod.HAND_COUNT
            if self.query_one("#method-hand", Choice).value
            else VotingMethod.DOT
        )
        settings = RoundSettings(
            method=method,
            title=self.query_one("#round-title", Input).value,
            budget=_whole(self.query_one("#round-budget", Input).value, "Dots per delegate"),
            cap_per_item=_whole(self.query_one("#round-cap", Input).value, "The cap per item"),
        )
        self.on_save(settings)
        return True


def _whole(text: str, label: str) -> int | None:
    """Read a typed whole number; blank means the default; anything else is kept as -1."""
    cleaned = text.strip()
    if not cleaned:
        return None
    if cleaned.lstrip("-").isdigit() and len(cleaned) < 6:
        return int(cleaned)
    return -1


@dataclass(frozen=True)
class ProjectorChoice:
    """What to put on the projector: items or themes, and how many."""

    show: str
    top: int


class InventoryProjectorModal(ModalScreen[ProjectorChoice | None]):
    """Choose the top N pain points or themes for the projector."""

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+t", "choose('themes')", "Themes"),
    ]

    MAX_TOP = MOST_SHOWN

    def __init__(self, top: int) -> None:
        super().__init__()
        self.top = top

    def compose(self) -> ComposeResult:
        with Vertical(id="projector-dialog", classes="dialog"):
            yield Static("Put the ranking on the projector", classes="dialog-title")
            yield Label(f"How many (1–{self.MAX_TOP})")
            yield Input(str(self.top), id="projector-top", max_length=2)
            with Horizontal(classes="buttons"):
                yield Button("Top pain points (Enter)", variant="primary", id="projector-items")
                yield Button("Top themes (Ctrl+T)", id="projector-themes")
            yield Static(
                "Scores stay hidden on the projector until you reveal them (R).",
                classes="dialog-hint",
            )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_choose("items")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose("themes" if event.button.id == "projector-themes" else "items")

    def action_choose(self, show: str) -> None:
        """Put the chosen ranking on the projector."""
        text = self.query_one(Input).value.strip()
        if not text.isdigit() or not 1 <= int(text) <= self.MAX_TOP:
            self.notify(f"Type how many to show, 1 to {self.MAX_TOP}.", severity="error")
            return
        self.dismiss(ProjectorChoice(show, int(text)))

    def action_cancel(self) -> None:
        """Close without changing the projector."""
        self.dismiss(None)
