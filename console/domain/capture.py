"""Inline capture syntax: #theme, @person, kind prefixes, quote speakers and !due dates."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from console.domain.text import TextError, clean_user_text

MAX_RELATIVE_DAYS = 3_660
"""Furthest `!+N` due date accepted, about ten years ahead."""

# A token starts at the beginning of the text or after whitespace, so `a@b.com` and `C#`
# stay text. Its value is "double quoted", “curly quoted”, or runs to the next space.
_TOKEN = re.compile(
    r"""(?<!\S)(?P<sigil>[#@!])(?:"(?P<straight>[^"]*)"|“(?P<curly>[^”]*)”|(?P<bare>[^\s"“]+))"""
)
_TRAILING_PUNCTUATION = ".,;:?!)]}'’"

_TAKEAWAY_PREFIX = re.compile(r"^\s*(?P<prefix>[iqdoa?])\s*:\s*", re.IGNORECASE)

# Quote speaker separators: ` -- `, ` — `, ` – ` or ` ~ `; the last one in the text wins.
_SPEAKER_SEPARATOR = re.compile(r"\s(?:--|—|–|~)\s")

_ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
_RELATIVE_DAYS = re.compile(r"^\+(?P<days>\d{1,5})d?$", re.IGNORECASE)

_WEEKDAYS: dict[str, int] = {}
for _index, _name in enumerate(calendar.day_name):
    _WEEKDAYS[_name.lower()] = _index
    _WEEKDAYS[_name.lower()[:3]] = _index
_WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})


class TakeawayKind(StrEnum):
    """What a note-taker captured: an insight, quote, decision, open question or action."""

    INSIGHT = "insight"
    QUOTE = "quote"
    DECISION = "decision"
    QUESTION = "question"
    ACTION = "action"


_PREFIX_KINDS: dict[str, TakeawayKind] = {
    "i": TakeawayKind.INSIGHT,
    "q": TakeawayKind.QUOTE,
    "d": TakeawayKind.DECISION,
    "o": TakeawayKind.QUESTION,
    "?": TakeawayKind.QUESTION,
    "a": TakeawayKind.ACTION,
}


@dataclass(frozen=True)
class PainPointDraft:
    """A pain point as typed: its text, optional theme and raiser (a name or delegate number)."""

    text: str
    theme: str | None
    raised_by: str | None


@dataclass(frozen=True)
class TakeawayDraft:
    """A takeaway as typed: kind, text, speaker, action owner and due date, and raw tags."""

    kind: TakeawayKind
    text: str
    speaker: str | None
    owner: str | None
    due: date | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class _Token:
    """One inline token found in typed text: its sigil and its cleaned value."""

    sigil: str
    value: str
    quoted: bool


def _token_value(match: re.Match[str]) -> tuple[str, bool] | None:
    """Return a token match's cleaned value and whether it was quoted, or None if not a token."""
    quoted_value = match.group("straight")
    if quoted_value is None:
        quoted_value = match.group("curly")
    if quoted_value is not None:
        value = " ".join(quoted_value.split())
        return (value, True) if value else None
    bare = match.group("bare").rstrip(_TRAILING_PUNCTUATION)
    if match.group("sigil") != "!":
        bare = " ".join(bare.replace("_", " ").split())
    if not bare:
        return None
    if match.group("sigil") == "#" and bare.isdigit():
        return None  # "#1 priority" means number one, not a theme called "1".
    return bare, False


def _extract_tokens(text: str, accept: Callable[[_Token], bool]) -> tuple[str, list[_Token]]:
    """Remove the accepted tokens from the text and return the remaining text and the tokens."""
    found: list[_Token] = []

    def replace(match: re.Match[str]) -> str:
        """Return a space for an accepted token, or the original text for anything else."""
        parsed = _token_value(match)
        if parsed is None:
            return match.group(0)
        token = _Token(sigil=match.group("sigil"), value=parsed[0], quoted=parsed[1])
        if not accept(token):
            return match.group(0)
        found.append(token)
        return " "

    remaining = _TOKEN.sub(replace, text)
    return " ".join(remaining.split()), found


def _last_value(tokens: list[_Token], sigil: str) -> str | None:
    """Return the value of the last token with the given sigil, or None."""
    values = [token.value for token in tokens if token.sigil == sigil]
    return values[-1] if values else None


def parse_pain_point(raw: str) -> PainPointDraft:
    """Parse typed pain-point text with optional `#theme` and `@person` tokens (last one wins)."""
    text = clean_user_text(raw)
    remaining, tokens = _extract_tokens(text, lambda token: token.sigil in "#@")
    return PainPointDraft(
        text=clean_user_text(remaining),
        theme=_last_value(tokens, "#"),
        raised_by=_last_value(tokens, "@"),
    )


def parse_due_date(spec: str, *, today: date) -> date | None:
    """Return the date a due spec means (ISO, today, tomorrow, +N, weekday), or None if not one."""
    lowered = spec.strip().lower()
    if lowered == "today":
        return today
    if lowered in ("tomorrow", "tmrw", "tmr"):
        return today + timedelta(days=1)
    relative = _RELATIVE_DAYS.match(lowered)
    if relative:
        days = int(relative.group("days"))
        if days > MAX_RELATIVE_DAYS:
            raise TextError(
                f"Due date is too far ahead (+{days} days; the limit is +{MAX_RELATIVE_DAYS})."
            )
        return today + timedelta(days=days)
    if lowered in _WEEKDAYS:
        ahead = (_WEEKDAYS[lowered] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    iso = _ISO_DATE.match(lowered)
    if iso:
        try:
            return date(int(iso.group("year")), int(iso.group("month")), int(iso.group("day")))
        except ValueError:
            raise TextError(f"No such date: {spec}.") from None
    return None


def due_label(due: date, *, today: date, done: bool = False) -> str:
    """Return a due date as the facilitator reads it: "31 Dec", with the year when it is not
    this year ("31 Dec 2018"), and "overdue" once it has passed (unless the action is done)."""
    shown = f"{due.day} {due:%b}" if due.year == today.year else f"{due.day} {due:%b} {due.year}"
    return shown if done or due >= today else f"{shown} · overdue"


def _split_speaker(text: str) -> tuple[str, str | None]:
    """Split `quote -- speaker` at the last separator; return the quote and speaker (or None)."""
    separators = list(_SPEAKER_SEPARATOR.finditer(text))
    if not separators:
        return text, None
    last = separators[-1]
    quote, speaker = text[: last.start()].strip(), text[last.end() :].strip()
    if not quote or not speaker:
        return text, None
    return quote, speaker


def _unquote(text: str) -> str:
    """Remove one pair of surrounding straight or curly double quotes."""
    stripped = text.strip()
    for opening, closing in (('"', '"'), ("“", "”"), ("„", "“")):
        if len(stripped) >= 2 and stripped.startswith(opening) and stripped.endswith(closing):
            return stripped[len(opening) : -len(closing)].strip()
    return stripped


def parse_takeaway(
    raw: str,
    *,
    default_kind: TakeawayKind = TakeawayKind.INSIGHT,
    last_speaker: str | None = None,
    today: date,
) -> TakeawayDraft:
    """Parse a typed takeaway: kind prefix, quote speaker, action `@owner !due`, and `#tags`."""
    text = clean_user_text(raw)
    kind = default_kind
    prefix = _TAKEAWAY_PREFIX.match(text)
    if prefix:
        kind = _PREFIX_KINDS[prefix.group("prefix").lower()]
        text = text[prefix.end() :]

    due: date | None = None

    def accept(token: _Token) -> bool:
        """Accept # and @ tokens, and ! tokens that are due dates of an action."""
        nonlocal due
        if token.sigil != "!":
            return True
        if kind is not TakeawayKind.ACTION or token.quoted:
            return False
        parsed = parse_due_date(token.value, today=today)
        if parsed is None:
            return False  # "!urgent" stays text.
        due = parsed
        return True

    remaining, tokens = _extract_tokens(text, accept)
    tags = tuple(dict.fromkeys(token.value for token in tokens if token.sigil == "#"))
    person = _last_value(tokens, "@")

    speaker: str | None = None
    owner: str | None = None
    if kind is TakeawayKind.ACTION:
        owner = person
    else:
        speaker = person
    if kind is TakeawayKind.QUOTE:
        quote, separated_speaker = _split_speaker(remaining)
        remaining = _unquote(quote)
        speaker = separated_speaker or speaker or last_speaker
        if speaker is not None:
            speaker = clean_user_text(speaker, field="Speaker")

    return TakeawayDraft(
        kind=kind,
        text=clean_user_text(remaining),
        speaker=speaker,
        owner=owner,
        due=due,
        tags=tags,
    )
