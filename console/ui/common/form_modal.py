"""The small form dialog every pane uses: Enter or Ctrl+S saves, a refusal keeps it open."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input
from textual.widgets._select import SelectOverlay

from console.store.core import StoreError
from console.ui.common.choices import ChoiceSet

ResultT = TypeVar("ResultT")


class FormModal(ModalScreen[ResultT | None], Generic[ResultT]):
    """A dialog that saves through `save()` and dismisses with its result; Escape gives None.

    A refused save (ValueError or StoreError) shows its one-line message and keeps the dialog
    open with everything the facilitator typed.
    """

    BINDINGS: ClassVar = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    ENTER_SAVES: ClassVar = [Binding("enter", "submit", "Save", show=False, priority=True)]
    """Bindings for a dialog where Enter saves from any field (its choices and lists too)."""

    def save(self) -> ResultT:
        """Save the form and return what the dialog dismisses with; raise to refuse."""
        raise NotImplementedError

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Save and close, or say in one line why not."""
        try:
            result = self.save()
        except (ValueError, StoreError) as error:
            self.notify(str(error), severity="error")
            return
        self.dismiss(result)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # An open drop-down list takes its own Enter: it picks the highlighted entry.
        return not (action == "submit" and isinstance(self.focused, SelectOverlay))

    def action_submit(self) -> None:
        """Save from any field: on a list of choices, the highlighted one is chosen first."""
        if isinstance(self.focused, ChoiceSet):
            self.focused.choose_highlighted()
        self.action_save()

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
