"""Helpers shared by the tests: waiting for what the user sees, reading the screen, full disks."""

from __future__ import annotations

import asyncio
import contextlib
import html
import http.client
import importlib.util
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from conftest import make_workshop
from textual.app import App

from console.store.core import WorkshopStore
from console.store.format import FORMAT_VERSION
from console.store.importer import import_records

POLL = 0.01
"""Seconds between two looks at a condition while waiting for it."""


async def wait_until(condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    """Wait until condition holds, looking every few milliseconds; fail after the deadline.

    For state another thread or a timer changes with no event to await (a worker's report, the
    console closing); with a Pilot at hand, pilot_wait_until waits for the app to be idle.
    """
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Still waiting after {seconds:.0f} s for {what}.")
        await asyncio.sleep(POLL)


def notices(app: App, severity: str | None = None) -> list[str]:
    """Return the notifications the app has shown, oldest first, optionally of one severity.

    conftest.py records every App.notify call of every app (record_notices), so a notice that
    has already timed out or been cleared still counts.
    """
    shown: list[tuple[str, str]] = app.__dict__.get(NOTICES, [])
    return [message for message, level in shown if severity is None or level == severity]


NOTICES = "shown_notices"
"""The app attribute where conftest.py's recorder keeps (message, severity) of each notice."""


def screen_text(app: App) -> str:
    """Return the text on the screen as the user reads it (from a screenshot of the app)."""
    svg = app.export_screenshot()
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.DOTALL)
    return html.unescape("".join(texts)).replace("\xa0", " ")


JOURNALS = ("-wal", "-shm", "-journal")


def limit_file_size(limit: int) -> Callable[[], None]:
    """Return a preexec_fn that caps each file the child writes at limit bytes (`ulimit -f`).

    SIGXFSZ is ignored (an ignored signal stays ignored across exec), so a write past the
    limit fails with EFBIG instead of killing the process.
    """

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def facilitate_run(
    folder: Path, *args: str, preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `facilitate` command in folder, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TERM": "dumb"},
        preexec_fn=preexec,
    )


def files_in(folder: Path) -> set[str]:
    """Return every file and folder below folder, SQLite's journal files left out."""
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if not path.name.endswith(JOURNALS)
    }


def why_no_tmpfs() -> str | None:
    """Return why this machine cannot mount a small tmpfs for a test, None if it can."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "mounting a small tmpfs needs root"
    if shutil.which("mount") is None or shutil.which("umount") is None:
        return "no mount command"
    return None


class TinyDisk:
    """A folder where the `facilitate` command finds the disk (nearly) full.

    "tmpfs": the folder is on a small tmpfs this test mounts, filled up to the bytes left free
    (writes fail with ENOSPC). "ulimit": the command runs with a file size limit of that many
    bytes (writes fail with EFBIG), for machines where mounting is not allowed.
    """

    def __init__(self, kind: str, root: Path) -> None:
        self.kind = kind
        self.root = root
        self.folder = root / "work" if kind == "tmpfs" else root
        self.free: int | None = None

    def leave(self, free: int) -> None:
        """Leave only free bytes for what the command writes."""
        self.free = free
        if self.kind != "tmpfs":
            return
        filler = self.root / ".filler"
        filler.unlink(missing_ok=True)
        stats = os.statvfs(self.root)
        available = stats.f_bavail * stats.f_frsize
        if available <= free:
            raise AssertionError(f"the tmpfs has only {available} bytes free, not {free}")
        with filler.open("wb") as handle:
            left = available - free
            block = bytes(1 << 20)
            while left > 0:
                left -= handle.write(block[: min(left, len(block))])

    def room(self) -> None:
        """Give the disk its space back (between runs, to prepare the next one)."""
        self.free = None
        (self.root / ".filler").unlink(missing_ok=True)

    def preexec(self) -> Callable[[], None] | None:
        """Return what a child process must run first to meet the full disk (ulimit only)."""
        if self.kind == "ulimit" and self.free is not None:
            return limit_file_size(self.free)
        return None

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the command in the folder on the nearly full disk."""
        return facilitate_run(self.folder, *args, preexec=self.preexec())

    def python(self, script: str) -> subprocess.CompletedProcess[str]:
        """Run a Python script in the folder under the same conditions as the command."""
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=self.preexec(),
        )


@contextmanager
def tiny_disk(kind: str, root: Path, size: int = 16 << 20) -> Iterator[TinyDisk]:
    """Prepare a TinyDisk of the kind under root (a tmpfs of size bytes is mounted there)."""
    root.mkdir(parents=True, exist_ok=True)
    if kind != "tmpfs":
        yield TinyDisk(kind, root)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(root)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        import pytest

        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        disk = TinyDisk(kind, root)
        disk.folder.mkdir()
        yield disk
    finally:
        if subprocess.run(["umount", str(root)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(root)], capture_output=True)


def workshop_with_pain_points(path: Path, count: int, *, prefix: str = "Pain point") -> Path:
    """Build a workshop file holding count pain points (one import, one transaction)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        make_workshop(path)
    listing = path.parent / f".{path.name}.pain-points.csv"
    lines = ["text,theme"]
    lines += [
        f"{prefix} {number}: the approval chain for small purchases takes weeks,Ways of working"
        for number in range(1, count + 1)
    ]
    listing.write_text("\n".join(lines) + "\n", "utf-8")
    try:
        with WorkshopStore.open(path) as store:
            import_records(store, "pain-points", listing)
    finally:
        listing.unlink()
    return path


def pain_point_count(path: Path) -> int:
    """Return how many live pain points a workshop file holds (read-only)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(
            connection.execute(
                "SELECT count(*) FROM pain_points WHERE deleted_at IS NULL"
            ).fetchone()[0]
        )
    finally:
        connection.close()


def integrity(path: Path) -> str:
    """Return SQLite's integrity_check of a file, read-only ("ok" when whole)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return " ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


@contextmanager
def open_elsewhere(path: Path) -> Iterator[sqlite3.Connection]:
    """Keep a workshop file open in another connection, as a running console would."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield connection
    finally:
        with contextlib.suppress(sqlite3.Error):
            connection.close()


Message = str | Callable[[], str]


DEADLINE = 30.0


def _describe(message: Message) -> str:
    return message() if callable(message) else message


async def pilot_wait_until(
    pilot: Any,
    predicate: Callable[[], object],
    timeout: float = DEADLINE,
    message: Message = "",
) -> None:
    """Let the app work (Pilot) until predicate() is true; fail after timeout seconds.

    Each look first waits for the app to be idle (`pilot.pause()`), so a condition that needs
    only the keys already pressed holds on the first look; one that needs a timer (another
    console's change, the clock) holds on the first look after the timer fired.
    """
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        if predicate():
            return
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"not within {timeout:g} s: {_describe(message) or 'condition never held'}"
            )


async def open_on_list(pilot: Any, pane_key: str) -> Any:
    """Open a pane by its key and leave its line for the list, where letters are the list's
    keys (a pane's first visit opens on its capture line); return the focused widget."""
    from textual.widgets import Input

    app = pilot.app
    await pilot.press(pane_key, "escape")
    await pilot_wait_until(
        pilot,
        lambda: app.focused is not None and not isinstance(app.focused, Input),
        message=f"the list has the focus after {pane_key} and Escape",
    )
    return app.focused


def visible_text(app: Any) -> str:
    """Return the text of the screen, line by line, as the user reads it.

    Read from the app's own screenshot (App.export_screenshot, public API): each text run of
    the SVG says where it starts, how wide it is, and the screen line it belongs to.
    """
    runs = [
        (float(x), float(width), int(line), html.unescape(text).replace("\xa0", " "))
        for x, width, line, text in SVG_TEXT.findall(app.export_screenshot())
    ]
    if not runs:
        return ""
    cell = next(width / len(text) for _x, width, _line, text in runs if text)
    left = min(x for x, *_rest in runs)
    lines: dict[int, list[str]] = {}
    for x, _width, line, text in runs:
        row = lines.setdefault(line, [])
        column = round((x - left) / cell)
        row.extend(" " * (column + len(text) - len(row)))
        row[column : column + len(text)] = text
    return "\n".join("".join(lines.get(n, [])).rstrip() for n in range(max(lines) + 1))


SVG_TEXT = re.compile(
    r'<text [^>]*?x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
    r'clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>'
)
"""One text run of a Textual screenshot: its x, its width, its screen line and its text."""


def change_by_hand(path: Path, sql: str) -> None:
    """Change a workshop file with plain sqlite3, as someone at the sqlite3 prompt would."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(sql)
    finally:
        connection.close()


def _retype_participant_number(path: Path) -> None:
    """Change participants.number from INTEGER to TEXT, as `sqlite-utils transform` does."""
    from sqlite_utils import Database

    database = Database(path)
    try:
        database["participants"].transform(types={"number": str})
    finally:
        database.close()


def _sql(sql: str) -> Callable[[Path], None]:
    return lambda path: change_by_hand(path, sql)


HAND_CHANGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "dropped-column": (
        _sql("ALTER TABLE pain_points DROP COLUMN raised_by"),
        'table pain_points has no column "raised_by"',
    ),
    "changed-column-type": (
        _retype_participant_number,
        'column "number" of table participants is TEXT, not INTEGER',
    ),
    "dropped-view": (_sql("DROP VIEW card_results"), "view card_results is missing"),
    "dropped-index": (_sql("DROP INDEX pain_points_rev"), "index pain_points_rev is missing"),
    "dropped-trigger": (_sql("DROP TRIGGER takeaways_ai"), "trigger takeaways_ai is missing"),
}


def changed_workshop(path: Path, change: str) -> Path:
    """Build a workshop file, then change its schema by hand (see HAND_CHANGES)."""
    make_workshop(path)
    HAND_CHANGES[change][0](path)
    return path


def schema_refusal(name: str, change: str, version: int = FORMAT_VERSION) -> str:
    """Return the one line that refuses the file `name` changed by hand with `change`."""
    return f"facilitate: {name} does not match the workshop format {version}: " + (
        f"{HAND_CHANGES[change][1]}."
    )


def journal_files(path: Path) -> list[str]:
    """Return the SQLite journal files (-wal, -shm, -journal) present beside a file."""
    return [
        f"{path.name}{suffix}"
        for suffix in ("-wal", "-shm", "-journal")
        if Path(f"{path}{suffix}").exists()
    ]


def wait_for_exit(pid: int, seconds: float, while_waiting: Callable[[], object]) -> int | None:
    """Wait for a child process to end, calling while_waiting meanwhile (e.g. to read its
    terminal so it never blocks on output); return its exit code, or None if still running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            return os.waitstatus_to_exitcode(status)
        while_waiting()
    return None


def poll_until(
    condition: Callable[[], bool], seconds: float, while_waiting: Callable[[], object]
) -> bool:
    """Call while_waiting (e.g. read a terminal) until condition holds or the deadline passes;
    tell whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        while_waiting()
    return condition()


def wait_briefly(process: subprocess.Popen[Any]) -> None:
    """Wait for a child process to end, or until the next look at it."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(POLL)


def between_looks() -> None:
    """Pause between two looks at a condition nothing can be waited on for (another process's
    state, a grandchild process): the same POLL that wait_until pauses for."""
    threading.Event().wait(POLL)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_request(
    url: str, method: str = "GET", body: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """Send one request to a local server; return the status, headers and body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path or "/", body=body, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text
    finally:
        connection.close()


class RoomProcess:
    """`facilitate room PATH --host 127.0.0.1 --port N` run as a user runs it; its output kept."""

    def __init__(
        self, path: Path, *extra: str, env: dict[str, str] | None = None, port: int | None = None
    ) -> None:
        self.path = path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "console", "room", str(path)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), *extra]
        self.process = subprocess.Popen(
            command,
            cwd=path.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env if env is not None else {**os.environ},
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        for stream, into in ((self.process.stdout, self.lines), (self.process.stderr, self.errors)):
            threading.Thread(target=self._read, args=(stream, into), daemon=True).start()

    @staticmethod
    def _read(stream: Any, into: list[str]) -> None:
        """Keep every line the server prints (so it never blocks on a full pipe)."""
        for line in stream:
            into.append(line.rstrip("\n"))

    def healthy(self) -> bool:
        """Tell whether the server answers /healthz."""
        try:
            status, _, body = http_request(f"{self.url}/healthz")
        except OSError:
            return False
        return status == 200 and body == "ok"

    def wait_ready(self, seconds: float = 60) -> None:
        """Wait until the server answers and has printed how to close it; fail if it ended."""
        ready = poll_until(
            lambda: (
                (self.healthy() and "Press Ctrl+C to close the room." in self.lines)
                or self.process.poll() is not None
            ),
            seconds,
            lambda: wait_briefly(self.process),
        )
        assert ready and self.process.poll() is None, (self.lines, self.errors)

    def stop(self, sig: int = signal.SIGTERM, seconds: float = 30) -> int:
        """Send a signal and return the exit code once the server has ended."""
        self.process.send_signal(sig)
        return self.process.wait(seconds)

    def __enter__(self) -> RoomProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)


@contextmanager
def room_server(path: Path, *, seconds: float = 60) -> Iterator[RoomProcess]:
    """Run `facilitate room PATH` on 127.0.0.1 and a free port until the block ends: yield it
    once it answers /healthz, then stop it as Ctrl+C would (SIGTERM) and wait for it."""
    with RoomProcess(path) as server:
        server.wait_ready(seconds)
        try:
            yield server
        finally:
            if server.process.poll() is None:
                server.stop()


CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium: the browser tests drive it; Playwright's own browsers are never used."""

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Headless, and nothing that reaches out on its own (updates, sync, safe browsing lists)."""


def why_no_chromium() -> str | None:
    """Return why the browser tests cannot run here, None when they can."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (.ci/run installs Debian's chromium package)"
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """Launch Debian's chromium through Playwright with a fresh profile; close it afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
        try:
            yield browser
        finally:
            browser.close()


async def run_palette_command(pilot: Any, title: str) -> None:
    """Open the command palette, type a command's title and run it once it is listed first.

    Enter before the palette has searched would run whatever was listed first a moment ago.
    """
    from textual.command import CommandList, CommandPalette

    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot_wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*title)

    def first_is_wanted() -> bool:
        results = app.screen.query_one(CommandList)
        if not results.option_count:
            return False
        first = str(results.get_option_at_index(0).prompt)
        return first.startswith(title) and results.highlighted == 0

    await pilot_wait_until(pilot, first_is_wanted, message=f"the palette lists {title!r} first")
    await pilot.press("enter")


# Exports as whole texts: what the streamed exports must equal byte for byte ---------------------


def whole_json_export(workshop: Path) -> bytes:
    """Return a workshop's JSON export as one text, the way it was made before it streamed."""
    import json

    from console.store.export import dump_workshop, open_read_only

    with open_read_only(workshop) as reader, reader.snapshot():
        dump = dump_workshop(reader)
    return (json.dumps(dump, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode()


def whole_csv_export(workshop: Path) -> dict[str, bytes]:
    """Return a workshop's CSV files as whole texts, the way they were made before they streamed."""
    import csv
    import io

    from console.domain.text import csv_safe
    from console.store.export import REPORT_VIEWS, open_read_only, table_columns
    from console.store.format import SYNCED_TABLES

    files: dict[str, bytes] = {}
    with open_read_only(workshop) as reader, reader.snapshot():
        queries = [
            (table, f"SELECT * FROM {table} WHERE deleted_at IS NULL ORDER BY rowid")
            for table in SYNCED_TABLES
        ]
        queries += [(view, f"SELECT * FROM {view}") for view in REPORT_VIEWS]
        for name, sql in queries:
            columns = table_columns(reader, name)
            if not columns:
                continue
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow([csv_safe(column) for column in columns])
            for row in reader.query(sql):
                value = row.get
                writer.writerow(["" if value(c) is None else csv_safe(value(c)) for c in columns])
            files[f"{name}.csv"] = ("\ufeff" + buffer.getvalue()).encode()
    return files


BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def benchmark_module(name: str) -> ModuleType:
    """Load a module of benchmarks/ by its file, without putting the folder on sys.path."""
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None, name
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while they are built
    spec.loader.exec_module(module)
    return module


# Room server processes and QR codes drawn in the terminal ------------------------------------


def process_running(pid: int) -> bool:
    """Tell whether a process runs (a zombie waiting for its reaper does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def room_answers(url: str) -> bool:
    """Tell whether a room server answers at its address (http://host:port)."""
    try:
        return http_request(f"{url}/healthz")[0] == 200
    except OSError:
        return False


def drawn_modules(drawn: str) -> list[list[int]]:
    """Read a QR code drawn with half blocks back into rows of dark (1) and light (0) modules."""
    top = {" ": 0, "▀": 1, "▄": 0, "█": 1}
    bottom = {" ": 0, "▀": 0, "▄": 1, "█": 1}
    rows: list[list[int]] = []
    for line in drawn.splitlines():
        rows.append([top[char] for char in line])
        rows.append([bottom[char] for char in line])
    return rows


def qr_modules(url: str) -> list[list[int]]:
    """Return a URL's QR code modules with the quiet zone the console draws around them."""
    import segno

    from console.ui.common.qr import QUIET_ZONE

    qr = segno.make(url, error="m", boost_error=False)
    matrix = [[int(bool(module)) for module in row] for row in qr.matrix]
    width = len(matrix[0]) + 2 * QUIET_ZONE
    rows = [[0] * width] * QUIET_ZONE
    rows += [[0] * QUIET_ZONE + row + [0] * QUIET_ZONE for row in matrix]
    rows += [[0] * width] * QUIET_ZONE
    return rows + ([[0] * width] if len(rows) % 2 else [])


def pain_point_texts(store: WorkshopStore) -> list[str]:
    """Return the live pain points' texts as the file holds them, in capture order."""
    rows = store.query("SELECT text FROM pain_points WHERE deleted_at IS NULL ORDER BY position")
    return [row["text"] for row in rows]


def takeaway_texts(store: WorkshopStore) -> list[tuple[str, str]]:
    """Return the live takeaways' kinds and texts as the file holds them, in capture order."""
    rows = store.query(
        "SELECT kind, text FROM takeaways WHERE deleted_at IS NULL ORDER BY captured_at, rowid"
    )
    return [(row["kind"], row["text"]) for row in rows]
