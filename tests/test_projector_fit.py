"""The terminal projector fits its window: every row shown has its rank, title and score."""

from __future__ import annotations

import re

import pytest
from conftest import FakeClock
from helpers import pilot_wait_until, visible_text

from console.store.core import WorkshopStore
from console.store.display import set_display
from console.store.inventory import capture_pain_point
from console.store.inventory_votes import open_round, set_hand_count, set_revealed
from console.ui.projector.app import make_projector_app
from console.ui.projector.board import (
    EIGHTHS,
    BoardRow,
    BoardSection,
    big_glyph,
    clip_lines,
    lay_out,
    wrap_words,
)

HANDS = [
    ("No buy-in to new ways of working from middle management", 9),
    ("Nobody owns the end-to-end service", 8),
    (
        "Activities are not linked back to business strategy and goals, so nobody can say "
        "which of them matter to the customers we serve",
        7,
    ),
    ("IT does not have a seat at the table", 6),
    ("Everything is priority one", 6),
    ("Technical debt never makes it onto the backlog", 5),
    ("ITIL is seen as bureaucracy, not enablement", 4),
    ("Blame after every major incident", 3),
    ("We cannot explain our value in business terms", 2),
    ("Handovers between teams lose what the customer asked for", 2),
    ("Nobody reads the service reports we write every month", 2),
    ("Meetings", 1),
]
"""Twelve pain points counted by hand: ties at 4th and at 9th, where the top 10 is cut."""

RANKS = ["1.", "2.", "3.", "4=", "4=", "6.", "7.", "8.", "9=", "9=", "9="]
"""The top 10 as the room must read it: the three tied at 9th all stay in."""

SIZES = [(40, 12), (80, 24), (200, 60)]

BLOCKS = "█" + EIGHTHS.strip()


def put_up_hand_counts(store: WorkshopStore) -> None:
    """Capture the pain points, count hands for each, reveal and put the top 10 up."""
    ids = [capture_pain_point(store, title) for title, _hands in HANDS]
    round_id = open_round(store, "hand_count", title="Hands up")
    for pain_point_id, (_title, hands) in zip(ids, HANDS, strict=True):
        set_hand_count(store, round_id, pain_point_id, hands)
    set_revealed(store, round_id, True)
    set_display(store, "inventory", {"round_id": round_id, "show": "items", "top": 10})


def bar_eighths(line: str) -> int:
    """Return the length in eighths of a cell of the bar that ends a line."""
    bar = re.search(f"[{BLOCKS}]+$", line.rstrip())
    if bar is None:
        return 0
    return sum(8 if cell == "█" else EIGHTHS.index(cell) for cell in bar.group())


def is_glyph(chunk: str) -> bool:
    """Tell whether a piece of a line is drawn in box-drawing characters (large digits)."""
    return any("\u2500" <= cell <= "\u257f" for cell in chunk)


def score_shown(lines: list[str], at: int, score: str) -> bool:
    """Tell whether score shows on the row starting at line at: as text or in large digits."""
    if re.search(rf"\s{re.escape(score)} [{BLOCKS}]", lines[at]):
        return True
    glyph = [part.rstrip() for part in big_glyph(score)]
    first = lines[at].find(glyph[0])
    while first >= 0:
        below = lines[at + 1 : at + len(glyph)]
        if all(
            line[first : first + len(part)] == part
            for line, part in zip(below, glyph[1:], strict=True)
        ):
            return True
        first = lines[at].find(glyph[0], first + 1)
    return False


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_every_row_shown_has_its_rank_whole_words_and_score(
    size: tuple[int, int], store: WorkshopStore, second_store: WorkshopStore, clock: FakeClock
) -> None:
    put_up_hand_counts(store)
    app = make_projector_app(second_store, clock=clock)
    async with app.run_test(size=size) as pilot:
        await pilot_wait_until(
            pilot, lambda: "No buy-in" in visible_text(app), message=lambda: visible_text(app)
        )
        lines = visible_text(app).splitlines()
    text = "\n".join(lines)
    more = re.search(r"\+(\d+) more", text)
    shown = len(RANKS) - (int(more.group(1)) if more else 0)
    if size[0] >= 80:
        assert shown == len(RANKS), text
    assert shown >= 5, text
    starts: list[int] = []
    for rank, (title, hands) in zip(RANKS[:shown], HANDS, strict=False):
        first_word = re.escape(title.split()[0])
        after = starts[-1] + 1 if starts else 0
        found = next(
            (n for n in range(after, len(lines)) if re.match(rf"\s*{re.escape(rank)} ", lines[n])),
            None,
        )
        assert found is not None, f"rank {rank} of {title!r} not shown:\n{text}"
        assert re.match(rf"\s*{re.escape(rank)} +{first_word}", lines[found]), lines[found]
        assert score_shown(lines, found, str(hands)), f"score of {title!r} not shown:\n{text}"
        starts.append(found)
    # Titles: whole words in order, cut only after a word with "…"; in full from 80 columns.
    ends = [*starts[1:], len(lines)]
    for at, end, (title, _hands) in zip(starts, ends, HANDS, strict=False):
        parts = []
        for number in range(at, end):
            line = lines[number]
            if number == at:
                line = re.sub(r"^\s*\S+ ", "", line)
            chunk = re.split(r"\s{2,}", line.strip())[0] if line.strip() else ""
            if chunk and not is_glyph(chunk) and not chunk.startswith("+"):
                parts.append(chunk)
        words = " ".join(parts).split()
        cut = bool(words) and words[-1].endswith("…")
        if cut:
            words[-1] = words[-1].removesuffix("…")
            if words[-1]:
                assert words == title.split()[: len(words)], (title, parts)
            else:
                words.pop()
        else:
            assert words == title.split(), (title, parts)
        if size[0] >= 80:
            assert not cut, (title, parts)
    # Bars: one per row shown, as long as its score allows, to an eighth of a cell.
    bars = [bar_eighths(lines[at]) for at in starts]
    scores = [hands for _title, hands in HANDS[:shown]]
    for (one, one_bar), (other, other_bar) in zip(
        zip(scores, bars, strict=True), zip(scores[1:], bars[1:], strict=True), strict=False
    ):
        assert (one_bar > other_bar) if one > other else (one_bar == other_bar), (scores, bars)


def test_bars_of_close_scores_differ_in_a_narrow_column() -> None:
    rows = tuple(
        BoardRow(f"{n}.", f"Pain point {n}", score, str(score))
        for n, score in enumerate([9, 8, 7, 6, 6, 5], start=1)
    )
    drawn = lay_out([BoardSection("", rows)], 40, 12)
    bars = [bar_eighths(line.plain) for line in drawn.lines if line.plain.strip()]
    assert bars[0] > bars[1] > bars[2] > bars[3] == bars[4] > bars[5] > 0
    assert all(len(line.plain) <= 40 for line in drawn.lines)


def test_titles_wrap_at_words_and_are_cut_only_after_a_word() -> None:
    assert wrap_words("Nobody owns the end-to-end service", 12) == [
        "Nobody owns",
        "the",
        "end-to-end",
        "service",
    ]
    assert clip_lines(["Nobody owns", "the", "end-to-end"], 1, 12) == ["Nobody owns…"]
    assert clip_lines(["Nobody owns", "the"], 1, 11) == ["Nobody…"]


def test_rows_that_do_not_fit_are_counted_never_cut() -> None:
    rows = tuple(BoardRow(f"{n}.", f"Item {n}", 20 - n, str(20 - n)) for n in range(1, 16))
    drawn = lay_out([BoardSection("Top 15", rows)], 40, 8)
    plain = [line.plain for line in drawn.lines]
    assert len(plain) == 8 and plain[0] == "Top 15" and plain[-1] == "+9 more"
    assert [line.split() for line in plain[1:-1]] == [
        [f"{n}.", "Item", str(n), str(20 - n), line.split()[-1]]
        for n, line in zip(range(1, 7), plain[1:-1], strict=True)
    ]
