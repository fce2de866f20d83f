"""``glose serve`` (issue 13.6): the same app in a browser, through textual-serve.

The real server runs in a subprocess on a free port, against a real SQLite file; the page
is fetched over HTTP and the app driven over textual-serve's websocket as a browser tab
drives it (keys in, the screen's bytes out).
"""
from __future__ import annotations

import asyncio
import html
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("textual_serve.server", reason="textual-serve cannot be imported")

from glose.serve import app_command, exposure_warning, is_loopback, public_url
from glose.settings import WEB_DRIVER, Settings

pytestmark = pytest.mark.slow

TITLE = "Alep : la trêve tient"
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A real glose file with one document, in a folder whose name a shell would misread
    (made once: the import takes seconds, for loading spaCy)."""
    folder = tmp_path_factory.mktemp("serve") / "rédaction d'Alep $(touch pwned)"
    folder.mkdir()
    text = folder.parent / "alep.txt"
    text.write_text(f"{TITLE}\n\nSelon l'OSDH, la bataille touche à sa fin.\n", encoding="utf-8")
    db = folder / "corpus $HOME.db"
    done = subprocess.run([sys.executable, "-m", "glose", "import", str(text), "--no-nlp", "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return db


def start(*args: str) -> subprocess.Popen:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("GLOSE_", "TEXTUAL"))}
    return subprocess.Popen([sys.executable, "-m", "glose", "serve", *args], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def get_page(server: subprocess.Popen, port: int, timeout: float = 20) -> str:
    """The page at / once the server answers (it takes a second to start)."""
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            out, err = server.communicate()
            pytest.fail(f"glose serve exited with {server.returncode}: {out}{err}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                assert response.status == 200
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def stop(server: subprocess.Popen) -> tuple[str, str]:
    """SIGTERM, as a service manager stops it; it must exit promptly and cleanly."""
    server.send_signal(signal.SIGTERM)
    out, err = server.communicate(timeout=15)
    assert server.returncode == 0, out + err
    return out, err


def app_processes(db: Path) -> list[int]:
    """The processes whose command line names this database (the apps textual-serve started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if os.fsencode(str(db)) in argv and b"open" in argv:
                found.append(int(entry.name))
    return found


class Tab:
    """A browser tab, as textual.js is one: keys go in, the screen comes out."""

    def __init__(self, ws):
        self.ws, self.screen, self.closed = ws, b"", False

    def text(self) -> str:
        return ANSI.sub(b"", self.screen).decode("utf-8", "replace")

    async def wait_for(self, wanted: str, timeout: float = 20) -> None:
        import aiohttp

        deadline = asyncio.get_running_loop().time() + timeout
        while wanted not in self.text():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0 or self.closed:
                pytest.fail(f"{wanted!r} never appeared; the screen ends with {self.text()[-800:]!r}")
            try:  # in short waits: each ping of the server's heartbeat (15 s) restarts receive's timeout
                message = await self.ws.receive(timeout=min(left, 1))
            except asyncio.TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen += message.data
            elif message.type != aiohttp.WSMsgType.TEXT:
                self.closed = True

    async def press(self, key: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", key]))

    async def until_closed(self, timeout: float = 15) -> None:
        import aiohttp

        deadline = asyncio.get_running_loop().time() + timeout
        while not self.closed:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                pytest.fail("the tab was never closed")
            try:
                message = await self.ws.receive(timeout=min(left, 1))
            except asyncio.TimeoutError:
                continue
            self.closed = message.type not in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT)


def test_the_page_and_the_app_in_it_as_the_annotator_named(corpus, run_glose):
    """The page is textual-serve's; a tab gets the app on this file, and what is done in it
    is the named annotator's; SIGTERM with the tab open ends the app and the server at once."""
    import aiohttp

    port = free_port()
    annotator = "Zoé O'Neil"
    server = start("--db", str(corpus), "--annotator", annotator, "--port", str(port))
    try:
        page = html.unescape(get_page(server, port))
        assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
        assert "/static/js/textual.js" in page  # textual-serve's terminal in the page
        assert f"glose · {annotator} · {corpus.name}" in page  # the title, escaped in the HTML

        async def review() -> None:
            async with aiohttp.ClientSession() as session:
                async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30") as ws:
                    tab = Tab(ws)
                    await tab.wait_for(TITLE)  # the document list, read from the file
                    assert app_processes(corpus), "no app process on this database"
                    await tab.press("\r")
                    await tab.wait_for("Selon l'OSDH")  # the article
                    await tab.press("d")
                    await tab.wait_for("document done")
                    started = time.monotonic()
                    server.send_signal(signal.SIGTERM)  # the tab still open
                    await tab.until_closed()
                    assert time.monotonic() - started < 10

        asyncio.run(review())
        out, err = server.communicate(timeout=15)
        assert server.returncode == 0, out + err
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert f"glose serve: http://127.0.0.1:{port} opens glose on" in out
    assert "Traceback" not in out + err
    deadline = time.monotonic() + 10
    while app_processes(corpus) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not app_processes(corpus), "an app outlived the server"
    stats = run_glose("stats", db=corpus)
    assert f"{annotator}: 1 document(s) done" in stats.stdout, stats.stdout


def test_a_port_taken_is_said_in_one_line(corpus):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        server = start("--db", str(corpus), "--port", str(port))
        out, err = server.communicate(timeout=30)
    assert server.returncode == 2
    assert err.strip() == (f"glose: port {port} is taken on 127.0.0.1 (another glose serve, or another server):"
                           " choose another with --port")
    assert "Traceback" not in out + err


def test_a_file_glose_cannot_use_is_refused_before_serving(tmp_path):
    missing = start("--db", str(tmp_path / "nothing.db"), "--port", str(free_port()))
    out, err = missing.communicate(timeout=30)
    assert missing.returncode == 2 and "does not exist" in err and len(err.strip().splitlines()) == 1
    other = tmp_path / "notes.db"
    other.write_text("not a database at all\n" * 10, encoding="utf-8")
    refused = start("--db", str(other), "--port", str(free_port()))
    out, err = refused.communicate(timeout=30)
    assert refused.returncode == 2 and "not a glose database" in err and "Traceback" not in out + err
    assert not (tmp_path / "nothing.db").exists()


def test_another_address_than_loopback_is_warned_about(corpus):
    # 192.0.2.1 is reserved for documentation (RFC 5737): no machine has it, so the
    # server refuses at once, after the warning.
    server = start("--db", str(corpus), "--annotator", "alice", "--host", "192.0.2.1", "--port", str(free_port()))
    out, err = server.communicate(timeout=30)
    assert server.returncode == 2
    warning, refusal = err.strip().splitlines()
    assert warning.startswith("glose: serve: warning: 192.0.2.1 is not a loopback address")
    assert "read and change" in warning and "as alice" in warning and "no password" in warning
    assert refusal == "glose: 192.0.2.1 is not an address of this machine: choose another with --host"


def test_which_addresses_are_loopback():
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        assert is_loopback(host), host
        assert exposure_warning(host, 8000, Path("g.db"), "alice") is None
    for host in ("0.0.0.0", "::", "192.0.2.1", "no-such-host.invalid"):
        assert not is_loopback(host), host
        warning = exposure_warning(host, 8000, Path("g.db"), "alice")
        assert warning is not None and warning.startswith(f"warning: {host} is not a loopback address"), warning
    assert public_url("::1", 8000) == "http://[::1]:8000"
    assert public_url("127.0.0.1", 8001) == "http://127.0.0.1:8001"


def test_the_app_command_is_quoted_for_the_shell(tmp_path):
    db = tmp_path / "a b'c\"$(touch x);.db"
    command = app_command(db, "O'Neil `id`", read_only=True, python="/opt/my python/bin/python")
    assert shlex.split(command) == ["/opt/my python/bin/python", "-m", "glose", "--db", str(db), "--annotator",
                                    "O'Neil `id`", "--read-only", "open"]


def test_the_served_app_needs_no_terminal_and_others_still_do():
    assert Settings.from_environment({"TEXTUAL_DRIVER": WEB_DRIVER}).served
    assert not Settings.from_environment({}).served
    assert not Settings.from_environment({"TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"}).served
