"""A room of phones voting at once: N simulated delegates against the real room server.

Usage: python benchmarks/room.py [--delegates 200] [--window 10]

Runs `facilitate room` on 127.0.0.1 on a fresh workshop. Each simulated phone has its own
loopback source address (127.0.0.2, 127.0.0.3, ...: Linux routes all of 127/8 to loopback), so
the server's per-address limits apply per phone as they would in a real room. Each phone starts
at a random moment in the window and does what a delegate's phone does:
GET /join?code -> POST /join -> GET /me -> POST /pain-points; then the facilitator opens a dot
vote (through the store, as the console does) and each phone, again at a random moment in the
window, reloads /me and POSTs its dot ballot. Prints errors, lost ballots (acknowledged with
303 but not in the file), submit latency, the time until the file holds every ballot, and
whether the goals are met (200 phones: no error, none lost, p99 <= 300 ms; 500: none lost).
tests/test_benchmark_builders.py runs the same workload with 3 phones.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _common import figure_line, new_workshop, percentile

from console.store.core import WorkshopStore
from console.store.inventory_votes import open_round
from console.store.room import (
    dot_ballot_of,
    ensure_room,
    save_dot_ballot,
    seats,
    set_activity,
)

BUDGET = 5
CAP = 3
"""The dot vote the facilitator opens: 5 dots each, at most 3 on one pain point."""

REQUEST_SECONDS = 30.0
"""No request waits longer than this (a phone gives up, and it counts as an error)."""

START_SECONDS = 60.0
"""The server must answer /healthz within this after it was started."""

SETTLE_SECONDS = 30.0
"""After the last phone is done, the file must hold every acknowledged ballot within this."""

SERVER = [sys.executable, "-m", "console", "room"]
"""`facilitate room`, run with this Python."""

GOALS = {200: "0 errors, 0 lost, p99 <= 300 ms", 500: "0 lost"}

CSRF_INPUT = re.compile(r"<input\b[^>]*\bname=\"csrf\"[^>]*>")
VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")
DELEGATE = re.compile(r"<h1\b[^>]*\bid=\"delegate\"[^>]*>\s*Delegate (\d+)")
DOT_INPUT = re.compile(r"\bname=\"dots\.([0-9a-f-]{36})\"")
ERROR_LINE = re.compile(r"<p\b[^>]*\bid=\"error\"[^>]*>(.*?)</p>", flags=re.DOTALL)
ROUND_INPUT = re.compile(r"<input\b[^>]*\bname=\"round_id\"[^>]*>")


@dataclass
class Phone:
    """One simulated delegate's phone and what happened to it."""

    index: int
    address: str
    number: int | None = None
    pain_point: str = ""
    pain_point_saved: bool = False
    ballot: dict[str, int] = field(default_factory=dict)
    ballot_saved: bool = False
    acknowledged_at: float = 0.0
    cookies: httpx.Cookies | None = None
    """The phone's cookies after joining: its place is its cookie."""
    errors: list[str] = field(default_factory=list)


@dataclass
class Report:
    """What the run measured."""

    delegates: int
    errors: list[str]
    lost_pain_points: int
    lost_ballots: int
    ballots: int
    submit_ms: list[float]
    pain_point_ms: list[float]
    join_ms: list[float]
    floor_ms: list[float]
    """The same ballot saved through the store with no HTTP."""
    settle_after_first_s: float
    settle_after_last_s: float

    def p(self, values: list[float], fraction: float) -> float:
        """Return a percentile, 0 when nothing was measured."""
        return percentile(values, fraction) if values else 0.0

    @property
    def p99_met(self) -> bool:
        """Tell whether every phone's ballot was answered and 99% within 300 ms."""
        return len(self.submit_ms) == self.delegates and self.p(self.submit_ms, 0.99) <= 300

    def goals(self) -> list[tuple[str, bool]]:
        """Return the goals that apply to this many phones, each with whether it is met."""
        found = []
        if self.delegates >= 200:
            found.append(("0 errors", not self.errors))
            found.append(("0 lost ballots", self.lost_ballots == 0))
        if 200 <= self.delegates < 500:
            found.append(("submit p99 <= 300 ms", self.p99_met))
        if self.delegates >= 500:
            found = [("0 lost ballots", self.lost_ballots == 0)]
        return found


def phone_address(index: int) -> str:
    """Return the loopback source address of phone index (0-based): 127.0.0.2 upwards."""
    number = index + 1
    return f"127.0.{number // 254}.{number % 254 + 1}"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def room_server(path: Path) -> Iterator[str]:
    """Run `facilitate room PATH` on 127.0.0.1 until the block ends; yield its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = path.parent / "room-server.out"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*SERVER, str(path), "--host", "127.0.0.1", "--port", str(port)],
            cwd=path.parent,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        with httpx.Client(trust_env=False, timeout=2.0) as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"the room server exited ({process.returncode}):\n"
                        + log.read_text("utf-8", errors="replace")
                    )
                try:
                    if client.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the room server did not answer within {START_SECONDS} s")
                with suppress(subprocess.TimeoutExpired):
                    process.wait(0.05)
        yield base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(15)


def csrf_of(page: str) -> str:
    """Return the hidden csrf field's value of a page."""
    found = CSRF_INPUT.search(page)
    value = VALUE.search(found[0]) if found else None
    if value is None:
        raise ValueError("the page has no csrf field")
    return value[1]


NO_TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
"""One TLS context for every phone's client (the room is plain HTTP): without it, each client
loads the certificate bundle, and 500 of them cost the load generator seconds of CPU."""


def client_for(phone: Phone, base: str) -> httpx.AsyncClient:
    """Return a phone's HTTP client: its own source address, one connection, time limits, and
    the Origin header a browser sends with a form."""
    transport = httpx.AsyncHTTPTransport(
        local_address=phone.address, limits=httpx.Limits(max_connections=1), verify=NO_TLS
    )
    return httpx.AsyncClient(
        transport=transport,
        timeout=REQUEST_SECONDS,
        follow_redirects=False,
        trust_env=False,
        headers={"Origin": base},
    )


def expect(answer: httpx.Response, status: int, location: str = "") -> None:
    """Raise a one-line error unless the answer has the status (and Location) a phone expects."""
    if answer.status_code != status:
        reason = ERROR_LINE.search(answer.text)
        said = " ".join(reason[1].split()) if reason else answer.reason_phrase
        raise ValueError(
            f"{answer.request.method} {answer.request.url.path}: {answer.status_code} {said}"
        )
    if location and not answer.headers.get("location", "").startswith(location):
        raise ValueError(f"{answer.request.url.path}: redirected to {answer.headers['location']}")


async def join_and_add(
    phone: Phone, base: str, code: str, at: float, joins: list[float], adds: list[float]
) -> None:
    """Join the room at the given moment, then send one pain point."""
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    async with client_for(phone, base) as client:
        try:
            began = time.perf_counter()
            page = await client.get(f"{base}/join", params={"code": code})
            expect(page, 200)
            name = f"Phone {phone.index + 1}"
            joined = await client.post(
                f"{base}/join", data={"code": code, "name": name, "csrf": csrf_of(page.text)}
            )
            expect(joined, 303, "/me")
            joins.append((time.perf_counter() - began) * 1000)
            me = await client.get(f"{base}/me")
            expect(me, 200)
            number = DELEGATE.search(me.text)
            if number is None:
                raise ValueError("/me does not say which delegate this phone is")
            phone.number = int(number[1])
            phone.pain_point = f"Phone {phone.index + 1}: approvals <take> weeks & more"
            began = time.perf_counter()
            added = await client.post(
                f"{base}/pain-points", data={"text": phone.pain_point, "csrf": csrf_of(me.text)}
            )
            expect(added, 303, "/me?saved=pain-point")
            adds.append((time.perf_counter() - began) * 1000)
            phone.pain_point_saved = True
        except (httpx.HTTPError, ValueError) as error:
            phone.errors.append(f"joining: {type(error).__name__}: {error}".splitlines()[0])
        phone.cookies = client.cookies


async def vote(
    phone: Phone, base: str, at: float, rng: random.Random, submits: list[float]
) -> None:
    """Reload /me at the given moment and send a dot ballot within the budget and cap."""
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    if phone.number is None:
        return
    async with client_for(phone, base) as client:
        client.cookies = phone.cookies or httpx.Cookies()
        try:
            me = await client.get(f"{base}/me")
            expect(me, 200)
            items = DOT_INPUT.findall(me.text)
            round_field = ROUND_INPUT.search(me.text)
            round_value = VALUE.search(round_field[0]) if round_field else None
            if not items or round_value is None:
                raise ValueError("/me shows no dot-vote form")
            ballot: dict[str, int] = {}
            for _dot in range(BUDGET):
                choices = [item for item in items if ballot.get(item, 0) < CAP]
                item = rng.choice(choices)
                ballot[item] = ballot.get(item, 0) + 1
            phone.ballot = ballot
            form = {"round_id": round_value[1], "csrf": csrf_of(me.text)}
            # As the phone's script sends it: only the pain points with dots (it disables the
            # others' fields before the form goes).
            form.update({f"dots.{item}": str(points) for item, points in ballot.items()})
            began = time.perf_counter()
            saved = await client.post(f"{base}/ballot/dots", data=form)
            expect(saved, 303, "/me?saved=ballot")
            submits.append((time.perf_counter() - began) * 1000)
            phone.acknowledged_at = time.monotonic()
            phone.ballot_saved = True
        except (httpx.HTTPError, ValueError) as error:
            phone.errors.append(f"voting: {type(error).__name__}: {error}".splitlines()[0])


def store_floor(path: Path, round_id: str, samples: int = 50) -> list[float]:
    """Time the same ballots saved straight through the store, with no HTTP: the floor.

    Each of the first phones' places saves its own ballot again (replacing it with itself), on
    the same file with the server still running, as the server's store thread does.
    """
    timings = []
    with WorkshopStore.open(path, role="floor") as store:
        places = seats(store)[:samples]
        for place in places:
            ballot = dot_ballot_of(store, place, round_id)
            began = time.perf_counter()
            save_dot_ballot(store, place, round_id, ballot)
            timings.append((time.perf_counter() - began) * 1000)
    return timings


def read_only(path: Path) -> sqlite3.Connection:
    """Open the workshop file read-only, as a checker beside the server."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)


def ballots_in_file(path: Path, round_id: str) -> dict[int, dict[str, int]]:
    """Return each delegate's dot ballot in the round as the file holds it, by number."""
    connection = read_only(path)
    try:
        rows = connection.execute(
            "SELECT p.number, v.pain_point_id, v.points FROM pain_point_votes v "
            "JOIN participants p ON p.id = v.participant_id "
            "WHERE v.round_id = ? AND v.deleted_at IS NULL",
            [round_id],
        ).fetchall()
    finally:
        connection.close()
    found: dict[int, dict[str, int]] = {}
    for number, item, points in rows:
        found.setdefault(int(number), {})[item] = int(points)
    return found


def room_pain_points(path: Path) -> set[str]:
    """Return the texts of the live pain points phones sent."""
    connection = read_only(path)
    try:
        rows = connection.execute(
            "SELECT text FROM pain_points WHERE origin = 'room' AND deleted_at IS NULL"
        ).fetchall()
    finally:
        connection.close()
    return {row[0] for row in rows}


async def run_phones(path: Path, delegates: int, window: float, seed: int) -> Report:
    """Run the whole room against a server on the workshop file; return what was measured."""
    rng = random.Random(seed)
    store = new_workshop(path)
    try:
        code = ensure_room(store).code
        set_activity(store, "pain_points")
    finally:
        store.close()
    phones = [Phone(index, phone_address(index)) for index in range(delegates)]
    joins: list[float] = []
    adds: list[float] = []
    submits: list[float] = []
    with room_server(path) as base:
        began = time.monotonic()
        await asyncio.gather(
            *(
                join_and_add(phone, base, code, began + rng.uniform(0, window), joins, adds)
                for phone in phones
            )
        )
        store = WorkshopStore.open(path, role="facilitator")
        try:
            round_id = open_round(store, "dot", budget=BUDGET, cap_per_item=CAP)
            set_activity(store, "dots", round_id)
        finally:
            store.close()
        first = time.monotonic()
        await asyncio.gather(
            *(vote(phone, base, first + rng.uniform(0, window), rng, submits) for phone in phones)
        )
        acknowledged = [phone for phone in phones if phone.ballot_saved]
        last = max((phone.acknowledged_at for phone in acknowledged), default=first)
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            found = ballots_in_file(path, round_id)
            lost = [phone for phone in acknowledged if found.get(phone.number or 0) != phone.ballot]
            if not lost or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        settled = time.monotonic()
        floor = store_floor(path, round_id)
    texts = room_pain_points(path)
    lost_pain_points = sum(
        1 for phone in phones if phone.pain_point_saved and phone.pain_point not in texts
    )
    return Report(
        delegates=delegates,
        errors=[error for phone in phones for error in phone.errors],
        lost_pain_points=lost_pain_points,
        lost_ballots=len(lost),
        ballots=len(acknowledged),
        submit_ms=submits,
        pain_point_ms=adds,
        join_ms=joins,
        floor_ms=floor,
        settle_after_first_s=settled - first,
        settle_after_last_s=max(0.0, settled - last),
    )


def run(delegates: int, window: float = 10.0, seed: int = 14) -> Report:
    """Run the benchmark on a fresh workshop in a temporary folder."""
    raise_open_file_limit(4 * delegates + 256)
    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(run_phones(Path(folder) / "room.db", delegates, window, seed))


def raise_open_file_limit(wanted: int) -> None:
    """Let this process and the server it starts hold a socket per phone (up to the hard limit)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


def describe(values: list[float]) -> str:
    """Summarise latencies in milliseconds."""
    if not values:
        return "none measured"
    return (
        f"p50 {percentile(values, 0.5):.1f} ms  p99 {percentile(values, 0.99):.1f} ms  "
        f"max {max(values):.1f} ms  (n={len(values)})"
    )


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegates", type=int, default=200, help="phones (50, 200, 500)")
    parser.add_argument("--window", type=float, default=10.0, help="seconds the phones spread over")
    parser.add_argument("--seed", type=int, default=14)
    options = parser.parse_args()
    report = run(options.delegates, options.window, options.seed)
    p99 = report.p(report.submit_ms, 0.99)
    floor = report.p(report.floor_ms, 0.99)
    print(
        f"{options.delegates} phones, each from its own address, spread over "
        f"{options.window:g} s: join, a pain point, then a dot ballot"
    )
    print(f"errors:            {len(report.errors)}")
    for error, times in Counter(report.errors).most_common(3):
        print(f"  {times} x {error}")
    print(
        f"lost ballots:      {report.lost_ballots} of {report.ballots} acknowledged "
        f"({options.delegates} phones)"
    )
    print(f"lost pain points:  {report.lost_pain_points}")
    print(f"join (GET+POST):   {describe(report.join_ms)}")
    print(f"pain point submit: {describe(report.pain_point_ms)}")
    print(f"ballot submit:     {describe(report.submit_ms)}")
    print(f"floor (store):     {describe(report.floor_ms)}  (the same ballots, no HTTP)")
    if report.ballots:
        print(
            f"file holds every ballot: {report.settle_after_first_s:.2f} s after the first phone "
            f"began to vote, {report.settle_after_last_s:.2f} s after the last acknowledgement"
        )
    else:
        print("file holds every ballot: no ballot was acknowledged")
    goals = report.goals()
    for goal, met in goals:
        print(f"goal ({options.delegates} phones) {goal}: {'yes' if met else 'no'}")
    if not goals:
        print(f"goals are set for 200 and 500 phones ({GOALS[200]}; {GOALS[500]})")
    phones = f"room: {options.delegates} phones"
    ratio = f"{p99 / floor:.1f}x" if floor and report.submit_ms else ""
    print(
        figure_line(
            f"{phones}, ballot submit (p99)",
            f"{p99:.0f} ms" if report.submit_ms else "none answered",
            f"{floor:.1f} ms",
            ratio,
            "<= 300 ms",
            report.p99_met,
        )
    )
    lost = f"{len(report.errors)} / {report.lost_ballots}"
    clean = not report.errors and not report.lost_ballots
    print(figure_line(f"{phones}, errors / lost ballots", lost, "", "", "0 / 0", clean))
    return 1 if report.lost_ballots or report.lost_pain_points else 0


if __name__ == "__main__":
    sys.exit(main())
