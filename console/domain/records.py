"""Human-editable CSV and TOML record files, validated with file- and line-numbered messages."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from console.domain.schedule import AGENDA_KINDS
from console.domain.text import TextError, clean_user_text, one_line_preview

TEXT = "text"
INT = "int"
CHOICE = "choice"
_KINDS = (TEXT, INT, CHOICE)

MAX_BYTES = 2_000_000
MAX_ROWS = 20_000

_CSV_DELIMITERS = (",", ";", "\t")
_TOML_POSITION = re.compile(r"\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)\s*$")
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")


class RecordError(ValueError):
    """A one-line, user-facing message naming the file and the line or record at fault."""

    def __init__(self, message: str, *, source: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line


def header_key(name: str) -> str:
    """Return a column-name comparison key: case-folded, spaces, hyphens and underscores dropped."""
    return re.sub(r"[\s_\-]+", "", name.strip().lstrip("\ufeff").casefold())


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record: its name, whether required, its kind and its validation limits."""

    name: str
    required: bool = True
    kind: str = TEXT
    choices: tuple[str, ...] = ()
    max_chars: int = 500
    aliases: tuple[str, ...] = ()
    choice_aliases: Mapping[str, str] = field(default_factory=dict, hash=False)
    minimum: int | None = None
    maximum: int | None = None
    default: object = None

    def __post_init__(self) -> None:
        """Check the spec is coherent and freeze the choice aliases."""
        if self.kind not in _KINDS:
            raise ValueError(f"FieldSpec {self.name}: kind must be one of {_KINDS}")
        if self.kind == CHOICE and not self.choices:
            raise ValueError(f"FieldSpec {self.name}: a choice field needs choices")
        for target in self.choice_aliases.values():
            if target not in self.choices:
                raise ValueError(f"FieldSpec {self.name}: alias target {target!r} not a choice")
        object.__setattr__(self, "choice_aliases", MappingProxyType(dict(self.choice_aliases)))

    @property
    def header_keys(self) -> tuple[str, ...]:
        """Return the comparison keys of the name and its aliases."""
        return tuple(header_key(name) for name in (self.name, *self.aliases))

    def choice_for(self, value: str) -> str | None:
        """Return the canonical choice a value means (case- and spacing-insensitive), or None."""
        key = header_key(value)
        for choice in self.choices:
            if header_key(choice) == key:
                return choice
        for alias, target in self.choice_aliases.items():
            if header_key(alias) == key:
                return target
        return None


DECK_CARD_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("code", max_chars=20, aliases=("id", "card", "number", "no")),
    FieldSpec("title", max_chars=300, aliases=("card title",)),
    FieldSpec(
        "category",
        required=False,
        kind=CHOICE,
        choices=("Attitude", "Behavior", "Culture"),
        choice_aliases={"Behaviour": "Behavior", "A": "Attitude", "B": "Behavior", "C": "Culture"},
        aliases=("type", "abc"),
    ),
    FieldSpec("description", required=False, max_chars=2_000, aliases=("notes", "explanation")),
)
"""Columns of an ABC card deck file: code and title required, category and description optional."""

AGENDA_ITEM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("day", required=False, kind=INT, minimum=1, maximum=30, default=1),
    FieldSpec("title", max_chars=200, aliases=("item", "name")),
    FieldSpec(
        "kind",
        kind=CHOICE,
        choices=AGENDA_KINDS,
        choice_aliases={
            "intro": "welcome",
            "introduction": "welcome",
            "vote": "voting",
            "keynote": "talk",
            "q&a": "discussion",
            "lunch": "break",
            "coffee": "break",
            "wrap": "wrap-up",
            "close": "wrap-up",
        },
        aliases=("type",),
    ),
    FieldSpec("minutes", kind=INT, minimum=1, maximum=1_440, aliases=("duration", "mins")),
)
"""Columns of an agenda file: day (default 1), title, kind and minutes."""

PARTICIPANT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("label", max_chars=40, aliases=("number", "no", "delegate", "id", "badge")),
    FieldSpec("name", required=False, max_chars=120),
    FieldSpec("role", required=False, max_chars=120, aliases=("job", "title")),
    FieldSpec("table", required=False, max_chars=40, aliases=("team", "group")),
)
"""Columns of a participant list: a label (delegate number) and optional name, role and table."""

PAIN_POINT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("text", max_chars=1_000, aliases=("pain point", "painpoint", "issue")),
    FieldSpec("theme", required=False, max_chars=120, aliases=("cluster", "group")),
    FieldSpec("raised_by", required=False, max_chars=120, aliases=("by", "who", "delegate")),
)
"""Columns of a pain-point file: text required, theme and raised_by optional."""


def _format_size(size: int) -> str:
    """Return a byte count as a short human size, e.g. "10.0 MB" or "512 bytes"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size:,} bytes"


def _format_limit(size: int) -> str:
    """Return a byte limit as a short round human size, e.g. "2 MB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:g} MB"
    if size >= 1_000:
        return f"{size / 1_000:g} kB"
    return f"{size:,} bytes"


def _decode_text(data: bytes, source: str, max_bytes: int) -> str:
    """Return the file's text, or raise RecordError if too large, empty, binary or not UTF-8."""
    if len(data) > max_bytes:
        raise RecordError(
            f"{source} is too large ({_format_size(len(data))}; "
            f"the limit is {_format_limit(max_bytes)}).",
            source=source,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RecordError(
            f"{source} is UTF-16 text: save it as UTF-8 (in Excel: CSV UTF-8).", source=source
        )
    if b"\x00" in data:
        raise RecordError(f"{source} is not a text file.", source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise RecordError(
            f"{source} is not UTF-8 text (byte 0x{byte:02x} at line {line}).",
            source=source,
            line=line,
        ) from None
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise RecordError(f"{source} is not a text file.", source=source)
    if not text.strip():
        raise RecordError(f"{source} is empty.", source=source)
    return text


def _preview(value: str) -> str:
    """Return a short, safe rendering of a bad value for an error message."""
    return one_line_preview(value, 40)


def _check_value(spec: FieldSpec, raw: object, where: str, source: str, line: int | None) -> object:
    """Return the validated value of one field, or raise RecordError saying what is wrong."""

    def fail(message: str) -> RecordError:
        """Build the error for this field, prefixed with where it is."""
        return RecordError(f"{where}: {message}", source=source, line=line)

    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if spec.required:
            raise fail(f"{spec.name} is empty.")
        return spec.default
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise fail(f"{spec.name} must be {'a whole number' if spec.kind == INT else 'text'}.")

    if spec.kind == INT:
        return _check_int(spec, raw, fail)

    try:
        text = clean_user_text(str(raw), max_chars=spec.max_chars, field=spec.name)
    except TextError as error:
        if spec.required or "too long" in error.message:
            raise fail(error.message.replace(": type something first", "")) from None
        return spec.default  # Only control characters: treat as blank.
    if spec.kind == CHOICE:
        choice = spec.choice_for(text)
        if choice is None:
            raise fail(
                f"{spec.name} must be one of {', '.join(spec.choices)} (got '{_preview(text)}')."
            )
        return choice
    return text


def _check_int(spec: FieldSpec, raw: str | int | float, fail: Callable[[str], RecordError]) -> int:
    """Return the whole number a value holds within the spec's range, or raise via fail."""
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float) or not _INTEGER.match(raw.strip().replace(",", "")):
        raise fail(f"{spec.name} must be a whole number (got '{_preview(str(raw))}').")
    else:
        number = int(raw.strip().replace(",", ""))
    low, high = spec.minimum, spec.maximum
    if low is not None and high is not None and not low <= number <= high:
        raise fail(f"{spec.name} must be between {low} and {high} (got {number}).")
    if low is not None and number < low:
        raise fail(f"{spec.name} must be at least {low} (got {number}).")
    if high is not None and number > high:
        raise fail(f"{spec.name} must be at most {high} (got {number}).")
    return number


class _UniqueTracker:
    """Remembers where each value of the unique field was first seen, to report duplicates."""

    def __init__(self, unique: str | None, specs: Sequence[FieldSpec], source: str) -> None:
        """Start with no values seen; refuse a unique field that is not among the specs."""
        if unique is not None and unique not in {spec.name for spec in specs}:
            raise ValueError(f"unique field {unique!r} is not one of the specs")
        self.unique = unique
        self.source = source
        self.first_seen: dict[str, str] = {}

    def check(self, record: Mapping[str, object], where: str, place: str, line: int | None) -> None:
        """Raise RecordError if this record repeats an earlier value of the unique field."""
        if self.unique is None:
            return
        value = record.get(self.unique)
        if value is None:
            return
        key = str(value).casefold()
        if key in self.first_seen:
            raise RecordError(
                f"{where}: duplicate {self.unique} {value} (first {self.first_seen[key]}).",
                source=self.source,
                line=line,
            )
        self.first_seen[key] = place


def _choose_delimiter(text: str, specs: Sequence[FieldSpec]) -> str:
    """Return the delimiter whose header row names the most known columns (comma on a tie)."""
    first_line = text.splitlines()[0] if text else ""
    known = {key for spec in specs for key in spec.header_keys}
    best, best_hits = ",", -1
    for delimiter in _CSV_DELIMITERS:
        try:
            header = next(csv.reader([first_line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        hits = sum(1 for name in header if header_key(name) in known)
        if hits > best_hits:
            best, best_hits = delimiter, hits
    return best


def _map_header(header: Sequence[str], specs: Sequence[FieldSpec], source: str) -> dict[str, int]:
    """Return the column index of each spec found in the header, or raise RecordError."""
    positions: dict[str, int] = {}
    for spec in specs:
        matches = [i for i, name in enumerate(header) if header_key(name) in spec.header_keys]
        if len(matches) > 1:
            raise RecordError(
                f"{source}: column '{spec.name}' appears more than once.", source=source, line=1
            )
        if matches:
            positions[spec.name] = matches[0]
    missing = [spec.name for spec in specs if spec.required and spec.name not in positions]
    if missing:
        found = ", ".join(name.strip().lstrip("\ufeff") for name in header if name.strip())
        noun = "column" if len(missing) == 1 else "columns"
        names = ", ".join(f"'{name}'" for name in missing)
        raise RecordError(
            f"{source}: missing {noun} {names} (columns found: {found or 'none'}).",
            source=source,
            line=1,
        )
    return positions


def _csv_error_message(error: csv.Error) -> str:
    """Return a friendlier wording of a csv module error."""
    text = str(error)
    if "unexpected end of data" in text:
        return 'a quoted value is never closed (add the missing ").'
    if "expected after" in text:
        return 'text after a closing quote (put the whole value in "quotes").'
    if "field larger than field limit" in text:
        return "a value is far too long."
    return text.rstrip(".") + "."


def parse_csv_records(
    data: bytes,
    specs: Sequence[FieldSpec],
    *,
    source: str,
    unique: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> list[dict[str, object]]:
    """Return the validated records of a CSV file with a header row, or raise RecordError."""
    tracker = _UniqueTracker(unique, specs, source)
    text = _decode_text(data, source, max_bytes)
    delimiter = _choose_delimiter(text, specs)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[dict[str, object]] = []
    positions: dict[str, int] | None = None
    header_width = 0
    previous_line = 0
    try:
        for row in reader:
            line = previous_line + 1
            previous_line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if positions is None:
                positions = _map_header(row, specs, source)
                header_width = len(row)
                continue
            if len(records) >= max_rows:
                raise RecordError(
                    f"{source} has too many rows (the limit is {max_rows:,}).", source=source
                )
            where = f"{source} line {line}"
            if any(cell.strip() for cell in row[header_width:]):
                raise RecordError(
                    f"{where}: {len(row)} values but the header has {header_width} columns "
                    '(put a value containing a comma in "quotes").',
                    source=source,
                    line=line,
                )
            record = {
                spec.name: _check_value(
                    spec,
                    row[positions[spec.name]]
                    if spec.name in positions and positions[spec.name] < len(row)
                    else None,
                    where,
                    source,
                    line,
                )
                for spec in specs
            }
            tracker.check(record, where, f"on line {line}", line)
            records.append(record)
    except csv.Error as error:
        line = previous_line + 1  # Where the faulty row starts.
        raise RecordError(
            f"{source} line {line}: {_csv_error_message(error)}", source=source, line=line
        ) from None
    if positions is None:
        raise RecordError(f"{source} is empty.", source=source)
    return records


def _record_noun(table_key: str) -> str:
    """Return the singular word for one record of a TOML table, e.g. "cards" -> "card"."""
    noun = table_key.replace("_", " ").strip()
    return noun[:-1] if noun.endswith("s") and len(noun) > 1 else noun


def parse_toml_records(
    data: bytes,
    table_key: str,
    specs: Sequence[FieldSpec],
    *,
    source: str,
    unique: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> list[dict[str, object]]:
    """Return the validated records of a TOML array of tables `[[table_key]]`, or RecordError."""
    tracker = _UniqueTracker(unique, specs, source)
    text = _decode_text(data, source, max_bytes)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        detail = _TOML_POSITION.sub("", message).rstrip(".")
        detail = detail[:1].lower() + detail[1:]
        if position:
            line = int(position.group("line"))
            raise RecordError(
                f"{source} line {line}: {detail} (column {position.group('column')}).",
                source=source,
                line=line,
            ) from None
        raise RecordError(f"{source}: {detail}.", source=source) from None
    tables = document.get(table_key)
    if tables is None:
        raise RecordError(f"{source}: no [[{table_key}]] tables found.", source=source)
    if not isinstance(tables, list) or not all(isinstance(item, dict) for item in tables):
        raise RecordError(
            f"{source}: '{table_key}' must be a list of [[{table_key}]] tables.", source=source
        )
    if len(tables) > max_rows:
        raise RecordError(
            f"{source} has too many {table_key} (the limit is {max_rows:,}).", source=source
        )
    noun = _record_noun(table_key)
    records: list[dict[str, object]] = []
    for number, table in enumerate(tables, start=1):
        where = f"{source}, {noun} {number}"
        keyed = {header_key(str(key)): value for key, value in table.items()}
        record: dict[str, object] = {}
        for spec in specs:
            present = [keyed[key] for key in spec.header_keys if key in keyed]
            if not present:
                if spec.required:
                    raise RecordError(f"{where}: missing '{spec.name}'.", source=source)
                record[spec.name] = spec.default
                continue
            record[spec.name] = _check_value(spec, present[0], where, source, None)
        tracker.check(record, where, f"in {noun} {number}", None)
        records.append(record)
    return records


def parse_records(
    data: bytes,
    source: str,
    table_key: str,
    specs: Sequence[FieldSpec],
    unique: str | None = None,
    *,
    max_bytes: int = MAX_BYTES,
) -> list[dict[str, object]]:
    """Return the validated records of a .csv or .toml file, chosen by the file name's extension."""
    lowered = source.casefold()
    if lowered.endswith(".csv"):
        return parse_csv_records(data, specs, source=source, unique=unique, max_bytes=max_bytes)
    if lowered.endswith(".toml"):
        return parse_toml_records(
            data, table_key, specs, source=source, unique=unique, max_bytes=max_bytes
        )
    raise RecordError(f"{source}: use a .csv or .toml file.", source=source)
