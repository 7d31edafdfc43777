"""`course live` in Chromium: a projector and three phones play a drill, on loopback only.

The live server runs in a thread of the test (Uvicorn on a socket bound to 127.0.0.1, free
port) over the built site; each phone is its own browser context, as separate phones are.
"""

from __future__ import annotations

import contextlib
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


def session_of(module_id: str, item_id: str) -> Room:
    content, _ = validate_content(ROOT / "content")
    assert content is not None
    modules = [m for m in content.modules if m.id == module_id]
    return Room(content, [a for a in activities(content, modules) if a.item.id == item_id])


@contextlib.contextmanager
def running(room: Room, site: Path) -> Iterator[LiveSite]:
    """The live server of ``room`` with the built ``site``, on a free port of 127.0.0.1."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    app = create_app(room, site, ROOT / "templates", url + "live/")
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


@pytest.fixture
def live(built_site: Path) -> Iterator[LiveSite]:
    """A live session of the look-alike drill, served with the built site on 127.0.0.1."""
    with running(session_of("four-things-coaching-is-not", "lookalike-drill"), built_site) as site:
        yield site


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
    said = projector.locator(".cq-messages li").all_inner_texts()
    assert said[0] == "Results handed over by another page of this site:"
    assert all(line.startswith(f"live {room.code}, seat ") for line in said[1:]), said
    assert len(said) == 4, "each participant's record is checked like a file, none edited"
    assert projector.evaluate("() => sessionStorage.getItem('cq-dashboard-import')") is None
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


def test_the_room_chooses_a_cases_branch_and_the_trainer_can_take_another(
    new_context: Callable[..., BrowserContext], built_site: Path
) -> None:
    with running(session_of("three-levers", "kpi-review-meeting"), built_site) as live:
        room = live.room
        projector = new_context(viewport={"width": 1280, "height": 800}).new_page()
        projector.goto(f"{live.url}live/projector?key={room.key}")
        phones = [phone(new_context, live, name) for name in ("Ann", "Ben")]
        step = room.step()
        assert step is not None
        title = f"{room.activity.item.title}: {step.title}"
        expect(projector.locator(".lv-title")).to_have_text(title)
        other = next(c for c in step.choices if not c.best)
        best = next(c for c in step.choices if c.best)
        projector.get_by_role("button", name="Open voting").click()
        for page in phones:
            expect(page.locator(".lv-status")).to_have_text("Voting is open.")
            page.get_by_role("button", name=other.text, exact=True).click()
        expect(projector.locator(".lv-count")).to_have_text("2 of 2 answered · voting is open")
        projector.get_by_role("button", name="Reveal").click()
        expect(projector.locator(".lv-followed")).to_contain_text(other.text)
        assert room.followed == other.id
        # The trainer takes the case's best branch instead, and the story goes on along it.
        projector.get_by_label("Follow instead").select_option(best.id)
        projector.get_by_role("button", name="Follow", exact=True).click()
        expect(projector.locator(".lv-followed")).to_contain_text(best.text)
        assert room.followed == best.id
        projector.get_by_role("button", name="Next").click()
        expect(projector.locator(".lv-count")).not_to_contain_text("2 of 2")
        assert best.next is not None
        assert room.path == [step.id, best.next]
