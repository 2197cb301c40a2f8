"""Tests for console.domain.capture: inline tokens for pain points and takeaways."""

from __future__ import annotations

from datetime import date

import pytest

from console.domain.capture import (
    PainPointDraft,
    TakeawayDraft,
    TakeawayKind,
    parse_due_date,
    parse_pain_point,
    parse_takeaway,
    typed_theme,
)
from console.domain.text import TextError

WEDNESDAY = date(2026, 3, 4)


def test_plain_pain_point() -> None:
    assert parse_pain_point("  Blame culture ") == PainPointDraft("Blame culture", None, None)


def test_theme_and_person_tokens_are_removed_from_text() -> None:
    draft = parse_pain_point("Everything has the highest priority #priorities @Alice")
    assert draft == PainPointDraft(
        "Everything has the highest priority", "priorities", "Alice", new_theme=True
    )


def test_tokens_anywhere_in_the_text() -> None:
    draft = parse_pain_point("@12 Not my #ownership responsibility")
    assert draft == PainPointDraft("Not my responsibility", "ownership", "12", new_theme=True)


def test_quoted_and_underscored_multiword_values() -> None:
    assert parse_pain_point('Silos #"People and culture"').theme == "People and culture"
    assert parse_pain_point("Silos #People_and_culture").theme == "People and culture"
    assert parse_pain_point("Silos #“People and culture”").theme == "People and culture"
    assert parse_pain_point('Silos @"Jan Schilt"').raised_by == "Jan Schilt"


def test_last_token_wins() -> None:
    draft = parse_pain_point("Blame culture #one #two @Ann @Bob")
    assert (draft.theme, draft.raised_by) == ("two", "Bob")


def test_email_and_csharp_are_not_tokens() -> None:
    draft = parse_pain_point("Mail a@b.com about C# builds")
    assert draft == PainPointDraft("Mail a@b.com about C# builds", None, None)


def test_hash_number_is_not_a_theme() -> None:
    assert parse_pain_point("Everything is #1 priority") == PainPointDraft(
        "Everything is #1 priority", None, None
    )


def test_lone_sigils_and_unclosed_quotes_stay_text() -> None:
    assert parse_pain_point("Use # and @ freely").text == "Use # and @ freely"
    assert parse_pain_point('Odd #"unclosed theme').text == 'Odd #"unclosed theme'
    assert parse_pain_point('Empty #"" theme').theme is None


def test_trailing_punctuation_is_not_part_of_a_token() -> None:
    draft = parse_pain_point("Ask @Alice, then #budget.")
    assert draft == PainPointDraft("Ask then", "budget", "Alice", new_theme=True)


def test_only_tokens_is_empty() -> None:
    with pytest.raises(TextError, match=r"^Text is empty: type something first\.$"):
        parse_pain_point("#theme @Bob")
    with pytest.raises(TextError, match=r"^Text is empty: type something first\.$"):
        parse_pain_point("   ")


def test_control_chars_are_cleaned_in_pain_points() -> None:
    assert parse_pain_point("\x1b[31mRed\x1b[0m #x").text == "Red"


def test_pain_point_too_long() -> None:
    with pytest.raises(TextError) as caught:
        parse_pain_point("z" * 1_000_000)
    assert str(caught.value) == "Text is too long (1,000,000 characters; the limit is 10,000)."


def takeaway(raw: str, **options: object) -> TakeawayDraft:
    """Parse a takeaway with today fixed to a Wednesday."""
    return parse_takeaway(raw, today=WEDNESDAY, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("i: flow matters", TakeawayKind.INSIGHT),
        ("I:flow matters", TakeawayKind.INSIGHT),
        ("q: flow matters", TakeawayKind.QUOTE),
        ("d: flow matters", TakeawayKind.DECISION),
        ("D : flow matters", TakeawayKind.DECISION),
        ("o: flow matters", TakeawayKind.QUESTION),
        ("?: flow matters", TakeawayKind.QUESTION),
        ("a: flow matters", TakeawayKind.ACTION),
        ("flow matters", TakeawayKind.INSIGHT),
    ],
)
def test_takeaway_prefixes(raw: str, kind: TakeawayKind) -> None:
    draft = takeaway(raw)
    assert draft.kind is kind
    assert draft.text == "flow matters"


def test_default_kind_applies_without_prefix() -> None:
    assert takeaway("we ship", default_kind=TakeawayKind.DECISION).kind is TakeawayKind.DECISION


def test_words_with_colons_are_not_prefixes() -> None:
    assert takeaway("note: this").text == "note: this"
    assert takeaway("http://x.example").text == "http://x.example"


def test_quote_with_double_dash_speaker() -> None:
    draft = takeaway(
        "q: Improving daily work is more important than doing daily work -- Mike Orzen"
    )
    assert draft == TakeawayDraft(
        kind=TakeawayKind.QUOTE,
        text="Improving daily work is more important than doing daily work",
        speaker="Mike Orzen",
        owner=None,
        due=None,
        tags=(),
    )


@pytest.mark.parametrize("separator", [" -- ", " — ", " ~ ", " – "])
def test_quote_separators_and_quotes_removed(separator: str) -> None:
    draft = takeaway(f'q: "Flow first"{separator}Gene Kim')
    assert (draft.text, draft.speaker) == ("Flow first", "Gene Kim")


def test_quote_uses_last_speaker_when_none_given() -> None:
    draft = takeaway("q: “Ask why”", last_speaker="Gene Kim")
    assert (draft.text, draft.speaker) == ("Ask why", "Gene Kim")
    assert takeaway("q: Ask why").speaker is None


def test_explicit_speaker_beats_last_speaker() -> None:
    assert takeaway("q: Ask -- Ann", last_speaker="Gene").speaker == "Ann"


def test_hyphenated_words_are_not_speaker_separators() -> None:
    draft = takeaway("q: Low-risk releases--always")
    assert draft.text == "Low-risk releases--always"


def test_last_speaker_ignored_for_other_kinds() -> None:
    assert takeaway("i: fast feedback", last_speaker="Gene").speaker is None


def test_action_owner_and_iso_due() -> None:
    draft = takeaway("a: write the charter @Alice !2026-12-01")
    assert draft == TakeawayDraft(
        kind=TakeawayKind.ACTION,
        text="write the charter",
        speaker=None,
        owner="Alice",
        due=date(2026, 12, 1),
        tags=(),
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("today", date(2026, 3, 4)),
        ("TODAY", date(2026, 3, 4)),
        ("tomorrow", date(2026, 3, 5)),
        ("+7", date(2026, 3, 11)),
        ("+0", date(2026, 3, 4)),
        ("fri", date(2026, 3, 6)),
        ("friday", date(2026, 3, 6)),
        ("wed", date(2026, 3, 11)),
        ("mon", date(2026, 3, 9)),
        ("2026-3-5", date(2026, 3, 5)),
    ],
)
def test_due_date_specs(spec: str, expected: date) -> None:
    assert takeaway(f"a: do it !{spec}").due == expected
    assert parse_due_date(spec, today=WEDNESDAY) == expected


def test_impossible_date_is_refused() -> None:
    with pytest.raises(TextError) as caught:
        takeaway("a: plan !2026-02-30")
    assert str(caught.value) == "No such date: 2026-02-30."


def test_relative_due_too_far() -> None:
    with pytest.raises(TextError) as caught:
        takeaway("a: plan !+99999")
    assert str(caught.value) == "Due date is too far ahead (+99999 days; the limit is +3660)."


def test_unknown_bang_words_stay_text() -> None:
    draft = takeaway("a: fix it !urgent")
    assert (draft.text, draft.due) == ("fix it !urgent", None)


def test_bang_tokens_only_count_for_actions() -> None:
    draft = takeaway("i: ship !today")
    assert (draft.text, draft.due) == ("ship !today", None)


def test_last_due_wins() -> None:
    assert takeaway("a: x !today !tomorrow").due == date(2026, 3, 5)


def test_tags_collected_in_order_without_duplicates() -> None:
    draft = takeaway('i: be brave #Courage #"Business Value Optimization" #Courage #team_work')
    assert draft.text == "be brave"
    assert draft.tags == ("Courage", "Business Value Optimization", "team work")


def test_at_name_on_insight_is_the_speaker() -> None:
    draft = takeaway("i: small batches @Gene_Kim")
    assert (draft.speaker, draft.owner) == ("Gene Kim", None)


def test_takeaway_with_only_a_prefix_is_empty() -> None:
    with pytest.raises(TextError, match=r"^Text is empty: type something first\.$"):
        takeaway("a: @Bob !today")


def test_email_in_action_is_not_owner() -> None:
    draft = takeaway("a: mail ops@example.com @Ann")
    assert (draft.text, draft.owner) == ("mail ops@example.com", "Ann")


TEMPLATE_THEMES = ("People and culture", "Strategic fit", "Ways of working", "Value and priorities")


@pytest.mark.parametrize(
    ("typed", "text", "theme"),
    [
        ("Silos #people", "Silos", "People and culture"),  # the start of its name
        ("Silos #PEOPLE", "Silos", "People and culture"),
        ("Silos #culture", "Silos", "People and culture"),  # one of its words
        ("Silos #and_culture", "Silos", "People and culture"),
        ("Silos #cult", "Silos", "People and culture"),  # the start of one of its words
        ("Silos #and_pri", "Silos", "Value and priorities"),
        ("Silos #fit", "Silos", "Strategic fit"),
        ("x #People and culture", "x", "People and culture"),  # its name, as spelt
        ("x #people and culture, mostly", "x mostly", "People and culture"),
        ("x #People_and_culture y", "x y", "People and culture"),
        ('x #"people and CULTURE" y', "x y", "People and culture"),
        ("x #people and more", "x and more", "People and culture"),  # the run stops at "and"
        ("#ways of working Handoffs @Ann", "Handoffs", "Ways of working"),
    ],
)
def test_a_typed_theme_means_the_known_theme_it_spells_or_starts(
    typed: str, text: str, theme: str
) -> None:
    draft = parse_pain_point(typed, TEMPLATE_THEMES)
    assert (draft.text, draft.theme, draft.new_theme) == (text, theme, False)


@pytest.mark.parametrize(
    ("typed", "theme"),
    [
        ('Silos #"people"', "people"),  # quoted: exactly that name, not the start of another
        ("Silos #New_theme", "New theme"),
        ("Silos #“Tooling debt”", "Tooling debt"),
        ("Silos #budget", "budget"),
        ("Silos #cu", "cu"),  # too short to be the start of a word inside a name
        ("Silos #A", "A"),
    ],
)
def test_a_theme_no_known_theme_answers_to_is_new(typed: str, theme: str) -> None:
    draft = parse_pain_point(typed, TEMPLATE_THEMES)
    assert (draft.text, draft.theme, draft.new_theme) == ("Silos", theme, True)
    match = typed_theme(typed, TEMPLATE_THEMES)
    assert match is not None and match.hint == f"→ theme: {theme} (new theme)"


def test_the_longest_known_name_wins_and_an_exact_name_beats_a_prefix() -> None:
    themes = ("People", "People and culture")
    assert parse_pain_point("x #people", themes).theme == "People"
    assert parse_pain_point("x #People and culture", themes).theme == "People and culture"
    assert parse_pain_point("x #people and", themes).text == "x and"


def test_an_ambiguous_theme_is_refused_and_the_hint_says_which_themes_it_could_be() -> None:
    with pytest.raises(TextError) as refused:
        parse_pain_point("Silos #and", TEMPLATE_THEMES)
    assert str(refused.value) == (
        "Not saved: #and could be People and culture or Value and priorities; type more of the "
        'theme\'s name, or #"…" for a new theme.'
    )
    match = typed_theme("Silos #and", TEMPLATE_THEMES)
    assert match is not None
    assert match.hint == (
        "→ #and could be People and culture or Value and priorities: type more of the name"
    )
    assert typed_theme("Silos, no theme yet", TEMPLATE_THEMES) is None
    assert typed_theme("#", TEMPLATE_THEMES) is None


def test_every_kind_takes_a_double_dash_speaker() -> None:
    for prefix in ("i", "d", "o", "a"):
        draft = takeaway(f"{prefix}: Flow beats utilisation -- Gene Kim")
        assert (draft.text, draft.speaker) == ("Flow beats utilisation", "Gene Kim")
    action = takeaway("a: Map the value stream @CIO !+7 -- Gene Kim")
    assert (action.text, action.speaker, action.owner) == (
        "Map the value stream",
        "Gene Kim",
        "CIO",
    )
    # Outside quotes a dash is prose, not a speaker.
    assert takeaway("i: Speed matters — but so does quality").speaker is None
