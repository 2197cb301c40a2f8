"""The room's rules: what phones may do now, room codes, place tokens and delegate names."""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum
from urllib.parse import urlsplit

from console.domain.text import clean_user_text

CODE_DIGITS = 4
"""A room code is this many digits: short to type on a phone, and slowed down when guessed."""

TOKEN_BYTES = 24
"""Random bytes in a place token: the phone's cookie, never stored in the file (its hash is)."""

MAX_NAME_CHARS = 40
"""The longest name a delegate may give when joining."""

MAX_PAIN_POINT_CHARS = 280
"""The longest pain point a phone may send: a sentence, not an essay."""


class RoomActivity(StrEnum):
    """What the phones in the room may do now; the facilitator chooses it in the console."""

    NONE = "none"
    PAIN_POINTS = "pain_points"
    DOTS = "dots"
    CARDS = "cards"

    @property
    def label(self) -> str:
        """Return how the console and the phones name the activity."""
        return _LABELS[self]


_LABELS = {
    RoomActivity.NONE: "follow the session",
    RoomActivity.PAIN_POINTS: "add pain points",
    RoomActivity.DOTS: "dot vote",
    RoomActivity.CARDS: "pick cards",
}


def new_room_code() -> str:
    """Return a fresh random room code of CODE_DIGITS digits."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalise_code(typed: str) -> str:
    """Return a typed room code without the spaces and dashes a phone keyboard adds."""
    return "".join(char for char in typed if char not in " -\u00a0\t")[:16]


def codes_match(typed: str, code: str) -> bool:
    """Tell whether a typed room code is the room's code, in constant time."""
    return bool(code) and secrets.compare_digest(normalise_code(typed).encode(), code.encode())


def new_place_token() -> str:
    """Return a fresh random token that holds a delegate's place (kept in the phone's cookie)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """Return the digest under which a place token is stored, so the file never holds it."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def clean_delegate_name(raw: str) -> str:
    """Return a delegate's optional name as one literal line ('' when blank); raise TextError."""
    if not raw.strip():
        return ""
    return clean_user_text(raw, max_chars=MAX_NAME_CHARS, field="Name")


def clean_room_pain_point(raw: str) -> str:
    """Return a pain point sent from a phone as one literal line, or raise TextError."""
    return clean_user_text(raw, max_chars=MAX_PAIN_POINT_CHARS, field="Pain point")


def join_address(server_url: str, code: str) -> str:
    """Return the address a phone opens to join: the server's origin, /join and the room code.

    Only the origin of the recorded address counts: the code can change while the server runs.
    """
    parts = urlsplit(server_url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else server_url.rstrip("/")
    return f"{origin}/join?code={code}"
