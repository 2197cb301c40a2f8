"""A QR code drawn in the terminal with half blocks, dark on light whatever the theme."""

from __future__ import annotations

from rich.text import Text

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
