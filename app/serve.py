"""``glose serve``: the same app in a browser, through textual-serve.

textual-serve answers ``/`` with a page that runs a terminal in the browser and, for each
tab that connects to its websocket, starts one process of the shell command it was given:
here ``python -m glose --db PATH --annotator NAME open`` with this glose's own Python. That
process is the app as in a terminal (Textual's web driver draws it into the page), so it
commits every change the moment it is made, as the annotator named on the command line.

There is no password: whoever reaches the port reads and changes the database as that
annotator. Hence 127.0.0.1 by default, a warning for any other address, and an SSH tunnel
for reviewers on other machines.
"""
from __future__ import annotations

import errno
import ipaddress
import shlex
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from glose.errors import UsageError
from glose.plaintext import visible

DEFAULT_HOST = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` stands for is a loopback one (only this machine can
    connect). A name that does not resolve is not."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    addresses = {str(info[4][0]).split("%")[0] for info in found}
    return bool(addresses) and all(ipaddress.ip_address(address).is_loopback for address in addresses)


def exposure_warning(host: str, port: int, db: Path, annotator: str) -> str | None:
    """What binding to ``host`` exposes, when it is not a loopback address; else None."""
    if is_loopback(host):
        return None
    return (f"warning: {visible(host)} is not a loopback address: anyone who can reach port {port} of this"
            f" machine can read and change {visible(str(db))} as {visible(annotator)}, with no password."
            f" Bind to {DEFAULT_HOST} and reach it through an SSH tunnel instead (README: Reviewers in a browser)")


def app_command(db: Path, annotator: str, *, read_only: bool = False, python: str = sys.executable) -> str:
    """The shell command textual-serve runs for each browser tab: this glose's app on ``db``
    as ``annotator`` (every part quoted for the shell)."""
    argv = [python, "-m", "glose", "--db", str(Path(db).absolute()), "--annotator", annotator]
    if read_only:
        argv.append("--read-only")
    return shlex.join([*argv, "open"])


def public_url(host: str, port: int) -> str:
    """The address the page tells the browser to connect back to, by default."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return f"http://{host}:{port}"
    return f"http://[{literal}]:{port}" if literal.version == 6 else f"http://{literal}:{port}"


def _bind_problem(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} is taken on {visible(host)} (another glose serve, or another server):"
                " choose another with --port")
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on port {port} (ports below 1024 need privileges): choose another with --port"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"{visible(host)} is not an address of this machine: choose another with --host"
    return f"cannot listen on {visible(host)} port {port}: {exc.strerror or exc}"


def check_port(host: str, port: int) -> None:
    """Raise :class:`UsageError` saying why a server could not listen on ``host``:``port``
    (taken, a privileged port, an address this machine does not have, a name that does not
    resolve), so that it is said in one line before anything starts. The server binds as
    aiohttp does (SO_REUSEADDR, IPv6 sockets IPv6 only)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as exc:
        raise UsageError(f"cannot find the address {visible(host)!r}: {getattr(exc, 'strerror', None) or exc}"
                         ) from exc
    for family, kind, proto, _, address in found:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise UsageError(_bind_problem(exc, host, port)) from exc


def serve(command: str, *, host: str, port: int, title: str, url: str, ready: Callable[[str], None]) -> None:
    """Run textual-serve's server until ctrl+c or SIGTERM; ``ready(url)`` is called as it
    starts. Raises :class:`UsageError` if it cannot listen (a port taken since ``check_port``)."""
    import asyncio

    from aiohttp import WSCloseCode, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    class GloseServer(Server):
        sessions: set[tuple[web.WebSocketResponse, AppService]] = set()
        """The tabs connected, each with the app process it drives."""

        async def on_startup(self, app: web.Application) -> None:
            # textual-serve's own banner prints the command (a file name) through Rich markup.
            ready(self.public_url)

        async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
            session = (websocket, app_service)
            self.sessions.add(session)
            try:
                await super()._process_messages(websocket, app_service)
            finally:
                self.sessions.discard(session)

        async def on_shutdown(self, app: web.Application) -> None:
            # Without this, aiohttp waits for each open tab's handler (20 s or more) before it
            # stops. Each app quits (its changes are committed already), then its tab is told.
            async def end(websocket: web.WebSocketResponse, app_service: AppService) -> None:
                await app_service.stop()
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"glose serve stopped")

            await asyncio.gather(*(end(*session) for session in list(self.sessions)), return_exceptions=True)

    server = GloseServer(command, host=host, port=port, title=title, public_url=url)
    try:
        server.serve()
    except OSError as exc:
        raise UsageError(_bind_problem(exc, host, port)) from exc
