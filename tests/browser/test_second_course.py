"""A second course, with categories of its own, played in Chromium (issue 17).

``tests/courses/feedback``: "Feedback, criticism or praise?", three categories, built from the
package's templates with none of its own. Whatever here still spoke of the shipped course's six
approaches would show: the drill, the case, the graded final and its confusion profile, the
results a learner saves and the trainer's dashboard that imports them, and axe on every page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.conftest import SecondCourse

pytestmark = pytest.mark.browser

NAMES = {"feedback": "Feedback", "criticism": "Criticism", "praise": "Praise"}
QUIZ = "three-kinds/first-check/"
DRILL = "three-kinds/sort-the-comments/"
CASE = "three-kinds/after-the-pitch/"
FINAL = "final-check/final-quiz/"


@pytest.fixture(scope="module")
def course(second_course: SecondCourse) -> dict[str, Any]:
    text = (second_course.site / "course.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@pytest.fixture
def at(second_course: SecondCourse) -> Callable[[str], str]:
    return lambda path: second_course.url + path


def questions(course: dict[str, Any], url: str) -> dict[str, dict[str, Any]]:
    item = next(i for m in course["modules"] for i in m["items"] if i["url"] == url)
    return {q["id"]: q for q in item["questions"]}


def answer(page: Page, question: dict[str, Any], *, right: bool) -> None:
    box = page.locator(f'fieldset[data-question="{question["id"]}"]')
    picks = (
        question["correct"]
        if right
        else [next(o for o in question["options"] if o not in question["correct"])]
    )
    for option in picks:
        box.locator(f'input[value="{option}"]').check()
    box.get_by_role("button", name="Check").click()


def test_course_json_lists_the_courses_own_categories_in_its_order(
    course: dict[str, Any],
) -> None:
    assert course["approaches"] == list(NAMES)


def test_every_page_of_the_second_course_has_no_axe_violations(
    page: Page,
    course: dict[str, Any],
    at: Callable[[str], str],
    run_axe: Callable[[Page], list[dict[str, Any]]],
) -> None:
    urls = ["", "glossary/", "progress/", "trainer/dashboard/"]
    urls += [m["url"] for m in course["modules"]]
    urls += [i["url"] for m in course["modules"] for i in m["items"]]
    failures = []
    for url in urls:
        response = page.goto(at(url))
        assert response is not None
        assert response.status == 200, url
        for violation in run_axe(page):
            targets = [" ".join(map(str, n["target"])) for n in violation["nodes"]]
            failures.append(f"/{url}: {violation['id']} at {', '.join(targets)}")
    assert not failures, "\n".join(failures)


def test_the_home_page_and_glossary_count_and_name_its_three_categories(
    page: Page, at: Callable[[str], str]
) -> None:
    page.goto(at(""))
    expect(page.get_by_text("The three approaches the course tells apart")).to_be_visible()
    page.goto(at("glossary/"))
    headings = page.locator("article h2").all_inner_texts()
    assert headings == list(NAMES.values())


def test_a_quiz_gives_the_feedback_of_the_chosen_option(
    page: Page, course: dict[str, Any], at: Callable[[str], str]
) -> None:
    page.goto(at(QUIZ))
    question = questions(course, QUIZ)["first-check/demo-overran"]
    answer(page, question, right=False)
    status = page.locator('fieldset[data-question="first-check/demo-overran"]').get_by_role(
        "status"
    )
    expect(status).to_contain_text("It passes no judgement")


def test_a_drill_offers_the_courses_categories_by_name_and_explains_a_miss(
    page: Page, course: dict[str, Any], at: Callable[[str], str]
) -> None:
    page.goto(at(DRILL))
    statement = questions(course, DRILL)["sort-the-comments/sloppy-report"]
    box = page.locator(f'fieldset[data-question="{statement["id"]}"]')
    labels = box.locator(".cq-option").all_inner_texts()
    assert [label.strip() for label in labels] == list(NAMES.values())
    box.locator('input[value="praise"]').check()
    box.get_by_role("button", name="Check").click()
    expect(box.get_by_role("status").locator(".cq-verdict-line")).to_have_text(
        "Not quite: this is criticism, not praise."
    )


def test_the_case_plays_to_an_ending_by_its_taught_choices(
    page: Page, course: dict[str, Any], at: Callable[[str], str]
) -> None:
    page.goto(at(CASE))
    decisions = questions(course, CASE)
    for made in range(len(decisions)):
        current = page.locator(".cq-step:not([hidden])").last
        step = current.get_attribute("data-step")
        best = decisions[f"after-the-pitch/{step}"]["correct"][0]
        current.locator(f'input[value="{best}"]').check()
        current.get_by_role("button", name="Decide").click()
        expect(current.get_by_role("status")).not_to_have_text("")
        current.get_by_role("button", name="Continue the story").click()
        expect(page.locator(".cq-step:not([hidden])")).to_have_count(made + 2)
    ending = page.locator(".cq-step:not([hidden])").last
    expect(ending.locator(".cq-ending")).to_have_count(1)
    expect(ending).to_contain_text("Feedback after a success is as useful")


def drawn(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        ".cq-quiz[data-graded] fieldset[data-question]:not([hidden])",
        "els => els.map(e => e.getAttribute('data-question'))",
    )


def test_the_final_draws_two_of_each_category_and_profiles_confusions_in_its_names(
    page: Page, course: dict[str, Any], at: Callable[[str], str], tmp_path: Path
) -> None:
    page.goto(at(FINAL))
    bank = questions(course, FINAL)
    ids = drawn(page)
    assert sorted(bank[q]["approach"] for q in ids) == sorted(list(NAMES) * 2)
    wrong = ids[: len(ids) // 2]
    for qid in ids:
        answer(page, bank[qid], right=qid not in wrong)
    result = page.locator(".cq-score")
    expect(result.locator(".cq-score-text")).to_contain_text("The pass mark is 80%")
    profile = result.locator(".cq-confusions li")
    expect(profile.first).to_contain_text(
        re.compile(r"You labelled (feedback|criticism|praise) as (feedback|criticism|praise) ")
    )
    expect(profile.first.get_by_role("link", name=re.compile("^Revisit"))).to_have_attribute(
        "href", re.compile("three-kinds/")
    )

    # The learner saves results; the trainer's dashboard imports them into its own matrix.
    page.goto(at("progress/"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Save results for your trainer").click()
    saved = tmp_path / "results.json"
    download.value.save_as(saved)
    answers = json.loads(saved.read_text(encoding="utf-8"))["answers"]
    page.goto(at("trainer/dashboard/"))
    header = page.locator("table.cq-matrix thead th, table:has(td[data-cell]) thead th")
    assert [h.strip() for h in header.all_inner_texts()][1:] == list(NAMES.values())
    page.get_by_label("Choose result files").set_input_files(saved)
    expect(page.locator(".cq-count")).to_have_text("1 result imported.")
    for qid in ids:
        chosen = answers[qid]["approach"]
        cell = page.locator(f'td[data-cell="{bank[qid]["approach"]}:{chosen}"]')
        expect(cell).not_to_have_text("0")
