"""`course live` in Chromium: a projector and three phones play a drill, on loopback only.

The live server runs in a thread of the test (Uvicorn on a socket bound to 127.0.0.1, free
port) over the built site; each phone is its own browser context, as separate phones are.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn
from playwright.sync_api import BrowserContext, Page, expect

if TYPE_CHECKING:
    from tests.conftest import OfflineGuard

from builder.adapters.live import create_app
from builder.live import MAX_MESSAGE_BYTES, Room, activities
from builder.validate import validate_content

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
PHONE = {"width": 390, "height": 800}


@dataclass(frozen=True)
class LiveSite:
    url: str
    room: Room


@pytest.fixture
def live(built_site: Path) -> Iterator[LiveSite]:
    """A live session of the look-alike drill, served with the built site on 127.0.0.1."""
    content, _ = validate_content(ROOT / "content")
    assert content is not None
    modules = [m for m in content.modules if m.id == "four-things-coaching-is-not"]
    found = [a for a in activities(content, modules) if a.item.id == "lookalike-drill"]
    room = Room(content, found)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    app = create_app(room, built_site, ROOT / "templates", url + "live/")
    config = uvicorn.Config(app, log_level="warning", ws_max_size=MAX_MESSAGE_BYTES)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the live server did not start"
    try:
        yield LiveSite(url, room)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


def phone(new_context: Callable[..., BrowserContext], live: LiveSite, name: str) -> Page:
    page = new_context(viewport=PHONE, bypass_csp=True).new_page()  # bypass: to inject axe
    page.goto(f"{live.url}live/?code={live.room.code}")
    page.get_by_label("Nickname").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.locator(".lv-status")).to_have_text("Voting opens soon.")
    return page


def test_a_projector_and_three_phones_play_the_drill(
    new_context: Callable[..., BrowserContext],
    live: LiveSite,
    run_axe: Callable[[Page], list[dict[str, Any]]],
) -> None:
    room = live.room
    projector = new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True).new_page()
    projector.goto(f"{live.url}live/projector?key={room.key}")
    expect(projector.locator(".lv-room-code")).to_have_text(room.code)
    phones = [phone(new_context, live, name) for name in ("Ann", "Ben", "Cy")]
    expect(projector.locator(".lv-joined")).to_have_text("3 joined")
    poll = room.poll()
    assert poll is not None
    right = next(o for o in poll.options if o.id in poll.correct)
    wrong = next(o for o in poll.options if o.id not in poll.correct)

    projector.get_by_role("button", name="Open voting").click()
    for page, option in zip(phones, [right, right, wrong], strict=True):
        expect(page.locator(".lv-status")).to_have_text("Voting is open.")
        page.get_by_role("button", name=option.label, exact=True).click()
        expect(page.get_by_role("button", name=option.label, exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
    expect(projector.locator(".lv-count")).to_have_text("3 of 3 answered · voting is open")
    assert run_axe(projector) == []
    assert run_axe(phones[0]) == []

    # The third phone changes its mind, then reloads (a dropped connection): same answer back.
    phones[2].get_by_role("button", name=right.label, exact=True).click()
    expect(phones[2].get_by_role("button", name=right.label, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    phones[2].reload()
    expect(phones[2].get_by_role("button", name=right.label, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(phones[2].locator(".lv-status")).to_have_text(
        "Your answer is in. You can still change it."
    )
    expect(projector.locator(".lv-count")).to_have_text("3 of 3 answered · voting is open")
    assert len(room.participants) == 3

    projector.get_by_role("button", name="Reveal").click()
    choice = projector.locator(".lv-choice", has_text=right.label)
    expect(choice.locator(".lv-choice-count")).to_have_text("(3 votes)")
    expect(projector.locator(".lv-explanation")).to_be_visible()
    expect(phones[0].locator(".lv-reveal")).to_be_visible()
    assert run_axe(projector) == []

    # The next statement: two vote, the room moves on, then the session ends.
    projector.get_by_role("button", name="Next").click()
    expect(projector.locator(".lv-count")).to_have_text("0 of 3 answered · voting not open yet")
    second = room.poll()
    assert second is not None
    assert second.id != poll.id
    projector.get_by_role("button", name="Open voting").click()
    for page in phones[:2]:
        expect(page.locator(".lv-status")).to_have_text("Voting is open.")
        page.get_by_role("button", name=second.options[0].label, exact=True).click()
    expect(projector.locator(".lv-count")).to_have_text("2 of 3 answered · voting is open")
    projector.get_by_role("button", name="End session").click()
    expect(phones[0].locator(".lv-title")).to_have_text("The session has ended. Thank you!")

    # The trainer's phone: the controls page, with the same key.
    controls = new_context(viewport=PHONE, bypass_csp=True).new_page()
    controls.goto(f"{live.url}live/control?key={room.key}")
    expect(controls.locator(".lv-title")).to_have_text("Session ended")
    assert run_axe(controls) == []

    # The group debrief opens with the session's answers: 3 learners, 5 answers.
    projector.get_by_role("button", name="Open in the group debrief").click()
    expect(projector.locator(".cq-summary")).to_contain_text("3 learners, 5 answers")
    row = projector.locator(f'tr[data-qid="{poll.id}"]')
    expect(row.locator(".cq-n")).to_have_text("3")
    expect(row.locator(".cq-first")).to_have_text("3 of 3 (100%)")


def test_a_phone_cannot_open_the_trainer_views(
    new_context: Callable[..., BrowserContext], live: LiveSite, offline_guard: OfflineGuard
) -> None:
    page = new_context(viewport=PHONE).new_page()
    for path in ("live/projector", "live/control?key=guess", "live/results"):
        response = page.goto(live.url + path)
        assert response is not None
        assert response.status == 403
    # A phone that forges a control message over its own socket changes nothing.
    page.goto(f"{live.url}live/?code={live.room.code}")
    page.get_by_role("button", name="Join").click()
    expect(page.locator(".lv-status")).to_have_text("Voting opens soon.")
    before = live.room.version
    code = page.evaluate(
        """() => new Promise((done) => {
            const url = location.origin.replace('http', 'ws') + '/live/ws?role=trainer';
            const ws = new WebSocket(url);
            ws.onclose = (event) => done(event.code);
        })"""
    )
    assert code == 1006  # refused during the handshake
    assert live.room.phase == "shown"
    assert live.room.version == before
    # Chromium reports the refused handshake on the console, as it should.
    assert all("403" in e for e in offline_guard.console_errors)
    offline_guard.console_errors.clear()
