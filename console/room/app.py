"""The room server's Starlette application: phone pages, the browser projector, static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from console.room import phone
from console.room.context import RoomContext
from console.room.screen import screen_routes
from console.room.security import Guard, Limits, RoomGuardMiddleware
from console.store.core import Clock, utc_now

HERE = Path(__file__).parent

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
"""Nothing on a room page comes from anywhere but the laptop: no CDN, no inline script."""

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on form
    # posts, and the same-origin check needs the real origin.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def make_templates() -> Jinja2Templates:
    """Return the room's templates, every printed value HTML-escaped."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return Jinja2Templates(env=env)


ERROR_MESSAGES = {
    404: "There is no such page here.",
    405: "That is not something a phone can do here.",
}
"""The one line of an error page Starlette raises (a refusal of ours says its own)."""


async def healthz(request: Request) -> Response:
    """Answer 'ok' once the server has the workshop file open (tests and benchmarks wait on it)."""
    return PlainTextResponse("ok")


async def http_error(request: Request, error: Exception) -> Response:
    """Answer a 404, a 405 or another HTTP error with the short error page."""
    assert isinstance(error, HTTPException)
    message = ERROR_MESSAGES.get(error.status_code, "That request is not right.")
    response = phone.error_page(request, error.status_code, message)
    if error.headers:
        response.headers.update(error.headers)  # a 405's Allow header
    return response


def make_app(
    path: Path, *, clock: Clock = utc_now, join_url: str = "", limits: Limits | None = None
) -> Starlette:
    """Build the room server for the workshop file at path (limits: the rate limits, for tests)."""
    context = RoomContext(path, clock=clock, join_url=join_url)
    templates = make_templates()
    guard = Guard(limits or Limits())

    def render_error(status: int, message: str) -> str:
        return templates.get_template("error.jinja").render(status=status, message=message)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await context.start()
        try:
            yield
        finally:
            await context.stop()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        *phone.routes,
        *screen_routes,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(
            RoomGuardMiddleware,
            guard=guard,
            headers=SECURITY_HEADERS,
            error_page=render_error,
        )
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, phone.Refusal: phone.refused},
    )
    app.state.room = context
    app.state.templates = templates
    app.state.guard = guard
    app.state.phone_views = phone.ViewCache()
    return app
