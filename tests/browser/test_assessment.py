"""The graded assessment measures understanding, not guessing (issue: assessment validity).

Order carries no information (every learner has their own shuffle, kept across reloads,
imports and instant navigation), answering without reading never passes, results say only
what is true, and the certificate prints on one sheet. The shuffle and the draw are tested as
the site runs them: the functions of the built site's own scripts, in Chromium.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from bench.assessment import STRATEGIES, play_blind, positions, seeds
from builder.handouts import page_count

FINAL = "final-assessment/final-quiz/"
QUIZ = "three-levers/levers-check/"
LEARNERS = 15  # fresh learners per answering strategy and graded quiz
SEEDS = seeds(4000)  # fixed: the same in every run, so no flaky results
# Chi-squared critical values at p = 0.001, by degrees of freedom (positions - 1).
CHI2_999 = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52, 6: 22.46, 7: 24.32, 11: 31.26}


@pytest.fixture(scope="module")
def course(built_site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((built_site / "course.json").read_text(encoding="utf-8"))
    return data


def graded_items(course: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for m in course["modules"] for i in m["items"] if i.get("pass_mark")]


def by_id(course: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for m in course["modules"] for i in m["items"] for q in i["questions"]}


def chi2(counts: list[int]) -> float:
    expected = sum(counts) / len(counts)
    return sum((c - expected) ** 2 / expected for c in counts)


def drawn(page: Page) -> list[str]:
    """The ids of the questions this learner's attempt shows, in the order shown."""
    return page.eval_on_selector_all(
        ".cq-quiz[data-graded] fieldset[data-question]:not([hidden])",
        "els => els.map(e => e.getAttribute('data-question'))",
    )


def option_orders(page: Page) -> dict[str, list[str]]:
    return dict(
        page.eval_on_selector_all(
            "fieldset[data-question]:not([hidden])",
            """els => els.map(e => [e.getAttribute('data-question'),
                [...e.querySelectorAll('.cq-option input')].map(i => i.value)])""",
        )
    )


def stored(page: Page) -> dict[str, Any]:
    raw = page.evaluate(
        """() => localStorage.getItem(Object.keys(localStorage)
                .find(k => k.startsWith("cq-progress-v1:")))"""
    )
    data: dict[str, Any] = json.loads(raw)
    return data


def answer_all(page: Page, course: dict[str, Any], *, wrong: int = 0) -> list[str]:
    """Answer the drawn questions from the key, the first ``wrong`` of them wrongly."""
    questions = by_id(course)
    ids = drawn(page)
    for index, qid in enumerate(ids):
        question = questions[qid]
        box = page.locator(f'fieldset[data-question="{qid}"]')
        if index < wrong:
            picks = [next(o for o in question["options"] if o not in question["correct"])]
        else:
            picks = question["correct"]
        for option in picks:
            box.locator(f'input[value="{option}"]').check()
        box.get_by_role("button", name="Check").click()
    return ids


# --- order carries no information --------------------------------------------------------------

SHUFFLE_FOUR = """(seeds) => seeds.map(
    s => cqCourse.shuffled(["a", "b", "c", "d"], "quiz/q1", s).join(""))"""


@pytest.mark.browser
def test_the_shuffle_is_the_same_for_a_seed_and_differs_between_seeds(page: Page) -> None:
    page.goto(QUIZ)
    orders = page.evaluate(
        SHUFFLE_FOUR,
        SEEDS[:200],
    )
    again = page.evaluate(SHUFFLE_FOUR, SEEDS[:200])
    assert orders == again
    assert len(set(orders)) == 24, "every order of four options occurs"
    assert all(sorted(order) == list("abcd") for order in orders)


@pytest.mark.browser
@pytest.mark.parametrize("size", [2, 3, 4, 5, 6, 12])
def test_each_position_is_equally_likely_for_the_first_item(page: Page, size: int) -> None:
    page.goto(QUIZ)
    positions = page.evaluate(
        """([seeds, size]) => seeds.map(s => cqCourse.shuffled(
            [...Array(size).keys()], "final-quiz/some-question", s).indexOf(0))""",
        [SEEDS, size],
    )
    counts = [positions.count(p) for p in range(size)]
    assert chi2(counts) < CHI2_999[size - 1], counts


@pytest.mark.browser
def test_over_the_whole_course_the_right_answer_sits_anywhere(
    page: Page, course: dict[str, Any]
) -> None:
    """The real shuffle over every question's own options and id, for 1,000 learners."""
    page.goto(QUIZ)
    histograms = positions(page, course, 1000)
    assert histograms
    for size, counts in histograms.items():
        assert chi2(counts) < CHI2_999[int(size) - 1], (size, counts)


@pytest.mark.browser
def test_a_learner_keeps_their_order_and_draw_after_reload_navigation_and_import(
    new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    page = new_context().new_page()
    page.goto(FINAL)
    first_draw, first_orders = drawn(page), option_orders(page)
    assert first_draw

    page.reload()
    assert (drawn(page), option_orders(page)) == (first_draw, first_orders)

    # Material intercepts links once it has read sitemap.xml; before, a click loads the page.
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__sameDocument = true")
    page.locator(".md-nav__link", has_text="Glossary").first.click()
    expect(page).to_have_url(re.compile("glossary/$"))
    page.go_back()
    expect(page).to_have_url(re.compile(re.escape(FINAL) + "$"))
    assert page.evaluate("window.__sameDocument === true"), "navigation was not instant"
    expect(page.locator(".cq-counter")).to_be_visible()
    assert (drawn(page), option_orders(page)) == (first_draw, first_orders)

    page.goto("progress/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export progress to a file").click()
    download.value.save_as(tmp_path / "progress.json")
    other = new_context().new_page()
    other.goto("progress/")
    other.get_by_label("Import progress from a file").set_input_files(tmp_path / "progress.json")
    other.get_by_role("button", name="Add it to the progress in this browser").click()
    other.goto(FINAL)
    assert (drawn(other), option_orders(other)) == (first_draw, first_orders)


@pytest.mark.browser
def test_different_learners_see_different_orders(
    new_context: Callable[..., BrowserContext],
) -> None:
    seen = set()
    for _ in range(5):
        page = new_context().new_page()
        page.goto(FINAL)
        seen.add(json.dumps([drawn(page), option_orders(page)]))
        page.context.close()
    assert len(seen) == 5


@pytest.mark.browser
def test_drill_statements_are_not_in_blocks_by_answer(page: Page, course: dict[str, Any]) -> None:
    drill = next(i for m in course["modules"] for i in m["items"] if i["kind"] == "drill")
    answers = {q["id"]: q["approach"] for q in drill["questions"]}
    page.goto(drill["url"])
    order = page.eval_on_selector_all(
        ".cq-drill > fieldset", "els => els.map(e => e.getAttribute('data-question'))"
    )
    assert sorted(order) == sorted(answers)
    assert order != [q["id"] for q in drill["questions"]], "not in the written order"
    numbers = page.locator(".cq-drill > fieldset .cq-num").all_inner_texts()
    assert numbers == [f"{n}." for n in range(1, len(order) + 1)]


# --- the draw ----------------------------------------------------------------------------------


@pytest.mark.browser
def test_each_attempt_draws_evenly_per_approach_and_new_questions_while_the_bank_lasts(
    page: Page, course: dict[str, Any]
) -> None:
    approaches = course["approaches"]
    bank = [[f"bank/{a}-{n}", a] for a in approaches for n in range(12)]
    page.goto(FINAL)
    attempts = page.evaluate(
        """([bank, approaches]) => {
            const seen = {};
            const out = [];
            for (let n = 1; n <= 4; n++) {
                const drawn = cqAssessment.draw(
                    cqCourse, "bank", n, bank, approaches, {per: 4}, seen);
                drawn.forEach(q => { seen[q] = (seen[q] || 0) + 1; });
                out.push(drawn);
            }
            return out;
        }""",
        [bank, approaches],
    )
    approach_of = dict(map(tuple, bank))
    for drawn_ids in attempts:
        assert len(drawn_ids) == len(set(drawn_ids)) == 4 * len(approaches)
        assert Counter(approach_of[q] for q in drawn_ids) == dict.fromkeys(approaches, 4)
    first_three = [q for attempt in attempts[:3] for q in attempt]
    assert len(set(first_three)) == len(bank), "three attempts see the whole bank once"
    assert attempts[3] != attempts[0]


@pytest.mark.browser
def test_the_shipped_assessment_draws_what_it_declares(page: Page, course: dict[str, Any]) -> None:
    page.goto(FINAL)
    quiz = page.locator(".cq-quiz[data-graded]")
    per = quiz.get_attribute("data-per-approach")
    ids = drawn(page)
    questions = by_id(course)
    if per:
        counts = Counter(questions[q]["approach"] for q in ids)
        assert counts == dict.fromkeys(course["approaches"], int(per))
    expect(page.locator(".cq-counter")).to_have_text(f"Attempt 1: 0 of {len(ids)} answered.")


@pytest.mark.browser
def test_starting_again_draws_the_next_attempt_and_says_which_it_is(
    page: Page, course: dict[str, Any]
) -> None:
    page.goto(FINAL)
    first = answer_all(page, course, wrong=len(drawn(page)))
    result = page.locator(".cq-score")
    expect(result.locator(".cq-score-text")).to_contain_text("Attempt 1:")
    result.get_by_role("button", name="Start the assessment again").click()
    expect(page.locator(".cq-counter")).to_contain_text("Attempt 2: 0 of")
    second = drawn(page)
    bank = page.locator(".cq-quiz[data-graded] fieldset[data-question]").count()
    if bank >= 2 * len(first):
        assert not set(first) & set(second), "the bank allows a fresh set"
    expect(page.locator(f'fieldset[data-question="{second[0]}"] input').first).to_be_focused()


# --- answering without reading never passes -------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_answering_without_reading_never_passes_and_averages_at_most_half(
    page: Page, course: dict[str, Any], strategy: str
) -> None:
    for item in graded_items(course):
        page.goto(item["url"])
        percents = []
        for _ in range(LEARNERS):
            page.evaluate("localStorage.clear()")
            page.reload()
            expect(page.locator(".cq-counter")).to_be_visible()
            result = play_blind(page, STRATEGIES[strategy])
            assert not result["passed"], f"{strategy} passed {item['id']}: {result}"
            percents.append(result["percent"])
        mean = sum(percents) / len(percents)
        assert mean <= 50, f"{strategy} averages {mean:.0f}% on {item['id']}"


# --- results say only what is true ---------------------------------------------------------------


@pytest.mark.browser
def test_a_graded_question_shows_nothing_of_its_answer_before_it_is_answered(
    page: Page, course: dict[str, Any]
) -> None:
    page.goto(FINAL)
    expect(page.locator(".cq-quiz details")).to_have_count(0)
    expect(page.get_by_text("Show the answer")).to_have_count(0)
    ids = drawn(page)
    first = by_id(course)[ids[0]]
    box = page.locator(f'fieldset[data-question="{ids[0]}"]')
    expect(box.locator(".cq-feedback")).to_have_count(0)  # only inside the inert <template>
    wrong = next(o for o in first["options"] if o not in first["correct"])
    box.locator(f'input[value="{wrong}"]').check()
    box.get_by_role("button", name="Check").click()
    status = box.get_by_role("status")
    expect(status.locator(".cq-verdict-line")).to_have_text("Not quite.")
    expect(status.locator("li", has_text="You missed:")).to_have_count(1)
    expect(box.get_by_role("button", name="Try again")).to_have_count(0)


def test_graded_answers_are_kept_out_of_the_site_search(built_site: Path) -> None:
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    indexed = " ".join(d["text"] for d in docs["docs"] if d["location"].startswith(FINAL))
    assert "questions" in indexed, "the graded page itself is in the search"
    page = (built_site / FINAL / "index.html").read_text(encoding="utf-8")
    keys = re.findall(r'<template class="cq-key"[^>]*>(.*?)</template>', page, re.S)
    assert keys, "the graded page keeps its answers in templates"
    feedback = [
        html.unescape(re.sub(r"<[^>]+>", "", why)).strip()[:60]
        for key in keys
        for why in re.findall(r'<span class="cq-why">(.*?)</span>\s*</li>', key, re.S)
    ]
    assert len(feedback) >= len(keys)
    assert [text for text in feedback if html.unescape(text) in html.unescape(indexed)] == []
    assert "Right answer." not in indexed


@pytest.mark.browser
def test_the_counter_is_always_there_and_open_questions_are_listed_with_links(
    page: Page, course: dict[str, Any]
) -> None:
    page.goto(FINAL)
    ids = drawn(page)
    counter = page.locator(".cq-counter")
    expect(counter).to_have_text(f"Attempt 1: 0 of {len(ids)} answered.")
    questions = by_id(course)
    skipped = 2  # the third question is left open
    for index, qid in enumerate(ids):
        if index == skipped:
            continue
        box = page.locator(f'fieldset[data-question="{qid}"]')
        for option in questions[qid]["correct"]:
            box.locator(f'input[value="{option}"]').check()
        box.get_by_role("button", name="Check").click()
    expect(counter).to_have_text(f"Attempt 1: {len(ids) - 1} of {len(ids)} answered.")
    expect(page.locator(".cq-score")).to_be_hidden()
    still_open = page.locator(".cq-open")
    expect(still_open).to_be_visible()
    link = still_open.get_by_role("link", name=f"Question {skipped + 1}")
    expect(link).to_have_count(1)
    link.click()
    expect(page).to_have_url(re.compile(f"#final-quiz--{ids[skipped].split('/')[1]}$"))


@pytest.mark.browser
def test_wrong_answers_never_leave_a_profile_that_says_no_mistake(
    page: Page, course: dict[str, Any]
) -> None:
    page.goto(FINAL)
    answer_all(page, course, wrong=1)
    result = page.locator(".cq-score")
    expect(result).to_be_visible()
    expect(result.locator(".cq-no-confusions")).to_be_hidden()
    listed = (
        result.locator(".cq-confusions li").count()
        + result.locator(".cq-other-misses:visible").count()
    )
    assert listed >= 1


@pytest.mark.browser
def test_failing_shows_the_confusion_profile_with_modules_to_revisit(
    page: Page, course: dict[str, Any]
) -> None:
    page.goto(FINAL)
    ids = answer_all(page, course, wrong=len(drawn(page)) // 2)
    result = page.locator(".cq-score")
    expect(result.locator(".cq-score-text")).to_contain_text("The pass mark is")
    expect(page.locator(".cq-certificate")).to_be_hidden()
    profile = result.locator(".cq-confusions li")
    expect(profile.first).to_contain_text(
        re.compile(r"You labelled \w[\w ]* as \w[\w ]* \d+ times?\.")
    )
    expect(profile.first.get_by_role("link", name=re.compile("^Revisit"))).to_be_visible()
    assert len(ids) > 0


# --- the certificate ---------------------------------------------------------------------------


def pass_it(page: Page, course: dict[str, Any]) -> Locator:
    page.goto(FINAL)
    answer_all(page, course)
    certificate = page.locator(".cq-certificate")
    expect(certificate).to_be_visible()
    return certificate


@pytest.mark.browser
def test_the_certificate_states_what_was_achieved_and_asks_for_a_name_first(
    page: Page, course: dict[str, Any], run_axe: Callable[[Page], list[dict[str, Any]]]
) -> None:
    certificate = pass_it(page, course)
    expect(page.locator(".cq-score-text")).to_contain_text("You passed.")
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    certificate.get_by_role("button", name="Print the certificate").click()
    expect(certificate.get_by_role("status")).to_have_text(
        "Type your name first: it is printed on the certificate."
    )
    expect(certificate.get_by_label(re.compile("Your name"))).to_be_focused()
    assert page.evaluate("window.__printed === undefined"), "nothing printed without a name"

    certificate.get_by_label(re.compile("Your name")).fill("Ada Moreno")
    card = certificate.locator(".cq-certificate-card")
    expect(card.locator(".cq-certificate-name")).to_have_text("Ada Moreno")
    expect(card.locator(".cq-certificate-course")).to_have_text(course["title"])
    expect(card.locator(".cq-certificate-score")).to_have_text(
        re.compile(r"^with 100% \(\d+ of \d+ questions right, pass mark \d+%\) on .+, attempt 1\.$")
    )
    expect(card.locator(".cq-certificate-modules")).to_have_text(
        re.compile(rf"^Modules completed: 1 of {len(course['modules'])} \(")
    )
    assert "completed the course" not in card.inner_text()
    assert run_axe(page) == []


@pytest.mark.browser
def test_the_printed_certificate_is_one_page(
    page: Page, course: dict[str, Any], tmp_path: Path
) -> None:
    certificate = pass_it(page, course)
    certificate.get_by_label(re.compile("Your name")).fill("Ada Moreno")
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    for paper in ("A4", "Letter"):
        certificate.get_by_role("button", name="Print the certificate").click()
        assert page.evaluate("window.__printed === true")
        expect(page.locator(".cq-print-sheet")).to_have_count(1)
        pdf = page.pdf(format=paper, print_background=True)
        (tmp_path / f"certificate-{paper}.pdf").write_bytes(pdf)
        assert page_count(pdf) == 1, paper
        # Printing fires "afterprint": the page is as it was.
        expect(page.locator(".cq-print-sheet")).to_have_count(0)


@pytest.mark.browser
def test_the_graded_page_has_no_axe_violations_while_in_progress(
    page: Page, course: dict[str, Any], run_axe: Callable[[Page], list[dict[str, Any]]]
) -> None:
    page.goto(FINAL)
    ids = drawn(page)
    questions = by_id(course)
    for qid in ids[:3]:
        box = page.locator(f'fieldset[data-question="{qid}"]')
        box.locator(f'input[value="{questions[qid]["options"][0]}"]').check()
        box.get_by_role("button", name="Check").click()
    assert run_axe(page) == []
