"""Tests for console.domain.records: CSV and TOML record files with precise error messages."""

from __future__ import annotations

import random

import pytest

from console.domain.records import (
    AGENDA_ITEM_FIELDS,
    DECK_CARD_FIELDS,
    PAIN_POINT_FIELDS,
    PARTICIPANT_FIELDS,
    FieldSpec,
    RecordError,
    parse_csv_records,
    parse_records,
    parse_toml_records,
)


def deck_csv(data: bytes, **options: object) -> list[dict[str, object]]:
    """Parse a deck CSV named deck.csv with unique codes."""
    return parse_csv_records(
        data,
        DECK_CARD_FIELDS,
        source="deck.csv",
        unique="code",
        **options,  # type: ignore[arg-type]
    )


def deck_toml(data: bytes, **options: object) -> list[dict[str, object]]:
    """Parse a deck TOML named deck.toml with unique codes."""
    return parse_toml_records(
        data,
        "cards",
        DECK_CARD_FIELDS,
        source="deck.toml",
        unique="code",
        **options,  # type: ignore[arg-type]
    )


def error_of(call: object, *args: object, **options: object) -> str:
    """Return the RecordError message a call raises."""
    assert callable(call)
    with pytest.raises(RecordError) as caught:
        call(*args, **options)
    return str(caught.value)


def card(code: str, title: str, category: str | None = None) -> dict[str, object]:
    """Build the expected record of a deck card."""
    return {"code": code, "title": title, "category": category, "description": None}


# --- CSV: happy paths -------------------------------------------------------------------------


def test_simple_deck() -> None:
    data = (
        b"code,title,category,description\nA1,Blame culture,Culture,\nA2,Not my responsibility,,\n"
    )
    assert deck_csv(data) == [
        card("A1", "Blame culture", "Culture"),
        card("A2", "Not my responsibility"),
    ]


def test_bom_is_ignored() -> None:
    data = "\ufeffcode,title\r\nA1,Them and us culture\r\n".encode()
    assert deck_csv(data) == [card("A1", "Them and us culture")]


def test_headers_are_case_and_space_insensitive_and_extra_columns_ignored() -> None:
    data = b" Code , TITLE ,Votes\nA1,Blame culture,12\n"
    assert deck_csv(data) == [card("A1", "Blame culture")]


def test_choices_are_case_insensitive_with_british_alias() -> None:
    data = b"code,title,category\nA1,x,behaviour\nA2,y,BEHAVIOR\nA3,z,attitude\n"
    assert [record["category"] for record in deck_csv(data)] == [
        "Behavior",
        "Behavior",
        "Attitude",
    ]


def test_quoted_commas_and_newlines_keep_line_numbers_right() -> None:
    data = (
        b"code,title,description\n"
        b'A1,"Neither partner makes an effort, really","two\nline\nnote"\n'
        b"A2,Blame culture,\n"
        b"A1,Duplicate,\n"
    )
    message = error_of(deck_csv, data)
    assert message == "deck.csv line 6: duplicate code A1 (first on line 2)."


def test_quoted_newlines_become_spaces() -> None:
    data = b'code,title\nA1,"Plan, Do,\nStop"\n'
    assert deck_csv(data) == [card("A1", "Plan, Do, Stop")]


def test_blank_rows_are_skipped_but_counted() -> None:
    data = b"\ncode,title\n\n , \nA1,x\n\nA2,\n"
    assert error_of(deck_csv, data) == "deck.csv line 7: title is empty."


def test_control_characters_are_removed_from_values() -> None:
    data = b"code,title\nA1,\x1b[31mBlame\x1b[0m culture\x07\n"
    assert deck_csv(data) == [card("A1", "Blame culture")]


def test_formula_like_text_is_kept_as_data() -> None:
    data = b"code,title\nA1,=HYPERLINK(x)\n"
    assert deck_csv(data) == [card("A1", "=HYPERLINK(x)")]


def test_semicolon_separated_csv_from_excel() -> None:
    data = b"code;title;category\nA1;Blame culture, again;Culture\n"
    assert deck_csv(data) == [card("A1", "Blame culture, again", "Culture")]


def test_header_only_file_gives_no_records() -> None:
    assert deck_csv(b"code,title\n") == []


def test_short_rows_and_trailing_empty_cells() -> None:
    data = b"code,title,category\nA1,x\nA2,y,Culture,,\n"
    assert deck_csv(data) == [card("A1", "x"), card("A2", "y", "Culture")]


# --- CSV: file-level errors -------------------------------------------------------------------


def test_ten_megabytes_of_random_junk() -> None:
    junk = random.Random(7).randbytes(10_000_000)
    assert error_of(deck_csv, junk) == "deck.csv is too large (10.0 MB; the limit is 2 MB)."


def test_small_random_junk_is_not_a_text_file() -> None:
    junk = random.Random(3).randbytes(5_000)
    assert error_of(deck_csv, junk) == "deck.csv is not a text file."


def test_nul_bytes_are_not_text() -> None:
    assert error_of(deck_csv, b"code,title\nA1,x\x00y\n") == "deck.csv is not a text file."


def test_control_heavy_text_is_not_a_text_file() -> None:
    assert error_of(deck_csv, b"code,title\n" + b"\x01\x02\x03" * 100) == (
        "deck.csv is not a text file."
    )


def test_utf16_file_gets_a_hint() -> None:
    data = "code,title\nA1,x\n".encode("utf-16")
    assert error_of(deck_csv, data) == (
        "deck.csv is UTF-16 text: save it as UTF-8 (in Excel: CSV UTF-8)."
    )


def test_latin1_file_is_not_utf8() -> None:
    data = "code,title\nA1,Blame culture\nA2,Café culture\n".encode("latin-1")
    assert error_of(deck_csv, data) == "deck.csv is not UTF-8 text (byte 0xe9 at line 3)."


def test_empty_files() -> None:
    assert error_of(deck_csv, b"") == "deck.csv is empty."
    assert error_of(deck_csv, b"\xef\xbb\xbf \n\n") == "deck.csv is empty."
    assert error_of(deck_csv, b",,\n,\n") == "deck.csv is empty."


def test_size_limit_is_configurable() -> None:
    data = b"code,title\n" + b"A1,x\n" * 300
    assert error_of(deck_csv, data, max_bytes=1_000) == (
        "deck.csv is too large (1.5 kB; the limit is 1 kB)."
    )


def test_row_limit() -> None:
    data = b"code,title\n" + b"".join(b"A%d,x\n" % n for n in range(4))
    assert error_of(deck_csv, data, max_rows=3) == "deck.csv has too many rows (the limit is 3)."
    assert len(deck_csv(data, max_rows=4)) == 4


def test_missing_column() -> None:
    assert error_of(deck_csv, b"code,name\nA1,x\n") == (
        "deck.csv: missing column 'title' (columns found: code, name)."
    )


def test_missing_columns() -> None:
    assert error_of(deck_csv, b"\xef\xbb\xbfvotes\n3\n") == (
        "deck.csv: missing columns 'code', 'title' (columns found: votes)."
    )


def test_repeated_column() -> None:
    assert error_of(deck_csv, b"code,title,Title\nA1,x,y\n") == (
        "deck.csv: column 'title' appears more than once."
    )


def test_unclosed_quote_reports_where_the_row_starts() -> None:
    data = b'code,title\nA1,x\nA2,"never closed\nmore\n'
    assert error_of(deck_csv, data) == (
        'deck.csv line 3: a quoted value is never closed (add the missing ").'
    )


def test_text_after_closing_quote() -> None:
    data = b'code,title\nA1,"Plan" Do\n'
    assert error_of(deck_csv, data) == (
        'deck.csv line 2: text after a closing quote (put the whole value in "quotes").'
    )


def test_unquoted_comma_makes_too_many_values() -> None:
    data = b"code,title\nA1,Neither partner, Business & IT\n"
    assert error_of(deck_csv, data) == (
        "deck.csv line 2: 3 values but the header has 2 columns "
        '(put a value containing a comma in "quotes").'
    )


# --- CSV: row errors --------------------------------------------------------------------------


def test_duplicate_codes_case_insensitive() -> None:
    data = b"code,title\nA1,x\nA2,y\nA3,z\nB1,w\nB2,v\na3,u\n"
    assert error_of(deck_csv, data) == "deck.csv line 7: duplicate code a3 (first on line 4)."


def test_required_value_empty() -> None:
    assert error_of(deck_csv, b"code,title\n,x\n") == "deck.csv line 2: code is empty."


def test_required_value_only_control_characters() -> None:
    assert error_of(deck_csv, b"code,title\nA1,\x1b[0m\n") == "deck.csv line 2: title is empty."


def test_bad_choice() -> None:
    assert error_of(deck_csv, b"code,title,category\nA1,x,Feelings\n") == (
        "deck.csv line 2: category must be one of Attitude, Behavior, Culture (got 'Feelings')."
    )


def test_too_long_value() -> None:
    data = b"code,title\nA1," + b"t" * 301 + b"\n"
    assert error_of(deck_csv, data) == (
        "deck.csv line 2: title is too long (301 characters; the limit is 300)."
    )


def agenda(data: bytes) -> list[dict[str, object]]:
    """Parse an agenda CSV named agenda.csv."""
    return parse_csv_records(data, AGENDA_ITEM_FIELDS, source="agenda.csv")


def test_agenda_defaults_and_aliases() -> None:
    data = b"title,kind,minutes\nWelcome,Intro,10\nLunch,lunch,60\nClose,Wrap up,15\n"
    assert agenda(data) == [
        {"day": 1, "title": "Welcome", "kind": "welcome", "minutes": 10},
        {"day": 1, "title": "Lunch", "kind": "break", "minutes": 60},
        {"day": 1, "title": "Close", "kind": "wrap-up", "minutes": 15},
    ]


def test_agenda_minutes_out_of_range() -> None:
    data = b"day,title,kind,minutes\n1,Welcome,welcome,10\n2,Talk,talk,0\n"
    assert error_of(agenda, data) == (
        "agenda.csv line 3: minutes must be between 1 and 1440 (got 0)."
    )


def test_agenda_minutes_not_a_number() -> None:
    data = b"title,kind,minutes\nTalk,talk,ten\n"
    assert error_of(agenda, data) == (
        "agenda.csv line 2: minutes must be a whole number (got 'ten')."
    )
    assert error_of(agenda, b"title,kind,minutes\nTalk,talk,1.5\n") == (
        "agenda.csv line 2: minutes must be a whole number (got '1.5')."
    )


def test_agenda_bad_kind() -> None:
    assert error_of(agenda, b"title,kind,minutes\nNap,siesta,10\n") == (
        "agenda.csv line 2: kind must be one of welcome, exercise, inventory, voting, talk, "
        "discussion, break, wrap-up (got 'siesta')."
    )


def test_one_sided_int_limits() -> None:
    specs = (FieldSpec("n", kind="int", minimum=1), FieldSpec("m", kind="int", maximum=5))
    assert error_of(parse_csv_records, b"n,m\n0,1\n", specs, source="x.csv") == (
        "x.csv line 2: n must be at least 1 (got 0)."
    )
    assert error_of(parse_csv_records, b"n,m\n1,6\n", specs, source="x.csv") == (
        "x.csv line 2: m must be at most 5 (got 6)."
    )
    assert parse_csv_records(b"n,m\n+3,-2\n", specs, source="x.csv") == [{"n": 3, "m": -2}]


def test_participants_and_pain_points() -> None:
    people = parse_csv_records(
        b"Number,Name,Table\n12,Ann,T1\n13,,\n",
        PARTICIPANT_FIELDS,
        source="people.csv",
        unique="label",
    )
    assert people == [
        {"label": "12", "name": "Ann", "role": None, "table": "T1"},
        {"label": "13", "name": None, "role": None, "table": None},
    ]
    pains = parse_csv_records(
        b"text,raised by\nBlame culture,12\n", PAIN_POINT_FIELDS, source="pain.csv"
    )
    assert pains == [{"text": "Blame culture", "theme": None, "raised_by": "12"}]


def test_field_spec_validation() -> None:
    with pytest.raises(ValueError):
        FieldSpec("x", kind="date")
    with pytest.raises(ValueError):
        FieldSpec("x", kind="choice")
    with pytest.raises(ValueError):
        FieldSpec("x", kind="choice", choices=("a",), choice_aliases={"b": "c"})
    with pytest.raises(ValueError):
        parse_csv_records(b"code,title\n", DECK_CARD_FIELDS, source="d.csv", unique="nope")


def test_field_specs_are_hashable() -> None:
    assert len(set(DECK_CARD_FIELDS)) == len(DECK_CARD_FIELDS)


# --- TOML -------------------------------------------------------------------------------------

TOML_DECK = b"""
[[cards]]
code = "A1"
title = "Blame culture"
category = "culture"

[[cards]]
code = "A2"
title = "Not my responsibility"
description = "Seen in every workshop"
"""


def test_toml_deck() -> None:
    assert deck_toml(TOML_DECK) == [
        card("A1", "Blame culture", "Culture"),
        {
            "code": "A2",
            "title": "Not my responsibility",
            "category": None,
            "description": "Seen in every workshop",
        },
    ]


def test_toml_missing_field() -> None:
    data = TOML_DECK + b'\n[[cards]]\ncode = "A3"\n'
    assert error_of(deck_toml, data) == "deck.toml, card 3: missing 'title'."


def test_toml_empty_field() -> None:
    data = TOML_DECK + b'\n[[cards]]\ncode = "A3"\ntitle = "  "\n'
    assert error_of(deck_toml, data) == "deck.toml, card 3: title is empty."


def test_toml_duplicate() -> None:
    data = TOML_DECK + b'\n[[cards]]\ncode = "a1"\ntitle = "Again"\n'
    assert error_of(deck_toml, data) == "deck.toml, card 3: duplicate code a1 (first in card 1)."


def test_toml_syntax_error_has_line_and_column() -> None:
    data = b'[[cards]]\ncode = "A1"\ntitle Blame culture\n'
    assert error_of(deck_toml, data) == (
        "deck.toml line 3: expected '=' after a key in a key/value pair (column 7)."
    )


def test_toml_wrong_types() -> None:
    assert error_of(deck_toml, b'[[cards]]\ncode = ["A1"]\ntitle = "x"\n') == (
        "deck.toml, card 1: code must be text."
    )
    assert deck_toml(b'[[cards]]\ncode = 7\ntitle = "x"\n') == [card("7", "x")]
    data = b'[[items]]\ntitle = "Talk"\nkind = "talk"\nminutes = "abc"\n'
    assert (
        error_of(parse_toml_records, data, "items", AGENDA_ITEM_FIELDS, source="agenda.toml")
        == "agenda.toml, item 1: minutes must be a whole number (got 'abc')."
    )
    data = b'[[items]]\ntitle = "Talk"\nkind = "talk"\nminutes = 2000\n'
    assert (
        error_of(parse_toml_records, data, "items", AGENDA_ITEM_FIELDS, source="agenda.toml")
        == "agenda.toml, item 1: minutes must be between 1 and 1440 (got 2000)."
    )
    data = b'[[items]]\ntitle = "Talk"\nkind = "talk"\nminutes = true\n'
    assert (
        error_of(parse_toml_records, data, "items", AGENDA_ITEM_FIELDS, source="agenda.toml")
        == "agenda.toml, item 1: minutes must be a whole number."
    )


def test_toml_missing_or_wrong_table() -> None:
    assert error_of(deck_toml, b'title = "x"\n') == "deck.toml: no [[cards]] tables found."
    assert error_of(deck_toml, b'cards = "x"\n') == (
        "deck.toml: 'cards' must be a list of [[cards]] tables."
    )


def test_toml_file_level_errors() -> None:
    assert error_of(deck_toml, b"") == "deck.toml is empty."
    assert error_of(deck_toml, b'title = "Caf\xe9"\n') == (
        "deck.toml is not UTF-8 text (byte 0xe9 at line 1)."
    )


# --- parse_records ----------------------------------------------------------------------------


def test_parse_records_chooses_by_extension() -> None:
    csv_data = b"code,title\nA1,x\n"
    assert parse_records(csv_data, "Deck.CSV", "cards", DECK_CARD_FIELDS) == [card("A1", "x")]
    assert parse_records(TOML_DECK, "deck.toml", "cards", DECK_CARD_FIELDS)[0]["code"] == "A1"


def test_parse_records_refuses_other_extensions() -> None:
    assert error_of(parse_records, b"x", "deck.txt", "cards", DECK_CARD_FIELDS) == (
        "deck.txt: use a .csv or .toml file."
    )


def test_record_error_carries_source_and_line() -> None:
    with pytest.raises(RecordError) as caught:
        deck_csv(b"code,title\nA1,x\nA1,y\n")
    assert (caught.value.source, caught.value.line) == ("deck.csv", 3)
