"""A whole two-day session from the blog post, replayed by keys as a new facilitator types it:
agenda and timer, nine pain points in multi-word themes, a dot vote of 12 delegates, a pick-3
card round with eight ballots, quotes and insights with speakers, an action, and F9's report."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import FakeClock
from helpers import benchmark_module, notices, pilot_wait_until, visible_text

from console.store.core import WorkshopStore
from console.store.templates import apply_template
from console.ui.app import make_app

replay = benchmark_module("replay_script")


def new_workshop(path: Path) -> Path:
    """Create the file as `facilitate new PATH --template blank --title …` does."""
    store = WorkshopStore.create(path)
    try:
        apply_template(store, replay.TEMPLATE, title=replay.TITLE)
    finally:
        store.close()
    return path


async def play(app, pilot, steps) -> None:  # type: ignore[no-untyped-def]
    """Press each step's keys, then wait for what the step says the console shows."""
    for number, step in enumerate(steps):
        for key in step.keys:
            await pilot.press(*replay.key_names(key))

        def done(step=step) -> bool:  # type: ignore[no-untyped-def]
            shown = not step.shows or step.shows in visible_text(app)
            told = not step.notice or any(n.startswith(step.notice) for n in notices(app))
            return shown and told

        await pilot_wait_until(
            pilot,
            done,
            message=lambda number=number, step=step: (
                f"step {number} ({step.does}): {step.shows or step.notice!r} never came;"
                f" notices {notices(app)[-3:]}\n{visible_text(app)}"
            ),
        )


def table_rows(text: str, heading: str) -> list[list[str]]:
    """Return the cells of the Markdown table under a heading."""
    part = text.split(heading, 1)[1]
    rows = []
    for line in part.splitlines()[1:]:
        if line.startswith("#"):
            break
        if line.startswith("| ") and not line.startswith(("| ---", "| Rank")):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


async def test_a_two_day_session_by_keys_ends_in_the_right_report(tmp_path: Path) -> None:
    path = new_workshop(tmp_path / "fusion.db")
    clock = FakeClock()
    with WorkshopStore.open(path, clock=clock) as store:
        app = make_app(store, clock=clock)
        async with app.run_test(size=(160, 45), notifications=True) as pilot:
            await play(app, pilot, replay.STEPS)
        assert notices(app, "error") == []
    report = (tmp_path / "fusion-report.md").read_text("utf-8")

    # The agenda: both days, their items, the timers started.
    assert "### Day 2: conversation with Gene Kim" in report
    for title, minutes in replay.AGENDA + replay.DAY_2:
        assert re.search(rf"\| {re.escape(title)} \| discussion \| {minutes} min \|", report)
    assert "| Conversation with Gene Kim | discussion | 45 min | 0 min (running) | running |" in (
        report
    )

    # The inventory: nine pain points in four themes, ranked by the dots typed.
    inventory = report.split("## Inventory of pain points", 1)[1].split("## Card results")[0]
    assert "9 pain points. Scored in the round “Round 1”: 12 of 12 delegates voted." in inventory
    points = replay.dot_points()
    theme_points: dict[str, int] = {}
    for number, (_text, _typed, theme) in enumerate(replay.PAIN_POINTS, start=1):
        theme_points[theme] = theme_points.get(theme, 0) + points[number]
    ranked = sorted(theme_points, key=lambda theme: -theme_points[theme])
    headings = [line for line in inventory.splitlines() if line.startswith("### ")]
    assert headings == [
        f"### {rank}. {theme} — {theme_points[theme]} points"
        for rank, theme in enumerate(ranked, start=1)
    ]
    assert ranked[:2] == ["People and culture", "Strategic fit"]  # as in the blog post
    listed = {row[2]: (row[0], int(row[3])) for row in table_rows(inventory, "### 1.")}
    listed |= {row[2]: (row[0], int(row[3])) for row in table_rows(inventory, "### 2.")}
    first = replay.PAIN_POINTS[0][0]
    assert listed[first] == ("1", points[1])
    assert len(replay.PAIN_POINTS) == 9

    # The cards: pick 3, eight of twelve voted, ABC01 and ABC02 on top.
    cards = report.split("## Card results", 1)[1].split("## Takeaways")[0]
    assert "Deck ABC cards, pick 3, 8 of 12 delegates voted, revealed." in cards
    picks = replay.card_points()
    rows = table_rows(cards, "### ABC cards top")
    assert [row[:2] for row in rows[:2]] == [["1", "ABC01"], ["2", "ABC02"]]
    assert [int(row[3]) for row in rows[:2]] == [picks[1], picks[2]]

    # Takeaways: the speakers, and the action's owner and due date.
    for text, speaker in replay.QUOTES:
        assert f"> “{text}” — {speaker}" in report
    for text, speaker in replay.INSIGHTS:
        assert f"- {text} ({speaker})" in report
    text, owner, due, area = replay.ACTION
    assert f"#### {area}" in report
    assert f"- **Action:** {text} (owner {owner}, due {due})" in report
    assert f"| {text} | {owner} | {due} | open |" in report
    assert "-- Gene Kim" not in report and "-- Mike Orzen" not in report


def test_the_readme_states_the_replay_s_keystrokes() -> None:
    count = replay.count_keys(replay.STEPS)
    readme = " ".join((Path(__file__).parent.parent / "README.md").read_text("utf-8").split())
    assert f"takes {count.total:,} keystrokes, {count.commands} of them command keys" in readme
    assert count.total == sum(replay.count_keys(steps).total for _name, steps in replay.PARTS)
