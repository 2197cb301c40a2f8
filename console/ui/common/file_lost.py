"""A lost workshop file: the banner that says so and the dialog that writes the workshop back."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from console.store.core import FileLoss, WorkshopStore
from console.store.recovery import shown_path, suggested_path, write_back
from console.ui.common.form_modal import FormModal
from console.ui.common.text import literal

WRITE_BACK_KEY = "F12"

LOSSES: dict[FileLoss, str] = {
    "gone": "The workshop file was deleted or moved",
    "replaced": "The workshop file was replaced by another file (left as it is)",
    "unreachable": "The workshop file cannot be reached any more",
}


def banner_text(loss: FileLoss, path: Path) -> str:
    """Say what happened to the file and how to write the workshop back."""
    where = (
        "to another path"
        if loss == "replaced"
        else f"back to {shown_path(path)} (or choose another path)"
    )
    return (
        f"{LOSSES[loss]}: nothing is saved to it any more. "
        f"Press {WRITE_BACK_KEY} to write the workshop {where}."
    )


class FileLostBanner(Static):
    """A coloured line under the header while the workshop file is lost."""

    DEFAULT_CSS = """
    FileLostBanner {
        height: auto;
        padding: 0 1;
        background: $error;
        color: $foreground;
        text-style: bold;
    }
    """

    def __init__(self, loss: FileLoss, path: Path) -> None:
        super().__init__(literal(banner_text(loss, path)), id="file-lost-banner")


class WriteBackModal(FormModal[Path]):
    """Ask where to write the workshop back, when its own path is taken or unusable."""

    DEFAULT_CSS = """
    #write-back-why {
        margin-bottom: 1;
    }
    """

    HINT: ClassVar[str] = (
        "Enter writes the workshop there and saves to it from now on; Escape cancels "
        "(nothing is saved until it is written). If another console on this workshop already "
        "wrote it back, that file holds this console's rows too: quit this one (Ctrl+Q twice) "
        "and open that file."
    )

    def __init__(self, store: WorkshopStore, why: str) -> None:
        super().__init__()
        self.store = store
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="write-back-dialog", classes="dialog"):
            yield Static("Write the workshop back", classes="dialog-title")
            yield Static(literal(self.why), id="write-back-why")
            yield Label("Write it to")
            yield Input(str(suggested_path(self.store.path)), id="write-back-path")
            yield Static(self.HINT, classes="dialog-hint")

    def save(self) -> Path:
        """Write the workshop to the typed path."""
        typed = self.query_one("#write-back-path", Input).value.strip()
        if not typed:
            raise ValueError("Type the path of the file to write the workshop to.")
        return write_back(self.store, typed)
