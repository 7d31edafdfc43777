"""A new manager working through the course alone, in Chromium: the learner's journey."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

pytestmark = pytest.mark.browser

QUIZ = "three-levers/levers-check/"
DRILL = "three-levers/levers-drill/"
CASE = "canadian-country-manager/country-manager-canada/"
FINAL = "final-assessment/final-quiz/"
KEY_PATTERN = "cq-progress-v1:"


@pytest.fixture(scope="module")
def course(built_site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((built_site / "course.json").read_text(encoding="utf-8"))
    return data


def questions_of(course: dict[str, Any], url: str) -> list[dict[str, Any]]:
    for module in course["modules"]:
        for item in module["items"]:
            if item["url"] == url:
                questions: list[dict[str, Any]] = item["questions"]
                return questions
    raise AssertionError(f"{url} is not in course.json")


def fieldset(page: Page, question_id: str) -> Locator:
    return page.locator(f'fieldset[data-question="{question_id}"]')


def answer(page: Page, question: dict[str, Any], *, right: bool) -> None:
    """Choose the right (or a wrong) option of a quiz question and press Check."""
    box = fieldset(page, question["id"])
    options = (
        question["correct"]
        if right
        else [next(o for o in question["options"] if o not in question["correct"])]
    )
    for option in options:
        box.locator(f'input[value="{option}"]').check()
    box.get_by_role("button", name="Check").click()


def stored(page: Page) -> dict[str, Any]:
    raw = page.evaluate(
        f"""() => {{
            const key = Object.keys(localStorage).find(k => k.startsWith("{KEY_PATTERN}"));
            return key ? localStorage.getItem(key) : null;
        }}"""
    )
    assert raw, "no progress was stored"
    data: dict[str, Any] = json.loads(raw)
    return data


def test_a_right_answer_and_a_wrong_answer_each_get_their_feedback(
    page: Page, course: dict[str, Any]
) -> None:
    first, second = questions_of(course, QUIZ)[:2]
    page.goto(QUIZ)
    answer(page, first, right=True)
    status = fieldset(page, first["id"]).get_by_role("status")
    expect(status).to_contain_text(re.compile(r"^Right\. This is", re.I))

    answer(page, second, right=False)
    status = fieldset(page, second["id"]).get_by_role("status")
    expect(status).to_contain_text(re.compile(r"^Not quite\. This is", re.I))
    expect(fieldset(page, second["id"]).locator(".cq-option.cq-wrong")).to_have_count(1)

    fieldset(page, second["id"]).get_by_role("button", name="Try again").click()
    expect(status).to_have_text("")
    answer(page, second, right=True)
    expect(status).to_contain_text("Right.")


def test_checking_without_choosing_asks_for_an_answer(page: Page, course: dict[str, Any]) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto(QUIZ)
    fieldset(page, first["id"]).get_by_role("button", name="Check").click()
    expect(fieldset(page, first["id"]).get_by_role("status")).to_have_text(
        "Choose an answer first."
    )


def test_a_drill_statement_is_classified_with_the_rationale_shown(
    page: Page, course: dict[str, Any]
) -> None:
    statement = questions_of(course, DRILL)[0]
    page.goto(DRILL)
    box = fieldset(page, statement["id"])
    box.locator(f'input[value="{statement["approach"]}"]').check()
    box.get_by_role("button", name="Check").click()
    expect(box.get_by_role("status")).to_contain_text("Right.")
    assert len(box.get_by_role("status").inner_text()) > 40, "the rationale is shown"


def play_case(page: Page, course: dict[str, Any], *, use_keyboard: bool = False) -> int:
    """Take the taught choice at every decision until an ending; returns the decisions made."""
    decisions = {q["id"].split("/")[1]: q for q in questions_of(course, CASE)}
    for made in range(len(decisions) + 1):
        visible = page.locator(".cq-step:not([hidden])")
        current = visible.last
        if current.locator(".cq-ending").count():
            return made
        step_id = current.get_attribute("data-step")
        assert step_id in decisions, f"step {step_id} has no decision in course.json"
        best = decisions[step_id]["correct"][0]
        radio = current.locator(f'input[value="{best}"]')
        if use_keyboard:
            radio.focus()
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
            expect(current.get_by_role("button", name="Decide")).to_be_focused()
            page.keyboard.press("Enter")
            expect(current.get_by_role("button", name="Continue the story")).to_be_focused()
            page.keyboard.press("Enter")
        else:
            radio.check()
            current.get_by_role("button", name="Decide").click()
            expect(current.get_by_role("status")).not_to_have_text("")
            current.get_by_role("button", name="Continue the story").click()
        expect(page.locator(".cq-step:not([hidden])")).to_have_count(made + 2)
    raise AssertionError("the case never reached an ending")


def test_a_branching_case_can_be_played_to_an_ending_and_back(
    page: Page, course: dict[str, Any]
) -> None:
    page.goto(CASE)
    expect(page.locator(".cq-step:not([hidden])")).to_have_count(1)
    made = play_case(page, course)
    assert made >= 2
    ending = page.locator(".cq-step:not([hidden])").last
    expect(ending.locator(".cq-ending")).to_contain_text("Debrief")
    assert stored(page)["visited"][CASE.split("/")[1]] == "done"

    # Going back: the last decision is undone and can be changed.
    page.locator(".cq-step:not([hidden])").nth(made - 1).get_by_role(
        "button", name="Go back and choose again"
    ).click()
    expect(page.locator(".cq-step:not([hidden])")).to_have_count(made)


def test_the_case_can_be_played_with_the_keyboard_only(page: Page, course: dict[str, Any]) -> None:
    page.goto(CASE)
    made = play_case(page, course, use_keyboard=True)
    assert made >= 2
    heading = page.locator(".cq-step:not([hidden])").last.locator("h2")
    expect(heading).to_be_focused()


def test_a_quiz_can_be_answered_with_the_keyboard_only(page: Page, course: dict[str, Any]) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto(QUIZ)
    box = fieldset(page, first["id"])
    box.locator("input").first.focus()
    index = first["options"].index(first["correct"][0])
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(box.get_by_role("button", name="Check")).to_be_focused()
    page.keyboard.press("Enter")
    expect(box.get_by_role("status")).to_contain_text("Right.")


def test_progress_survives_a_new_page_and_is_shown_on_the_progress_page(
    context: BrowserContext, course: dict[str, Any]
) -> None:
    first = questions_of(course, QUIZ)[0]
    page = context.new_page()
    page.goto(QUIZ)
    answer(page, first, right=True)
    page.close()

    again = context.new_page()
    again.goto(QUIZ)
    box = fieldset(again, first["id"])
    expect(box.get_by_role("status")).to_contain_text("Right.")
    expect(box.locator(f'input[value="{first["correct"][0]}"]')).to_be_checked()
    expect(box.locator("input").first).to_be_disabled()

    again.goto("progress/")
    expect(again.locator(".cq-progress tbody tr")).to_have_count(len(course["modules"]))
    expect(again.locator(".cq-total")).to_contain_text("1 of 1")
    resume = again.get_by_role("link", name="Continue where you left off")
    expect(resume).to_be_visible()
    resume.click()
    expect(again).to_have_url(re.compile(re.escape(QUIZ) + "$"))


def test_quizzes_work_after_instant_navigation(page: Page, course: dict[str, Any]) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto("")
    page.evaluate("window.__sameDocument = true")
    content = page.locator(".md-content")
    content.get_by_role("link", name=course["modules"][0]["title"]).click()
    content.get_by_role("link", name="Check your understanding of the three levers").click()
    expect(page).to_have_url(re.compile(re.escape(QUIZ) + "$"))
    assert page.evaluate("window.__sameDocument === true"), "navigation was not instant"
    answer(page, first, right=True)
    expect(fieldset(page, first["id"]).get_by_role("status")).to_contain_text("Right.")
    # Back and forth again: the page initialises once per view, never twice.
    page.go_back()
    page.go_forward()
    expect(fieldset(page, first["id"]).locator(".cq-actions")).to_have_count(1)
    expect(fieldset(page, first["id"]).get_by_role("status")).to_contain_text("Right.")


def test_progress_can_be_exported_and_imported_on_another_device(
    new_context: Callable[..., BrowserContext], course: dict[str, Any], tmp_path: Path
) -> None:
    first = questions_of(course, QUIZ)[0]
    laptop = new_context().new_page()
    laptop.goto(QUIZ)
    answer(laptop, first, right=True)
    laptop.goto("progress/")
    with laptop.expect_download() as download:
        laptop.get_by_role("button", name="Export progress to a file").click()
    exported = tmp_path / "progress.json"
    download.value.save_as(exported)
    assert first["id"] in json.loads(exported.read_text(encoding="utf-8"))["answers"]

    phone = new_context().new_page()
    phone.goto("progress/")
    expect(phone.locator(".cq-total")).to_have_text("No answers yet.")
    phone.get_by_label("Import progress from a file").set_input_files(exported)
    expect(phone.locator(".cq-progress > .cq-status")).to_have_text("Progress imported.")
    expect(phone.locator(".cq-total")).to_contain_text("1 of 1")
    phone.goto(QUIZ)
    expect(fieldset(phone, first["id"]).get_by_role("status")).to_contain_text("Right.")


def test_a_foreign_file_is_refused_on_import_and_changes_nothing(
    page: Page, tmp_path: Path
) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"version": 99, "answers": "all of them"}', encoding="utf-8")
    page.goto("progress/")
    page.get_by_label("Import progress from a file").set_input_files(bogus)
    expect(page.locator(".cq-progress > .cq-status")).to_contain_text("not a progress export")


def test_corrupt_stored_progress_never_breaks_a_page(page: Page, course: dict[str, Any]) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto("")
    page.evaluate(
        """() => {
            const key = "cq-progress-v1:" + new URL(".", location).pathname;
            localStorage.setItem(key, "{not json");
            localStorage.setItem("cq-progress-v1:/", JSON.stringify({version: 1, answers: 7}));
        }"""
    )
    page.goto(QUIZ)
    answer(page, first, right=True)
    expect(fieldset(page, first["id"]).get_by_role("status")).to_contain_text("Right.")
    page.goto("progress/")
    expect(page.locator(".cq-total")).to_contain_text("1 of 1")


def test_results_for_the_trainer_hold_answers_but_not_notes(
    page: Page, course: dict[str, Any], tmp_path: Path
) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto(QUIZ)
    answer(page, first, right=False)
    page.goto("progress/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Save results for your trainer").click()
    saved = tmp_path / "results.json"
    download.value.save_as(saved)
    results = json.loads(saved.read_text(encoding="utf-8"))
    assert results["format"] == "cq-results"
    assert results["course"] == course["id"]
    assert results["answers"][first["id"]]["correct"] is False
    assert "notes" not in results
    code = page.get_by_label(re.compile("Or copy this code")).input_value()
    assert code.startswith("CQ1.")


def take_assessment(page: Page, questions: list[dict[str, Any]], wrong: int) -> None:
    for index, question in enumerate(questions):
        answer(page, question, right=index >= wrong)


def test_passing_the_final_assessment_unlocks_the_certificate(
    page: Page, course: dict[str, Any], run_axe: Callable[[Page], list[dict[str, Any]]]
) -> None:
    questions = questions_of(course, FINAL)
    page.goto(FINAL)
    expect(page.locator(".cq-pass-mark")).to_contain_text("To pass")
    take_assessment(page, questions, wrong=1)
    result = page.locator(".cq-score")
    expect(result).to_be_visible()
    expect(result.locator(".cq-score-text")).to_contain_text("You passed.")
    certificate = page.locator(".cq-certificate")
    expect(certificate).to_be_visible()
    certificate.get_by_label(re.compile("Your name")).fill("Ada Moreno")
    expect(certificate.locator(".cq-certificate-name")).to_have_text("Ada Moreno")
    expect(certificate.locator(".cq-certificate-course")).to_have_text(course["title"])
    expect(certificate.locator(".cq-certificate-date")).not_to_have_text("")
    assert run_axe(page) == []


def test_failing_the_assessment_shows_the_confusion_profile_with_modules_to_revisit(
    page: Page, course: dict[str, Any]
) -> None:
    questions = questions_of(course, FINAL)
    confusable = [q for q in questions if q["approach"] and len(q["options"]) > len(q["correct"])]
    assert len(confusable) >= 10
    page.goto(FINAL)
    take_assessment(page, questions, wrong=len(questions) // 2)
    result = page.locator(".cq-score")
    expect(result.locator(".cq-score-text")).to_contain_text("The pass mark is")
    expect(page.locator(".cq-certificate")).to_be_hidden()
    profile = result.locator(".cq-confusions li")
    expect(profile.first).to_contain_text(
        re.compile(r"You labelled \w[\w ]* as \w[\w ]* \d+ times?\.")
    )
    expect(profile.first.get_by_role("link", name=re.compile("^Revisit"))).to_be_visible()
    # Start again clears the answers of this assessment only.
    result.get_by_role("button", name="Start the assessment again").click()
    expect(result).to_be_hidden()
    expect(fieldset(page, questions[0]["id"]).get_by_role("button", name="Check")).to_be_visible()


def test_without_javascript_questions_are_readable_and_answers_reachable(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(QUIZ)
    first = page.locator("fieldset.cq-question").first
    expect(first.locator("legend")).not_to_be_empty()
    expect(first.get_by_role("button", name="Check")).to_be_hidden()
    first.locator("details summary").click()
    expect(first.locator("details .cq-feedback")).to_be_visible()
    page.goto(CASE)
    expect(page.locator(".cq-step")).to_have_count(page.locator(".cq-step:visible").count())
