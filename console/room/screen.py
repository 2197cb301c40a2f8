"""The browser projector: what `facilitate present` shows, in large type, for the room's screen."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import segno
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from console.domain.capture import TakeawayKind
from console.domain.ranking import Ranked, shown_top, top_n
from console.domain.room import join_address
from console.domain.timers import TimerPhase, TimerStatus, format_clock, timer_state
from console.store.agenda import current_item, load_agenda
from console.store.card_rounds import RoundResults, card_rounds, round_results
from console.store.core import StoreError, WorkshopStore
from console.store.display import display_state
from console.store.inventory_votes import rank_pain_points, rank_themes, rounds, voters_in
from console.store.room import room_counts, room_state
from console.store.takeaways import latest_takeaway, takeaway

INVENTORY_TOP = 10
CARDS_TOP = 5
BAR_UNITS = 1000
"""The width of a full bar in the SVG's own units (the bar scales to its column)."""

QR_SCALE = 10


@dataclass(frozen=True)
class AgendaFrame:
    """The agenda item the room is on, its timer, and what comes next."""

    headline: str
    running: bool
    """Whether an item is running or paused (otherwise the clock shows the time of day)."""
    clock: str
    status: str
    """idle, running, paused or stopped."""
    phase: str
    status_text: str
    next_line: str
    ends_at_ms: int | None
    """The instant the timebox ends (ms since the epoch), for a running timer only."""
    remaining_seconds: float
    timebox_seconds: float


@dataclass(frozen=True)
class ScreenRow:
    """One ranked entry as the screen shows it: rank, code (cards only), title, score, bar."""

    rank: str
    title: str
    score: str
    bar: int
    code: str = ""


@dataclass(frozen=True)
class ScreenSection:
    """One ranking on the screen, under its heading ("" when the frame's heading says it)."""

    heading: str
    rows: tuple[ScreenRow, ...]


@dataclass(frozen=True)
class RankingFrame:
    """A round's top entries, in one or more sections, or why none are shown yet."""

    kind: str
    """inventory or cards."""
    heading: str
    round_title: str
    waiting: str
    """Set (and sections empty) until the round is revealed."""
    empty: str
    sections: tuple[ScreenSection, ...]

    @property
    def rows(self) -> tuple[ScreenRow, ...]:
        """Return every row shown, section after section."""
        return tuple(row for section in self.sections for row in section.rows)


@dataclass(frozen=True)
class TakeawayFrame:
    """The takeaway or quote the facilitator chose."""

    kind: str
    text: str
    attribution: str


@dataclass(frozen=True)
class ScreenFrame:
    """Everything /screen shows at one revision of the file, read in one hop."""

    rev: int
    mode: str
    payload: dict[str, Any]
    now: datetime
    agenda: AgendaFrame | None
    ranking: RankingFrame | None
    takeaway: TakeawayFrame | None
    room_code: str
    joining: bool
    joined: int

    @property
    def stamp(self) -> str:
        """Return a short string that changes whenever anything shown changes."""
        chosen = json.dumps([self.mode, self.payload], sort_keys=True, default=str)
        digest = hashlib.sha256(chosen.encode()).hexdigest()[:12]
        return f"{self.rev}-{digest}"


def screen_frame(store: WorkshopStore, now: datetime) -> ScreenFrame:
    """Read everything the screen shows from one consistent state of the file."""
    with store.snapshot():
        rev = store.current_rev()
        mode, payload = display_state(store)
        state = room_state(store)
        joined = room_counts(store).joined if state.code else 0
        agenda = ranking = shown = None
        if mode == "inventory":
            ranking = _inventory(store, payload)
        elif mode == "cards":
            ranking = _cards(store, payload)
        elif mode == "takeaway":
            shown = _takeaway(store, payload)
        else:
            mode = "agenda"
            agenda = _agenda(store, now)
    return ScreenFrame(
        rev, mode, payload, now, agenda, ranking, shown, state.code, state.joining, joined
    )


def _agenda(store: WorkshopStore, now: datetime) -> AgendaFrame:
    """Return the running item with its timer, or the time of day and the next item."""
    current = current_item(store)
    agenda = load_agenda(store)
    order = [item.id for item in agenda.items]
    after = order.index(current.id) + 1 if current and current.id in order else 0
    upcoming = next((i for i in agenda.items[after:] if i.status == "planned"), None)
    if current is None:
        return AgendaFrame(
            headline=f"Up next: {upcoming.title}" if upcoming else "",
            running=False,
            clock=now.astimezone().strftime("%H:%M"),
            status="idle",
            phase=TimerPhase.IDLE.value,
            status_text="",
            next_line="",
            ends_at_ms=None,
            remaining_seconds=0.0,
            timebox_seconds=0.0,
        )
    state = timer_state(current.events, now)
    ends_at_ms = None
    if state.status is TimerStatus.RUNNING:
        ends_at_ms = round(now.timestamp() * 1000 + state.remaining_seconds * 1000)
    if state.status is TimerStatus.PAUSED:
        status_text = "Paused"
    elif state.phase is TimerPhase.OVERTIME:
        status_text = "Over time"
    else:
        status_text = ""
    return AgendaFrame(
        headline=current.title,
        running=True,
        clock=format_clock(state.remaining_seconds),
        status=state.status.value,
        phase=state.phase.value,
        status_text=status_text,
        next_line=f"Next: {upcoming.title}" if upcoming else "",
        ends_at_ms=ends_at_ms,
        remaining_seconds=state.remaining_seconds,
        timebox_seconds=state.timebox_seconds,
    )


def _top(payload: dict[str, Any], default: int) -> int:
    """Return how many entries the facilitator asked for, within what a projector shows (rows
    the screen has no room for are left out by the page, which says how many)."""
    return shown_top(payload.get("top"), default)


def _score_text(score: float) -> str:
    """Return a score as the room reads it: whole numbers without a decimal point."""
    if float(score).is_integer():
        return str(int(score))
    return f"{score:.1f}"


def _bar(score: float, highest: float) -> int:
    """Return a bar length in SVG units; a score above zero always shows a sliver."""
    if highest <= 0 or score <= 0:
        return 0
    return max(8, round(BAR_UNITS * float(score) / highest))


def _ranked_rows(ranked: list[Ranked]) -> tuple[ScreenRow, ...]:
    """Return ranked pain points or themes as screen rows."""
    highest = max((float(entry.item.score) for entry in ranked), default=0.0)
    return tuple(
        ScreenRow(
            rank=f"{entry.rank}{'=' if entry.tied else ''}",
            title=entry.item.label,
            score=_score_text(entry.item.score),
            bar=_bar(float(entry.item.score), highest),
        )
        for entry in ranked
    )


def _card_sections(results: RoundResults, top: int) -> tuple[ScreenSection, ...]:
    """Return the round's sections (RoundResults.sections decides them) as screen sections,
    the bars on one scale so that sections compare, as on the terminal's projector."""
    sections = results.sections(top)
    highest = max(
        (float(result.score) for section in sections for result in section.results), default=0.0
    )
    return tuple(
        ScreenSection(
            section.heading,
            tuple(
                ScreenRow(
                    rank=f"{result.rank}{'=' if result.tied else ''}",
                    title=result.card.title,
                    score=_score_text(result.score),
                    bar=_bar(float(result.score), highest),
                    code=result.card.code,
                )
                for result in section.results
            ),
        )
        for section in sections
    )


def _inventory(store: WorkshopStore, payload: dict[str, Any]) -> RankingFrame:
    """Return the chosen pain-point round's top pain points or themes, once revealed."""
    all_rounds = rounds(store)
    wanted = payload.get("round_id")
    chosen = next(
        (item for item in all_rounds if item.id == wanted), all_rounds[-1] if all_rounds else None
    )
    themes = payload.get("show") == "themes"
    what = "themes" if themes else "pain points"
    top = _top(payload, INVENTORY_TOP)
    if chosen is None:
        return RankingFrame("inventory", f"Top {what}", "", "", "No voting round yet.", ())
    heading = f"Top {top} {what}"
    if not chosen.revealed:
        if chosen.method.value == "dot":
            waiting = f"{len(voters_in(store, chosen.id))} ballots in"
        else:
            waiting = "counting hands"
        waiting = f"Scores are revealed soon · {waiting}"
        return RankingFrame("inventory", heading, chosen.title, waiting, "", ())
    if themes:
        ranked = [standing.ranked for standing in rank_themes(store, chosen.id)]
    else:
        ranked = rank_pain_points(store, chosen.id)
    rows = _ranked_rows(top_n(ranked, top))
    sections = (ScreenSection("", rows),) if rows else ()
    return RankingFrame("inventory", heading, chosen.title, "", f"No {what} yet.", sections)


def _cards(store: WorkshopStore, payload: dict[str, Any]) -> RankingFrame:
    """Return the chosen card round's top cards overall and per category, once revealed."""
    all_rounds = card_rounds(store)
    wanted = payload.get("round_id")
    chosen = next(
        (item for item in all_rounds if item.id == wanted), all_rounds[-1] if all_rounds else None
    )
    top = _top(payload, CARDS_TOP)
    if chosen is None:
        return RankingFrame("cards", "Cards", "", "", "No card round yet.", ())
    heading = f"Top {top} cards"
    results = round_results(store, chosen.id)
    if not chosen.is_revealed:
        if chosen.method.value == "hand_count":
            waiting = f"{results.total_points} hands counted"
        else:
            waiting = f"{results.ballots} ballots in"
        waiting = f"Results are revealed soon · {waiting}"
        return RankingFrame("cards", heading, chosen.title, waiting, "", ())
    sections = _card_sections(results, top)
    return RankingFrame("cards", heading, chosen.title, "", "No votes yet.", sections)


def _takeaway(store: WorkshopStore, payload: dict[str, Any]) -> TakeawayFrame:
    """Return the chosen takeaway, or the newest one when none is chosen."""
    chosen = payload.get("takeaway_id")
    shown = takeaway(store, chosen) if isinstance(chosen, str) else latest_takeaway(store)
    if shown is None:
        return TakeawayFrame("", "", "")
    if shown.kind is TakeawayKind.QUOTE:
        return TakeawayFrame("", f"“{shown.text}”", f"— {shown.speaker}" if shown.speaker else "")
    owner = shown.owner if shown.kind is TakeawayKind.ACTION else shown.speaker
    return TakeawayFrame(shown.kind.value.capitalize(), shown.text, f"— {owner}" if owner else "")


# The join address and its QR code ----------------------------------------------------------


def qr_svg(text: str) -> bytes:
    """Return text as a QR code in SVG, dark on light, with the quiet zone scanners need."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", scale=QR_SCALE, border=4, dark="#000000", light="#ffffff", xmldecl=False
    )
    return buffer.getvalue()


# Routes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinPanel:
    """The corner that tells the room how to join: QR code, address, code and count."""

    url: str
    code: str
    joined: int


def _join_panel(frame: ScreenFrame, request: Request) -> JoinPanel | None:
    """Return the join corner while joining is open, or None."""
    if not frame.room_code or not frame.joining:
        return None
    url = join_address(request.app.state.room.join_url or str(request.base_url), frame.room_code)
    return JoinPanel(url, frame.room_code, frame.joined)


async def _read(request: Request) -> tuple[ScreenFrame | None, str]:
    """Read the frame on the store thread; a busy or lost file gives its one-line reason."""
    context = request.app.state.room
    try:
        return await context.call(screen_frame, context.clock()), ""
    except StoreError as error:
        return None, str(error)


def _body(request: Request, frame: ScreenFrame | None, error: str) -> str:
    """Render the screen's body (escaped by the templates' autoescape)."""
    template = request.app.state.templates.get_template("screen_body.jinja")
    return template.render(_values(request, frame, error))


def _values(request: Request, frame: ScreenFrame | None, error: str) -> dict[str, Any]:
    """Return what the screen templates print."""
    if frame is None:
        return {"frame": None, "join": None, "error": error}
    return {"frame": frame, "join": _join_panel(frame, request), "error": error}


async def screen_page(request: Request) -> Response:
    """Answer the projector page; its script keeps it up to date."""
    frame, error = await _read(request)
    values = _values(request, frame, error)
    values["stamp"] = frame.stamp if frame is not None else ""
    values["now_ms"] = round(request.app.state.room.clock().timestamp() * 1000)
    return request.app.state.templates.TemplateResponse(request, "screen.jinja", values)


async def screen_live(request: Request) -> Response:
    """Answer the screen's body and its stamp; the page swaps the body when the stamp changes."""
    frame, error = await _read(request)
    now_ms = round(request.app.state.room.clock().timestamp() * 1000)
    if frame is None:
        return JSONResponse({"error": error, "now": now_ms}, status_code=503)
    body = _body(request, frame, "")
    return JSONResponse({"stamp": frame.stamp, "html": body, "now": now_ms})


async def qr_code(request: Request) -> Response:
    """Answer the join address as an SVG QR code."""
    context = request.app.state.room
    try:
        state = await context.call(room_state)
    except StoreError as error:
        return Response(str(error), status_code=503, media_type="text/plain")
    if not state.code:
        message = "The room is not open yet."
        return Response(message, status_code=404, media_type="text/plain")
    url = join_address(context.join_url or str(request.base_url), state.code)
    return Response(qr_svg(url), media_type="image/svg+xml")


screen_routes: list[BaseRoute] = [
    Route("/screen", screen_page),
    Route("/screen/live", screen_live),
    Route("/qr.svg", qr_code),
]
