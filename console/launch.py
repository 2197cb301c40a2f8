"""The `facilitate` entry point: `facilitate PATH` opens the console at once; the rest is click.

Opening a workshop is what a facilitator does under pressure, so its path loads neither click
nor the other commands (about 10 ms of start-up); console.cli handles every other form.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from console import __version__
from console.store.core import WorkshopStore
from console.store.files import StoreError, check_existing_file

COMMAND_NAMES = frozenset(
    {
        "open",
        "browse",
        "new",
        "templates",
        "demo",
        "present",
        "notes",
        "export",
        "import",
        "merge",
        "portfolio",
        "room",
    }
)
"""The sub-commands of console.cli: an argument with one of these names is not a file."""

ERROR_LOG_SUFFIX = ".error.log"
"""An unexpected error is logged beside the workshop file, in WORKSHOP.error.log."""

FALLBACK_LOG_NAME = "facilitate-error.log"
"""The log's name in the current folder (or the user log folder) when no workshop is known."""

_workshop: Path | None = None
"""The workshop file the command works on, once known: its error log goes beside it."""


def fail(message: str) -> NoReturn:
    """Print one line on stderr and exit non-zero."""
    one_line = " ".join(message.split())
    print(f"facilitate: {one_line}", file=sys.stderr)
    sys.exit(1)


def working_on(path: Path) -> None:
    """Remember the workshop file the command works on: an unexpected error is logged beside it."""
    global _workshop
    _workshop = Path(path)


@contextmanager
def user_errors(workshop: Path | None = None) -> Iterator[None]:
    """Turn every expected problem into one line on stderr, never a traceback.

    `workshop`: the file the command works on (an unexpected error is logged beside it).
    """
    if workshop is not None:
        working_on(workshop)
    try:
        yield
    except (StoreError, ValueError) as error:  # a TemplateError is a ValueError too
        fail(str(error))
    except PermissionError as error:
        fail(f"permission denied: {error.filename}.")
    except OSError as error:
        fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ") + ".")


def run_console(path: Path, **options: Any) -> None:
    """Open the workshop file and run the console until the facilitator quits."""
    # Importing Textual and building the first screen create ~40,000 objects that live as
    # long as the console; the collector would walk them several times before the first
    # paint (~25 ms). The console turns it back on once its first frame is on screen
    # (ConsoleApp.on_ready).
    gc.disable()
    # Checking the file reads every page of it for damage, which takes time that grows with
    # the workshop (250 ms at 100,000 pain points, more from a cold disk); SQLite lets go of
    # the interpreter meanwhile, so Textual is imported at the same time. The console's own
    # connection opens once the check is over, as it always did: when the two overlapped, a
    # line shown as saved was missing after a kill in the crash tests.
    checking = FileCheck(path)
    checking.start()
    _import_console()
    with user_errors(path):
        checking.result()
        store = WorkshopStore.open(path, role=options.pop("role", "console"), checked=True)
    run_app(store, lambda: _make_console(store, **options))


class FileCheck(threading.Thread):
    """Check a workshop file (check_existing_file) on a thread of its own."""

    def __init__(self, path: Path) -> None:
        super().__init__(name="check-file", daemon=True)
        self.path = path
        self._error: BaseException | None = None

    def run(self) -> None:
        try:
            check_existing_file(self.path)
        except BaseException as error:  # raised on the caller's thread by result()
            self._error = error

    def result(self) -> None:
        """Wait for the check; raise the StoreError that refuses the file, if any."""
        self.join()
        if self._error is not None:
            raise self._error


def _import_console() -> None:
    """Import the console's app module, and Textual with it, without building anything."""
    import console.ui.app  # noqa: F401


def _make_console(store: WorkshopStore, **options: Any) -> Any:
    """Build the console app (imported late: Textual is the slow part of start-up)."""
    from console.ui.app import make_app

    return make_app(store, **options)


def run_app(store: WorkshopStore, factory: Callable[[], Any]) -> None:
    """Run a Textual app on the store, close the file, and report an error that ended the app."""
    working_on(store.path)
    try:
        app = factory()
        app.run()
    finally:
        # Every action is committed when it is shown as saved: closing keeps all of it, rolls
        # back an action an error interrupted, and folds the journal back into the file.
        store.close()
    error = getattr(app, "unexpected_error", None)
    if error is not None:
        report_unexpected_error(error)
    if app.return_code:
        sys.exit(app.return_code)


@contextmanager
def unexpected_errors_reported() -> Iterator[None]:
    """End an unexpected error with one line on stderr and its traceback in a log file."""
    try:
        yield
    except Exception as error:  # every expected problem was told in one line already
        report_unexpected_error(error)


def report_unexpected_error(error: BaseException) -> NoReturn:
    """Log the error's traceback (see error_log_paths), say so in one line, and exit 1."""
    name = type(error).__name__
    text = " ".join(str(error).split())
    text = text if len(text) <= 300 else f"{text[:299]}…"
    summary = f"{name}: {text}" if text else name
    log, reason = write_error_log(error)
    if log is None:
        fail(f"unexpected error: {summary}; the details could not be written ({reason}).")
    fail(f"unexpected error: {summary}; details in {log}")


def error_log_paths(workshop: Path | None) -> list[Path]:
    """Return where an error log may go, best first: beside the workshop file, else in the
    current folder, else in the user's log folder."""
    first = Path(f"{workshop}{ERROR_LOG_SUFFIX}") if workshop else Path(FALLBACK_LOG_NAME)
    try:
        from platformdirs import user_log_path

        return [first, user_log_path("facilitation-console", appauthor=False) / FALLBACK_LOG_NAME]
    except ImportError:  # platformdirs comes with Textual; without it, only the first place
        return [first]


def write_error_log(error: BaseException) -> tuple[Path | None, str]:
    """Append the error's traceback to the first error log that can be written (0600); return
    its path, or None and why no log could be written."""
    import traceback  # only when something went wrong

    stamp = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    entry = (
        f"--- {stamp} facilitate {__version__}, Python {sys.version.split()[0]}, "
        f"pid {os.getpid()}\n"
        f"command: facilitate {' '.join(sys.argv[1:])}\n"
        + "".join(traceback.format_exception(error))
        + "\n"
    )
    reason = "no folder to write to"
    for number, log in enumerate(error_log_paths(_workshop)):
        try:
            if number:  # the user log folder may not exist yet; the workshop's folder does
                log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
            descriptor = os.open(log, flags, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8", errors="replace") as handle:
                handle.write(entry)
        except OSError as problem:
            reason = f"{problem.strerror or problem}: {log}"
            continue
        return log, ""
    return None, reason


def opens_a_file(arguments: list[str]) -> bool:
    """Tell whether the command line is `facilitate PATH`, the console on one file."""
    if len(arguments) != 1:
        return False
    argument = arguments[0]
    return bool(argument) and not argument.startswith("-") and argument not in COMMAND_NAMES


def main() -> None:
    """Entry point of the `facilitate` command."""
    arguments = sys.argv[1:]
    with unexpected_errors_reported():
        if opens_a_file(arguments):
            run_console(Path(arguments[0]))
            return
        from console.cli import cli

        cli(prog_name="facilitate")
