"""The room server's one connection to the workshop file, and the revision pages poll."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from console.store.core import Clock, WorkshopStore, utc_now

T = TypeVar("T")

WATCH_SECONDS = 0.2
"""How often the server looks at the file's revision: phones and /screen follow within 0.5 s."""


class RoomContext:
    """The workshop file as the room server uses it: one store, on one thread of its own.

    SQLite connections belong to the thread that opened them, and one writer at a time is
    what the file allows anyway, so every store call runs on a single worker thread: the
    event loop never waits on the disk, and requests are answered in the order they came.
    """

    def __init__(self, path: Path, *, clock: Clock = utc_now, join_url: str = "") -> None:
        self.path = path
        self.clock = clock
        self.join_url = join_url
        """The address phones open (with the room code), shown on /screen and in the QR code."""
        self.rev = 0
        """The file's revision as last seen: pages poll it to know when to redraw."""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="room-store")
        self._store: WorkshopStore | None = None
        self._watcher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Open the workshop file on the store thread and start following its revision."""
        self._store = await self._on_thread(
            partial(WorkshopStore.open, self.path, role="room", clock=self.clock)
        )
        self.rev = await self.call(WorkshopStore.current_rev)
        self._watcher = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        """Stop following the file and close it."""
        if self._watcher is not None:
            self._watcher.cancel()
        if self._store is not None:
            await self._on_thread(self._store.close)
        self._executor.shutdown(wait=True)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run fn(store, *args, **kwargs) on the store thread and return what it returns."""
        store = self._store
        if store is None:
            raise RuntimeError("the room's store is not open")

        def run() -> tuple[T, int]:
            # The revision is read on the same hop: a page polled right after a write sees it.
            return fn(store, *args, **kwargs), store.current_rev()

        result, rev = await self._on_thread(run)
        self.rev = max(self.rev, rev)
        return result

    async def _on_thread(self, fn: Callable[[], T]) -> T:
        """Run fn on the store thread."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def _watch(self) -> None:
        """Keep `rev` equal to the file's revision, whoever wrote it."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            store = self._store
            if store is not None:
                self.rev = await self._on_thread(store.current_rev)
