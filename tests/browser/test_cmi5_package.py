"""A cmi5 package in an LMS: `course package --format cmi5`, launched by the test LMS.

The package of the small course (tests/lms_packages.py) is unzipped and served by the test LMS
and LRS (tests/lms_server.py) on 127.0.0.1, which launches ``lms/launch.html`` with the five
cmi5 parameters and the masteryScore and moveOn of the package's ``cmi5.xml``, as a real LMS
imports them. A learner answers module 1's quiz and the final assessment in the course's frame
and leaves; the statements the course sent pass ralph's xAPI model and cmi5's rules
(tests/cmi5_rules.py), the resume document is in the LRS, and a relaunch in a new session and a
fresh browser shows the learner their answers without sending them again.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cmi5_rules import SESSION_ID, Session, problems, registration_problems, satisfied, verb
from lms_packages import build_package, small_project, unzip
from lms_server import Launch, TestLms, running
from playwright.sync_api import BrowserContext, Frame, Page

from builder.lms.cmi5 import NAMESPACE
from builder.lms.package import FORMATS, LAUNCH, manifest_problems

pytestmark = pytest.mark.browser

RESUME = "urn:coaching-course:xapi:state:resume"
APPROACH = "urn:coaching-course:xapi:extension:approach"

#: Data set-up, not a learner's clicks: every other item of the course counted as done
#: (as in test_scorm.py); course.js in the frame tells the launch page after each save.
EVERYTHING_DONE = """course => {
    cqCourse.update(p => course.modules.forEach(m => m.items.forEach(it => {
        p.visited[it.id] = "done";
        it.questions.forEach(q => {
            if (q.type !== "decision" && !p.answers[q.id]) {
                p.answers[q.id] = { chosen: [q.options ? q.options[0] : "leading"], correct: true };
            }
        });
    })));
    cqLms.changed();
}"""


@dataclass(frozen=True)
class Package:
    folder: Path
    files: set[str]
    course: dict[str, Any]
    structure: bytes
    mastery: float
    move_on: str


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    where = tmp_path_factory.mktemp("cmi5")
    project = small_project(where / "project")
    result = build_package(project, "cmi5", where / "package.zip")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = unzip(where / "package.zip", where / "served")
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    structure = (folder / "cmi5.xml").read_bytes()
    au = ET.fromstring(structure).find(f"{{{NAMESPACE}}}au")
    assert au is not None
    course = json.loads((folder / "course.json").read_text(encoding="utf-8"))
    return Package(
        folder, files, course, structure, float(au.get("masteryScore", "")), au.get("moveOn", "")
    )


@pytest.fixture
def lms(package: Package) -> Iterator[TestLms]:
    with running(package.folder) as server:
        yield server


def launch_au(lms: TestLms, package: Package, **options: Any) -> Launch:
    """A launch of the package's AU, with what the LMS imported from its cmi5.xml."""
    return lms.launch(LAUNCH, mastery_score=package.mastery, move_on=package.move_on, **options)


def course_frame(page: Page) -> Frame:
    inner = page.wait_for_selector("iframe.cq-lms-frame:not([hidden])").content_frame()
    assert inner is not None
    inner.wait_for_load_state()
    return inner


def item(course: dict[str, Any], item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        i for m in course["modules"] for i in m["items"] if i["id"] == item_id
    )
    return found


def final_quiz(course: dict[str, Any]) -> dict[str, Any]:
    graded = [i for m in course["modules"] for i in m["items"] if i.get("pass_mark")]
    return graded[-1]


def answer(frame: Frame, question: dict[str, Any], *, right: bool) -> None:
    box = frame.locator(f'fieldset[data-question="{question["id"]}"]')
    picks = (
        question["correct"]
        if right
        else [next(o for o in question["options"] if o not in question["correct"])]
    )
    for option in picks:
        box.locator(f'input[value="{option}"]').check()
    box.get_by_role("button", name="Check").click()


def learn(base: str, course: dict[str, Any], frame: Frame, *, wrong: int) -> list[str]:
    """Answer module 1's quiz, then the final assessment (``wrong`` of it wrongly)."""
    check = item(course, "levers-check")
    frame.goto(base + check["url"])
    for question in check["questions"]:
        answer(frame, question, right=True)
    quiz = final_quiz(course)
    frame.goto(base + quiz["url"])
    drawn: list[str] = frame.eval_on_selector_all(
        ".cq-quiz[data-graded] fieldset[data-question]:not([hidden])",
        "els => els.map(e => e.getAttribute('data-question'))",
    )
    questions = {q["id"]: q for q in quiz["questions"]}
    for index, qid in enumerate(drawn):
        answer(frame, questions[qid], right=index >= wrong)
    frame.locator(".cq-score").wait_for()
    return drawn


def sent_in(lms: TestLms, launch: Launch) -> list[dict[str, Any]]:
    return [
        s for s in lms.statements if s["context"]["extensions"].get(SESSION_ID) == launch.session_id
    ]


def session_of(lms: TestLms, launch: Launch) -> Session:
    return Session(
        launch.registration,
        launch.session_id,
        lms.activity_id,
        launch.launch_data["launchMode"],
        launch.launch_data.get("masteryScore"),
    )


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Wait (up to 20 s) for what the browser does after the test stopped driving it."""
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


def terminated(lms: TestLms, launch: Launch) -> Callable[[], bool]:
    return lambda: "terminated" in [verb(s) for s in sent_in(lms, launch)]


def test_the_course_structure_passes_our_checks(package: Package) -> None:
    """No cmi5 XSD is on a package registry: our structural checks stand in for it."""
    quiz = final_quiz(package.course)
    assert manifest_problems(FORMATS["cmi5"], package.structure, package.files, 80) == []
    assert quiz["pass_mark"] == 80
    assert (package.mastery, package.move_on) == (0.8, "CompletedAndPassed")
    assert {"cmi5.xml", LAUNCH, "lms/cmi5.js", "lms/launch.js", "lms/questions.json"} <= (
        package.files
    )
    assert not any(name.endswith(".xsd") for name in package.files)


def test_a_learner_who_passes_sends_a_valid_session_and_resumes_in_a_new_one(
    package: Package, lms: TestLms, page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    base = lms.url + "course/"
    first = launch_au(lms, package, return_url=lms.url + "returned")
    page.goto(first.url)
    frame = course_frame(page)
    page.get_by_role("button", name="Exit").wait_for()
    drawn = learn(base, package.course, frame, wrong=2)
    quiz = final_quiz(package.course)
    wait_for(lambda: "passed" in lms.verbs(first.registration), "passed")
    page.evaluate(EVERYTHING_DONE, package.course)
    wait_for(lambda: "completed" in lms.verbs(first.registration), "completed")
    # Exit: the backend ends the session and goes to the LMS's returnURL, once.
    page.get_by_role("button", name="Exit").click()
    page.wait_for_url(lms.url + "returned")
    page.get_by_role("heading", name="Back in the LMS").wait_for()

    statements = sent_in(lms, first)
    verbs = [verb(s) for s in statements]
    assert verbs == ["initialized", *["answered"] * len(drawn), "passed", "completed", "terminated"]
    assert problems(statements, session_of(lms, first)) == []
    assert satisfied(verbs, package.move_on)
    assert lms.refused() == []
    assert [s.path for s in lms.seen].count("/returned") == 1
    right = len(drawn) - 2
    percent = round(100 * right / len(drawn))
    passed = statements[-3]["result"]
    assert passed["success"] is True
    assert passed["score"]["raw"] == percent
    assert passed["score"]["scaled"] == pytest.approx(percent / 100)
    answered = statements[1 : 1 + len(drawn)]
    ids = [s["object"]["id"].rsplit("/", 1)[-1] for s in answered]
    assert sorted(ids) == sorted(f"{quiz['id']}.{q[len(quiz['id']) + 1 :]}" for q in drawn)
    assert [s["result"]["success"] for s in answered].count(False) == 2
    approaches = {q["id"]: q["approach"] for q in quiz["questions"]}
    assert sorted(s["object"]["definition"]["extensions"][APPROACH] for s in answered) == sorted(
        approaches[q] for q in drawn
    )
    prompts = json.loads((package.folder / "lms" / "questions.json").read_text("utf-8"))
    assert sorted(s["object"]["definition"]["description"]["en"] for s in answered) == sorted(
        prompts[q] for q in drawn
    )
    resume = lms.state(RESUME, first.registration)
    assert resume is not None
    assert resume["resume"]
    assert resume["completed"] is True
    assert resume["passed"] is True
    print(
        "LRS record read back:",
        json.dumps(
            {
                "verbs": verbs,
                "score": passed["score"],
                "resume characters": len(resume["resume"]),
            }
        ),
    )

    # A relaunch of the same registration in a new session, in a fresh browser: only what the
    # LRS kept brings the learner's progress back.
    second = launch_au(lms, package, registration=first.registration)
    again = new_context().new_page()
    again.goto(second.url)
    frame = course_frame(again)
    progress = frame.evaluate("cqCourse.load()")
    history = progress["attempts"][quiz["id"]]["history"]
    assert [(h["right"], h["total"], h["passed"]) for h in history] == [(right, len(drawn), True)]
    check = item(package.course, "levers-check")
    frame.goto(base + check["url"])
    for question in check["questions"]:
        box = frame.locator(f'fieldset[data-question="{question["id"]}"]')
        chosen = box.locator("input:checked")
        assert sorted(chosen.evaluate_all("els => els.map(e => e.value)")) == sorted(
            question["correct"]
        )
    again.get_by_role("button", name="Exit").click()
    again.get_by_text("Your progress was saved.").wait_for()
    wait_for(terminated(lms, second), "terminated of the second session")
    relaunched = sent_in(lms, second)
    assert [verb(s) for s in relaunched] == ["initialized", "terminated"], (
        "answers, completed and passed are not sent again"
    )
    assert problems(relaunched, session_of(lms, second)) == []
    assert registration_problems(lms.statements) == []


def test_a_learner_who_fails_gets_failed_when_leaving_the_page(
    package: Package, lms: TestLms, page: Page
) -> None:
    base = lms.url + "course/"
    launch = launch_au(lms, package, return_url=lms.url + "returned")
    page.goto(launch.url)
    frame = course_frame(page)
    drawn = learn(base, package.course, frame, wrong=5)
    wait_for(
        lambda: [verb(s) for s in sent_in(lms, launch)].count("answered") == len(drawn),
        "the answers",
    )
    page.goto("about:blank")  # pagehide: the session ends with what is left to send
    wait_for(terminated(lms, launch), "terminated")
    assert page.url == "about:blank", "leaving the page is not sent back to the LMS"
    statements = sent_in(lms, launch)
    verbs = [verb(s) for s in statements]
    assert verbs == ["initialized", *["answered"] * len(drawn), "failed", "terminated"]
    assert problems(statements, session_of(lms, launch)) == []
    failed = statements[-2]["result"]
    assert failed["success"] is False
    assert failed["score"]["scaled"] < package.mastery
    wait_for(lambda: bool((lms.state(RESUME, launch.registration) or {}).get("failed")), "resume")
    resume = lms.state(RESUME, launch.registration)
    assert (resume["passed"], resume["failed"]) == (False, ["1"])
