"""A test LMS and LRS for cmi5, on 127.0.0.1: it launches a course and keeps what it was sent.

Just enough of cmi5's LMS side ("quartz", sections 8 and 10) and of the xAPI 1.0.3 Statement and
State resources for an AU to run a session: ``launch()`` creates a registration, writes
``LMS.LaunchData`` and gives the launch URL; ``POST /fetch/<key>`` hands out the session's token
once; ``/xapi/statements`` and ``/xapi/activities/state`` want that token and the
``X-Experience-API-Version`` header. Everything asked of it is recorded for the test to read,
including what it refused. ``/course/`` serves the folder given (a package, or a harness).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

XAPI_VERSION = "1.0.3"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
LAUNCH_DATA = "LMS.LaunchData"
ACTOR = {
    "objectType": "Agent",
    "name": "Ada Learner",
    "account": {"homePage": "http://lms.test/", "name": "ada"},
}


@dataclass
class Launch:
    """One launch (session) of the AU for a registration, as the LMS set it up."""

    registration: str
    session_id: str
    token: str
    fetch_key: str
    launch_data: dict[str, Any]
    url: str
    fetched: int = 0


@dataclass
class Seen:
    """A request the LMS or LRS received, and the status it answered with."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 0


@dataclass
class TestLms:
    """The LMS and its LRS; ``url`` is set once it is running (see ``running``)."""

    __test__ = False  # not a test class, despite its name

    root: Path
    activity_id: str = "http://lms.test/activities/coaching-or-managing/au"
    url: str = ""
    launches: list[Launch] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    #: Statements the LRS accepted, in the order it stored them.
    statements: list[dict[str, Any]] = field(default_factory=list)
    #: State documents: (stateId, activityId, agent as JSON, registration) -> parsed JSON.
    states: dict[tuple[str, str, str, str], Any] = field(default_factory=dict)
    #: Statuses to answer the next statement requests with (503: down a moment; 400: refused).
    failures: list[int] = field(default_factory=list)
    #: Seconds to keep the next statement requests waiting before they are stored (a slow LRS).
    delays: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def launch(
        self,
        page: str,
        *,
        mode: str = "Normal",
        move_on: str = "CompletedAndPassed",
        mastery_score: float | None = 0.8,
        return_url: str | None = None,
        registration: str | None = None,
    ) -> Launch:
        """A new session of the AU at ``page`` (under ``/course/``), or in ``registration``."""
        registration = registration or str(uuid.uuid4())
        session_id = str(uuid.uuid4())
        data: dict[str, Any] = {
            "contextTemplate": {
                "contextActivities": {
                    "grouping": [{"objectType": "Activity", "id": "http://lms.test/courses/1"}]
                },
                "extensions": {SESSION_ID: session_id},
            },
            "launchMode": mode,
            "moveOn": move_on,
        }
        if mastery_score is not None:
            data["masteryScore"] = mastery_score
        if return_url is not None:
            data["returnURL"] = return_url
        key = secrets.token_hex(8)
        params = {
            "endpoint": f"{self.url}xapi/",
            "fetch": f"{self.url}fetch/{key}",
            "actor": json.dumps(ACTOR),
            "registration": registration,
            "activityId": self.activity_id,
        }
        token = base64.b64encode(f"{key}:{secrets.token_hex(8)}".encode()).decode()
        launch = Launch(
            registration,
            session_id,
            token,
            key,
            data,
            f"{self.url}course/{page}?{urlencode(params)}",
        )
        with self.lock:
            self.states[(LAUNCH_DATA, self.activity_id, json.dumps(ACTOR), registration)] = data
            self.launches.append(launch)
        return launch

    def state(self, state_id: str, registration: str) -> Any:
        """The state document ``state_id`` of the AU for ``registration``, or None."""
        return self.states.get((state_id, self.activity_id, json.dumps(ACTOR), registration))

    def verbs(self, registration: str | None = None) -> list[str]:
        """The last word of each accepted statement's verb, in order."""
        return [
            s["verb"]["id"].rsplit("/", 1)[-1]
            for s in self.statements
            if registration is None or s.get("context", {}).get("registration") == registration
        ]

    def refused(self) -> list[Seen]:
        return [s for s in self.seen if s.status >= 400]

    # --- the app ----------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/fetch/{key}", self._fetch, methods=["POST"]),
                Route("/xapi/statements", self._statements, methods=["POST", "PUT", "GET"]),
                Route(
                    "/xapi/activities/state",
                    self._state,
                    methods=["GET", "PUT", "POST", "DELETE"],
                ),
                Route("/returned", self._returned),
                Mount("/course", StaticFiles(directory=self.root)),
            ]
        )

    async def _record(self, request: Request) -> Seen:
        raw = await request.body()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        seen = Seen(
            request.method,
            request.url.path,
            dict(request.query_params),
            {k.lower(): v for k, v in request.headers.items()},
            body,
        )
        with self.lock:
            self.seen.append(seen)
        return seen

    def _answer(self, seen: Seen, status: int, body: Any = None) -> Response:
        seen.status = status
        headers = {"X-Experience-API-Version": XAPI_VERSION}
        if body is None:
            return Response(status_code=status, headers=headers)
        return JSONResponse(body, status_code=status, headers=headers)

    async def _fetch(self, request: Request) -> Response:
        seen = await self._record(request)
        launch = next((x for x in self.launches if x.fetch_key == request.path_params["key"]), None)
        if launch is None:
            return self._answer(seen, 404)
        launch.fetched += 1
        if launch.fetched > 1:  # cmi5 8.2.3: the token is handed out once
            return self._answer(seen, 200, {"error-code": "1", "error-text": "already in use"})
        return self._answer(seen, 200, {"auth-token": launch.token})

    def _authorized(self, seen: Seen) -> Launch | None:
        if not seen.headers.get("x-experience-api-version", "").startswith("1.0"):
            return None
        tokens = {f"Basic {x.token}": x for x in self.launches if x.fetched}
        return tokens.get(seen.headers.get("authorization", ""))

    async def _statements(self, request: Request) -> Response:
        seen = await self._record(request)
        if self._authorized(seen) is None:
            return self._answer(seen, 401)
        if request.method == "GET":
            return self._answer(seen, 200, {"statements": self.statements, "more": ""})
        if self.failures:
            return self._answer(seen, self.failures.pop(0))
        if self.delays:
            await asyncio.sleep(self.delays.pop(0))
        batch = seen.body if isinstance(seen.body, list) else [seen.body]
        if not all(isinstance(s, dict) for s in batch):
            return self._answer(seen, 400)
        if request.method == "PUT":
            batch[0].setdefault("id", seen.query.get("statementId"))
        with self.lock:
            for statement in batch:
                statement.setdefault("id", str(uuid.uuid4()))
                statement["stored"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                self.statements.append(statement)
        if request.method == "PUT":
            return self._answer(seen, 204)
        return self._answer(seen, 200, [s["id"] for s in batch])

    async def _state(self, request: Request) -> Response:
        seen = await self._record(request)
        if self._authorized(seen) is None:
            return self._answer(seen, 401)
        q = seen.query
        try:
            where = (q["activityId"], json.dumps(json.loads(q["agent"])), q.get("registration", ""))
        except (KeyError, ValueError):
            return self._answer(seen, 400)
        if "stateId" not in q:  # the ids of the documents there
            if request.method != "GET":
                return self._answer(seen, 405)
            with self.lock:
                return self._answer(seen, 200, [k[0] for k in self.states if k[1:] == where])
        key = (q["stateId"], *where)
        if key[0] == LAUNCH_DATA and request.method != "GET":
            return self._answer(seen, 403)  # the LMS's document: the AU only reads it
        with self.lock:
            if request.method == "GET":
                if key not in self.states:
                    return self._answer(seen, 404)
                return self._answer(seen, 200, self.states[key])
            if request.method == "DELETE":
                self.states.pop(key, None)
            elif request.method == "POST" and isinstance(self.states.get(key), dict):
                self.states[key] = {**self.states[key], **seen.body}
            else:
                self.states[key] = seen.body
        return self._answer(seen, 204)

    async def _returned(self, request: Request) -> Response:
        seen = await self._record(request)
        seen.status = 200
        return HTMLResponse(
            '<!doctype html><html lang="en"><title>LMS</title><main><h1>Back in the LMS</h1></main>'
        )


@contextlib.contextmanager
def running(root: Path) -> Iterator[TestLms]:
    """A test LMS serving ``root`` under ``/course/``, on a free port of 127.0.0.1."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    lms = TestLms(root, url=f"http://127.0.0.1:{listener.getsockname()[1]}/")
    server = uvicorn.Server(uvicorn.Config(lms.app(), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test LMS did not start"
    try:
        yield lms
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
