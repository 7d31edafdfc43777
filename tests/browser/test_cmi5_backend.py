"""templates/lms/cmi5.js in Chromium, launched by the test LMS (tests/lms_server.py).

Until the launch page is merged, a harness page (cmi5_harness.html) stands in for it: it loads
the backend with a small course.json, and each test makes the contract's calls (``start``,
``report``, ``finish``) with the states a launch page would compute. Every session's statements
are checked against ralph's xAPI model and cmi5's rules (tests/cmi5_rules.py).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from cmi5_rules import (
    MASTERY_SCORE,
    SESSION_ID,
    Session,
    problems,
    registration_problems,
    satisfied,
    verb,
    when,
)
from lms_server import LAUNCH_DATA, Launch, TestLms, running
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.conftest import OfflineGuard

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
HARNESS = "lms/cmi5_harness.html"
RESUME = "urn:coaching-course:xapi:state:resume"
APPROACH = "urn:coaching-course:xapi:extension:approach"
#: Three graded questions of a final quiz, as course.json lists them.
QUESTIONS = {
    "q1": ("leading", ["a", "b", "c"], ["a"]),
    "q2": ("coaching", ["d", "e", "f", "g"], ["e"]),
    "q3": ("managing", ["h", "i"], ["h", "i"]),
}
COURSE = {
    "schema_version": 1,
    "id": "coaching-or-managing",
    "title": "Coaching or managing?",
    "approaches": ["coaching", "leading", "managing"],
    "modules": [
        {
            "id": "final-assessment",
            "title": "Final assessment",
            "minutes": 20,
            "url": "final-assessment/",
            "items": [
                {
                    "id": "final-quiz",
                    "kind": "quiz",
                    "title": "Final quiz",
                    "url": "final-assessment/final-quiz/",
                    "pass_mark": 80,
                    "questions": [
                        {
                            "id": f"final-quiz/{q}",
                            "type": "single" if len(right) == 1 else "multiple",
                            "approach": approach,
                            "options": options,
                            "correct": right,
                        }
                        for q, (approach, options, right) in QUESTIONS.items()
                    ],
                }
            ],
        }
    ],
}


def state(
    answers: dict[str, list[str]],
    *,
    completed: bool = False,
    attempt: int = 1,
    score_over: int | None = None,
    passed: bool | None = None,
    at: str | None = None,
) -> dict[str, Any]:
    """A state as the launch page computes it: ``answers`` by question, the score if final."""
    interactions = []
    for q, chosen in answers.items():
        approach, _, right = QUESTIONS[q]
        interactions.append(
            {
                "id": f"final-quiz.{q}",
                "type": "choice",
                "description": f"Which one is {q}?",
                "response": chosen,
                "correct": right,
                "result": "correct" if sorted(chosen) == sorted(right) else "incorrect",
                "approach": approach,
                "attempt": attempt,
                "timestamp": at or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
        )
    score = None
    if score_over is not None:
        raw = sum(i["result"] == "correct" for i in interactions)
        score = {"raw": raw, "min": 0, "max": score_over, "scaled": raw / score_over}
    return {
        "resume": f"v1.{len(answers)}.{attempt}",
        "completed": completed,
        "score": score,
        "passed": passed,
        "interactions": interactions,
        "sessionSeconds": 5,
    }


ALL_RIGHT = {"q1": ["a"], "q2": ["e"], "q3": ["h", "i"]}
ONE_RIGHT = {"q1": ["a"], "q2": ["d"], "q3": ["h"]}


@pytest.fixture
def lms(tmp_path: Path) -> Iterator[TestLms]:
    """The test LMS serving the harness, the backend and course.json from ``lms/``."""
    folder = tmp_path / "lms"
    folder.mkdir()
    shutil.copy(ROOT / "templates" / "lms" / "cmi5.js", folder / "cmi5.js")
    shutil.copy(Path(__file__).with_name("cmi5_harness.html"), folder / "cmi5_harness.html")
    (folder / "course.json").write_text(json.dumps(COURSE), encoding="utf-8")
    with running(tmp_path) as server:
        yield server


def open_au(page: Page, url: str) -> None:
    page.goto(url)
    page.evaluate("window.ready")


def start(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("backend.start()")
    return result


def report(page: Page, value: dict[str, Any]) -> None:
    page.evaluate("s => backend.report(s)", value)


def finish(page: Page, value: dict[str, Any] | None) -> None:
    page.evaluate("s => backend.finish(s)", value)


def session_of(lms: TestLms, launch: Launch) -> Session:
    mastery = launch.launch_data.get("masteryScore")
    return Session(
        launch.registration,
        launch.session_id,
        lms.activity_id,
        launch.launch_data["launchMode"],
        mastery,
    )


def sent_in(lms: TestLms, launch: Launch) -> list[dict[str, Any]]:
    return [
        s for s in lms.statements if s["context"]["extensions"].get(SESSION_ID) == launch.session_id
    ]


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Wait (up to 20 s) for something the browser does after the test stopped driving it."""
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


def test_a_learner_who_answers_completes_and_passes_sends_one_valid_cmi5_session(
    page: Page, lms: TestLms
) -> None:
    launch = lms.launch(HARNESS, mastery_score=0.8)
    open_au(page, launch.url)
    assert start(page) == {
        "connected": True,
        "resume": None,
        "learner": "Ada Learner",
        "message": None,
    }

    report(page, state({"q1": ["a"], "q2": ["e"]}))
    # Nothing new, though the answers' timestamps were made again: nothing sent.
    report(page, state({"q1": ["a"], "q2": ["e"]}, at="2026-01-01T00:00:00Z"))
    final = state(ALL_RIGHT, completed=True, score_over=3, passed=True)
    report(page, final)
    report(page, final)
    finish(page, final)
    finish(page, final)  # twice is safe

    statements = sent_in(lms, launch)
    verbs = [verb(s) for s in statements]
    assert verbs == [
        "initialized",
        "answered",
        "answered",
        "answered",
        "passed",
        "completed",
        "terminated",
    ]
    assert problems(statements, session_of(lms, launch)) == []
    assert satisfied(verbs, "CompletedAndPassed")
    assert lms.refused() == []
    assert [s.path for s in lms.seen].count(f"/fetch/{launch.fetch_key}") == 1

    q3 = statements[3]
    assert q3["result"] == {"response": "h[,]i", "success": True}
    definition = q3["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert definition["correctResponsesPattern"] == ["h[,]i"]
    assert [c["id"] for c in definition["choices"]] == ["h", "i"]
    assert definition["description"] == {"en": "Which one is q3?"}
    assert definition["extensions"] == {APPROACH: "managing"}
    assert q3["object"]["id"] == f"{lms.activity_id}/interactions/final-quiz.q3"
    passed = statements[4]
    assert passed["result"]["score"] == {"scaled": 1, "raw": 3, "min": 0, "max": 3}
    assert passed["context"]["extensions"][MASTERY_SCORE] == 0.8
    assert passed["context"]["contextActivities"]["grouping"] == [
        {"objectType": "Activity", "id": "http://lms.test/courses/1"}
    ]
    assert lms.state(RESUME, launch.registration)["resume"] == final["resume"]


def test_failed_waits_for_the_end_of_the_session_in_case_the_learner_passes_on_retrying(
    page: Page, lms: TestLms
) -> None:
    """A session holds one of passed/failed (cmi5 9.3): a failed attempt is only told at the end,
    and not at all if a later attempt of the same session passes."""
    launch = lms.launch(HARNESS, mastery_score=0.8)
    open_au(page, launch.url)
    start(page)
    report(page, state(ONE_RIGHT, completed=True, score_over=3, passed=False))
    # The course's own pass mark says "passed" at 2 of 3, but the LMS's masteryScore rules.
    two = {"q1": ["a"], "q2": ["e"], "q3": ["h"]}
    report(page, state(two, completed=True, attempt=2, score_over=3, passed=True))
    final = state(ALL_RIGHT, completed=True, attempt=3, score_over=3, passed=True)
    report(page, final)
    finish(page, final)

    statements = sent_in(lms, launch)
    assert [verb(s) for s in statements] == (
        ["initialized"]
        + ["answered"] * 3
        + ["completed"]
        + ["answered"] * 6
        + ["passed", "terminated"]
    )
    assert problems(statements, session_of(lms, launch)) == []


def test_a_failed_attempt_is_told_once_at_the_end_and_not_again_next_session(
    page: Page, lms: TestLms
) -> None:
    first = lms.launch(HARNESS, mastery_score=0.8)
    open_au(page, first.url)
    start(page)
    failing = state(ONE_RIGHT, completed=True, score_over=3, passed=False)
    report(page, failing)
    finish(page, failing)
    second = lms.launch(HARNESS, mastery_score=0.8, registration=first.registration)
    open_au(page, second.url)
    start(page)
    report(page, failing)  # the same attempt, restored
    finish(page, failing)

    verbs = [verb(s) for s in sent_in(lms, first)]
    assert verbs == [
        "initialized",
        "answered",
        "answered",
        "answered",
        "completed",
        "failed",
        "terminated",
    ]
    failed = sent_in(lms, first)[-2]
    assert failed["result"]["score"] == {
        "scaled": pytest.approx(1 / 3),
        "raw": 1,
        "min": 0,
        "max": 3,
    }
    assert failed["context"]["extensions"][MASTERY_SCORE] == 0.8
    assert [verb(s) for s in sent_in(lms, second)] == ["initialized", "terminated"]
    for launch in (first, second):
        assert problems(sent_in(lms, launch), session_of(lms, launch)) == []
    assert registration_problems(lms.statements) == []


def test_a_learner_who_fails_does_not_satisfy_move_on(page: Page, lms: TestLms) -> None:
    launch = lms.launch(HARNESS, mastery_score=0.8, move_on="Passed")
    open_au(page, launch.url)
    start(page)
    final = state(ONE_RIGHT, completed=True, score_over=3, passed=False)
    report(page, final)
    finish(page, final)

    statements = sent_in(lms, launch)
    verbs = [verb(s) for s in statements]
    assert verbs == [
        "initialized",
        "answered",
        "answered",
        "answered",
        "completed",
        "failed",
        "terminated",
    ]
    assert problems(statements, session_of(lms, launch)) == []
    assert not satisfied(verbs, "Passed")


def test_without_a_mastery_score_the_course_s_own_verdict_counts(page: Page, lms: TestLms) -> None:
    launch = lms.launch(HARNESS, mastery_score=None, move_on="CompletedOrPassed")
    open_au(page, launch.url)
    start(page)
    final = state({"q1": ["a"], "q2": ["e"], "q3": ["h"]}, score_over=3, passed=True)
    report(page, final)
    finish(page, final)

    statements = sent_in(lms, launch)
    assert [verb(s) for s in statements][-2:] == ["passed", "terminated"]
    assert MASTERY_SCORE not in statements[-2]["context"]["extensions"]
    assert problems(statements, session_of(lms, launch)) == []


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_browse_and_review_modes_send_only_initialized_and_terminated(
    page: Page, lms: TestLms, mode: str
) -> None:
    launch = lms.launch(HARNESS, mode=mode)
    open_au(page, launch.url)
    answer = start(page)
    assert answer["connected"] is True
    assert answer["message"] == f"Opened in {mode.lower()} mode: results are not recorded."
    final = state(ALL_RIGHT, completed=True, score_over=3, passed=True)
    report(page, final)
    finish(page, final)

    statements = sent_in(lms, launch)
    assert [verb(s) for s in statements] == ["initialized", "terminated"]
    assert problems(statements, session_of(lms, launch)) == []
    stored = lms.state(RESUME, launch.registration)
    # Browse keeps where the learner got to; Review looks and changes nothing.
    assert (stored["resume"] if stored else None) == (final["resume"] if mode == "Browse" else None)


def test_the_next_session_gets_the_resume_data_and_sends_no_second_verdict(
    page: Page, lms: TestLms
) -> None:
    first = lms.launch(HARNESS)
    open_au(page, first.url)
    start(page)
    final = state(ALL_RIGHT, completed=True, score_over=3, passed=True)
    report(page, final)
    finish(page, final)

    second = lms.launch(HARNESS, registration=first.registration)
    open_au(page, second.url)
    answer = start(page)
    assert answer["resume"] == final["resume"]
    report(page, final)  # the restored progress, reported again
    finish(page, final)

    assert [verb(s) for s in sent_in(lms, second)] == ["initialized", "terminated"]
    assert problems(sent_in(lms, second), session_of(lms, second)) == []
    assert registration_problems(lms.statements) == []
    assert lms.verbs(first.registration).count("completed") == 1


def test_finishing_without_a_state_keeps_the_last_resume_data(page: Page, lms: TestLms) -> None:
    launch = lms.launch(HARNESS)
    open_au(page, launch.url)
    start(page)
    final = state(ALL_RIGHT, completed=True, score_over=3, passed=True)
    report(page, final)
    finish(page, None)
    assert lms.state(RESUME, launch.registration)["resume"] == final["resume"]
    assert [verb(s) for s in sent_in(lms, launch)][-1] == "terminated"


def test_after_finishing_the_learner_is_sent_to_the_return_url(page: Page, lms: TestLms) -> None:
    launch = lms.launch(HARNESS, return_url=f"{lms.url}returned")
    open_au(page, launch.url)
    start(page)
    with page.expect_navigation(url=f"{lms.url}returned"):
        finish(page, state({}))
    expect(page.get_by_role("heading")).to_have_text("Back in the LMS")
    assert [verb(s) for s in sent_in(lms, launch)] == ["initialized", "terminated"]


def test_finishing_on_pagehide_still_reaches_the_lrs(page: Page, lms: TestLms) -> None:
    launch = lms.launch(HARNESS)
    open_au(page, launch.url)
    start(page)
    final = state(ALL_RIGHT, completed=True, score_over=3, passed=True)
    page.evaluate("s => addEventListener('pagehide', () => backend.finish(s))", final)
    page.goto(f"{lms.url}returned")

    wait_for(
        lambda: (
            "terminated" in lms.verbs(launch.registration)
            and lms.state(RESUME, launch.registration) is not None
        ),
        "terminated and the resume document",
    )
    statements = sent_in(lms, launch)
    assert [verb(s) for s in statements][-2:] == ["completed", "terminated"]
    assert problems(statements, session_of(lms, launch)) == []
    assert lms.state(RESUME, launch.registration)["resume"] == final["resume"]


def test_on_pagehide_terminated_does_not_wait_for_a_report_on_its_way(
    page: Page, lms: TestLms
) -> None:
    """The tab is closed before a slow LRS answers: terminated leaves at once, and the answers
    on their way are not sent twice (cmi5 orders by timestamp, not by arrival)."""
    launch = lms.launch(HARNESS)
    open_au(page, launch.url)
    start(page)
    lms.delays.append(3)
    final = state(ALL_RIGHT, completed=True, score_over=3, passed=True)
    page.evaluate("s => { backend.report(s); }", state({"q1": ["a"], "q2": ["e"]}))
    wait_for(lambda: len(lms.seen) >= 6, "the report's statements on their way")
    page.evaluate("s => addEventListener('pagehide', () => backend.finish(s))", final)
    page.close()  # the tab is closed: nothing of it runs after pagehide

    wait_for(
        lambda: (
            "terminated" in lms.verbs(launch.registration)
            and lms.verbs(launch.registration).count("answered") == 3
        ),
        "terminated and the three answers",
    )
    statements = sent_in(lms, launch)
    assert problems(statements, session_of(lms, launch)) == []


def test_on_pagehide_a_batch_too_big_for_keepalive_still_ends_the_session(
    page: Page, lms: TestLms
) -> None:
    """Chromium drops keepalive requests beyond 64 KiB in all: the answers that do not fit go
    without keepalive (and may be lost, or be stored after terminated: cmi5 orders by
    timestamp), the verdict and terminated with it."""
    launch = lms.launch(HARNESS)
    open_au(page, launch.url)
    start(page)
    final = state(ALL_RIGHT, completed=True, score_over=3, passed=True)
    for interaction in final["interactions"]:
        interaction["description"] = "A long case to read. " * 1500  # ~31 kB per answer
    page.evaluate("s => addEventListener('pagehide', () => backend.finish(s))", final)
    page.goto(f"{lms.url}returned")

    wait_for(
        lambda: (
            "terminated" in lms.verbs(launch.registration)
            and lms.state(RESUME, launch.registration) is not None
        ),
        "terminated and the resume document",
    )
    statements = sent_in(lms, launch)
    [terminated] = [s for s in statements if verb(s) == "terminated"]
    assert {"initialized", "passed", "completed"} <= {verb(s) for s in statements}
    assert max(when(s) for s in statements) == when(terminated)
    assert lms.state(RESUME, launch.registration)["resume"] == final["resume"]


def test_a_statement_the_lrs_refused_goes_again_with_the_next_report(
    page: Page, lms: TestLms, offline_guard: OfflineGuard
) -> None:
    launch = lms.launch(HARNESS)
    open_au(page, launch.url)
    start(page)
    lms.failures.append(503)
    report(page, state({"q1": ["a"]}))
    assert [verb(s) for s in sent_in(lms, launch)] == ["initialized"]
    report(page, state({"q1": ["a"], "q2": ["e"]}))
    finish(page, state({"q1": ["a"], "q2": ["e"]}))

    statements = sent_in(lms, launch)
    assert [verb(s) for s in statements] == ["initialized", "answered", "answered", "terminated"]
    assert problems(statements, session_of(lms, launch)) == []
    # Chromium logs the refused request itself; that one was on purpose.
    assert len(offline_guard.console_errors) == 1
    assert "503" in offline_guard.console_errors[0]
    offline_guard.console_errors.clear()


def test_a_batch_the_lrs_refuses_for_good_does_not_hold_back_the_next_ones(
    page: Page, lms: TestLms, offline_guard: OfflineGuard
) -> None:
    launch = lms.launch(HARNESS)
    open_au(page, launch.url)
    start(page)
    lms.failures.append(400)
    report(page, state({"q1": ["a"]}))
    final = state(ALL_RIGHT, completed=True, score_over=3, passed=True)
    report(page, final)
    finish(page, final)

    answered = [s["result"]["response"] for s in sent_in(lms, launch) if verb(s) == "answered"]
    assert answered == ["e", "h[,]i"]  # q1's answer was refused: dropped, not sent forever
    assert [verb(s) for s in sent_in(lms, launch)][-3:] == ["passed", "completed", "terminated"]
    assert len(offline_guard.console_errors) == 1
    assert "400" in offline_guard.console_errors[0]
    offline_guard.console_errors.clear()


def test_a_reload_of_the_launch_page_does_not_ask_for_a_second_token(
    page: Page, lms: TestLms
) -> None:
    launch = lms.launch(HARNESS)
    open_au(page, launch.url)
    start(page)
    page.reload()
    page.evaluate("window.ready")
    assert start(page)["connected"] is True
    assert [s.path for s in lms.seen].count(f"/fetch/{launch.fetch_key}") == 1
    assert lms.refused() == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "This course was not launched by a cmi5 LMS: progress is kept in this browser only."),
        (
            "?endpoint=x&fetch=y",
            "The LMS launched this course without actor, registration, activityId:"
            " progress is kept in this browser only.",
        ),
        (
            "?endpoint=ftp://lrs/&fetch=http://lms/f&actor=%7B%7D&registration=12&activityId=au",
            "The LMS gave this course an invalid endpoint, actor, registration, activityId:"
            " progress is kept in this browser only.",
        ),
    ],
    ids=["none", "missing", "invalid"],
)
def test_without_usable_launch_parameters_the_course_runs_unconnected(
    page: Page, lms: TestLms, query: str, message: str
) -> None:
    open_au(page, f"{lms.url}course/{HARNESS}{query}")
    assert start(page) == {"connected": False, "resume": None, "learner": None, "message": message}
    report(page, state(ALL_RIGHT, completed=True, score_over=3, passed=True))
    finish(page, state(ALL_RIGHT, completed=True, score_over=3, passed=True))
    assert [s.path for s in lms.seen if not s.path.startswith("/course/")] == []


def test_an_lms_that_refuses_the_token_leaves_the_course_unconnected(
    page: Page, lms: TestLms
) -> None:
    launch = lms.launch(HARNESS)
    launch.fetched = 1  # someone else fetched it already
    open_au(page, launch.url)
    answer = start(page)
    assert answer["connected"] is False
    assert answer["message"] == (
        "Could not reach the LMS (the LMS refused a token (already in use)):"
        " progress is kept in this browser only."
    )
    assert lms.statements == []
    assert lms.state(LAUNCH_DATA, launch.registration) is not None
