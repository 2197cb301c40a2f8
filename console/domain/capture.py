"""Inline capture syntax: #theme, @person, kind prefixes, speakers and !due dates."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from console.domain.text import TextError, clean_user_text, strip_control

MAX_RELATIVE_DAYS = 3_660
"""Furthest `!+N` due date accepted, about ten years ahead."""

# A token starts at the beginning of the text or after whitespace, so `a@b.com` and `C#`
# stay text. Its value is "double quoted", “curly quoted”, or runs to the next space.
_TOKEN = re.compile(
    r"""(?<!\S)(?P<sigil>[#@!])(?:"(?P<straight>[^"]*)"|“(?P<curly>[^”]*)”|(?P<bare>[^\s"“]+))"""
)
_TRAILING_PUNCTUATION = ".,;:?!)]}'’"

# The next word after a #theme, for multi-word theme names typed as they are spelt.
_NEXT_WORD = re.compile(r"\s+(?P<word>\S+)")
MAX_THEME_WORDS = 12
"""Most words after a # that can still be part of a theme's name."""
MIN_WORD_START = 3
"""Fewest letters of a word inside a theme's name that pick that theme (`#cul`: culture)."""

_TAKEAWAY_PREFIX = re.compile(r"^\s*(?P<prefix>[iqdoa?])\s*:\s*", re.IGNORECASE)

# Speaker separators: ` -- ` after any kind; after a quote also ` — `, ` – ` or ` ~ ` (in
# other kinds a dash is too often prose). The last one in the text wins.
_SPEAKER_SEPARATOR = re.compile(r"\s(?:--|—|–|~)\s")
_ANY_KIND_SPEAKER_SEPARATOR = re.compile(r"\s--\s")

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
class ThemeMatch:
    """What a typed #theme means: a known theme, a new one, or several known ones (ambiguous)."""

    typed: str
    """The theme as typed after the # (underscores read as spaces)."""
    name: str
    """The known theme's name as spelt, or the new theme's name."""
    new: bool = False
    candidates: tuple[str, ...] = ()
    """The known themes it could mean, when more than one: nothing is saved until it is one."""

    @property
    def hint(self) -> str:
        """Return the one line shown under the capture line before Enter."""
        if self.candidates:
            return f"→ #{self.typed} could be {_either(self.candidates)}: type more of the name"
        if self.new:
            return f"→ theme: {self.name} (new theme)"
        return f"→ theme: {self.name}"

    @property
    def refusal(self) -> str:
        """Return the one-line message that refuses an ambiguous #theme."""
        return (
            f"Not saved: #{self.typed} could be {_either(self.candidates)}; type more of the "
            'theme\'s name, or #"…" for a new theme.'
        )


@dataclass(frozen=True)
class PainPointDraft:
    """A pain point as typed: its text, optional theme and raiser (a name or delegate number)."""

    text: str
    theme: str | None
    raised_by: str | None
    new_theme: bool = False
    """The theme is none of the known themes: saving creates it."""


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


def _either(names: Sequence[str]) -> str:
    """Return names as "A, B or C", at most four of them."""
    shown = [*names[:4], "…"] if len(names) > 4 else list(names)
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


def _theme_key(name: str) -> str:
    """Return a theme name as compared: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


def _known_theme(value: str, known: dict[str, str]) -> ThemeMatch:
    """Return the theme one typed word (or underscored words) means: exact, prefix, or new.

    A theme whose name starts with what was typed comes first; failing that, one with a word
    that starts with it (a whole word when fewer than MIN_WORD_START letters were typed, so
    `#A` is not every theme with "and" in it). Two or more at the same step are ambiguous.
    """
    key = _theme_key(value)
    if key in known:
        return ThemeMatch(value, known[key])
    word = f" {key}" if len(key) >= MIN_WORD_START else f" {key} "
    for matches in (
        [name for theme, name in known.items() if theme.startswith(key)],
        [name for theme, name in known.items() if word in f" {theme} "],
    ):
        if len(matches) == 1:
            return ThemeMatch(value, matches[0])
        if matches:
            return ThemeMatch(value, value, candidates=tuple(matches))
    return ThemeMatch(value, value, new=True)


def _bare_theme(
    text: str, token: re.Match[str], value: str, known: dict[str, str]
) -> tuple[ThemeMatch, int]:
    """Resolve an unquoted #theme, and return it with where it ends in the text.

    The longest run of words after the # that spells a known theme's name is that theme
    (`#People and culture`); otherwise the # word alone is matched by `_known_theme`.
    """
    typed = token.group("bare").replace("_", " ")
    words: list[tuple[str, int]] = []
    at = token.end()
    while len(words) < MAX_THEME_WORDS:
        word = _NEXT_WORD.match(text, at)
        if word is None or word.group("word")[0] in "#@!":
            break
        at = word.end()
        words.append((word.group("word"), at))
    for count in range(len(words), 0, -1):
        phrase = " ".join([typed, *(word for word, _end in words[:count])])
        key = _theme_key(phrase.rstrip(_TRAILING_PUNCTUATION))
        if key in known:
            return ThemeMatch(phrase.rstrip(_TRAILING_PUNCTUATION), known[key]), words[count - 1][1]
    return _known_theme(value, known), token.end()


def _extract_themes(text: str, themes: Sequence[str]) -> tuple[str, list[ThemeMatch]]:
    """Remove the #theme tokens from the text; return the rest and what each token means.

    A quoted theme (`#"New theme"`) is a known theme of exactly that name, or a new one.
    """
    known: dict[str, str] = {}
    for name in themes:
        known.setdefault(_theme_key(name), name)
    pieces: list[str] = []
    found: list[ThemeMatch] = []
    at = 0
    for token in _TOKEN.finditer(text):
        if token.group("sigil") != "#" or token.start() < at:
            continue
        value = _token_value(token)
        if value is None:
            continue
        if value[1]:
            name = known.get(_theme_key(value[0]))
            match, end = ThemeMatch(value[0], name or value[0], new=name is None), token.end()
        else:
            match, end = _bare_theme(text, token, value[0], known)
        pieces += [text[at : token.start()], " "]
        found.append(match)
        at = end
    pieces.append(text[at:])
    return " ".join("".join(pieces).split()), found


def typed_theme(raw: str, themes: Sequence[str]) -> ThemeMatch | None:
    """Return what the #theme in a line being typed means (an ambiguous one first), or None."""
    if "#" not in raw:
        return None
    _remaining, found = _extract_themes(strip_control(raw), themes)
    ambiguous = [match for match in found if match.candidates]
    return (ambiguous or found or [None])[-1]


def parse_pain_point(raw: str, themes: Sequence[str] = ()) -> PainPointDraft:
    """Parse typed pain-point text with optional `#theme` and `@person` tokens (last one wins).

    A `#theme` is matched against the known themes (see `_bare_theme`); an ambiguous one is
    refused with a TextError that names the themes it could mean.
    """
    text = clean_user_text(raw)
    remaining, people = _extract_tokens(text, lambda token: token.sigil == "@")
    remaining, found = _extract_themes(remaining, themes)
    for match in found:
        if match.candidates:
            raise TextError(match.refusal)
    theme = found[-1] if found else None
    return PainPointDraft(
        text=clean_user_text(remaining),
        theme=theme.name if theme else None,
        raised_by=_last_value(people, "@"),
        new_theme=theme.new if theme else False,
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


def _split_speaker(
    text: str, separator: re.Pattern[str] = _SPEAKER_SEPARATOR
) -> tuple[str, str | None]:
    """Split `text -- speaker` at the last separator; return the text and speaker (or None)."""
    separators = list(separator.finditer(text))
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
    """Parse a typed takeaway: kind prefix, `-- speaker`, action `@owner !due`, and `#tags`."""
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
    else:
        remaining, separated_speaker = _split_speaker(remaining, _ANY_KIND_SPEAKER_SEPARATOR)
        speaker = separated_speaker or speaker
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
