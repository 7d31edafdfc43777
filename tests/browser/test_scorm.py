"""SCORM packages in an LMS: scorm-again (npm) plays the LMS's side in Chromium.

A test page on 127.0.0.1 holds scorm-again's API object (`API` for 1.2, `API_1484_11` for
2004) and the package's launch page in a frame, as an LMS would. A learner answers a module's
quiz and passes the final assessment; the test reads back what the course stored in the LMS
(status, score, interactions with their approach, resume data, session time), then launches
the course again in a fresh browser with only what the LMS kept, and finds the progress back.
scorm-again does not enforce SCORM 1.2's 4,096 characters of suspend_data: the test does.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import serve
from lms_packages import build_package, small_project, unzip
from playwright.sync_api import BrowserContext, Frame, Page
from project import ROOT, copy_project

pytestmark = pytest.mark.browser

SCORM_AGAIN = ROOT / ".ci" / "node_modules" / "scorm-again" / "dist"

#: The LMS: scorm-again's API for the format, loaded with what the LMS kept of an earlier
#: session (``window.lmsKept``), the calls that open and close a session logged, the launch
#: page in a frame.
HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="scorm-again.js"></script>
<script>
  var FORMAT = "%(format)s";
  var settings = { autocommit: false, logLevel: 5 };
  var api = FORMAT === "scorm12" ? new Scorm12API(settings) : new Scorm2004API(settings);
  var kept = window.lmsKept || null;
  if (kept) api.loadFromFlattenedJSON(kept);
  window.lmsCalls = [];
  ["Initialize", "Terminate", "LMSInitialize", "LMSFinish"].forEach(function (name) {
    api.on(name, function () { window.lmsCalls.push(name); });
  });
  window[FORMAT === "scorm12" ? "API" : "API_1484_11"] = api;
  window.lmsApi = api;
</script></head>
<body><iframe src="lms/launch.html" title="Course" style="width:100%%;height:95vh"></iframe></body>
</html>
"""


@dataclass(frozen=True)
class Served:
    format: str
    folder: Path
    url: str
    course: dict[str, Any]


@pytest.fixture(scope="module", params=["scorm12", "scorm2004"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The package unzipped beside the test LMS, on a loopback port: SCORM 2004 of the shipped
    course, SCORM 1.2 of the small course (quicker; the whole course fits 1.2 as well)."""
    fmt: str = request.param
    if not (SCORM_AGAIN / "scorm12.min.js").is_file():
        pytest.fail(f"{SCORM_AGAIN} is missing: run `npm ci --prefix .ci`", pytrace=False)
    where = tmp_path_factory.mktemp(fmt)
    project = (small_project if fmt == "scorm12" else copy_project)(where / "project")
    result = build_package(project, fmt, where / "package.zip")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = unzip(where / "package.zip", where / "served")
    shutil.copy(SCORM_AGAIN / f"{fmt}.min.js", folder / "scorm-again.js")
    (folder / "test-lms.html").write_text(HARNESS % {"format": fmt}, encoding="utf-8")
    course = json.loads((folder / "course.json").read_text(encoding="utf-8"))
    with serve(folder) as url:
        yield Served(fmt, folder, url, course)


#: What an LMS keeps of a session besides the interactions, for the next launch.
KEPT = {
    "scorm12": {
        "cmi.suspend_data",
        "cmi.core.lesson_location",
        "cmi.core.lesson_status",
        "cmi.core.score.raw",
        "cmi.core.score.min",
        "cmi.core.score.max",
    },
    "scorm2004": {
        "cmi.suspend_data",
        "cmi.completion_status",
        "cmi.success_status",
        "cmi.score.scaled",
        "cmi.score.raw",
        "cmi.score.min",
        "cmi.score.max",
    },
}

#: Data set-up, not a learner's clicks: every item of the course counted as done.
EVERYTHING_DONE = """course => {
    cqCourse.update(p => course.modules.forEach(m => m.items.forEach(it => {
        p.visited[it.id] = "done";
        it.questions.forEach(q => {
            if (q.type !== "decision" && !p.answers[q.id]) {
                p.answers[q.id] = { chosen: [q.options ? q.options[0] : "leading"], correct: true };
            }
        });
    })));
    cqLms.changed();  // what course.js in the course's frame does after each save
}"""


def frames(page: Page) -> tuple[Frame, Frame]:
    """The launch page's frame and the course's frame inside it, once the course is shown."""
    launch = page.wait_for_selector("iframe").content_frame()
    assert launch is not None
    inner = launch.wait_for_selector("iframe.cq-lms-frame:not([hidden])").content_frame()
    assert inner is not None
    inner.wait_for_load_state()
    return launch, inner


def item(course: dict[str, Any], item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        i for m in course["modules"] for i in m["items"] if i["id"] == item_id
    )
    return found


def answer(frame: Frame, question: dict[str, Any], *, right: bool = True) -> None:
    box = frame.locator(f'fieldset[data-question="{question["id"]}"]')
    picks = (
        question["correct"]
        if right
        else [next(o for o in question["options"] if o not in question["correct"])]
    )
    for option in picks:
        box.locator(f'input[value="{option}"]').check()
    box.get_by_role("button", name="Check").click()


def final_quiz(course: dict[str, Any]) -> dict[str, Any]:
    graded = [i for m in course["modules"] for i in m["items"] if i.get("pass_mark")]
    return graded[-1]


def learn(served: Served, launch: Frame, course_frame: Frame, *, wrong: int) -> list[str]:
    """Answer module 1's quiz, then the final assessment (``wrong`` of it wrongly)."""
    check = item(served.course, "levers-check")
    course_frame.goto(served.url + check["url"])
    for question in check["questions"]:
        answer(course_frame, question)
    quiz = final_quiz(served.course)
    course_frame.goto(served.url + quiz["url"])
    drawn: list[str] = course_frame.eval_on_selector_all(
        ".cq-quiz[data-graded] fieldset[data-question]:not([hidden])",
        "els => els.map(e => e.getAttribute('data-question'))",
    )
    questions = {q["id"]: q for q in quiz["questions"]}
    for index, qid in enumerate(drawn):
        answer(course_frame, questions[qid], right=index >= wrong)
    course_frame.locator(".cq-score").wait_for()
    return drawn


def cmi(page: Page, fmt: str) -> dict[str, Any]:
    """What the LMS holds now, flattened (`cmi.core.lesson_status`: value)."""
    data: dict[str, Any] = page.evaluate(
        """() => {
          const out = {};
          const walk = (value, path) => {
            if (value === null || typeof value !== "object") { out[path] = value; return; }
            for (const [key, inner] of Object.entries(value)) walk(inner, path + "." + key);
          };
          walk(JSON.parse(JSON.stringify(lmsApi.cmi)), "cmi");
          return out;
        }"""
    )
    return data


def wait_for(page: Page, expression: str) -> None:
    page.wait_for_function(expression, timeout=15_000)


def exit_course(launch: Frame) -> None:
    launch.get_by_role("button", name="Exit").click()
    launch.get_by_text("Your progress was saved.").wait_for()


def test_a_learner_passes_and_the_lms_gets_status_score_interactions_and_resume(
    served: Served, page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    fmt = served.format
    page.goto(served.url + "test-lms.html")
    launch, course_frame = frames(page)
    drawn = learn(served, launch, course_frame, wrong=2)
    status = "cmi.core.lesson_status" if fmt == "scorm12" else "cmi.success_status"
    wait_for(page, f"() => JSON.parse(JSON.stringify(lmsApi.cmi)).{status[4:]} === 'passed'")
    if fmt == "scorm2004":
        assert cmi(page, fmt)["cmi.completion_status"] == "incomplete"  # module 1 is not done
        launch.evaluate(EVERYTHING_DONE, served.course)
        wait_for(page, "() => lmsApi.cmi.completion_status === 'completed'")
    exit_course(launch)
    data = cmi(page, fmt)
    right = len(drawn) - 2
    percent = round(100 * right / len(drawn))
    prefix = "cmi.interactions."
    interactions = sorted({k.split(".")[2] for k in data if k.startswith(prefix)}, key=int)
    ids = [data[f"{prefix}{n}.id"] for n in interactions]
    quiz = final_quiz(served.course)
    assert sorted(ids) == sorted(f"{quiz['id']}.{q[len(quiz['id']) + 1 :]}" for q in drawn)
    approaches = {q["id"]: q["approach"] for q in quiz["questions"]}
    objective = [data[f"{prefix}{n}.objectives.0.id"] for n in interactions]
    assert sorted(objective) == sorted(approaches[q] for q in drawn)
    results = [data[f"{prefix}{n}.result"] for n in interactions]
    resume = data["cmi.suspend_data"]
    record = {
        "format": fmt,
        "interactions": len(interactions),
        "resume characters": len(resume),
        "calls": page.evaluate("lmsCalls"),
    }
    if fmt == "scorm12":
        assert data["cmi.core.lesson_status"] == "passed"
        assert float(data["cmi.core.score.raw"]) == percent
        assert (data["cmi.core.score.min"], data["cmi.core.score.max"]) == ("0", "100")
        assert data["cmi.core.exit"] == "suspend"
        assert data["cmi.core.session_time"].count(":") == 2
        assert results.count("wrong") == 2
        assert results.count("correct") == right
        assert len(resume) <= 4096, "SCORM 1.2 keeps 4,096 characters of suspend_data"
        assert record["calls"] == ["LMSInitialize", "LMSFinish"]
        record.update(status=data["cmi.core.lesson_status"], raw=data["cmi.core.score.raw"])
    else:
        assert data["cmi.success_status"] == "passed"
        assert data["cmi.completion_status"] == "completed"
        assert float(data["cmi.score.scaled"]) == pytest.approx(percent / 100)
        assert float(data["cmi.score.raw"]) == percent
        assert data["cmi.exit"] == "suspend"
        assert data["cmi.session_time"].startswith("PT")
        assert results.count("incorrect") == 2
        descriptions = [data[f"{prefix}{n}.description"] for n in interactions]
        assert all(d and "<" not in d for d in descriptions)
        responses = [data[f"{prefix}{n}.learner_response"] for n in interactions]
        assert all(r in quiz["questions"][0]["options"] or r for r in responses)
        assert len(resume) <= 64000
        assert record["calls"] == ["Initialize", "Terminate"]
        record.update(status=data["cmi.success_status"], scaled=data["cmi.score.scaled"])
    print("LMS record read back:", json.dumps(record))

    # A relaunch in a fresh browser: only what the LMS kept, no local storage.
    kept = {k: v for k, v in data.items() if k.startswith(prefix) or k in KEPT[fmt]}
    kept["cmi.core.entry" if fmt == "scorm12" else "cmi.entry"] = "resume"
    context = new_context()
    again = context.new_page()
    again.add_init_script(f"window.lmsKept = {json.dumps(kept)};")
    again.goto(served.url + "test-lms.html")
    launch, course_frame = frames(again)
    progress = course_frame.evaluate("cqCourse.load()")
    history = progress["attempts"][quiz["id"]]["history"]
    assert [(h["right"], h["total"], h["passed"]) for h in history] == [(right, len(drawn), True)]
    assert set(drawn) <= set(progress["answers"])
    check = item(served.course, "levers-check")
    assert all(q["id"] in progress["answers"] for q in check["questions"])
    exit_course(launch)
    relaunched = cmi(again, fmt)
    assert relaunched[status] == "passed"
    assert {k.split(".")[2] for k in relaunched if k.startswith(prefix)} == set(interactions), (
        "the answers already in the LMS are not sent again"
    )
    context.close()


def test_resume_data_longer_than_the_format_keeps_is_refused_not_cut(
    served: Served, page: Page
) -> None:
    """An LMS would keep the first 4,096 (64,000) characters and lose the learner's place."""
    limit, version = (4096, "1.2") if served.format == "scorm12" else (64000, "2004")
    page.goto(served.url + "test-lms.html")
    launch, _course_frame = frames(page)
    before = page.evaluate("lmsApi.cmi.suspend_data")
    assert 0 < len(before) <= limit
    launch.evaluate(
        "n => { cqCodec.encode = () => Promise.resolve('x'.repeat(n)); cqLms.changed(); }",
        limit + 1,
    )
    launch.get_by_text(f"characters and SCORM {version} keeps {limit}").wait_for()
    assert page.evaluate("lmsApi.cmi.suspend_data") == before
    status = launch.locator(".cq-lms-status").inner_text()
    assert f"Your progress takes {limit + 1} characters" in status


def test_leaving_the_launch_page_ends_the_session_once_with_its_time(
    served: Served, page: Page
) -> None:
    """pagehide and unload both fire: the LMS hears LMSFinish (Terminate) once."""
    page.goto(served.url + "test-lms.html")
    launch, _course_frame = frames(page)
    launch.goto("about:blank")
    start, finish = (
        ("LMSInitialize", "LMSFinish")
        if served.format == "scorm12"
        else ("Initialize", "Terminate")
    )
    wait_for(page, f"() => lmsCalls.includes('{finish}')")
    assert page.evaluate("lmsCalls") == [start, finish]
    data = cmi(page, served.format)
    time = "cmi.core.session_time" if served.format == "scorm12" else "cmi.session_time"
    assert data[time]
    assert data["cmi.core.exit" if served.format == "scorm12" else "cmi.exit"] == "suspend"


def test_without_an_lms_the_course_runs_and_says_progress_is_local_only(
    served: Served, page: Page
) -> None:
    page.goto(served.url + "lms/launch.html")
    page.get_by_text("Your progress is local only").wait_for()
    course_frame = page.wait_for_selector("iframe.cq-lms-frame:not([hidden])").content_frame()
    assert course_frame is not None
    check = item(served.course, "levers-check")
    course_frame.goto(served.url + check["url"])
    answer(course_frame, check["questions"][0])
    progress = course_frame.evaluate("cqCourse.load()")
    assert check["questions"][0]["id"] in progress["answers"]


def test_the_site_search_works_inside_the_package(served: Served, page: Page) -> None:
    """The LMS serves the package over HTTP: Material's search worker loads its index."""
    page.goto(served.url + "test-lms.html")
    _launch, course_frame = frames(page)
    # Material reads the box on keyup (and its value once, when it mounts): type it, as a
    # person does; fill() alone raised no keyup and lost the query whenever the search had
    # mounted first (2 runs in 4 under load).
    course_frame.locator("input.md-search__input").press_sequentially("coaching")
    course_frame.locator(".md-search-result__item").first.wait_for()
    link = course_frame.locator(".md-search-result__item a").first.get_attribute("href")
    assert link is not None
    assert not link.startswith("/")
