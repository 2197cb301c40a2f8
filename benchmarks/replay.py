"""Keys of a whole two-day session: how many a facilitator presses to run the blog post's session.

Counts the keys of the replay tests/test_session_replay.py plays in the console (the script is in
replay_script.py): typed text characters and command keys (pane keys, Enter, Escape, Tab, F-keys),
per part of the session, and the typing time at a steady pace.

Run: python benchmarks/replay.py    (run_all.py may pass an argument: it is ignored)
"""

from __future__ import annotations

from replay_script import PARTS, STEPS, count_keys

KEYS_PER_SECOND = 3.0
"""A steady typist's pace (about 36 words a minute), pauses for thought not counted."""

GOAL_MINUTES = 10.0


def minutes(keys: int) -> float:
    """Return the minutes of typing keys take at the steady pace."""
    return keys / KEYS_PER_SECOND / 60


def main() -> None:
    """Print the count per part and in all."""
    print(f"{'part':<14} {'keys':>6} {'text':>6} {'commands':>9}")
    for name, steps in PARTS:
        count = count_keys(steps)
        print(f"{name:<14} {count.total:>6} {count.text:>6} {count.commands:>9}")
    whole = count_keys(STEPS)
    print(f"{'whole session':<14} {whole.total:>6} {whole.text:>6} {whole.commands:>9}")
    met = "yes" if minutes(whole.total) < GOAL_MINUTES else "NO"
    print(
        f"{whole.total} keystrokes ({whole.text} text characters, {whole.commands} command keys):"
        f" {minutes(whole.total):.1f} min of typing at {KEYS_PER_SECOND:g} keys a second"
        f" (goal under {GOAL_MINUTES:g} min: {met})"
    )
    # The row run_all.py gathers: what, figure, floor, ratio, target, met.
    figure = f"{whole.total} keys ({whole.commands} command), {minutes(whole.total):.1f} min"
    target = f"< {GOAL_MINUTES:g} min at {KEYS_PER_SECOND:g} keys/s"
    print(
        "\t".join(
            [
                "RESULT",
                "keys for the blog post's two-day session",
                figure,
                "–",
                "–",
                target,
                met.lower() if met == "yes" else met,
            ]
        )
    )


if __name__ == "__main__":
    main()
