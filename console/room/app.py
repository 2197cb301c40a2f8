"""The room server's Starlette application: phone pages, the browser projector, static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from console.room.context import RoomContext
from console.room.screen import screen_routes
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
    "Referrer-Policy": "no-referrer",
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


async def healthz(request: Request) -> Response:
    """Answer 'ok' once the server has the workshop file open (tests and benchmarks wait on it)."""
    return PlainTextResponse("ok")


def make_app(path: Path, *, clock: Clock = utc_now, join_url: str = "") -> Starlette:
    """Build the room server for the workshop file at path."""
    context = RoomContext(path, clock=clock, join_url=join_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await context.start()
        try:
            yield
        finally:
            await context.stop()

    routes = [
        Route("/healthz", healthz),
        *screen_routes,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.room = context
    app.state.templates = make_templates()
    return app
