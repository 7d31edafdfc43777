"""Load test of `course live`: N simulated phones answer within the same few seconds.

    python bench/live_load.py [--participants 200] [--time-limit 120]

Starts the live server (the same app `course live` runs) in a child process on 127.0.0.1 only,
on a free port, for the drill of "Four things coaching is not"; connects a projector and N
phones (WebSocket clients in this process), opens voting, and has every phone answer at once,
then change its answer once (latest wins). It reports connections, answers per second, the
server's memory (RSS), the time from a vote to the projector's count, and checks that every
answer was counted exactly once (the projector's count, the tally and the results). Bounded:
at most 1000 phones, and the whole run stops by itself after --time-limit seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
MAX_PARTICIPANTS = 1000
MODULE = "four-things-coaching-is-not"
DRILL = "lookalike-drill"


def serve(port: int, site: str) -> None:
    """The child process: the live app on 127.0.0.1:port; prints the code and key."""
    import uvicorn

    from builder.adapters.live import create_app
    from builder.live import MAX_MESSAGE_BYTES, Room, activities
    from builder.validate import validate_content

    content, _ = validate_content(ROOT / "content")
    assert content is not None
    modules = [m for m in content.modules if m.id == MODULE]
    room = Room(content, [a for a in activities(content, modules) if a.item.id == DRILL])
    app = create_app(room, Path(site), ROOT / "templates", f"http://{HOST}:{port}/live/")
    print(json.dumps({"code": room.code, "key": room.key}), flush=True)
    uvicorn.run(
        app,
        host=HOST,
        port=port,
        ws_max_size=MAX_MESSAGE_BYTES,
        log_level="warning",
        access_log=False,
        backlog=2048,
    )


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


async def until(ws: ClientConnection, wanted: Any) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await ws.recv())
        if wanted(message):
            return message


class Projector:
    """The trainer's socket: keeps the newest state and when each count was first seen."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.state: dict[str, Any] = {}
        self.seen: list[tuple[float, dict[str, Any]]] = []
        self.changed = asyncio.Event()

    async def listen(self) -> None:
        async for text in self.ws:
            message = json.loads(text)
            if message.get("type") == "state":
                self.state = message
                self.seen.append((time.perf_counter(), message))
                self.changed.set()

    async def wait(self, wanted: Any) -> float:
        while not (self.state and wanted(self.state)):
            self.changed.clear()
            await self.changed.wait()
        return time.perf_counter()

    async def control(self, action: str) -> None:
        await self.ws.send(json.dumps({"type": "control", "action": action}))


async def run(participants: int, base: str, code: str, key: str, pid: int) -> dict[str, Any]:
    ws_base = base.replace("http://", "ws://")
    trainer = await connect(f"{ws_base}live/ws?role=trainer&key={key}")
    projector = Projector(trainer)
    listening = asyncio.create_task(projector.listen())
    await projector.wait(lambda s: True)
    rss_idle = rss_kib(pid)

    started = time.perf_counter()
    phones: list[ClientConnection] = []

    async def join(n: int) -> tuple[ClientConnection, str]:
        ws = await connect(f"{ws_base}live/ws?role=participant", open_timeout=30)
        await ws.send(json.dumps({"type": "join", "code": code, "name": f"p{n}"}))
        joined = await until(ws, lambda m: m["type"] == "joined")
        await until(ws, lambda m: m["type"] == "state")
        return ws, str(joined["token"])

    joined = await asyncio.gather(*(join(n) for n in range(participants)))
    phones = [ws for ws, _ in joined]
    connect_seconds = time.perf_counter() - started
    await projector.wait(lambda s: s["joined"] == participants)

    await projector.control("open")
    await projector.wait(lambda s: s["phase"] == "open")
    poll = projector.state["poll"]
    options = [o["id"] for o in poll["options"]]
    for ws in phones:
        await until(ws, lambda m: m["type"] == "state" and m["phase"] == "open")

    # One vote alone: how long until the projector's count shows it.
    sent = time.perf_counter()
    first_choice = options[0]
    await phones[0].send(
        json.dumps({"type": "answer", "poll": poll["id"], "chosen": [first_choice]})
    )
    shown = await projector.wait(lambda s: s["answered"] >= 1)
    single_vote_to_projector = shown - sent
    await until(phones[0], lambda m: m["type"] == "state" and m["mine"])

    # Everyone at once, twice (the second answer replaces the first).
    rng = random.Random(14)
    final: list[str] = [first_choice] + [rng.choice(options) for _ in phones[1:]]
    acks: list[float] = []
    last_sent = 0.0

    async def vote(ws: ClientConnection, changed: str) -> None:
        nonlocal last_sent
        first = rng.choice(options)
        for choice in (first, changed):
            began = time.perf_counter()
            await ws.send(json.dumps({"type": "answer", "poll": poll["id"], "chosen": [choice]}))
            last_sent = max(last_sent, time.perf_counter())
            await until(ws, lambda m, c=choice: m["type"] == "state" and m["mine"] == [c])
            acks.append(time.perf_counter() - began)

    burst = time.perf_counter()
    await asyncio.gather(*(vote(ws, choice) for ws, choice in zip(phones, final, strict=True)))
    answered_at = time.perf_counter()
    expected = {o: final.count(o) for o in options}

    def complete(state: dict[str, Any]) -> bool:
        return state["answered"] == participants and state["tally"] == expected

    await projector.wait(complete)
    tallied = next(seen for seen, state in projector.seen if complete(state))
    rss_peak = rss_kib(pid)
    burst_seconds = answered_at - burst
    answers = 2 * len(phones)

    await projector.control("close")
    await projector.control("reveal")
    revealed = await until_state(projector, lambda s: s["phase"] == "revealed")
    with urllib.request.urlopen(f"{base}live/results?key={key}", timeout=30) as response:
        results = json.load(response)
    recorded = [r["answers"].get(poll["id"], {}).get("chosen") for r in results["records"]]

    for ws in phones:
        await ws.close()
    listening.cancel()
    await trainer.close()
    return {
        "participants": participants,
        "connections": len(phones) + 1,
        "connect_seconds": round(connect_seconds, 2),
        "answers_sent": answers,
        "burst_seconds": round(burst_seconds, 2),
        "answers_per_second": round(answers / burst_seconds),
        "ack_ms_median": round(1000 * statistics.median(acks), 1),
        "ack_ms_p95": round(1000 * statistics.quantiles(acks, n=20)[18], 1),
        "single_vote_to_projector_ms": round(1000 * single_vote_to_projector, 1),
        "last_vote_to_projector_ms": round(1000 * (tallied - last_sent), 1),
        "server_rss_mib_idle": round(rss_idle / 1024, 1),
        "server_rss_mib_peak": round(rss_peak / 1024, 1),
        "counted_exactly_once": revealed["reveal"]["answered"] == participants
        and revealed["reveal"]["tally"] == expected
        and sorted(c[0] for c in recorded if c) == sorted(final)
        and len(recorded) == participants,
    }


async def until_state(projector: Projector, wanted: Any) -> dict[str, Any]:
    await projector.wait(wanted)
    return projector.state


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--site", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.site)
        return 0
    if not 1 <= args.participants <= MAX_PARTICIPANTS:
        parser.error(f"--participants must be between 1 and {MAX_PARTICIPANTS}")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4096)), hard))
    port = free_port()
    with tempfile.TemporaryDirectory() as site:
        command = [sys.executable, __file__, "--serve", str(port), "--site", site]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        try:
            assert server.stdout is not None
            secrets = json.loads(server.stdout.readline())
            base = f"http://{HOST}:{port}/"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection((HOST, port), timeout=1):
                        break
                except OSError:
                    time.sleep(0.1)
            report = asyncio.run(
                asyncio.wait_for(
                    run(args.participants, base, secrets["code"], secrets["key"], server.pid),
                    args.time_limit,
                )
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    report["cpus"] = os.cpu_count()
    print(json.dumps(report, indent=2))
    return 0 if report["counted_exactly_once"] else 1


if __name__ == "__main__":
    sys.exit(main())
