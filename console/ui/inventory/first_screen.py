"""The first screen of a big inventory: its leading pain points, read on a thread of their own.

The console starts the read at idle right after its first frame (once the pane's code is
loaded), so that the pane, built when F3 comes, finds its first screen read or nearly.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from weakref import WeakKeyDictionary

from console.store.core import WorkshopStore
from console.store.inventory import has_more_pain_points
from console.store.inventory_votes import LeadingPainPoints, read_leading_pain_points

EAGER_ROWS = 2_000
"""Up to this many pain points, the pane's first build reads them all before it shows."""
FIRST_SCREEN = 100
"""Beyond that, it shows this many first (a screen's worth) and loads the rest in a worker."""
PREPARED_WAIT = 3.0
"""Seconds the first screen waits for the thread reading it; then the UI thread reads it."""

_started: WeakKeyDictionary[WorkshopStore, Future[LeadingPainPoints]] = WeakKeyDictionary()
"""The reads started ahead of the pane (start_reading), by store, until a pane takes one."""


def is_big(store: WorkshopStore) -> bool:
    """Tell whether the workshop has too many pain points to read before the pane shows."""
    return has_more_pain_points(store, EAGER_ROWS)


def start_reading(store: WorkshopStore) -> None:
    """Start reading a big workshop's first screen on a thread, for the pane still to come."""
    if store not in _started and is_big(store):
        _started[store] = read_in_thread(store.path, FIRST_SCREEN)


def take_reading(store: WorkshopStore) -> Future[LeadingPainPoints] | None:
    """Return the read of the first screen for a pane being built now; None if the workshop is
    small enough to be read whole.

    The read started ahead is taken while it may still be current; once it is known to be out
    of date (written to since) or failed, a new one starts. The pane checks again when it uses
    it: a write meanwhile makes it read the first screen again.
    """
    started = _started.pop(store, None)
    if started is not None and not (started.done() and _out_of_date(started, store)):
        return started
    return read_in_thread(store.path, FIRST_SCREEN) if is_big(store) else None


def _out_of_date(read: Future[LeadingPainPoints], store: WorkshopStore) -> bool:
    """Tell whether a finished read failed or read the file before its latest write."""
    if read.exception() is not None:
        return True
    return read.result().rev != store.current_rev()


def read_in_thread(path: Path, count: int) -> Future[LeadingPainPoints]:
    """Start reading the leading pain points on a thread of its own; return the result to come.

    SQLite reads the round's kept scores without the interpreter: the console does its own work
    meanwhile.
    """
    result: Future[LeadingPainPoints] = Future()

    def read() -> None:
        try:
            # The UI thread works meanwhile: without a short switch interval, this thread would
            # wait up to 5 ms for the interpreter between one query and the next.
            with ui_thread_first():
                result.set_result(read_leading_pain_points(path, count))
        except Exception as error:  # the UI thread then reads it itself, and reports
            result.set_exception(error)

    threading.Thread(target=read, name="inventory-first-screen", daemon=True).start()
    return result


@contextmanager
def ui_thread_first() -> Iterator[None]:
    """Hand the interpreter back to the UI thread within 0.5 ms while this thread computes.

    Python lets a thread that wants the interpreter wait up to 5 ms for a busy one, and the UI
    thread gives it up on every wait for input or the file: loading 100,000 pain points beside
    it made each key wait 100 ms and more. Loads may overlap, so the first one sets it back.
    """
    global _ui_first_depth
    with _ui_first_lock:
        if _ui_first_depth == 0:
            _switch_interval[0] = sys.getswitchinterval()
            sys.setswitchinterval(UI_SWITCH_SECONDS)
        _ui_first_depth += 1
    try:
        yield
    finally:
        with _ui_first_lock:
            _ui_first_depth -= 1
            if _ui_first_depth == 0:
                sys.setswitchinterval(_switch_interval[0])


UI_SWITCH_SECONDS = 0.0005
_ui_first_depth = 0
_ui_first_lock = threading.Lock()
_switch_interval = [0.005]
