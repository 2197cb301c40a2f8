"""`facilitate room PATH`: run the room server on this laptop until Ctrl+C.

The facilitator starts it deliberately (or the console does, with --parent-pid): it listens on
every network of the laptop by default, prints where phones join (with a QR code), records
itself in the workshop file for the consoles' headers, and clears that record when it stops.
It never connects anywhere: it only answers phones on the laptop's own network.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import segno
import uvicorn

from console.room.addresses import EVERY_ADDRESS, join_hosts, url_host
from console.room.app import make_app
from console.store.core import StoreError, WorkshopStore
from console.store.room import clear_server, ensure_room, record_server

log = logging.getLogger("console.room")

DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8000
PORT_TRIES = 20
"""Without --port, the ports after 8000 tried when it is taken."""

LOG_SUFFIX = ".room.log"
"""The room server logs beside the workshop file, in WORKSHOP.room.log (0600)."""

PARENT_POLL_SECONDS = 0.2
"""How often the server checks that the console that started it still runs."""

SHUTDOWN_SECONDS = 2
"""How long open requests may take to finish once the room is closing."""

PR_SET_PDEATHSIG = 1
"""Linux prctl option: send this process a signal when its parent ends."""


@dataclass(frozen=True)
class Listening:
    """A bound listening socket and where phones reach it."""

    sock: socket.socket
    port: int
    hosts: list[str]
    code: str
    no_network: bool = False
    """Listening on every network, but the laptop has none: phones cannot reach it yet."""

    @property
    def base_url(self) -> str:
        """Return the server's address for phones, e.g. http://192.168.1.5:8000."""
        return f"http://{url_host(self.hosts[0])}:{self.port}"

    def join_url(self, host: str | None = None) -> str:
        """Return the link a phone opens to join (its QR code holds it)."""
        base = f"http://{url_host(host)}:{self.port}" if host else self.base_url
        return f"{base}/join?code={self.code}"


def run(
    path: Path, host: str = DEFAULT_HOST, port: int | None = None, parent_pid: int | None = None
) -> None:
    """Run the room server on the workshop file until Ctrl+C, SIGTERM or the parent ends.

    Raises StoreError, ValueError or OSError (one line each) when the file cannot be used
    or the port cannot be had; nothing has started then.
    """
    with WorkshopStore.open(path, role="room") as store:
        code = ensure_room(store).code
    if parent_pid is not None:
        end_with_parent(parent_pid)
    sock, bound = bind(host, port)
    hosts = join_hosts(host)
    no_network = host in EVERY_ADDRESS and hosts == ["127.0.0.1"]
    listening = Listening(sock, bound, hosts, code, no_network)
    handler = open_log(path)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(path, listening, parent_pid))
    finally:
        sock.close()
        logging.getLogger("console.room").removeHandler(handler)
        logging.getLogger("uvicorn").removeHandler(handler)
        handler.close()


class RoomServer(uvicorn.Server):
    """uvicorn's server, with Ctrl+C and SIGTERM handled by `serve` (a clean exit 0)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn would raise the signal again after shutting down, ending the process with
        # it; the room closes cleanly instead (and clears its record in the file).
        yield


async def serve(path: Path, listening: Listening, parent_pid: int | None) -> None:
    """Serve phones until told to stop, recording the server in the file while it runs."""
    app = make_app(path, join_url=listening.join_url())
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,  # the middleware logs requests without query strings or cookies
        lifespan="on",
        proxy_headers=False,  # no proxy in front: rate limits key on the real address
        server_header=False,
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
        limit_concurrency=1000,
    )
    server = RoomServer(config)
    stop = _stopper(server)
    loop = asyncio.get_running_loop()
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            loop.add_signal_handler(number, stop)
    task = asyncio.create_task(server.serve(sockets=[listening.sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.02)
    watcher = None
    pid = os.getpid()
    try:
        if server.started:
            await app.state.room.call(record_server, listening.base_url, pid)
            log.info("room open at %s (pid %d)", listening.base_url, pid)
            print_banner(path, listening)
            if parent_pid is not None:
                watcher = asyncio.create_task(_watch_parent(parent_pid, stop))
        await task
    finally:
        if watcher is not None:
            watcher.cancel()
        _clear_record(path, pid)
        log.info("room closed")


def _stopper(server: uvicorn.Server) -> Callable[[], None]:
    """Return what a signal does: close the room; a second Ctrl+C stops waiting for requests."""

    def stop() -> None:
        if server.should_exit:
            server.force_exit = True
        server.should_exit = True

    return stop


async def _watch_parent(parent_pid: int, stop: Callable[[], None]) -> None:
    """Close the room soon after the console that started it is gone."""
    first_parent = os.getppid()
    while True:
        await asyncio.sleep(PARENT_POLL_SECONDS)
        if not parent_alive(parent_pid, first_parent):
            log.info("the console (pid %d) ended: closing the room", parent_pid)
            stop()
            return


def parent_alive(parent_pid: int, first_parent: int) -> bool:
    """Tell whether the process that started the server still runs."""
    if parent_pid == first_parent and os.getppid() != first_parent:
        return False  # adopted by init: the parent ended (even if not yet reaped)
    try:
        os.kill(parent_pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def end_with_parent(parent_pid: int) -> None:
    """On Linux, ask the kernel for SIGTERM when the parent ends (the poll is the fallback).

    The kernel sends it when the parent *thread* that started this process ends: the console
    starts the room from its main thread.
    """
    if not sys.platform.startswith("linux") or parent_pid != os.getppid():
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        return


def _clear_record(path: Path, pid: int) -> None:
    """Record in the file that this server stopped (logged, never raised: it is closing)."""
    try:
        with WorkshopStore.open(path, role="room") as store:
            clear_server(store, pid)
    except (StoreError, OSError, ValueError):
        log.exception("could not record that the room closed")


def bind(host: str, port: int | None) -> tuple[socket.socket, int]:
    """Bind a listening socket on host: the port given, else 8000 or one of the next 20."""
    candidates = (
        [port] if port is not None else list(range(DEFAULT_PORT, DEFAULT_PORT + PORT_TRIES + 1))
    )
    for candidate in candidates:
        try:
            return listen_on(host, candidate), candidate
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                reason = error.strerror or str(error)
                raise ValueError(f"Cannot listen on {host}:{candidate}: {reason}.") from None
    other = free_port(host)
    if port is not None:
        raise ValueError(f"Port {port} is in use: try --port {other}.")
    raise ValueError(f"Ports {candidates[0]}-{candidates[-1]} are in use: try --port {other}.")


def listen_on(host: str, port: int) -> socket.socket:
    """Return a socket bound to host:port and listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if os.name != "nt":
            # A room closed a moment ago leaves its port in TIME_WAIT: reopening may reuse it.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


def free_port(host: str) -> int:
    """Return a port the system says is free on host now (to suggest with --port)."""
    try:
        with listen_on(host, 0) as sock:
            return int(sock.getsockname()[1])
    except OSError:
        return DEFAULT_PORT + PORT_TRIES + 1


def open_log(path: Path) -> logging.Handler:
    """Send the room's log to WORKSHOP.room.log beside the file, readable only by its owner."""
    log_path = Path(f"{path}{LOG_SUFFIX}")
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(log_path, flags, 0o600)
    if hasattr(os, "fchmod"):
        os.fchmod(descriptor, 0o600)  # a log made earlier with a looser mode is tightened
    stream = os.fdopen(descriptor, "a", encoding="utf-8", errors="replace", buffering=1)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("console.room", "uvicorn"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return handler


def print_banner(path: Path, listening: Listening) -> None:
    """Print where phones join, the room code and a QR code of the join link."""
    out = sys.stdout
    url = listening.join_url()
    lines = [
        f"Room open for {path}",
        f"Join: {url}",
        f"Room code: {listening.code}",
    ]
    lines += [f"Also: {listening.join_url(host)}" for host in listening.hosts[1:]]
    if listening.no_network:
        lines.append("No network found: turn on this laptop's hotspot, then start the room again.")
    print("\n".join(lines), file=out, flush=True)
    try:
        segno.make(url, error="m").terminal(out=out, compact=True)
    except UnicodeEncodeError:
        print("(This terminal cannot show the QR code: phones can type the link.)", file=out)
    print(f"Log: {path}{LOG_SUFFIX}", file=out)
    print("Press Ctrl+C to close the room.", file=out, flush=True)
