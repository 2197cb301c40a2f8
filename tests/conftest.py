"""Shared fixtures: throwaway workshop files, a fake clock, an isolated home folder."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.store.core import WorkshopStore
from console.store.templates import apply_template

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Keep the demo and any user files out of the real home folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    return home


@pytest.fixture(autouse=True)
def record_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every notice an app shows (tests/helpers.py notices), also once it has gone."""
    from textual.app import App

    shown = App.notify

    def notify(self: App, message: str, **options: Any) -> None:
        severity = options.get("severity", "information")
        self.__dict__.setdefault("shown_notices", []).append((str(message), severity))
        shown(self, message, **options)

    monkeypatch.setattr(App, "notify", notify)


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock starting at 09:00 UTC on a workshop day."""
    return FakeClock()


@pytest.fixture
def local_time_is_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the machine's local time UTC, so local clock times line up with the fake clock."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def make_workshop(path: Path, template: str = "executive-connections") -> Path:
    """Create a workshop file from a shipped template and close it."""
    store = WorkshopStore.create(path)
    try:
        apply_template(store, template)
    finally:
        store.close()
    return path


@pytest.fixture
def workshop_path(tmp_path: Path) -> Path:
    """A closed workshop file made from the executive-connections template."""
    return make_workshop(tmp_path / "workshop.db")


@pytest.fixture
def store(workshop_path: Path, clock: FakeClock) -> Iterator[WorkshopStore]:
    """The workshop file opened by a console instance with the fake clock."""
    opened = WorkshopStore.open(workshop_path, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def second_store(
    workshop_path: Path, store: WorkshopStore, clock: FakeClock
) -> Iterator[WorkshopStore]:
    """A second console instance on the same file (as a note-taker's terminal would be)."""
    opened = WorkshopStore.open(workshop_path, role="notes", clock=clock)
    yield opened
    opened.close()
