"""Tests for console.domain.text: control stripping, limits, previews and CSV safety."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.text import (
    _BREAKS,
    _ESCAPE_SEQUENCE,
    MAX_TEXT_CHARS,
    TextError,
    _is_removed_char,
    cell_width,
    char_cells,
    clean_user_text,
    csv_safe,
    one_line_preview,
    strip_control,
)

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl


def test_surrounding_whitespace_is_stripped() -> None:
    assert clean_user_text("  Blame culture \n") == "Blame culture"


def test_line_breaks_and_tabs_become_single_spaces() -> None:
    assert clean_user_text("Them and us\r\nculture\tnow") == "Them and us culture now"
    assert clean_user_text("a\n\n\nb") == "a b"


def test_ansi_colour_sequences_are_removed() -> None:
    assert clean_user_text("\x1b[1;31mred\x1b[0m alert") == "red alert"


def test_osc_sequences_are_removed_with_bel_or_st_terminator() -> None:
    assert clean_user_text("a\x1b]0;evil title\x07b") == "ab"
    assert clean_user_text("\x1b]8;;http://x.example\x1b\\link\x1b]8;;\x1b\\ ok") == "link ok"


def test_unterminated_osc_is_removed_to_the_end() -> None:
    assert clean_user_text("safe\x1b]52;c;ZXZpbA==") == "safe"


def test_other_escapes_c0_c1_and_del_are_removed() -> None:
    assert strip_control("a\x1b(Bb\x1b7c") == "abc"
    assert strip_control("x\x07y\x00z\x7f!\x85?") == "xyz! ?"
    assert strip_control("p\x9b31mq\x9dtitle\x9cr") == "pqr"


def test_bidi_override_controls_are_removed_but_rtl_text_kept() -> None:
    assert clean_user_text("abc\u202eevil\u202c") == "abcevil"
    assert clean_user_text("שלום עולם") == "שלום עולם"
    assert clean_user_text("مرحبا \u200fok") == "مرحبا \u200fok"


def test_rich_markup_is_kept_verbatim() -> None:
    assert clean_user_text("[bold red]x[/]") == "[bold red]x[/]"


def test_emoji_zwj_sequences_and_wide_text_are_kept() -> None:
    assert clean_user_text(f"{FAMILY} team 日本語 👍🏽") == f"{FAMILY} team 日本語 👍🏽"


def test_empty_and_whitespace_only_are_refused() -> None:
    for raw in ("", "   ", "\n\t", "\x1b[0m\x07"):
        with pytest.raises(TextError) as caught:
            clean_user_text(raw)
        assert str(caught.value) == "Text is empty: type something first."
        assert caught.value.message == "Text is empty: type something first."


def test_empty_message_names_the_field() -> None:
    with pytest.raises(TextError, match=r"^Title is empty: type something first\.$"):
        clean_user_text(" ", field="Title")


def test_one_megabyte_paste_is_refused_not_truncated() -> None:
    with pytest.raises(TextError) as caught:
        clean_user_text("x" * 1_000_000)
    assert str(caught.value) == "Text is too long (1,000,000 characters; the limit is 10,000)."


def test_limit_is_inclusive_and_counts_cleaned_text() -> None:
    assert len(clean_user_text("y" * MAX_TEXT_CHARS)) == MAX_TEXT_CHARS
    assert clean_user_text("\x1b[0m" * 100 + "ok", max_chars=2) == "ok"
    with pytest.raises(TextError) as caught:
        clean_user_text("abcd", max_chars=3, field="Code")
    assert str(caught.value) == "Code is too long (4 characters; the limit is 3)."


def test_cell_width_counts_wide_zero_width_and_combining() -> None:
    assert cell_width("abc") == 3
    assert cell_width("日本") == 4
    assert cell_width("👍") == 2
    assert cell_width("e\u0301") == 1
    assert cell_width("\u200d") == 0


def test_preview_fits_without_change() -> None:
    assert one_line_preview("short", 10) == "short"
    assert one_line_preview("exact", 5) == "exact"


def test_preview_truncates_with_ellipsis() -> None:
    assert one_line_preview("Blame culture everywhere", 10) == "Blame cul…"
    assert cell_width(one_line_preview("Blame culture everywhere", 10)) == 10


def test_preview_counts_wide_chars_as_two_cells() -> None:
    assert one_line_preview("日本語テキスト", 6) == "日本…"
    assert one_line_preview("日本語テキスト", 7) == "日本語…"
    assert one_line_preview("👍👍👍👍", 5) == "👍👍…"


def test_preview_does_not_end_on_a_dangling_joiner() -> None:
    preview = one_line_preview(FAMILY + FAMILY, 5)
    assert preview.endswith("…")
    assert not preview[:-1].endswith("\u200d")
    assert cell_width(preview) <= 5


def test_preview_is_one_line_and_handles_tiny_widths() -> None:
    assert one_line_preview("a\nb", 10) == "a b"
    assert one_line_preview("abc", 1) == "…"
    assert one_line_preview("abc", 0) == ""


def test_preview_keeps_rtl_text() -> None:
    assert one_line_preview("שלום עולם", 20) == "שלום עולם"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Blame culture", "Blame culture"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_safe_neutralises_formula_cells(value: str, expected: str) -> None:
    assert csv_safe(value) == expected


def test_csv_safe_leaves_numbers_and_none_alone() -> None:
    assert csv_safe(-5) == -5
    assert csv_safe(2.5) == 2.5
    assert csv_safe(None) is None


@given(st.text())
def test_clean_output_never_contains_control_chars(raw: str) -> None:
    try:
        cleaned = clean_user_text(raw)
    except TextError:
        return
    assert cleaned == cleaned.strip()
    assert cleaned
    assert all(not (ord(c) < 32 or 0x7F <= ord(c) <= 0x9F) for c in cleaned)


@given(st.text(alphabet=st.sampled_from("\x1b[]0;m\x07\\abc \x9b\x9d\x9c")))
def test_strip_control_removes_every_escape_byte(raw: str) -> None:
    assert not any(c in "\x1b\x07\x9b\x9d\x9c" for c in strip_control(raw))


@given(st.text())
def test_csv_safe_never_starts_with_formula_char(value: str) -> None:
    safe = csv_safe(value)
    assert isinstance(safe, str)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))


@given(st.text(), st.integers(min_value=0, max_value=80))
def test_preview_never_exceeds_width(text: str, width: int) -> None:
    assert cell_width(one_line_preview(text, width)) <= width


def test_counted_puts_the_noun_in_the_right_number() -> None:
    from console.domain.text import counted

    assert counted(1, "pain point") == "1 pain point"
    assert counted(0, "takeaway") == "0 takeaways"
    assert counted(12_000, "takeaway") == "12,000 takeaways"


@given(st.text())
def test_the_printable_shortcuts_change_no_result(text: str) -> None:
    # What the shortcuts for plain text return, character by character as before them.
    kept = "".join(
        char
        for char in _BREAKS.sub(" ", _ESCAPE_SEQUENCE.sub("", text))
        if not _is_removed_char(char)
    )
    assert strip_control(text) == kept
    assert cell_width(text) == sum(char_cells(char) for char in text)
