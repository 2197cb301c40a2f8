"""The join QR code, large, for a projector that mirrors the console: phones scan it to join."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

QR_STYLE = "#000000 on #ffffff"
"""Dark modules on a light ground, whatever the console's theme: cameras read it that way."""

QUIET_ZONE = 2
"""Light modules around the code, which scanners need to find it."""


def qr_text(data: str) -> Text:
    """Return data as a QR code drawn with half blocks: two rows of modules per line."""
    # Imported here: segno is needed only once a room server runs and the code is shown.
    import segno

    matrix = [list(row) for row in segno.make(data, error="m", boost_error=False).matrix]
    width = len(matrix[0]) + 2 * QUIET_ZONE
    light = [0] * width
    rows = [light] * QUIET_ZONE
    rows += [[0] * QUIET_ZONE + [int(bool(m)) for m in row] + [0] * QUIET_ZONE for row in matrix]
    rows += [light] * QUIET_ZONE
    if len(rows) % 2:
        rows.append(light)
    blocks = {(0, 0): " ", (1, 0): "▀", (0, 1): "▄", (1, 1): "█"}
    lines = [
        "".join(blocks[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(rows[::2], rows[1::2], strict=True)
    ]
    return Text("\n".join(lines), style=QR_STYLE, no_wrap=True)


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
