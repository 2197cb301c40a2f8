"""`facilitate room PATH` as a facilitator runs it: it prints where phones join, records itself
in the file, logs privately, and closes cleanly on SIGTERM, Ctrl+C or when its console ends."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import make_workshop
from helpers import (
    RoomProcess,
    between_looks,
    facilitate_run,
    free_port,
    http_request,
    poll_until,
    process_running,
    wait_briefly,
)

from console.room.server import parent_alive
from console.store.core import WorkshopStore
from console.store.room import room_state


@pytest.fixture
def room_path(tmp_path: Path) -> Path:
    """A workshop file for the room server."""
    return make_workshop(tmp_path / "room.db")


def state_of(path: Path) -> tuple[str, int | None, str]:
    """Return the server url, pid and room code the file records."""
    with WorkshopStore.open(path, role="check") as store:
        state = room_state(store)
    return state.server_url, state.server_pid, state.code


def test_the_room_prints_the_join_link_code_and_qr_and_records_itself(room_path: Path) -> None:
    with RoomProcess(room_path) as server:
        server.wait_ready()
        url, pid, code = state_of(room_path)
        assert (url, pid) == (server.url, server.process.pid)
        assert re.fullmatch(r"[0-9]{4}", code)
        lines = server.lines
        assert f"Join: {server.url}/join?code={code}" in lines
        assert f"Room code: {code}" in lines
        assert lines[-1] == "Press Ctrl+C to close the room."
        qr = [line for line in lines if set(line) <= set("█▀▄ ") and len(line) > 20]
        assert len(qr) > 10, "a QR code in the terminal"
        status, headers, body = http_request(f"{server.url}/join?code={code}")
        assert status == 200 and f'value="{code}"' in body
        assert headers["x-frame-options"] == "DENY"
        assert server.stop(signal.SIGTERM) == 0
    assert state_of(room_path)[:2] == ("", None), "the record is cleared when the room closes"
    assert not server.errors, server.errors


def test_ctrl_c_closes_the_room_cleanly(room_path: Path) -> None:
    with RoomProcess(room_path) as server:
        server.wait_ready()
        assert server.stop(signal.SIGINT) == 0
    assert state_of(room_path)[:2] == ("", None)
    assert not any("Traceback" in line for line in server.errors), server.errors


def test_the_log_is_private_and_holds_no_code_or_token(room_path: Path) -> None:
    with RoomProcess(room_path) as server:
        server.wait_ready()
        code = state_of(room_path)[2]
        _, headers, _ = http_request(f"{server.url}/join?code={code}")
        cookie = headers["set-cookie"].split(";")[0]
        csrf = cookie.split("=", 1)[1]
        form = urlencode({"code": code, "csrf": csrf})
        kind = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        status, headers, _ = http_request(f"{server.url}/join", "POST", form, kind)
        assert status == 303
        token = headers["set-cookie"].split(";")[0].split("=", 1)[1]
        assert server.stop() == 0
    log = Path(f"{room_path}.room.log")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text("utf-8")
    assert "GET /join 200" in text and "POST /join 303" in text
    assert token not in text and csrf not in text and f"code={code}" not in text


def test_a_busy_port_is_refused_in_one_line(room_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = facilitate_run(
            room_path.parent, "room", str(room_path), "--host", "127.0.0.1", "--port", str(port)
        )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(rf"facilitate: Port {port} is in use: try --port \d+\.", lines[0])
    assert state_of(room_path)[:2] == ("", None)


def test_a_file_that_is_not_a_workshop_is_refused_in_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    before = junk.read_bytes()
    result = facilitate_run(tmp_path, "room", str(junk), "--host", "127.0.0.1")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert junk.read_bytes() == before
    missing = facilitate_run(tmp_path, "room", str(tmp_path / "missing.db"))
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "missing.db").exists()


PARENT = """
import os, subprocess, sys
child = subprocess.Popen(
    [sys.executable, "-m", "console", "room", sys.argv[1], "--host", "127.0.0.1",
     "--port", sys.argv[2], "--parent-pid", str(os.getpid())],
    stdout=subprocess.DEVNULL,
)
print(child.pid, flush=True)
sys.stdin.read()
"""
"""A stand-in for the console: starts the room with --parent-pid, ends when its stdin closes."""


def test_the_room_closes_when_the_console_that_started_it_ends(room_path: Path) -> None:
    port = free_port()
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(room_path), str(port)],
        cwd=room_path.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None and parent.stdin is not None
        child = int(parent.stdout.readline())
        assert poll_until(lambda: answers(port), 60, lambda: wait_briefly(parent))
        assert poll_until(lambda: state_of(room_path)[1] == child, 30, between_looks)
        parent.stdin.close()
        assert parent.wait(30) == 0
        closed = poll_until(lambda: not process_running(child), 10, between_looks)
        assert closed, "the room server ended with its console"
        assert state_of(room_path)[:2] == ("", None)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(30)


def answers(port: int) -> bool:
    """Tell whether a room server answers on the port."""
    try:
        return http_request(f"http://127.0.0.1:{port}/healthz")[0] == 200
    except OSError:
        return False


def test_parent_alive_sees_a_parent_that_ended() -> None:
    assert parent_alive(os.getppid(), os.getppid())
    assert parent_alive(os.getpid(), os.getppid())
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait(30)
    assert not parent_alive(finished.pid, os.getppid())
    # Adopted by another process: the parent that started it is gone, even if not yet reaped
    # (here: a "parent" that is still running but is no longer this process's parent).
    assert not parent_alive(os.getpid(), os.getpid())


def test_the_room_help_is_the_documentation() -> None:
    result = facilitate_run(Path.cwd(), "room", "--help")
    assert result.returncode == 0
    for words in ("phones", "room code", "QR code", "--host", "--port", "Ctrl+C", "room.log"):
        assert words in result.stdout
    assert "--parent-pid" not in result.stdout
    overview = facilitate_run(Path.cwd(), "--help").stdout
    assert "facilitate room PATH" in overview


def test_phones_are_shown_the_laptops_own_addresses_private_ones_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ifaddr

    from console.room import addresses

    def adapter(*ips: object) -> ifaddr.Adapter:
        return ifaddr.Adapter("eth", "eth", [ifaddr.IP(ip, 24, "eth") for ip in ips])

    adapters = [
        adapter("127.0.0.1", ("::1", 0, 0)),
        adapter("52.1.2.3", "169.254.3.3"),
        adapter("192.168.4.1", ("fe80::1", 0, 2)),
        adapter("10.42.0.1", "192.168.4.1"),
    ]
    monkeypatch.setattr(ifaddr, "get_adapters", lambda: adapters)
    assert addresses.lan_addresses() == ["192.168.4.1", "10.42.0.1", "52.1.2.3"]
    assert addresses.join_hosts("0.0.0.0") == ["192.168.4.1", "10.42.0.1", "52.1.2.3"]
    assert addresses.join_hosts("127.0.0.1") == ["127.0.0.1"]
    monkeypatch.setattr(ifaddr, "get_adapters", lambda: [adapter("127.0.0.1")])
    assert addresses.join_hosts("0.0.0.0") == ["127.0.0.1"]


def test_without_a_port_the_next_free_one_after_8000_is_taken() -> None:
    from console.room.server import DEFAULT_PORT, PORT_TRIES, bind

    held = []
    try:
        blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            blocker.bind(("127.0.0.1", DEFAULT_PORT))
            blocker.listen(1)
            held.append(blocker)
        except OSError:
            blocker.close()  # already taken by another program: the same case
        sock, port = bind("127.0.0.1", None)
        sock.close()
        assert DEFAULT_PORT < port <= DEFAULT_PORT + PORT_TRIES
    finally:
        for sock in held:
            sock.close()
