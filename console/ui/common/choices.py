"""Choices in a dialog that read without colour: (•) for the chosen one, ( ) for the others."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import RadioButton, RadioSet


class Choice(RadioButton):
    """One option of a ChoiceSet: (•) and a bold label when chosen, ( ) when not."""

    DEFAULT_CSS = """
    Choice.-on > .toggle--label {
        text-style: bold;
    }
    """

    @property
    def _button(self) -> Content:
        # The mark itself changes, not only its colour: it reads on a projector or in grey.
        return Content.assemble("(", ("•" if self.value else " ", "bold"), ")")


class ChoiceSet(RadioSet):
    """A dialog's choices: the arrows choose (the mark follows them), Enter opens the dialog's."""

    def action_next_button(self) -> None:
        super().action_next_button()
        if self._pressed_button is not None:
            self.choose_highlighted()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        if self._pressed_button is not None:
            self.choose_highlighted()

    def choose_highlighted(self) -> None:
        """Choose the highlighted option now, so what the dialog reads next is the chosen one."""
        index = self._selected
        if index is None:
            return
        buttons = list(self.query(RadioButton))
        with self.prevent(RadioButton.Changed):
            for position, button in enumerate(buttons):
                button.value = position == index
        self._pressed_button = buttons[index]
