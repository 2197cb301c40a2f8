"""A whole two-day session by keys, as a new facilitator types it from the README and F1.

The session of the Executive Connections blog post (itSMF Fusion 18, St Louis): an agenda over
two days with a timer started, nine pain points in four multi-word themes, a dot vote of the 12
delegates, a pick-3 round on the ABC cards with eight ballots, the keynote's quotes and insights
with their speakers, an action with its owner and due date, and the report (F9). It starts from
a file made with `facilitate new PATH --template blank --title "Executive Connections"` (one
empty day, 12 delegates, the ABC deck). tests/test_session_replay.py plays it in the console
and checks the report; benchmarks/replay.py counts its keys.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

TEMPLATE = "blank"
TITLE = "Executive Connections"
DELEGATES = 12


@dataclass(frozen=True)
class Typed:
    """Text typed into a field, one key per character."""

    text: str


Key = str | Typed
"""A command key as Textual names it ("f3", "enter", "v", "ctrl+s") or typed text."""


@dataclass(frozen=True)
class Step:
    """One thing the facilitator does: the keys, then what the console shows when it is done.

    `shows` is text on the screen; `notice` the start of a notice the console gives.
    """

    does: str
    keys: tuple[Key, ...]
    shows: str = ""
    notice: str = ""


def agenda_item(title: str, minutes: int) -> tuple[Key, ...]:
    """Keys of a new agenda item after the selected row: n, title, minutes, Enter."""
    return ("n", Typed(title), "tab", "tab", Typed(str(minutes)), "enter")


AGENDA = [
    ("Welcome and introductions", 20),
    ("Pain-point inventory: call out your pain points", 40),
    ("Dot vote on the pain points", 15),
    ("ABC cards: pick the cards you recognise", 30),
]
DAY_2 = [
    ("Conversation with Gene Kim", 45),
    ("Takeaways and actions", 15),
]

PAIN_POINTS = [
    ("Buy-in to new ways of working", "#People_and_culture", "People and culture"),
    ("End-to-end working", "#people", "People and culture"),
    ("Integrating ITSM, Agile and DevOps", "#Ways_of_working", "Ways of working"),
    ("Nobody owns the outcome", "#People and culture", "People and culture"),
    ("Linking activities back to business strategy and goals", "#Strategic_fit", "Strategic fit"),
    ("IT has no seat at the table", "#strategic", "Strategic fit"),
    ("A bureaucratic, control-focused culture", "#culture", "People and culture"),
    (
        "Too little understanding of business impact",
        "#Value_and_priorities",
        "Value and priorities",
    ),
    ("Technical debt never gets priority", "#value", "Value and priorities"),
]
"""Text, the #theme as typed, and the theme it means: the blog post's pain points."""

DOT_BALLOTS = [
    "1 1 5 5 9",
    "1 2 6 6 4",
    "1 4 4 5 3",
    "2 2 5 6 8",
    "1 1 1 6 9",
    "4 4 5 5 7",
    "1 2 7 6 3",
    "2 4 5 8 9",
    "1 1 6 6 5",
    "4 7 7 5 8",
    "1 2 4 6 3",
    "1 5 6 9 2",
]
"""Delegate 1 to 12's dots (5 each, at most 3 on one pain point), by pain-point number."""

CARD_BALLOTS = ["1 2 11", "1 2 5", "2 1 6", "1 10 11", "2 1 17", "1 5 6", "2 11 1", "1 2 18"]
"""Eight delegates' pick-3 ballots by card number: ABC01 and ABC02 lead, as in the post."""

QUOTES = [
    ("Improving daily work is more important than doing daily work", "Mike Orzen"),
    (
        "Technical debt is like financial debt. Without countermeasures, it just gets worse",
        "Gene Kim",
    ),
]
INSIGHTS = [
    ("ITIL must shift from a control culture to an enablement culture", "Gene Kim"),
    ("Start marketing our value to the business", "Gene Kim"),
]
ACTION = ("Run blameless post-mortems", "CIO", "2026-12-31", "Courage")
"""Text, owner, due date and competence area of the action agreed."""


def dot_points() -> Counter[int]:
    """Return the dots each pain point (by number) got: what the report must rank."""
    return Counter(int(number) for ballot in DOT_BALLOTS for number in ballot.split())


def card_points() -> Counter[int]:
    """Return the picks each card (by number) got."""
    return Counter(int(number) for ballot in CARD_BALLOTS for number in ballot.split())


def _steps() -> tuple[list[Step], list[tuple[str, int]]]:
    steps: list[Step] = []
    parts: list[tuple[str, int]] = []
    # The agenda: items on day 1, a second day with its items, the first item's timer.
    parts.append(("agenda", len(steps)))
    for title, minutes in AGENDA:
        steps.append(Step(f"add “{title}”", agenda_item(title, minutes), shows=title))
    steps.append(
        Step(
            "add day 2",
            ("D", "tab", "tab", Typed("Day 2: conversation with Gene Kim"), "enter"),
            shows="Day 2: conversation with Gene Kim",
        )
    )
    for title, minutes in DAY_2:
        steps.append(Step(f"add “{title}”", agenda_item(title, minutes), shows=title))
    steps.append(
        Step(
            "start the first item's timer at its planned time",
            ("ctrl+home", "down", "s", "enter"),
            notice="Started: Welcome and introductions",
        )
    )
    # The inventory: nine pain points, new themes marked before Enter.
    parts.append(("pain points", len(steps)))
    steps.append(Step("go to the inventory's capture line", ("f3",), shows="letters are text"))
    for text, typed_theme, theme in PAIN_POINTS:
        line = f"{text} {typed_theme}"
        new = typed_theme.startswith("#") and "_" in typed_theme
        mark = f"→ theme: {theme}" + (" (new theme)" if new else "")
        steps.append(Step(f"type “{line}”", (Typed(line),), shows=mark))
        steps.append(Step("save it", ("enter",), shows=text))
    # The dot vote: a round, twelve ballots, the scores revealed.
    parts.append(("dot vote", len(steps)))
    steps.append(Step("open a dot-vote round", ("escape", "v"), shows="New voting round"))
    steps.append(Step("with the workshop's dots", ("enter",), shows="Round 1 (dot vote"))
    steps.append(Step("enter the ballots", ("b",), shows="Delegate 1 (1/12"))
    for number, ballot in enumerate(DOT_BALLOTS, start=1):
        then = (
            f"Delegate {number + 1} ({number + 1}/{DELEGATES}"
            if number < DELEGATES
            else "That was the last delegate"
        )
        steps.append(Step(f"delegate {number}'s dots", (Typed(ballot), "enter"), shows=then))
    steps.append(Step("reveal the scores", ("escape", "R"), notice="Scores revealed"))
    # The cards: a pick-3 round, eight ballots, closed and revealed.
    parts.append(("card round", len(steps)))
    steps.append(Step("open a card round", ("f4", "v"), shows="New voting round on cards"))
    steps.append(Step("pick 3, the default", ("enter",), shows="Delegate 1: pick 3"))
    for number, ballot in enumerate(CARD_BALLOTS, start=1):
        saved = f"Delegate {number} saved"
        steps.append(Step(f"delegate {number}'s cards", (Typed(ballot), "enter"), notice=saved))
    steps.append(
        Step("close and reveal the round", ("escape", "x", "R"), notice="Results revealed")
    )
    # Day 2: the keynote's quotes and insights, and the action agreed.
    parts.append(("takeaways", len(steps)))
    steps.append(
        Step(
            "day 2: start the conversation's timer",
            ("f2", "ctrl+end", "up", "s", "enter"),
            notice="Started: Conversation with Gene Kim",
        )
    )
    steps.append(Step("go to the takeaways' capture line", ("f5",), shows="letters are text"))
    for text, speaker in QUOTES:
        steps.append(Step("a quote", (Typed(f"q: {text} -- {speaker}"), "enter"), shows=speaker))
    for text, speaker in INSIGHTS:
        steps.append(
            Step("an insight", (Typed(f"i: {text} -- {speaker}"), "enter"), shows=text[:40])
        )
    text, owner, due, area = ACTION
    line = f"a: {text} @{owner} !{due} #{area}"
    steps.append(Step("the action", (Typed(line), "enter"), shows=f"{owner}, 31 Dec"))
    # The report.
    parts.append(("report", len(steps)))
    steps.append(Step("write the report", ("f9",), notice="Report written"))
    return steps, parts


STEPS, _PARTS = _steps()
"""The whole session, step by step."""

PARTS = [
    (name, STEPS[start:end])
    for (name, start), (_next, end) in zip(_PARTS, [*_PARTS[1:], ("", len(STEPS))], strict=True)
]
"""The session's parts (agenda, pain points, ...) and their steps."""


@dataclass(frozen=True)
class KeyCount:
    """How many keys a script takes: typed text characters and command keys."""

    text: int
    commands: int

    @property
    def total(self) -> int:
        """Every key pressed."""
        return self.text + self.commands


def count_keys(steps: list[Step]) -> KeyCount:
    """Count the keys of a script."""
    typed = [key for step in steps for key in step.keys if isinstance(key, Typed)]
    commands = [key for step in steps for key in step.keys if not isinstance(key, Typed)]
    return KeyCount(sum(len(key.text) for key in typed), len(commands))


def key_names(key: Key) -> list[str]:
    """Return the key names Pilot presses for one key of a script."""
    return list(key.text) if isinstance(key, Typed) else [key]
