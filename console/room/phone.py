"""The phone pages: join with the room code, then add pain points, dot-vote and pick cards.

A phone acts only for the place its cookie holds: forms name no delegate, and a form with a
field the page does not have is refused. Every refusal is a short page with one line, and the
file is left as it was. Forms are parsed here (urlencoded, a few fields): no multipart parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from console.domain.room import RoomActivity, codes_match, new_place_token, token_hash
from console.domain.text import TextError
from console.domain.timers import format_clock
from console.domain.voting import RuleError, VotingMethod
from console.room.security import (
    CSRF_COOKIE,
    PLACE_COOKIE,
    STALE_PAGE,
    TOO_MANY_REQUESTS,
    TOO_MANY_TRIES,
    WRONG_CODE,
    Guard,
    client_address,
    csrf_matches,
    new_csrf_token,
)
from console.room.views import RoomView, load_room_view
from console.store import inventory_votes, room
from console.store.core import FileBusyError, FileLostError, StoreError, WorkshopStore
from console.store.room import Seat

PLACE_MAX_AGE = 7 * 24 * 3600
"""A phone keeps its place for a week: a workshop can run over several days."""

MAX_FIELDS = 400
"""The most fields a form may have (a deck's checkboxes, a dot ballot sent without its script);
the body limits usually come first."""

OTHER_PLACE = "A phone votes only for its own place."
BAD_FORM = "That form is not right: go back, reload the page and try again."
NO_PLACE = "This phone has no place in the room: join first."
WHOLE_DOTS = "Dots are whole numbers: 0 or more."
UNKNOWN_PAIN_POINT = "That pain point is not in this vote: reload the page."

SAVED = {
    "pain-point": "Your pain point is in. Thank you!",
    "ballot": "Your dots are saved. Sending again replaces them.",
    "picks": "Your cards are saved. Sending again replaces them.",
}
"""The one-line confirmation /me shows after a saved form (?saved=...)."""

_DOTS = re.compile(r"[0-9]{1,3}")


class Refusal(Exception):
    """A request the room refuses, with its status and one line for the delegate."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


class ViewCache:
    """The room view and the places looked up, kept until the file's revision changes."""

    def __init__(self) -> None:
        self.view: RoomView | None = None
        self.seats: dict[str, Seat | None] = {}
        self.rev = -1

    def fresh_for(self, rev: int) -> bool:
        """Tell whether the cache holds the file at this revision (emptying it if not)."""
        if rev != self.rev:
            self.view, self.seats, self.rev = None, {}, rev
            return False
        return True


# Pages -----------------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    """Send a phone with a place to its page, and any other to the join page."""
    if await current_seat(request) is not None:
        return RedirectResponse("/me", status_code=303)
    return await join_page(request)


async def join_page(request: Request) -> Response:
    """Show the join form, the room code filled in from the QR code's link."""
    code = request.query_params.get("code", "")[:16]
    seat = await current_seat(request)
    return render(request, "join.jinja", {"code": code, "seat": seat})


async def me_page(request: Request) -> Response:
    """Show the delegate's page: what is on now and what the phone may do."""
    seat = await current_seat(request)
    if seat is None:
        return RedirectResponse("/join", status_code=303)
    view = await room_view(request)
    context = request.app.state.room
    mine: dict[str, Any] = {}
    found = view.round
    if found is not None and found.is_open:
        if view.state.activity is RoomActivity.DOTS:
            mine["dots"] = await context.call(room.dot_ballot_of, seat, found.id)
        elif view.state.activity is RoomActivity.CARDS:
            mine["picks"] = await context.call(room.card_picks_of, seat, found.id)
    now: datetime = context.clock()
    return render(
        request,
        "me.jinja",
        {
            "seat": seat,
            "view": view,
            "activity": view.state.activity.value,
            "round": found,
            "mine": mine,
            "now_on": view.now_on,
            "time_left": _time_left(view, now),
            "flash": SAVED.get(request.query_params.get("saved", ""), ""),
            "stamp": stamp_of(view, seat),
            "server_now": now.isoformat(timespec="milliseconds"),  # what every browser parses
            "pick_limit": _pick_limit(view),
        },
    )


async def api_me(request: Request) -> Response:
    """Tell the phone's script whether its page changed: it reloads when the stamp does."""
    seat = await current_seat(request)
    view = await room_view(request)
    return JSONResponse({"stamp": stamp_of(view, seat)})


def stamp_of(view: RoomView, seat: Seat | None) -> str:
    """Return the stamp of a phone's page: what the room shows, and the place the phone holds."""
    place = f"{seat.id}:{seat.label}" if seat else "none"
    return f"{view.stamp}-{token_hash(place)[:8]}"


# Forms -----------------------------------------------------------------------------------------


async def join_post(request: Request) -> Response:
    """Give the phone a delegate's place if the room code is right."""
    guard: Guard = request.app.state.guard
    address = client_address(request.scope)
    if guard.locked_out(address):
        raise Refusal(429, TOO_MANY_TRIES, guard.wrong_codes.retry_after(address))
    fields = await read_form(request, {"code", "name", "csrf"})
    if await current_seat(request) is not None:
        return RedirectResponse("/me", status_code=303)
    context = request.app.state.room
    state = await context.call(room.room_state)
    # Looked at again with no await before the count: guesses sent in parallel are all counted.
    if guard.locked_out(address):
        raise Refusal(429, TOO_MANY_TRIES, guard.wrong_codes.retry_after(address))
    if not codes_match(one(fields, "code"), state.code):
        await guard.wrong_code(address)
        raise Refusal(403, WRONG_CODE)
    token = new_place_token()
    try:
        await context.call(room.join, token, one(fields, "name", required=False))
    except TextError as error:
        raise Refusal(400, error.message) from None
    except RuleError as error:
        raise Refusal(403, str(error)) from None
    response = RedirectResponse("/me", status_code=303)
    response.set_cookie(
        PLACE_COOKIE, token, max_age=PLACE_MAX_AGE, httponly=True, samesite="strict", path="/"
    )
    return response


async def pain_point_post(request: Request) -> Response:
    """Save a pain point the delegate typed."""
    fields = await read_form(request, {"text", "csrf"})
    text = one(fields, "text")

    def save(store: WorkshopStore, seat: Seat) -> None:
        room.add_pain_point(store, seat, text)

    await submit(request, RoomActivity.PAIN_POINTS, None, save)
    return RedirectResponse("/me?saved=pain-point", status_code=303)


async def dots_post(request: Request) -> Response:
    """Save (or replace) the delegate's dot ballot."""
    fields = await read_form(request, {"round_id", "csrf"}, prefix="dots.")
    round_id = one(fields, "round_id")
    ballot: dict[str, int] = {}
    for name, value in fields:
        if not name.startswith("dots."):
            continue
        item = name.removeprefix("dots.")
        if not item or item in ballot:
            raise Refusal(400, BAD_FORM)
        if not _DOTS.fullmatch(value.strip()):
            raise Refusal(400, WHOLE_DOTS)
        ballot[item] = int(value.strip())

    def save(store: WorkshopStore, seat: Seat) -> None:
        found = room.phone_round(store)
        assert found is not None  # submit checked that the round is open
        for dots in ballot.values():
            if dots > found.cap_per_item:
                raise Refusal(400, f"At most {found.cap_per_item} dots on one pain point.")
        live = {
            item.id for item in inventory_votes.pain_point_items(store) if item.merged_into is None
        }
        if any(item not in live for item in ballot):
            raise Refusal(400, UNKNOWN_PAIN_POINT)
        room.save_dot_ballot(store, seat, round_id, ballot)

    await submit(request, RoomActivity.DOTS, round_id, save)
    return RedirectResponse("/me?saved=ballot", status_code=303)


async def cards_post(request: Request) -> Response:
    """Save (or replace) the delegate's card picks."""
    fields = await read_form(request, {"round_id", "csrf", "card"})
    round_id = one(fields, "round_id")
    picks = [value for name, value in fields if name == "card"]

    def save(store: WorkshopStore, seat: Seat) -> None:
        room.save_card_picks(store, seat, round_id, picks)

    await submit(request, RoomActivity.CARDS, round_id, save)
    return RedirectResponse("/me?saved=picks", status_code=303)


async def read_form(
    request: Request, allowed: set[str], *, prefix: str | None = None
) -> list[tuple[str, str]]:
    """Return a POSTed form's fields, refusing a bad body, a stale page or a foreign field."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise Refusal(400, BAD_FORM)
    body = await request.body()
    try:
        text = body.decode("utf-8")
        fields = (
            parse_qsl(
                text,
                keep_blank_values=True,
                strict_parsing=True,
                errors="strict",
                max_num_fields=MAX_FIELDS,
            )
            if text
            else []
        )
    except ValueError:  # bad UTF-8, a field without '=', or too many fields
        raise Refusal(400, BAD_FORM) from None
    sent = [value for name, value in fields if name == "csrf"]
    if len(sent) != 1 or not csrf_matches(request, sent[0]):
        raise Refusal(403, STALE_PAGE)
    for name, _ in fields:
        if name not in allowed and not (prefix and name.startswith(prefix)):
            raise Refusal(400, OTHER_PLACE)
    return fields


def one(fields: Iterable[tuple[str, str]], name: str, *, required: bool = True) -> str:
    """Return the one value of a field ('' when optional and missing); refuse duplicates."""
    values = [value for key, value in fields if key == name]
    if len(values) > 1 or (required and not values):
        raise Refusal(400, BAD_FORM)
    return values[0] if values else ""


async def submit(
    request: Request,
    activity: RoomActivity,
    round_id: str | None,
    action: Callable[[WorkshopStore, Seat], None],
) -> None:
    """Run what a phone sent for its own place, while the room does this activity; one write."""
    token = request.cookies.get(PLACE_COOKIE, "")
    if not token:
        raise Refusal(403, NO_PLACE)
    guard: Guard = request.app.state.guard
    key = token_hash(token)
    if not guard.places.allow(key):
        raise Refusal(429, TOO_MANY_REQUESTS, guard.places.retry_after(key))

    def run(store: WorkshopStore) -> None:
        seat = room.seat_for(store, token)
        if seat is None:
            raise Refusal(403, NO_PLACE)
        refuse_unless_open(store, activity, round_id)
        try:
            action(store, seat)
        except (RuleError, TextError) as error:
            # The console may have closed the round a moment ago: say so rather than 400.
            if room.seat_for(store, token) is None:
                raise Refusal(403, NO_PLACE) from None
            refuse_unless_open(store, activity, round_id)
            raise Refusal(400, str(error)) from None

    try:
        await request.app.state.room.call(run)
    except (FileBusyError, FileLostError) as error:
        raise Refusal(503, str(error)) from None
    except StoreError as error:
        raise Refusal(409, str(error)) from None


def refuse_unless_open(store: WorkshopStore, activity: RoomActivity, round_id: str | None) -> None:
    """Refuse (409) unless the room does this activity now, in this round while it is open."""
    state = room.room_state(store)
    if state.activity is not activity:
        raise Refusal(409, f"The room is not set to {activity.label} now.")
    if round_id is None:
        return
    found = room.phone_round(store)
    if found is None or found.id != round_id:
        raise Refusal(409, "That vote is not open to phones any more: reload the page.")
    if not found.is_open:
        raise Refusal(409, "That vote is closed.")


# Helpers ---------------------------------------------------------------------------------------


async def room_view(request: Request) -> RoomView:
    """Return what the phones show now, read once per revision of the file."""
    context = request.app.state.room
    cache: ViewCache = request.app.state.phone_views
    if cache.fresh_for(context.rev) and cache.view is not None:
        return cache.view
    view = await context.call(load_room_view, context.clock)
    if cache.fresh_for(view.rev):
        cache.view = view
    return view


async def current_seat(request: Request) -> Seat | None:
    """Return the place the phone's cookie holds, looked up once per revision of the file."""
    token = request.cookies.get(PLACE_COOKIE, "")
    if not token:
        return None
    context = request.app.state.room
    cache: ViewCache = request.app.state.phone_views
    key = token_hash(token)
    if cache.fresh_for(context.rev) and key in cache.seats:
        return cache.seats[key]
    seat = await context.call(room.seat_for, token)
    if cache.fresh_for(context.rev) and len(cache.seats) < 10_000:
        cache.seats[key] = seat
    return seat


def render(request: Request, name: str, values: dict[str, Any], status: int = 200) -> Response:
    """Render a page with the csrf value its forms repeat, setting the cookie if it is new."""
    csrf = request.cookies.get(CSRF_COOKIE, "")
    fresh = not csrf or len(csrf) > 64
    if fresh:
        csrf = new_csrf_token()
    response = request.app.state.templates.TemplateResponse(
        request, name, {**values, "csrf": csrf}, status_code=status
    )
    if fresh:
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/")
    return response


def _time_left(view: RoomView, now: datetime) -> str:
    """Return the timer as the page first shows it (the script counts down from there)."""
    now_on = view.now_on
    if now_on is None:
        return ""
    seconds = now_on.remaining_seconds
    if now_on.ends_at is not None:
        seconds = (now_on.ends_at - now).total_seconds()
    if seconds < 0:
        return f"{format_clock(-seconds)} over time"
    return f"{format_clock(seconds)} left"


def _pick_limit(view: RoomView) -> int:
    """Return how many cards a phone may pick (0: any number)."""
    found = view.round
    if found is None or found.method is not VotingMethod.PICK_N:
        return 0
    return found.pick_count


async def refused(request: Request, error: Exception) -> Response:
    """Answer a Refusal with its short page."""
    assert isinstance(error, Refusal)
    response = error_page(request, error.status, error.message)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(max(1, round(error.retry_after)))
    return response


def error_page(request: Request, status: int, message: str) -> Response:
    """Return the short page of a refusal: one line and a way back."""
    return request.app.state.templates.TemplateResponse(
        request, "error.jinja", {"message": message, "status": status}, status_code=status
    )


routes = [
    Route("/", home, methods=["GET"]),
    Route("/join", join_page, methods=["GET"]),
    Route("/join", join_post, methods=["POST"]),
    Route("/me", me_page, methods=["GET"]),
    Route("/pain-points", pain_point_post, methods=["POST"]),
    Route("/ballot/dots", dots_post, methods=["POST"]),
    Route("/ballot/cards", cards_post, methods=["POST"]),
    Route("/api/me", api_me, methods=["GET"]),
]
"""The phone's routes: nothing here changes what the facilitator decides."""
