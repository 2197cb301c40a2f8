"""The join QR code, large, for a projector that mirrors the console: phones scan it to join."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from console.ui.common.qr import qr_text


class JoinQrModal(ModalScreen[None]):
    """Shows the join QR code, the address and the room code; any of Escape, Enter, q closes."""

    BINDINGS: ClassVar = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, join_url: str, code: str) -> None:
        super().__init__()
        self.join_url = join_url
        self.code = code

    def compose(self) -> ComposeResult:
        with Vertical(id="join-qr-dialog", classes="dialog"):
            yield Static("Join from your phone", classes="dialog-title")
            yield Static(qr_text(self.join_url), id="join-qr-code")
            yield Static(Text(self.join_url, style="bold"), id="join-qr-url")
            code = Text("Room code ")
            code.append(self.code, style="bold")
            yield Static(code, id="join-qr-room-code")
            yield Static("Escape closes", classes="dialog-hint")

    def action_close(self) -> None:
        """Close the code."""
        self.dismiss(None)
