"""The checker of cmi5 sessions (tests/cmi5_rules.py) finds each rule broken: it can fail.

The browser tests trust ``problems() == []``; here every rule is broken once, on a session that
is otherwise right, and the checker must name it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cmi5_rules import (
    CMI5_CATEGORY,
    MASTERY_SCORE,
    MOVE_ON_CATEGORY,
    SESSION_ID,
    Session,
    problems,
    registration_problems,
    satisfied,
    seconds,
    verb,
)

AU = "http://lms.test/activities/au"
SESSION = Session(
    registration="0f8b6c9e-3c55-4a4f-9a55-2f3c8f1e2a10",
    session_id="b1d1f0a6-3f63-4c57-8d3e-0e1c4a6f9e21",
    activity_id=AU,
    mastery_score=0.8,
)
START = datetime(2026, 12, 3, 12, 0, 0, tzinfo=UTC)


def make(name: str, at: float, result: dict[str, Any] | None = None, n: int = 0) -> dict[str, Any]:
    defined = name != "answered"
    categories = [{"id": CMI5_CATEGORY}] if defined else []
    if result and ("success" in result or "completion" in result) and defined:
        categories.append({"id": MOVE_ON_CATEGORY})
    extensions: dict[str, Any] = {SESSION_ID: SESSION.session_id}
    if name in ("passed", "failed"):
        extensions[MASTERY_SCORE] = 0.8
    activities: dict[str, Any] = {"category": categories} if categories else {}
    if not defined:
        activities["parent"] = [{"id": AU}]
    statement: dict[str, Any] = {
        "id": f"6f1c1a52-8c43-4d0e-9a6b-00000000000{n}",
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "http://lms.test/", "name": "ada"},
        },
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{name}", "display": {"en-US": name}},
        "object": {"objectType": "Activity", "id": AU if defined else f"{AU}/interactions/q1"},
        "context": {
            "registration": SESSION.registration,
            "contextActivities": activities,
            "extensions": extensions,
        },
        "timestamp": (START + timedelta(seconds=at)).isoformat().replace("+00:00", "Z"),
    }
    if result is not None:
        statement["result"] = result
    return statement


def good() -> list[dict[str, Any]]:
    """A right session: initialized, one answer, passed, completed, terminated."""
    return [
        make("initialized", 0, n=1),
        make("answered", 10, {"response": "a", "success": True}, n=2),
        make(
            "passed",
            12,
            {
                "score": {"scaled": 1, "raw": 1, "min": 0, "max": 1},
                "success": True,
                "duration": "PT12S",
            },
            n=3,
        ),
        make("completed", 12.5, {"completion": True, "duration": "PT12.5S"}, n=4),
        make("terminated", 75, {"duration": "PT1M15S"}, n=5),
    ]


def test_a_right_session_has_no_problem() -> None:
    assert problems(good(), SESSION) == []
    assert registration_problems(good()) == []


def _verb(s: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(x for x in s if verb(x) == name)


def _drop_category(s: list[dict[str, Any]]) -> None:
    _verb(s, "completed")["context"]["contextActivities"]["category"] = [{"id": MOVE_ON_CATEGORY}]


def _fail_too(s: list[dict[str, Any]]) -> None:
    failed = copy.deepcopy(_verb(s, "passed"))
    failed["verb"]["id"] = "http://adlnet.gov/expapi/verbs/failed"
    failed["result"]["success"] = False
    failed["result"]["score"] = {"scaled": 0.5}
    s.insert(3, failed)


BROKEN: dict[str, tuple[Callable[[list[dict[str, Any]]], None], str]] = {
    "first-not-initialized": (
        lambda s: s.pop(0),
        "the first statement is answered, not initialized",
    ),
    "after-terminated": (
        lambda s: s.append(make("answered", 80, {"response": "b", "success": False}, n=6)),
        "1 statement(s) after terminated",
    ),
    "timestamp-before-initialized": (
        lambda s: s[1].update(timestamp="2026-12-03T11:59:00Z"),
        "the first statement is answered, not initialized",
    ),
    "completed-twice": (
        lambda s: s.insert(4, copy.deepcopy(_verb(s, "completed"))),
        "completed was sent 2 times",
    ),
    "passed-and-failed": (_fail_too, "both passed and failed in one session"),
    "wrong-registration": (
        lambda s: s[2]["context"].update(registration="11111111-1111-4111-8111-111111111111"),
        "passed: registration '11111111-1111-4111-8111-111111111111'",
    ),
    "no-session-id": (
        lambda s: s[1]["context"]["extensions"].clear(),
        "answered: session id None",
    ),
    "no-cmi5-category": (_drop_category, "completed: cmi5 category missing"),
    "cmi5-category-on-allowed": (
        lambda s: s[1]["context"]["contextActivities"].update(category=[{"id": CMI5_CATEGORY}]),
        "answered: cmi5 category on an allowed statement",
    ),
    "no-move-on-category": (
        lambda s: _verb(s, "passed")["context"]["contextActivities"].update(
            category=[{"id": CMI5_CATEGORY}]
        ),
        "passed: moveOn category missing",
    ),
    "score-on-completed": (
        lambda s: _verb(s, "completed")["result"].update(score={"scaled": 1}),
        "completed: result has ['score']",
    ),
    "object-not-au": (
        lambda s: _verb(s, "terminated")["object"].update(id="http://elsewhere.test/x"),
        "terminated: object 'http://elsewhere.test/x' is not the AU",
    ),
    "duration-not-iso": (
        lambda s: _verb(s, "terminated")["result"].update(duration="75 seconds"),
        "terminated: duration '75 seconds' is not ISO 8601",
    ),
    "duration-inconsistent": (
        lambda s: _verb(s, "terminated")["result"].update(duration="PT10S"),
        "terminated: duration 10.0 s, but 75.00 s since initialized",
    ),
    "no-mastery-score": (
        lambda s: _verb(s, "passed")["context"]["extensions"].pop(MASTERY_SCORE),
        "passed: masteryScore None, launched with 0.8",
    ),
    "passed-below-mastery": (
        lambda s: _verb(s, "passed")["result"].update(score={"scaled": 0.5}),
        "passed: scaled score 0.5 against masteryScore 0.8",
    ),
    "raw-not-integer": (
        lambda s: _verb(s, "passed")["result"].update(
            score={"scaled": 1, "raw": 1.5, "min": 0, "max": 1.5}
        ),
        "passed: raw, min and max are not all integers",
    ),
    "xapi-bad-statement-id": (
        lambda s: s[1].update(id="not-a-uuid"),
        "answered: xAPI: id: ",
    ),
    "xapi-actor-without-identifier": (
        lambda s: s[1].update(actor={"objectType": "Agent", "name": "Ada"}),
        "answered: xAPI: actor",
    ),
}


@pytest.mark.parametrize(("name"), list(BROKEN), ids=list(BROKEN))
def test_each_broken_rule_is_named(name: str) -> None:
    statements = good()
    breaking, expected = BROKEN[name]
    breaking(statements)
    found = problems(statements, SESSION)
    assert any(p.startswith(expected) for p in found), found


def test_browse_mode_allows_no_verdict() -> None:
    browse = Session(SESSION.registration, SESSION.session_id, AU, "Browse", 0.8)
    assert "Browse mode allows no cmi5 defined ['completed', 'passed']" in problems(good(), browse)


def test_a_registration_has_one_completed_one_passed_and_no_failed_after_passed() -> None:
    later = copy.deepcopy(good())
    for s in later:
        s["timestamp"] = s["timestamp"].replace("T12:", "T13:")
    failed = copy.deepcopy(_verb(later, "passed"))
    failed["verb"]["id"] = "http://adlnet.gov/expapi/verbs/failed"
    assert registration_problems([*good(), *later, failed]) == [
        "completed was sent 2 times in the registration",
        "passed was sent 2 times in the registration",
        "failed was sent after passed",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT1M15S", 75.0),
        ("PT0.25S", 0.25),
        ("P1DT1H", 90000.0),
        ("PT", None),
        ("P", None),
        ("75", None),
    ],
)
def test_iso_8601_durations_are_read_or_refused(text: str, expected: float | None) -> None:
    assert seconds(text) == expected


@pytest.mark.parametrize(
    ("verbs", "move_on", "expected"),
    [
        (["completed"], "CompletedAndPassed", False),
        (["completed", "passed"], "CompletedAndPassed", True),
        (["failed", "completed"], "CompletedOrPassed", True),
        (["failed", "completed"], "Passed", False),
        ([], "NotApplicable", True),
    ],
)
def test_move_on_is_satisfied_as_cmi5_says(verbs: list[str], move_on: str, expected: bool) -> None:
    assert satisfied(verbs, move_on) is expected
