"""The `facilitate` entry point: `facilitate PATH` opens the console at once; the rest is click.

Opening a workshop is what a facilitator does under pressure, so its path loads neither click
nor the other commands (about 10 ms of start-up); console.cli handles every other form.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from console import __version__
from console.store.core import WorkshopStore
from console.store.files import (
    StoreError,
    check_existing_file,
    check_whole_file,
    forget_journal,
    has_journal,
    uses_write_ahead_log,
)

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
    with user_errors(path):
        # A missing, foreign, read-only or newer file is refused at once, before anything opens
        # it for writing. Reading every page for damage takes time that grows with the workshop
        # (250 ms at 100,000 pain points, more from a cold disk): a child process does it while
        # the console starts and paints, and the store writes nothing until it has answered.
        damage = DamageCheckProcess(path)  # first: it notes whether the file has a journal yet
        check_existing_file(path, whole_file=False)
        damage.start()
        try:
            damage.answer(timeout=0)  # an answer already in refuses the file before it opens
            store = WorkshopStore.open(
                path, role=options.pop("role", "console"), checked=True, damage_check=damage
            )
        except StoreError:
            damage.stop()
            raise
    _import_console()
    # A small file's answer is in by now: its refusal comes before anything is drawn.
    with user_errors(path):
        try:
            damage.answer(timeout=0)
        except StoreError:
            damage.stop(store)
            raise
    run_app(store, lambda: _make_console(store, **options))


class DamageCheckProcess:
    """Read a workshop file whole for damage (check_whole_file) in a child process.

    The child is forked before the console opens the file, so it shares no connection and no
    lock with it; it answers through a pipe and leaves, and it leaves as well when the console
    ends first.
    A file not in WAL mode is checked before it is opened: opening it would write its header;
    so is a small file, whose refusal then comes before anything is drawn.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.had_journal = has_journal(path)
        self._answered = threading.Event()
        self._refusal = ""
        self._alive = -1
        """The console's end of a pipe the child watches: when it closes, the child leaves."""
        self._waiting: threading.Thread | None = None

    def start(self) -> None:
        """Start the check; check at once, before returning, a small file (a few milliseconds)
        or one no child can check."""
        if (
            not hasattr(os, "fork")
            or not uses_write_ahead_log(self.path)
            or _size(self.path) <= READ_AT_ONCE_BYTES
        ):
            self._take(_checked(self.path))
            return
        answer_out, answer_in = os.pipe()
        alive_out, alive_in = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: the console checks the file itself, first
            for descriptor in (answer_out, answer_in, alive_out, alive_in):
                os.close(descriptor)
            self._take(_checked(self.path))
            return
        if pid == 0:  # the child: it never returns from here
            os.close(answer_out)
            os.close(alive_in)
            _check_in_child(self.path, answer_in, alive_out)
        os.close(answer_in)
        os.close(alive_out)
        self._alive = alive_in
        self._waiting = threading.Thread(
            target=self._wait, args=(pid, answer_out), name="damage-check", daemon=True
        )
        self._waiting.start()

    def answer(self, timeout: float | None = None) -> bool:
        """Wait for the answer (at most timeout seconds); tell whether it came; raise the
        StoreError that refuses the file if it is damaged."""
        if not self._answered.wait(timeout):
            return False
        if self._refusal:
            raise StoreError(self._refusal)
        return True

    def stop(self, store: WorkshopStore | None = None) -> None:
        """End the check (the console is closing) and close the store; a refused file loses
        the journal files its opening made, if it had none and nobody else has it open."""
        refused = bool(self._refusal)
        if self._alive >= 0:
            os.close(self._alive)  # the child leaves, if it has not yet
            self._alive = -1
        if self._waiting is not None:
            self._waiting.join(timeout=5)  # until the child is gone with its connection
        if store is not None:
            store.close()
        if refused and not self.had_journal:
            forget_journal(self.path)

    def _wait(self, pid: int, answer_out: int) -> None:
        """Read the child's answer until it leaves, then let the console know."""
        chunks = []
        while chunk := os.read(answer_out, 4096):
            chunks.append(chunk)
        os.close(answer_out)
        with suppress(ChildProcessError):
            os.waitpid(pid, 0)
        answer = b"".join(chunks).decode("utf-8", errors="replace")
        if not answer:
            answer = f"{self.path} could not be checked for damage: the check ended unanswered."
        self._take(answer)

    def _take(self, answer: str) -> None:
        """Keep the answer: CHECK_PASSED, or the one line that refuses the file."""
        self._refusal = "" if answer == CHECK_PASSED else answer
        self._answered.set()


READ_AT_ONCE_BYTES = 4 << 20
"""A file this size or smaller is read whole at once (about 10 ms at most), not by a child."""

CHILD_NICENESS = 10
"""How much the check yields to the console when both want the same core (see os.nice)."""

CHECK_PASSED = "ok"
"""The child's answer when the file has no damage; anything else is the refusal."""


def _size(path: Path) -> int:
    """Return the file's size in bytes (0 if it cannot be known: the check then says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _checked(path: Path) -> str:
    """Read the whole file for damage; return CHECK_PASSED or the one line that refuses it."""
    try:
        check_whole_file(path)
    except StoreError as error:
        return str(error) or f"{path} is damaged."
    except Exception as error:  # told as one line, like every refusal
        return f"{path} could not be checked for damage: {type(error).__name__}: {error}"
    return CHECK_PASSED


def _check_in_child(path: Path, answer_in: int, alive_out: int) -> NoReturn:
    """In the forked child: check the file, write the answer, and leave without cleaning up
    anything of the console's (os._exit)."""
    try:
        # Ctrl+C before the console takes the terminal reaches the whole process group: the
        # console answers it; the child leaves when the console does.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # On a busy machine the console's start-up comes first; on an idle one the read still
        # has a core of its own.
        with suppress(OSError):
            os.nice(CHILD_NICENESS)
        threading.Thread(target=_leave_with_console, args=(alive_out,), daemon=True).start()
        data = _checked(path).encode("utf-8", errors="replace")
        while data:
            data = data[os.write(answer_in, data) :]
    finally:
        os._exit(0)


def _leave_with_console(alive_out: int) -> None:
    """End the child as soon as the console has ended (its end of the pipe closes)."""
    try:
        os.read(alive_out, 1)
    finally:
        os._exit(0)


def _import_console() -> None:
    """Import the console's app module, and Textual with it, without building anything."""
    import console.ui.app  # noqa: F401


def _make_console(store: WorkshopStore, **options: Any) -> Any:
    """Build the console app (imported late: Textual is the slow part of start-up)."""
    from console.ui.app import make_app

    return make_app(store, **options)


def run_app(store: WorkshopStore, factory: Callable[[], Any]) -> None:
    """Run a Textual app on the store, close the file, and report an error that ended the app.

    A refusal from the read of the file for damage (run_console) ends the app too, and is said
    here in one line.
    """
    working_on(store.path)
    try:
        app = factory()
        app.run()
    finally:
        # Every action is committed when it is shown as saved: closing keeps all of it, rolls
        # back an action an error interrupted, and folds the journal back into the file. A
        # read for damage still running (or refused: the store keeps it) ends first.
        damage = store.damage_check
        if isinstance(damage, DamageCheckProcess):
            damage.stop(store)
        else:
            store.close()
    error = getattr(app, "unexpected_error", None)
    if error is not None:
        report_unexpected_error(error)
    refusal = getattr(app, "refusal", "")
    if refusal:
        fail(refusal)
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
