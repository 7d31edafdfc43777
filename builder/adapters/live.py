"""`course live` on the network: the room (``builder/live.py``) behind Starlette and Uvicorn.

One WebSocket per screen at ``/live/ws``. A phone joins with the session's code and gets a
token it keeps (sessionStorage), so it rejoins with its answers after a drop. The projector
and the trainer's controls connect with the trainer key, a random secret that only the links
printed in the trainer's terminal carry; it is compared in constant time, and a screen
without it never gets the counts or the controls. The built site is served beside, so the
group dashboard opens on the same origin at the end.

Each screen has a mailbox holding only the newest snapshot meant for it, drained by its own
task: a slow or stalled phone never holds up the others, and a burst of votes reaches the
projector as one update.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import segno
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..layers import layered
from ..live import MAX_MESSAGE_BYTES, MAX_NAME, Refused, Room, results_code

#: A phone may send this many messages a second on average, in bursts of up to ``BURST``;
#: beyond it messages are dropped, and a phone that keeps flooding is disconnected.
RATE = 5.0
BURST = 10
FLOOD_LIMIT = 50
MAX_EVENTS = 20
#: How long the projector's count may lag a vote, so that a burst of votes is one update.
TRAINER_COALESCE = 0.05
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@dataclass(eq=False)  # screens are told apart by identity (kept in a set)
class Screen:
    """One connected WebSocket and the newest message waiting for it."""

    socket: WebSocket
    trainer: bool
    token: str | None = None
    #: Replies that must all arrive (joined, errors), then the newest state, which replaces
    #: any older one not sent yet.
    events: list[dict[str, Any]] = field(default_factory=list)
    state: dict[str, Any] | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    allowance: float = BURST
    checked: float = field(default_factory=time.monotonic)
    dropped: int = 0

    def post(self, message: dict[str, Any]) -> None:
        if message["type"] == "state":
            self.state = message
        elif len(self.events) < MAX_EVENTS:
            self.events.append(message)
        self.ready.set()

    def allowed(self) -> bool:
        """Token bucket: whether one more message fits this connection's rate."""
        now = time.monotonic()
        self.allowance = min(BURST, self.allowance + (now - self.checked) * RATE)
        self.checked = now
        if self.allowance < 1:
            self.dropped += 1
            return False
        self.allowance -= 1
        return True


class LiveServer:
    """The room's screens, and what changes on each message."""

    def __init__(self, room: Room) -> None:
        self.room = room
        self.screens: set[Screen] = set()
        self._trainer_update: asyncio.TimerHandle | None = None

    def broadcast(self) -> None:
        for screen in self.screens:
            if screen.trainer:
                screen.post(self.room.for_trainer())
            elif screen.token is not None:
                screen.post(self.room.for_participant(screen.token))

    def update_trainers(self) -> None:
        """Post the count to trainer screens soon, once for however many votes arrive meanwhile."""
        if self._trainer_update is not None:
            return

        def send() -> None:
            self._trainer_update = None
            state = self.room.for_trainer()
            for screen in self.screens:
                if screen.trainer:
                    screen.post(state)

        loop = asyncio.get_running_loop()
        self._trainer_update = loop.call_later(TRAINER_COALESCE, send)

    async def drain(self, screen: Screen) -> None:
        while True:
            await screen.ready.wait()
            screen.ready.clear()
            messages, screen.events = screen.events, []
            if screen.state is not None:
                messages.append(screen.state)
                screen.state = None
            for message in messages:
                await screen.socket.send_text(json.dumps(message, ensure_ascii=False))

    async def serve(self, ws: WebSocket) -> None:
        trainer = ws.query_params.get("role") == "trainer"
        if trainer and not self.room.check_key(ws.query_params.get("key")):
            await ws.close(code=1008, reason="not the trainer key")
            return
        await ws.accept()
        screen = Screen(ws, trainer)
        self.screens.add(screen)
        sender = asyncio.create_task(self.drain(screen))
        if trainer:
            screen.post(self.room.for_trainer())
        try:
            while True:
                text = await ws.receive_text()
                if len(text.encode()) > MAX_MESSAGE_BYTES:
                    await ws.close(code=1009, reason="message too large")
                    break
                if not screen.allowed():
                    if screen.dropped > FLOOD_LIMIT:
                        await ws.close(code=1008, reason="too many messages")
                        break
                    continue
                self.handle(screen, text)
        except (WebSocketDisconnect, RuntimeError, KeyError):
            pass  # gone, or sent a frame that is not text: either way this screen is done
        finally:
            self.screens.discard(screen)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender

    def handle(self, screen: Screen, text: str) -> None:
        """One message: applied, or refused with a reason sent back to its sender only."""
        try:
            message = json.loads(text)
        except ValueError:
            screen.post({"type": "error", "message": "that message is not JSON"})
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            screen.post({"type": "error", "message": "a message is an object with a type"})
            return
        kind = message["type"]
        try:
            if kind == "control":
                if not screen.trainer:
                    raise Refused("only the trainer's screens can do that")
                self.room.control(message.get("action"), message.get("choice"))
                self.broadcast()
            elif kind == "join" and not screen.trainer:
                one = self.room.join(message.get("code"), message.get("token"), message.get("name"))
                screen.token = one.token
                screen.post(
                    {"type": "joined", "token": one.token, "seat": one.number, "name": one.name}
                )
                screen.post(self.room.for_participant(one.token))
                self.update_trainers()
            elif kind == "answer" and not screen.trainer:
                if screen.token is None:
                    raise Refused("join with the session's code first")
                self.room.answer(screen.token, message.get("poll"), message.get("chosen"))
                screen.post(self.room.for_participant(screen.token))
                self.update_trainers()
            else:
                raise Refused("unknown message type")
        except Refused as exc:
            screen.post({"type": "error", "message": str(exc)})


def lan_address() -> str:
    """This machine's address on its local network, as phones in the room would reach it.

    Connecting a UDP socket sends nothing; it only makes the system choose the interface
    (and so the address) it would route by.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def join_address(host: str, port: int) -> str:
    shown = lan_address() if host in ("0.0.0.0", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/live/"


def qr_svg(text: str) -> Markup:
    """The join address as an inline SVG QR code, made here (no service is asked)."""
    # A viewBox and no fixed size: the stylesheet scales the whole code (a fixed 296 px drawing
    # in a smaller box was cropped to a third of a code, which no camera reads).
    code = segno.make_qr(text, error="m")
    svg = code.svg_inline(omitsize=True, dark="#000", light="#fff")
    return Markup(
        svg.replace("<svg ", '<svg role="img" aria-label="QR code of the join address" ', 1)
    )


def dashboard_path(site_dir: Path) -> str:
    """The group debrief's address on this server, as the site was built (with or without
    ``use_directory_urls``)."""
    if (site_dir / "trainer" / "dashboard.html").is_file():
        return "/trainer/dashboard.html"
    return "/trainer/dashboard/"


def create_app(room: Room, site_dir: Path, templates_dir: Path, join_url: str) -> Starlette:
    """The live server: the three views, the room's socket, the results, and the built site."""
    server = LiveServer(room)
    env = jinja2.Environment(
        # The project's own live views first, then the package's (builder/layers.py).
        loader=jinja2.FileSystemLoader([str(f) for f in layered(templates_dir / "live")]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    static = layered(templates_dir / "live" / "static", "live/static")[0]
    course_title = room.content.course.title
    dashboard = dashboard_path(site_dir)

    def page(name: str, **context: Any) -> HTMLResponse:
        text = env.get_template(name).render(
            course_title=course_title, max_name=MAX_NAME, **context
        )
        return HTMLResponse(text, headers=SECURITY_HEADERS)

    def refused() -> Response:
        return PlainTextResponse(
            "This page needs the trainer link printed when `course live` started.\n",
            status_code=403,
            headers=SECURITY_HEADERS,
        )

    async def participant(request: Request) -> Response:
        return page("participant.html.j2", code=request.query_params.get("code", "")[:12])

    async def projector(request: Request) -> Response:
        if not room.check_key(request.query_params.get("key")):
            return refused()
        return page(
            "projector.html.j2",
            join_url=join_url,
            code=room.code,
            qr=qr_svg(f"{join_url}?code={room.code}"),
            dashboard=dashboard,
        )

    async def control(request: Request) -> Response:
        if not room.check_key(request.query_params.get("key")):
            return refused()
        return page("control.html.j2", code=room.code, dashboard=dashboard)

    async def results(request: Request) -> Response:
        if not room.check_key(request.query_params.get("key")):
            return refused()
        records = room.results()
        return JSONResponse(
            {"records": records, "codes": [results_code(r) for r in records]},
            headers=SECURITY_HEADERS,
        )

    routes = [
        Route("/live/", participant),
        Route("/live/projector", projector),
        Route("/live/control", control),
        Route("/live/results", results),
        WebSocketRoute("/live/ws", server.serve),
        Mount("/live/static", StaticFiles(directory=str(static)), name="live-static"),
        Mount("/", StaticFiles(directory=str(site_dir), html=True), name="site"),
    ]
    app = Starlette(routes=routes)
    app.state.live = server
    return app
