"""The live room (builder/live.py) and its protocol (builder/adapters/live.py).

The room's rules are tested directly; the protocol through Starlette's TestClient, whose
WebSockets go through the same handler a phone's do (no network: the client calls the app).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from builder.adapters import live as adapter
from builder.adapters.cli import main
from builder.adapters.live import create_app
from builder.live import (
    MAX_MESSAGE_BYTES,
    MAX_NAME,
    Refused,
    Room,
    activities,
    clean_name,
    results_code,
)
from builder.model import Case
from builder.pages.site import Urls
from builder.render import course_index
from builder.results import checksum
from builder.validate import Content, validate_content

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def content() -> Content:
    found, _ = validate_content(ROOT / "content")
    assert found is not None
    return found


def module(content: Content, module_id: str) -> list[Any]:
    return [m for m in content.modules if m.id == module_id]


@pytest.fixture
def room(content: Content) -> Room:
    return Room(content, activities(content, module(content, "four-things-coaching-is-not")))


def drill_room(content: Content) -> Room:
    found = activities(content, module(content, "four-things-coaching-is-not"))
    return Room(content, [a for a in found if a.item.id == "lookalike-drill"])


def case_room(content: Content) -> Room:
    found = activities(content, module(content, "three-levers"))
    return Room(content, [a for a in found if isinstance(a.item, Case)])


# --- the room's rules --------------------------------------------------------------------------


def test_activities_are_the_modules_votable_items_in_order_without_graded_quizzes(
    content: Content,
) -> None:
    found = activities(content, content.modules)
    ids = [a.item.id for a in found]
    assert "final-quiz" not in ids
    assert "lookalikes-intro" not in ids  # a page has nothing to vote on
    four = [a.item.id for a in activities(content, module(content, "four-things-coaching-is-not"))]
    assert four[:3] == ["not-managing", "spot-managing", "not-training"]
    assert four[-1] == "lookalike-drill"


def test_poll_ids_are_the_question_ids_of_course_json(content: Content) -> None:
    index = course_index(content, {m.id: 1 for m in content.modules}, Urls())
    known = {q["id"] for m in index["modules"] for i in m["items"] for q in i["questions"]}
    found = activities(content, content.modules)
    polls = [p.id for a in found for p in a.polls]
    assert polls
    assert set(polls) <= known


def test_an_answer_counts_only_while_voting_is_open(content: Content) -> None:
    room = drill_room(content)
    one = room.join(room.code, name="Sam")
    poll = room.poll()
    assert poll is not None
    with pytest.raises(Refused, match="has not opened"):
        room.answer(one.token, poll.id, ["managing"])
    room.control("open")
    room.answer(one.token, poll.id, ["managing"])
    room.control("close")
    with pytest.raises(Refused, match="closed"):
        room.answer(one.token, poll.id, ["training"])
    assert room.tally(poll)["managing"] == 1


def test_the_latest_answer_wins_and_counts_once(content: Content) -> None:
    room = drill_room(content)
    one = room.join(room.code)
    poll = room.poll()
    assert poll is not None
    room.control("open")
    for chosen in (["managing"], ["coaching"], ["coaching"]):
        room.answer(one.token, poll.id, chosen)
    assert room.tally(poll) == {o.id: int(o.id == "coaching") for o in poll.options}
    assert room.for_trainer()["answered"] == 1


@pytest.mark.parametrize(
    ("poll_id", "chosen", "problem"),
    [
        ("lookalike-drill/someone-else", ["managing"], "not the one on the screen"),
        (None, ["managing"], "not the one on the screen"),
        ("CURRENT", "managing", "a list of option ids"),
        ("CURRENT", [1], "a list of option ids"),
        ("CURRENT", ["nonsense"], "not one of this question's options"),
        ("CURRENT", [], "choose one option"),
        ("CURRENT", ["managing", "coaching"], "choose one option"),
    ],
    ids=["other-poll", "no-poll", "not-a-list", "not-text", "unknown-option", "none", "two"],
)
def test_a_malformed_answer_is_refused_and_changes_nothing(
    content: Content, poll_id: Any, chosen: Any, problem: str
) -> None:
    room = drill_room(content)
    one = room.join(room.code)
    poll = room.poll()
    assert poll is not None
    room.control("open")
    with pytest.raises(Refused, match=problem):
        room.answer(one.token, poll.id if poll_id == "CURRENT" else poll_id, chosen)
    assert room.answers == {}


def test_a_wrong_code_is_refused_and_a_token_rejoins_as_the_same_participant(
    content: Content,
) -> None:
    room = drill_room(content)
    with pytest.raises(Refused, match="not this session's code"):
        room.join("ZZZZZ")
    one = room.join(room.code.lower(), name="Ann")
    again = room.join(room.code, token=one.token)
    assert again is one
    assert len(room.participants) == 1
    assert room.join(room.code, token="made-up").token != one.token


def test_each_session_has_its_own_code_and_key(content: Content) -> None:
    rooms = [drill_room(content) for _ in range(5)]
    assert len({r.code for r in rooms}) > 1
    assert len({r.key for r in rooms}) == 5
    assert not rooms[0].check_key(rooms[1].key)
    assert not rooms[0].check_key(None)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("  Sam  ", "Sam"),
        ("a\u0000b\nc\u202ed", "abcd"),
        ("x" * 500, "x" * MAX_NAME),
        (42, ""),
    ],
    ids=["spaces", "control-characters", "too-long", "not-text"],
)
def test_a_nickname_is_printable_and_bounded(given: Any, shown: str) -> None:
    assert clean_name(given) == shown


def test_a_case_follows_the_majority_or_the_trainers_pick(content: Content) -> None:
    room = case_room(content)
    poll = room.poll()
    assert poll is not None
    first, second = poll.options[0].id, poll.options[1].id
    people = [room.join(room.code) for _ in range(3)]
    room.control("open")
    for person, choice in zip(people, [second, second, first], strict=True):
        room.answer(person.token, poll.id, [choice])
    room.control("reveal")
    assert room.followed == second
    room.control("follow", first)
    assert room.followed == first
    step = room.step()
    assert step is not None
    chosen = next(c for c in step.choices if c.id == first)
    room.control("next")
    if chosen.next:
        assert room.path[-1] == chosen.next
    with pytest.raises(Refused, match="not one of this decision's choices"):
        room.control("follow", "nonsense")


def test_a_case_does_not_move_on_before_the_branch_is_chosen(content: Content) -> None:
    room = case_room(content)
    with pytest.raises(Refused, match="before going on"):
        room.control("next")


def test_results_are_one_cq_results_record_per_participant(content: Content) -> None:
    room = drill_room(content)
    people = [room.join(room.code, name=name) for name in ("Ana", None, "Bo")]
    poll = room.poll()
    assert poll is not None
    right = poll.correct[0]
    wrong = next(o.id for o in poll.options if o.id != right)
    room.control("open")
    room.answer(people[0].token, poll.id, [right])
    room.answer(people[1].token, poll.id, [right])
    room.answer(people[2].token, poll.id, [wrong])
    records = room.results()
    assert len(records) == 3
    assert len({json.dumps(r, sort_keys=True) for r in records}) == 3  # alike stay two learners
    assert all(r["format"] == "cq-results" and r["version"] == 2 for r in records)
    assert [r.get("label") for r in records] == ["Ana", None, "Bo"], "a nickname is the label"
    assert [r["answers"][poll.id] for r in records] == [
        {"chosen": [right], "firstChosen": [right], "correct": True, "first": True},
        {"chosen": [right], "firstChosen": [right], "correct": True, "first": True},
        {"chosen": [wrong], "firstChosen": [wrong], "correct": False, "first": False},
    ]
    for r in records:
        assert r["checksum"] == checksum(r["course"], r.get("label", ""), r["answers"])
    code = results_code(records[0])
    assert code.startswith("CQ1.")
    body = code[4:] + "=" * (-len(code[4:]) % 4)
    assert json.loads(base64.urlsafe_b64decode(body)) == records[0]


def test_participants_are_never_told_the_answer_before_the_reveal(content: Content) -> None:
    room = drill_room(content)
    one = room.join(room.code)
    room.control("open")
    told = json.dumps(room.for_participant(one.token))
    assert "correct" not in told
    assert "tally" not in told
    room.control("reveal")
    assert room.for_participant(one.token)["reveal"]["correct"]


# --- the command ------------------------------------------------------------------------------


def test_course_live_without_a_built_site_says_to_build_first(tmp_path: Path) -> None:
    args = ["live", "--content", str(ROOT / "content"), "--site-dir", str(tmp_path / "none")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "error: no built site in" in result.stderr
    assert "hint: run `course build` first" in result.stderr


def test_course_live_with_an_unknown_module_is_a_usage_error(tmp_path: Path) -> None:
    args = ["live", "--content", str(ROOT / "content"), "--modules", "four-things"]
    result = CliRunner().invoke(main, [*args, "--site-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "no module 'four-things'" in result.stderr


# --- the protocol ------------------------------------------------------------------------------


@pytest.fixture
def client(room: Room, tmp_path: Path) -> Iterator[TestClient]:
    (tmp_path / "index.html").write_text("<!doctype html><title>site</title>", encoding="utf-8")
    app = create_app(room, tmp_path, ROOT / "templates", "http://127.0.0.1:1/live/")
    with TestClient(app) as test_client:
        yield test_client


def receive(ws: Any, kind: str) -> dict[str, Any]:
    """The next message of type ``kind`` (skipping states the server sent meanwhile)."""
    for _ in range(20):
        message: dict[str, Any] = ws.receive_json()
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} message")


def state_where(ws: Any, wanted: Any) -> dict[str, Any]:
    """The first state message for which ``wanted(state)`` holds."""
    for _ in range(20):
        state = receive(ws, "state")
        if wanted(state):
            return state
    raise AssertionError("no such state")


def until_closed(ws: Any) -> int:
    """Reads what the server still sends until it closes; returns the close code."""

    def read() -> None:
        for _ in range(100):
            ws.receive_json()

    with pytest.raises(WebSocketDisconnect) as closed:
        read()
    return int(closed.value.code)


def joined(ws: Any, room: Room) -> str:
    ws.send_json({"type": "join", "code": room.code, "name": "Pat"})
    token: str = receive(ws, "joined")["token"]
    receive(ws, "state")
    return token


def trainer_url(room: Room) -> str:
    return f"/live/ws?role=trainer&key={room.key}"


def control(trainer: Any, action: str) -> dict[str, Any]:
    trainer.send_json({"type": "control", "action": action})
    while True:
        state = receive(trainer, "state")
        if state["version"] > 0 and (action != "open" or state["phase"] == "open"):
            return state


def test_a_trainer_socket_without_the_key_is_refused(client: TestClient, room: Room) -> None:
    for query in ("role=trainer", "role=trainer&key=wrong", f"role=trainer&key={room.code}"):
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect(f"/live/ws?{query}"),
        ):
            pass
        assert refused.value.code == 1008


def test_a_participant_cannot_use_the_trainer_controls(client: TestClient, room: Room) -> None:
    with client.websocket_connect("/live/ws?role=participant") as ws:
        joined(ws, room)
        before = (room.index, room.phase, room.version)
        for action in ("open", "next", "reveal", "end"):
            ws.send_json({"type": "control", "action": action})
            assert "only the trainer" in receive(ws, "error")["message"]
        assert (room.index, room.phase, room.version) == before


@pytest.mark.parametrize("path", ["/live/projector", "/live/control", "/live/results"])
def test_the_trainer_pages_need_the_key(client: TestClient, room: Room, path: str) -> None:
    assert client.get(path).status_code == 403
    assert client.get(f"{path}?key=not-it").status_code == 403
    assert client.get(f"{path}?key={room.key}").status_code == 200


def test_the_projector_shows_the_join_address_code_and_a_local_qr_code(
    client: TestClient, room: Room
) -> None:
    page = client.get(f"/live/projector?key={room.key}").text
    assert "http://127.0.0.1:1/live/" in page
    assert room.code in page
    (svg,) = re.findall(r"<svg [^>]*>", page)
    # the drawing scales to its box whole: a viewBox, and no width or height of its own
    assert re.search(r'viewBox="0 0 (\d+) \1"', svg), svg
    assert " width=" not in svg
    assert " height=" not in svg
    assert room.key not in page  # the key stays in the address bar, not in the page


def test_malformed_messages_are_refused_without_affecting_another_phone(
    client: TestClient, room: Room
) -> None:
    with (
        client.websocket_connect(trainer_url(room)) as trainer,
        client.websocket_connect("/live/ws?role=participant") as bad,
        client.websocket_connect("/live/ws?role=participant") as good,
    ):
        receive(trainer, "state")
        joined(bad, room)
        joined(good, room)
        state = control(trainer, "open")
        poll = state["poll"]["id"]
        for text in ("not json", "[1, 2]", '{"type": 3}', '{"type": "hack"}', "null"):
            bad.send_text(text)
            assert receive(bad, "error")["message"]
        bad.send_json({"type": "answer", "poll": poll, "chosen": {"$gt": ""}})
        assert "list of option ids" in receive(bad, "error")["message"]
        good.send_json({"type": "answer", "poll": poll, "chosen": ["managing"]})
        state_where(good, lambda s: s["mine"] == ["managing"])
        bad.send_json({"type": "answer", "poll": poll, "chosen": ["coaching"]})
        state_where(bad, lambda s: s["mine"] == ["coaching"])  # still in the room


def test_an_oversized_message_closes_only_its_own_connection(
    client: TestClient, room: Room
) -> None:
    with (
        client.websocket_connect(trainer_url(room)) as trainer,
        client.websocket_connect("/live/ws?role=participant") as big,
        client.websocket_connect("/live/ws?role=participant") as other,
    ):
        receive(trainer, "state")
        joined(big, room)
        joined(other, room)
        state = control(trainer, "open")
        big.send_text(json.dumps({"type": "join", "name": "x" * MAX_MESSAGE_BYTES}))
        assert until_closed(big) == 1009
        other.send_json({"type": "answer", "poll": state["poll"]["id"], "chosen": ["managing"]})
        state_where(other, lambda s: s["mine"] == ["managing"])


def test_a_flooding_phone_is_cut_off(
    client: TestClient, room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(adapter, "RATE", 0.001)  # no refill while the test runs
    with client.websocket_connect("/live/ws?role=participant") as ws:
        for _ in range(adapter.BURST + adapter.FLOOD_LIMIT + 5):
            ws.send_text("{}")
        assert until_closed(ws) == 1008


def test_one_answer_is_counted_once_on_the_projector(client: TestClient, room: Room) -> None:
    with (
        client.websocket_connect(trainer_url(room)) as trainer,
        client.websocket_connect("/live/ws?role=participant") as phone,
    ):
        receive(trainer, "state")
        token = joined(phone, room)
        state = control(trainer, "open")
        poll = state["poll"]["id"]
        for choice in ("managing", "managing", "training"):
            phone.send_json({"type": "answer", "poll": poll, "chosen": [choice]})
            state_where(phone, lambda s, c=choice: s["mine"] == [c])
        seen = state_where(trainer, lambda s: s["tally"]["training"] == 1)
        assert seen["answered"] == 1
        assert sum(seen["tally"].values()) == 1
        control(trainer, "close")
        phone.send_json({"type": "answer", "poll": poll, "chosen": ["managing"]})
        assert "closed" in receive(phone, "error")["message"]
        assert room.answers[poll] == {token: ("training",)}


def test_a_phone_that_rejoins_with_its_token_gets_its_answer_back(
    client: TestClient, room: Room
) -> None:
    with client.websocket_connect(trainer_url(room)) as trainer:
        receive(trainer, "state")
        state = control(trainer, "open")
        poll = state["poll"]["id"]
        with client.websocket_connect("/live/ws?role=participant") as phone:
            token = joined(phone, room)
            phone.send_json({"type": "answer", "poll": poll, "chosen": ["managing"]})
            state_where(phone, lambda s: s["mine"] == ["managing"])
        with client.websocket_connect("/live/ws?role=participant") as again:
            again.send_json({"type": "join", "code": room.code, "token": token})
            assert receive(again, "joined")["token"] == token
            assert receive(again, "state")["mine"] == ["managing"]
    assert len(room.participants) == 1


@pytest.mark.parametrize(
    ("built", "expected"),
    [
        ("trainer/dashboard/index.html", "/trainer/dashboard/"),
        ("trainer/dashboard.html", "/trainer/dashboard.html"),
    ],
)
def test_the_controls_open_the_debrief_where_the_site_has_it(
    room: Room, tmp_path: Path, built: str, expected: str
) -> None:
    """Built with or without `use_directory_urls`, "Open in the group debrief" finds the page."""
    (tmp_path / built).parent.mkdir(parents=True)
    (tmp_path / built).write_text("<!doctype html><title>debrief</title>", encoding="utf-8")
    app = create_app(room, tmp_path, ROOT / "templates", "http://127.0.0.1:1/live/")
    with TestClient(app) as test_client:
        for view in ("/live/projector", "/live/control"):
            page = test_client.get(view, params={"key": room.key})
            assert f'data-dashboard="{expected}"' in page.text
            assert test_client.get(expected).status_code == 200


def test_the_live_views_come_from_the_package_when_the_project_has_none(
    room: Room, tmp_path: Path
) -> None:
    """A project made by `course init` has no templates/live/: the package's views serve."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<title>site</title>", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    app = create_app(room, tmp_path / "site", tmp_path / "templates", "http://127.0.0.1:1/live/")
    with TestClient(app) as test_client:
        page = test_client.get("/live/")
        assert page.status_code == 200
        assert "phone.js" in page.text
        assert test_client.get("/live/static/phone.js").status_code == 200
