"""Each feature's styles stand alone: a pane's are read when it is first built."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import console.ui
from console.ui.app import PANES, ConsoleApp

UI = Path(console.ui.__file__).parent
SELECTED_ID = re.compile(r"#([A-Za-z_][\w-]*)")


def _styled_ids(styles: Path) -> set[str]:
    """Return the ids a stylesheet's selectors name (declarations are left out)."""
    text = re.sub(r"/\*.*?\*/", "", styles.read_text(encoding="utf-8"), flags=re.DOTALL)
    selectors = re.findall(r"([^{}]+)\{", text)
    return {found for selector in selectors for found in SELECTED_ID.findall(selector)}


def test_no_id_is_styled_by_two_features() -> None:
    # Panes' styles are added in the order the panes are built, so a rule for one id in two
    # files would make a dialog's look depend on which pane the facilitator opened first.
    features = defaultdict(set)
    for styles in UI.glob("*/*.tcss"):
        if styles.parent.name == "projector":
            continue  # the projector is its own app, with its own stylesheet
        for styled in _styled_ids(styles):
            features[styled].add(styles.parent.name)
    shared = {styled: sorted(names) for styled, names in features.items() if len(names) > 1}
    assert shared == {}


def test_every_pane_has_its_styles_file_and_only_the_first_is_read_at_start() -> None:
    at_start = {Path(path).parent.name for path in ConsoleApp.CSS_PATH}
    for entry in PANES:
        assert entry.styles.is_file(), entry.styles
    assert {entry.pane_id for entry in PANES} - at_start == {"inventory", "cards", "takeaways"}
