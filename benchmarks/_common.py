"""Helpers the benchmark scripts share: throwaway workshops and figure printing."""

from __future__ import annotations

import os
import pty
import select
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from console.store.core import WorkshopStore
from console.store.templates import apply_template


def new_workshop(path: Path) -> WorkshopStore:
    """Create a workshop file from the default template and return it open."""
    store = WorkshopStore.create(path)
    apply_template(store, "executive-connections")
    return store


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the value below which the given fraction of values fall."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def describe(values_ms: Sequence[float]) -> str:
    """Summarise timings in milliseconds: median and 95th percentile."""
    return (
        f"median {statistics.median(values_ms):7.2f} ms   p95 {percentile(values_ms, 0.95):7.2f} ms"
        f"   (n={len(values_ms)})"
    )


def time_to_screen(argv: list[str], marker: bytes, cwd: Path, env: dict[str, str]) -> float:
    """Start a terminal program in a pseudo-terminal; return seconds until marker is painted."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.environ.update(env)
        os.execv(argv[0], argv)
    output = b""
    try:
        while marker not in output:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                raise TimeoutError(f"{marker!r} never appeared")
            output += os.read(fd, 65536)
        return time.perf_counter() - started
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


PYTHON = sys.executable
TERMINAL = {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}
