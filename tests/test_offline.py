"""The console and every command work with the network blocked, and nothing in it reaches out.

In the test process, socket creation for internet families, create_connection, getaddrinfo and
gethostbyname are patched to raise. Commands run as subprocesses get the same patch from a
sitecustomize.py put first on PYTHONPATH; a probe subprocess proves the patch is active there.
Unix-domain sockets stay allowed: asyncio's event loop wakes itself through a local socket pair,
which never leaves the machine.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_workshop
from helpers import RoomProcess, http_request, notices, wait_until
from pty_console import Console
from textual.widgets import ContentSwitcher

from console.store import room
from console.store.core import WorkshopStore
from console.ui.app import make_app

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "console"
BLOCKED = "network access blocked by the offline test"

SITECUSTOMIZE = f"""
import socket

_real_socket = socket.socket


class _OfflineSocket(_real_socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
            raise OSError({BLOCKED!r})
        super().__init__(family, type, proto, fileno)


def _refuse(*args, **kwargs):
    raise OSError({BLOCKED!r})


socket.socket = _OfflineSocket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
socket.gethostbyname = _refuse
"""


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Block the network in this process and return an environment that blocks it in children."""
    real_socket = socket.socket

    class OfflineSocket(real_socket):  # type: ignore[misc, valid-type]
        def __init__(
            self, family: int = -1, type: int = -1, proto: int = -1, fileno: int | None = None
        ) -> None:
            if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
                raise OSError(BLOCKED)
            super().__init__(family, type, proto, fileno)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(BLOCKED)

    monkeypatch.setattr(socket, "socket", OfflineSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    site = tmp_path / "offline-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    monkeypatch.setenv("PYTHONPATH", path)
    return {**os.environ, "PYTHONPATH": path}


def facilitate(
    env: dict[str, str], *args: str, cwd: Path, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `python -m console ARGS` offline and return the finished process."""
    result = subprocess.run(
        [sys.executable, "-m", "console", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert BLOCKED not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert (result.returncode == 0) is ok, (args, result.returncode, result.stderr)
    return result


def test_the_network_block_works_in_this_process_and_in_subprocesses(
    offline: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(OSError, match=BLOCKED):
        socket.create_connection(("example.org", 80))
    with pytest.raises(OSError, match=BLOCKED):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.getaddrinfo('example.org', 80)"],
        env=offline,
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0 and BLOCKED in probe.stderr


async def test_the_console_works_offline_on_every_pane(
    offline: dict[str, str], workshop_path: Path
) -> None:
    store = WorkshopStore.open(workshop_path)
    try:
        app = make_app(store, first_pane="agenda")
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            for key, pane in (("f2", "agenda"), ("f4", "cards"), ("f5", "takeaways")):
                await pilot.press(key)
                assert app.query_one(ContentSwitcher).current == pane
            # A pane's first visit opens on its capture line, where o is text.
            await pilot.press(*"offline insight", "enter")
            await pilot.press("f3", *"offline pain point", "enter")
            await pilot.press(*"second one", "enter", "escape")
            await pilot.press("v")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("b")
            await pilot.pause()
            await pilot.press(*"1 2", "enter")
            await pilot.press("escape", "f6")
            await pilot.pause()
            await pilot.press("escape", "f1")
            await pilot.pause()
            await pilot.press("escape", "f9")
            await wait_until(
                lambda: (
                    bool(notices(app, "error"))
                    or any(n.startswith("Report written") for n in notices(app))
                ),
                "the report to be written",
            )
            errors = notices(app, "error")
            assert not errors
    finally:
        store.close()
    with WorkshopStore.open(workshop_path) as check:
        assert check.query("SELECT count(*) AS n FROM takeaways")[0]["n"] == 1
        assert check.query("SELECT count(*) AS n FROM pain_points")[0]["n"] == 2
        assert check.query("SELECT sum(points) AS n FROM pain_point_votes")[0]["n"] == 2
    written = sorted(path.name for path in workshop_path.parent.iterdir())
    assert any(name.endswith(".md") for name in written), written
    assert any(name.endswith(".html") for name in written), written


async def test_the_projector_and_notes_apps_work_offline(
    offline: dict[str, str], workshop_path: Path
) -> None:
    from console.ui.projector.app import make_projector_app

    with WorkshopStore.open(workshop_path, role="projector") as store:
        projector = make_projector_app(store)
        async with projector.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
    with WorkshopStore.open(workshop_path, role="notes") as store:
        notes = make_app(store, first_pane="takeaways")
        async with notes.run_test(size=(120, 36)) as pilot:
            await pilot.press(*"noted offline", "enter")
        assert store.query("SELECT count(*) AS n FROM takeaways")[0]["n"] == 1


def test_every_command_works_offline(offline: dict[str, str], tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    facilitate(offline, "--help", cwd=work)
    assert "executive-connections" in facilitate(offline, "templates", cwd=work).stdout
    facilitate(offline, "new", "a.db", cwd=work)
    facilitate(offline, "new", "b.db", "--template", "blank", "--title", "B", cwd=work)
    # Refusals: one line, non-zero exit, no network.
    facilitate(offline, "open", "missing.db", cwd=work, ok=False)
    (work / "junk.db").write_bytes(b"not a database at all" * 10)
    facilitate(offline, "open", "junk.db", cwd=work, ok=False)
    facilitate(offline, "new", "a.db", cwd=work, ok=False)
    for fmt in ("md", "html", "csv", "json"):
        facilitate(offline, "export", "a.db", "--format", fmt, cwd=work)
    (work / "pains.csv").write_text("text,theme\nSlow decisions,Pace\n", encoding="utf-8")
    facilitate(offline, "import", "a.db", "pains.csv", "--kind", "pain-points", cwd=work)
    facilitate(offline, "import", "copy.db", "a.json", cwd=work)
    facilitate(offline, "merge", "a.db", "copy.db", cwd=work)
    facilitate(offline, "merge", "a.db", "b.db", cwd=work, ok=False)  # another workshop
    facilitate(offline, "portfolio", "a.db", "b.db", "--format", "json", cwd=work)
    # The demo workshop is built by the same code `facilitate demo` runs before it opens.
    demo = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from console.store.demo import build_demo; "
            "build_demo(__import__('pathlib').Path(sys.argv[1])).close()",
            str(work / "demo.db"),
        ],
        cwd=work,  # not the checkout: its console/ has no data/ beside it
        env=offline,
        capture_output=True,
        text=True,
    )
    assert demo.returncode == 0, demo.stderr
    assert (work / "demo.db").exists()


def test_the_real_console_and_demo_start_and_quit_offline(
    offline: dict[str, str], tmp_path: Path
) -> None:
    path = make_workshop(tmp_path / "real.db")
    for args in (["open", str(path)], ["demo"], ["notes", str(path)]):
        with Console(args, cwd=tmp_path) as console:
            console.wait_for("Quit")
            assert console.quit() == 0, console.screen.text()
        assert BLOCKED not in console.output.decode(errors="replace")


NETWORK_MODULES = re.compile(
    # urllib.parse only splits and joins text (the room server parses its forms with it).
    r"^\s*(?:import|from)\s+(?:urllib(?!\.parse\b)|http|requests|httpx|aiohttp|socket|"
    r"ftplib|smtplib|xmlrpc|webbrowser|ssl)\b",
    re.MULTILINE,
)


ALLOWED_NETWORK_IMPORTS = {
    # socket.gethostname() only: which laptop runs the room server.
    "console/store/room.py: import socket",
    # The room server binds its listening socket; it never connects anywhere (see
    # test_the_room_server_answers_phones_with_only_loopback_allowed).
    "console/room/server.py: import socket",
}


def test_no_module_of_the_console_imports_a_network_library() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for match in NETWORK_MODULES.finditer(path.read_text(encoding="utf-8"))
    ]
    assert [line for line in found if line not in ALLOWED_NETWORK_IMPORTS] == []


LOOPBACK_ONLY = f"""
import os
import socket

_real_socket = socket.socket
_real_getaddrinfo = socket.getaddrinfo
_INTERNET = (socket.AF_INET, socket.AF_INET6)


def _loopback(address):
    host = address[0] if isinstance(address, tuple) and address else ""
    return isinstance(host, str) and (host.startswith("127.") or host == "::1")


def _refuse(what):
    with open(os.environ["ROOM_NETWORK_TRIES"], "a", encoding="utf-8") as tries:
        tries.write(what + "\\n")
    raise OSError({BLOCKED!r})


class _LoopbackSocket(_real_socket):
    def bind(self, address):
        if self.family in _INTERNET and not _loopback(address):
            _refuse(f"bind {{address!r}}")
        return super().bind(address)

    def connect(self, address):
        if self.family in _INTERNET and not _loopback(address):
            _refuse(f"connect {{address!r}}")
        return super().connect(address)

    def connect_ex(self, address):
        if self.family in _INTERNET and not _loopback(address):
            _refuse(f"connect {{address!r}}")
        return super().connect_ex(address)

    def sendto(self, data, *args):
        if self.family in _INTERNET and not _loopback(args[-1]):
            _refuse(f"sendto {{args[-1]!r}}")
        return super().sendto(data, *args)

    def accept(self):
        connection, address = super().accept()
        if self.family in _INTERNET and not _loopback(address):
            connection.close()
            _refuse(f"accept {{address!r}}")
        return connection, address


def _getaddrinfo(host, *args, **kwargs):
    if not (isinstance(host, str) and (host.startswith("127.") or host == "::1")):
        _refuse(f"getaddrinfo {{host!r}}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _no_lookup(*args, **kwargs):
    _refuse(f"lookup {{args!r}}")


socket.socket = _LoopbackSocket
socket.getaddrinfo = _getaddrinfo
socket.gethostbyname = _no_lookup
socket.gethostbyaddr = _no_lookup
"""
"""The room server's network: it may listen and answer on loopback, and nothing else; every
other attempt is refused and written to the file ROOM_NETWORK_TRIES names."""


def test_the_room_server_answers_phones_with_only_loopback_allowed(tmp_path: Path) -> None:
    site = tmp_path / "loopback-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(LOOPBACK_ONLY, encoding="utf-8")
    tries = tmp_path / "network-tries.txt"
    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env = {**os.environ, "PYTHONPATH": path, "ROOM_NETWORK_TRIES": str(tries)}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import socket\n"
            "try:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
            "except OSError as e:\n    print(e)\n"
            "from console.room.addresses import lan_addresses\n"
            "print(lan_addresses())\n",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 0, probe.stderr
    assert BLOCKED in probe.stdout, "the patch is active in the server's interpreter"
    tries.unlink()  # the probe's own refused connection; the server must add none
    workshop = make_workshop(tmp_path / "offline-room.db")
    with RoomProcess(workshop, env=env) as server:
        server.wait_ready()
        with WorkshopStore.open(workshop, role="check") as store:
            code = room.room_state(store).code
            room.set_activity(store, "pain_points")
        _, headers, _ = http_request(f"{server.url}/join?code={code}")
        cookie = headers["set-cookie"].split(";")[0]
        form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        csrf = cookie.split("=", 1)[1]
        status, headers, _ = http_request(
            f"{server.url}/join", "POST", f"code={code}&csrf={csrf}", form
        )
        assert status == 303
        place = headers["set-cookie"].split(";")[0]
        form["Cookie"] = f"{cookie}; {place}"
        body = f"text=Offline+pain+point&csrf={csrf}"
        assert http_request(f"{server.url}/pain-points", "POST", body, form)[0] == 303
        assert http_request(f"{server.url}/me", headers={"Cookie": form["Cookie"]})[0] == 200
        assert server.stop() == 0
    assert not tries.exists(), tries.read_text()
    assert not any(BLOCKED in line for line in server.errors), server.errors
    with WorkshopStore.open(workshop, role="check") as store:
        texts = [row["text"] for row in store.query("SELECT text FROM pain_points")]
    assert texts == ["Offline pain point"]
