"""LiveScores, kept up to date one change at a time, always equals the full scoring rule."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.scoring import Item, LiveScores, Vote, rank, score_inventory

ROWS = "abcdefghij"
THEMES = "PQRS"
VOTERS = ("ann", "bob", "cy", None)

row_ids = st.sampled_from(ROWS)
theme_ids = st.none() | st.sampled_from(THEMES)
actions = st.one_of(
    st.tuples(st.just("capture"), row_ids, theme_ids),
    st.tuples(st.just("delete"), row_ids),
    st.tuples(st.just("merge"), row_ids, st.sampled_from(ROWS + "xy")),
    st.tuples(st.just("theme"), row_ids, theme_ids),
    st.tuples(st.just("new theme"), st.sampled_from(THEMES)),
    st.tuples(st.just("delete theme"), st.sampled_from(THEMES)),
    st.tuples(st.just("merge theme"), st.sampled_from(THEMES), st.sampled_from(THEMES + "Z")),
    st.tuples(
        st.just("vote"), st.sampled_from(ROWS + "x"), st.integers(-2, 3), st.sampled_from(VOTERS)
    ),
    st.tuples(st.just("unvote"), st.integers(0, 30)),
)


class Workshop:
    """The rows, themes and votes as stored, changed one action at a time."""

    def __init__(self) -> None:
        self.rows: dict[str, list[str | None]] = {}
        self.themes: dict[str, str | None] = {}
        self.votes: list[Vote] = []
        self.live = LiveScores()

    def points(self) -> list[Item]:
        return [
            Item(row, f"Pain point {row}", ROWS.index(row), "2026-11-26T09:00Z", into, theme)
            for row, (into, theme) in self.rows.items()
        ]

    def theme_items(self) -> list[Item]:
        return [
            Item(theme, f"Theme {theme}", THEMES.index(theme), "2026-11-26T09:00Z", into)
            for theme, into in self.themes.items()
        ]

    def act(self, action: tuple) -> None:
        """Change the stored workshop, then tell LiveScores what changed as a console does."""
        kind = action[0]
        changed_rows: set[str] = set()
        gone: set[str] = set()
        voted: set[str] = set()
        if kind == "capture":
            self.rows[action[1]] = [None, action[2]]
            changed_rows.add(action[1])
        elif kind == "delete" and action[1] in self.rows:
            del self.rows[action[1]]
            gone.add(action[1])
        elif kind == "merge" and action[1] in self.rows:
            self.rows[action[1]][0] = action[2]
            changed_rows.add(action[1])
        elif kind == "theme" and action[1] in self.rows:
            self.rows[action[1]][1] = action[2]
            changed_rows.add(action[1])
        elif kind == "new theme":
            self.themes[action[1]] = None
        elif kind == "delete theme":
            self.themes.pop(action[1], None)
        elif kind == "merge theme" and action[1] in self.themes:
            self.themes[action[1]] = action[2]
        elif kind == "vote":
            self.votes.append(Vote(action[1], action[2], action[3]))
            voted.add(action[1])
        elif kind == "unvote" and self.votes:
            voted.add(self.votes.pop(action[1] % len(self.votes)).item_id)
        if kind.endswith("theme"):
            self.live.set_themes(self.theme_items())
        touched = (
            self.live.apply_rows(((row, *self.rows[row]) for row in changed_rows), gone)
            if changed_rows or gone
            else set()
        )
        touched |= {self.live.survivor[row] for row in voted if row in self.live.survivor}
        if touched:
            members = set(self.live.members(touched))
            self.live.count_votes(
                [vote for vote in self.votes if vote.item_id in members], only=touched
            )


def check(workshop: Workshop) -> None:
    """Assert that the live scores equal a full scoring of the stored workshop."""
    live = workshop.live
    full = score_inventory(workshop.points(), workshop.theme_items(), workshop.votes)
    shown = {entry.item.item_id for entry in full.points}
    assert {row for row in live.survivor if live.is_shown(row)} == shown
    assert live.tallies == dict(full.tallies)
    assert {item: live.theme_of(item) for item in shown} == dict(full.theme_of)
    assert live.theme_totals() == dict(full.theme_totals)
    assert live.theme_counts() == dict(full.theme_counts)
    assert {item: rows for item, rows in live.variants.items()} == {
        item: {row.id for row in rows} for item, rows in full.variants.items()
    }
    assert live.ballots == len({voter for entry in full.tallies.values() for voter in entry.voters})
    assert live.standings() == full.standings()
    items = {item.id: item for item in workshop.points()}
    assert rank((items[item] for item in shown), live.tallies) == list(full.points)


@settings(max_examples=300, deadline=None)
@given(st.lists(actions, max_size=40))
def test_live_scores_equal_the_full_rule_after_every_action(steps: list[tuple]) -> None:
    workshop = Workshop()
    for step in steps:
        workshop.act(step)
        check(workshop)


def test_a_full_count_after_a_round_switch_equals_the_full_rule() -> None:
    workshop = Workshop()
    for action in [
        ("new theme", "P"),
        ("capture", "a", "P"),
        ("capture", "b", None),
        ("merge", "b", "a"),
        ("vote", "b", 2, "ann"),
        ("vote", "a", 1, "bob"),
    ]:
        workshop.act(action)
    workshop.live.count_votes([Vote("a", 5, "cy")])
    workshop.votes = [Vote("a", 5, "cy")]
    check(workshop)
