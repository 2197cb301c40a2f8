"""The room server's guards: security headers, body limits, same-site checks, rate limits.

A phone on the laptop's hotspot is a stranger's device: every request is answered with the
same headers, a body over 4 KB is refused before it is read, a POST from another site is
refused, and a phone (or a script pretending to be many) cannot flood the store or guess the
room code. Every refusal is a short HTML page with one line; the details of an unexpected
error go to the room log, never to the phone.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("console.room")

CSRF_COOKIE = "room_csrf"
"""The double-submit cookie: a random value the page's hidden `csrf` field must repeat."""

PLACE_COOKIE = "room_place"
"""The cookie that holds a phone's place token (the file keeps only its hash)."""

TOO_MANY_TRIES = "Too many tries: wait a minute."
TOO_MANY_REQUESTS = "Too many requests: wait a few seconds and try again."
WRONG_CODE = "That room code is not right."
STALE_PAGE = "This page is out of date: go back, reload it and try again."
OTHER_SITE = "Forms from other sites are refused."
TOO_LARGE = "That is too much text to send at once."


@dataclass(frozen=True)
class Limits:
    """How much one address, one place and the whole room may send (generous for a real room)."""

    max_body_bytes: int = 4096
    """The largest request body accepted: a pain point or a ballot is far smaller."""
    max_ballot_bytes: int = 16384
    """The largest dot ballot: a page without its script sends every pain point's field
    (about 44 bytes each), so a long inventory needs more than a pain point does."""
    posts_per_address: int = 30
    """POSTs one address may send per `window_seconds`."""
    posts_per_place: int = 20
    """POSTs one delegate's place may send per `window_seconds`."""
    requests_per_address: int = 600
    """Requests of any kind one address may send per `window_seconds` (pages poll every 2 s)."""
    window_seconds: float = 10.0
    wrong_codes_per_address: int = 5
    """Wrong room codes one address may send per `wrong_code_window` before it must wait."""
    wrong_codes_per_room: int = 50
    """Wrong room codes from every address together per `wrong_code_window`: more means
    someone is guessing from many addresses, so joining waits a while for everyone."""
    wrong_code_window: float = 300.0
    wrong_code_delay: float = 1.0
    """Seconds before a wrong room code is answered: guessing 10,000 codes takes hours."""


class SlidingWindow:
    """At most `limit` events per key in any `seconds`; remembers at most `max_keys` keys."""

    def __init__(
        self,
        limit: int,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.limit = limit
        self.seconds = seconds
        self._clock = clock
        self._max_keys = max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def count(self, key: str) -> int:
        """Return how many events the key has in the current window."""
        return len(self._recent(key))

    def full(self, key: str) -> bool:
        """Tell whether the key has used its whole allowance."""
        return self.count(key) >= self.limit

    def hit(self, key: str) -> None:
        """Record one event for the key."""
        events = self._recent(key)
        events.append(self._clock())
        self._events[key] = events
        self._events.move_to_end(key)
        while len(self._events) > self._max_keys:
            # The quietest key goes first: a flood of made-up keys cannot grow memory.
            self._events.popitem(last=False)

    def allow(self, key: str) -> bool:
        """Record one event and tell whether it is within the limit (refused ones not counted)."""
        if self.full(key):
            return False
        self.hit(key)
        return True

    def retry_after(self, key: str) -> float:
        """Return the seconds until the key may send again (0 when it may now)."""
        events = self._recent(key)
        if len(events) < self.limit:
            return 0.0
        return max(0.0, events[-self.limit] + self.seconds - self._clock())

    def _recent(self, key: str) -> deque[float]:
        """Return the key's events in the window, dropping older ones."""
        events = self._events.get(key)
        if events is None:
            return deque()
        cutoff = self._clock() - self.seconds
        while events and events[0] <= cutoff:
            events.popleft()
        if not events:
            del self._events[key]
        return events


@dataclass
class Guard:
    """The room server's rate limits, shared by every request."""

    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    waits: list[float] = field(default_factory=list)
    """The delays given to wrong room codes (the tests read it instead of timing)."""

    def __post_init__(self) -> None:
        limits = self.limits
        self.requests = SlidingWindow(
            limits.requests_per_address, limits.window_seconds, clock=self.clock
        )
        self.posts = SlidingWindow(
            limits.posts_per_address, limits.window_seconds, clock=self.clock
        )
        self.places = SlidingWindow(limits.posts_per_place, limits.window_seconds, clock=self.clock)
        self.wrong_codes = SlidingWindow(
            limits.wrong_codes_per_address, limits.wrong_code_window, clock=self.clock
        )
        self.room_wrong_codes = SlidingWindow(
            limits.wrong_codes_per_room, limits.wrong_code_window, clock=self.clock
        )

    def locked_out(self, address: str) -> bool:
        """Tell whether joining from this address (or at all) must wait after wrong codes."""
        return self.wrong_codes.full(address) or self.room_wrong_codes.full("room")

    async def wrong_code(self, address: str) -> None:
        """Count a wrong room code from the address, and answer it only after a delay."""
        self.wrong_codes.hit(address)
        self.room_wrong_codes.hit("room")
        delay = self.limits.wrong_code_delay
        self.waits.append(delay)
        if self.room_wrong_codes.full("room"):
            log.warning("joining paused: %d wrong room codes", self.room_wrong_codes.count("room"))
        await self.sleep(delay)


def client_address(scope: Scope) -> str:
    """Return the address a request came from ('' when the server does not know it)."""
    client = scope.get("client")
    return str(client[0]) if client else ""


def new_csrf_token() -> str:
    """Return a fresh value for the double-submit cookie."""
    return secrets.token_urlsafe(24)


def csrf_matches(request: Request, sent: str) -> bool:
    """Tell whether the form's `csrf` field repeats the phone's csrf cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and bool(sent) and hmac.compare_digest(cookie.encode(), sent.encode())


def same_origin(scope: Scope) -> bool:
    """Tell whether a request's Origin header, when it has one, names this server.

    "null" counts as no Origin: some phone browsers send it for privacy, and a forged form
    still lacks the SameSite=Strict csrf cookie its token must repeat.
    """
    headers = dict(scope.get("headers") or [])
    origin = headers.get(b"origin")
    if origin is None or origin == b"null":
        return True
    host = headers.get(b"host", b"").decode("latin-1").lower()
    try:
        sent = urlsplit(origin.decode("latin-1")).netloc.lower()
    except ValueError:
        return False
    return bool(host) and sent == host


class BodyTooLarge(Exception):
    """A request body went past the limit while it was being read."""


ErrorPage = Callable[[int, str], str]
"""Renders the short HTML page of a refusal: (status, one-line message) -> HTML."""


class RoomGuardMiddleware:
    """Security headers, body limit, same-origin POSTs, rate limits, error pages, request log."""

    def __init__(
        self, app: ASGIApp, *, guard: Guard, headers: dict[str, str], error_page: ErrorPage
    ) -> None:
        self.app = app
        self.guard = guard
        self.error_page = error_page
        self.raw_headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in headers.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                present = {name for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.raw_headers if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self._guarded(scope, receive, send_with_headers, lambda: status)
        finally:
            # Method, path and status only: never the query (it may hold the room code),
            # cookies or form fields.
            elapsed = (time.perf_counter() - started) * 1000
            log.info(
                "%s %s %s %.1f ms %s",
                scope.get("method", ""),
                scope.get("path", ""),
                status,
                elapsed,
                client_address(scope),
            )

    async def _guarded(
        self, scope: Scope, receive: Receive, send: Send, status: Callable[[], int]
    ) -> None:
        """Refuse what must be refused before the app sees it, then run the app."""
        address = client_address(scope)
        guard = self.guard
        if not guard.requests.allow(address):
            await self._refuse(send, 429, TOO_MANY_REQUESTS, guard.requests.retry_after(address))
            return
        if scope.get("method") in ("POST", "PUT", "PATCH", "DELETE"):
            if not same_origin(scope):
                await self._refuse(send, 403, OTHER_SITE)
                return
            if not guard.posts.allow(address):
                await self._refuse(send, 429, TOO_MANY_REQUESTS, guard.posts.retry_after(address))
                return
        limit = (
            guard.limits.max_ballot_bytes
            if scope.get("path") == "/ballot/dots"
            else guard.limits.max_body_bytes
        )
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await self._refuse(send, 400, "That request is not right.")
                return
            if declared > limit:
                await self._refuse(send, 413, TOO_LARGE)
                return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted_receive, send)
        except BodyTooLarge:
            if not status():
                await self._refuse(send, 413, TOO_LARGE)
        except Exception:
            log.exception("error answering %s %s", scope.get("method"), scope.get("path"))
            if not status():
                await self._refuse(send, 500, "Something went wrong on the laptop: try again.")

    async def _refuse(
        self, send: Send, status: int, message: str, retry_after: float | None = None
    ) -> None:
        """Answer a short HTML page with one line."""
        body = self.error_page(status, message).encode("utf-8")
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ]
        if retry_after is not None:
            headers.append((b"retry-after", str(max(1, round(retry_after))).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
