"""The `facilitate` entry point: `facilitate PATH` opens the console at once; the rest is click.

Opening a workshop is what a facilitator does under pressure, so its path loads neither click
nor the other commands (about 10 ms of start-up); console.cli handles every other form.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from console.store.core import WorkshopStore
from console.store.files import StoreError

COMMAND_NAMES = frozenset(
    {
        "open",
        "new",
        "templates",
        "demo",
        "present",
        "notes",
        "export",
        "import",
        "merge",
        "portfolio",
    }
)
"""The sub-commands of console.cli: an argument with one of these names is not a file."""


def fail(message: str) -> NoReturn:
    """Print one line on stderr and exit non-zero."""
    one_line = " ".join(message.split())
    print(f"facilitate: {one_line}", file=sys.stderr)
    sys.exit(1)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn every expected problem into one line on stderr, never a traceback."""
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
    with user_errors():
        store = WorkshopStore.open(path, role=options.pop("role", "console"))
    run_app(store, lambda: _make_console(store, **options))


def _make_console(store: WorkshopStore, **options: Any) -> Any:
    """Build the console app (imported late: Textual is the slow part of start-up)."""
    from console.ui.app import make_app

    return make_app(store, **options)


def run_app(store: WorkshopStore, factory: Callable[[], Any]) -> None:
    """Run a Textual app on the store and close the file afterwards."""
    try:
        factory().run()
    finally:
        store.close()


def opens_a_file(arguments: list[str]) -> bool:
    """Tell whether the command line is `facilitate PATH`, the console on one file."""
    if len(arguments) != 1:
        return False
    argument = arguments[0]
    return bool(argument) and not argument.startswith("-") and argument not in COMMAND_NAMES


def main() -> None:
    """Entry point of the `facilitate` command."""
    arguments = sys.argv[1:]
    if opens_a_file(arguments):
        run_console(Path(arguments[0]))
        return
    from console.cli import cli

    cli(prog_name="facilitate")
