"""A new manager working through the course alone, in Chromium: the learner's journey."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from builder.handouts import page_count
from builder.results import checksum

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
    first, second = [q for q in questions_of(course, QUIZ) if q["type"] == "single"][:2]
    page.goto(QUIZ)
    answer(page, first, right=True)
    status = fieldset(page, first["id"]).get_by_role("status")
    expect(status.locator(".cq-verdict-line")).to_have_text("Right.")
    expect(status).to_contain_text(re.compile(r"You chose, rightly: .+ This is", re.I))

    answer(page, second, right=False)
    box = fieldset(page, second["id"])
    status = box.get_by_role("status")
    expect(status.locator(".cq-verdict-line")).to_have_text("Not quite.")
    # Practice keeps the right answer back: only the chosen option is explained and marked.
    expect(status.locator("li")).to_have_count(1)
    expect(status.locator("li")).to_contain_text("You chose:")
    expect(box.locator(".cq-option.cq-wrong")).to_have_count(1)
    expect(box.locator(".cq-option.cq-right, .cq-option.cq-missed")).to_have_count(0)

    box.get_by_role("button", name="Try again").click()
    expect(status).to_have_text("")
    answer(page, second, right=True)
    expect(status).to_contain_text("Right.")


def test_a_partial_answer_to_a_multiple_choice_question_names_what_was_missed(
    page: Page, course: dict[str, Any]
) -> None:
    question = next(q for q in questions_of(course, QUIZ) if len(q["correct"]) > 1)
    page.goto(QUIZ)
    box = fieldset(page, question["id"])
    box.locator(f'input[value="{question["correct"][0]}"]').check()
    box.get_by_role("button", name="Check").click()
    status = box.get_by_role("status")
    missed = len(question["correct"]) - 1
    expect(status.locator(".cq-verdict-line")).to_have_text(
        f"Partly right: you missed {missed} right option{'s' if missed > 1 else ''}."
    )
    expect(status.locator("li", has_text="You missed:")).to_have_count(missed)
    expect(box.locator(".cq-option.cq-missed")).to_have_count(missed)
    text = status.inner_text()
    assert ".:" not in text, "no run-on punctuation between an option and its explanation"


def test_after_check_the_focus_goes_to_try_again_not_to_the_page(
    page: Page, course: dict[str, Any]
) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto(QUIZ)
    answer(page, first, right=False)
    expect(fieldset(page, first["id"]).get_by_role("button", name="Try again")).to_be_focused()


def test_checking_without_choosing_asks_for_an_answer(page: Page, course: dict[str, Any]) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto(QUIZ)
    fieldset(page, first["id"]).get_by_role("button", name="Check").click()
    expect(fieldset(page, first["id"]).get_by_role("status")).to_have_text(
        "Choose an answer first."
    )


def test_a_drill_statement_is_classified_with_the_rationale_shown_once(
    page: Page, course: dict[str, Any]
) -> None:
    statement = questions_of(course, DRILL)[0]
    page.goto(DRILL)
    box = fieldset(page, statement["id"])
    name = box.locator(f'input[value="{statement["approach"]}"]').locator("..").inner_text()
    box.locator(f'input[value="{statement["approach"]}"]').check()
    box.get_by_role("button", name="Check").click()
    status = box.get_by_role("status")
    expect(status.locator(".cq-verdict-line")).to_have_text(f"Right: this is {name.lower()}.")
    # The rationale as the page writes it (under "Show the answer", after the approach's name).
    rationale = box.locator(".cq-rationale > :not(:first-child)").all_text_contents()
    shown = " ".join(status.inner_text().split())
    assert rationale, "the statement has a rationale"
    for paragraph in rationale:
        assert shown.count(" ".join(paragraph.split())) == 1, "the rationale is shown once"

    box.get_by_role("button", name="Try again").click()
    wrong = box.locator(f'input:not([value="{statement["approach"]}"])').first
    wrong_name = wrong.locator("..").inner_text().lower()
    wrong.check()
    box.get_by_role("button", name="Check").click()
    expect(status.locator(".cq-verdict-line")).to_have_text(
        f"Not quite: this is {name.lower()}, not {wrong_name}."
    )
    page.reload()  # restored from progress, explained the same way
    expect(status.locator(".cq-verdict-line")).to_have_text(
        f"Not quite: this is {name.lower()}, not {wrong_name}."
    )


def test_a_drill_offers_only_the_approaches_it_practises(
    page: Page, course: dict[str, Any]
) -> None:
    used = {s["approach"] for s in questions_of(course, DRILL)}
    page.goto(DRILL)
    offered = page.locator("fieldset.cq-question").first.locator("input")
    assert {offered.nth(i).get_attribute("value") for i in range(offered.count())} == used


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
    # Before deciding, nothing on the page gives the consequences away.
    expect(page.locator(".cq-step:not([hidden]) details.cq-answer")).to_be_hidden()
    made = play_case(page, course)
    assert made >= 2
    ending = page.locator(".cq-step:not([hidden])").last
    expect(ending.locator(".cq-ending")).to_contain_text("Debrief")
    path = ending.locator(".cq-path")
    expect(path.locator(".cq-path-text")).to_have_text(
        f"You made {made} of {made} decisions the way this case teaches."
    )
    expect(path.locator("li")).to_have_count(made)
    expect(path.locator(".cq-endings-found")).to_contain_text("Endings you have found: 1 of ")
    assert stored(page)["visited"][CASE.split("/")[1]] == "done"
    # The page shows the steps in the order this learner took them.
    taken = [entry[0] for entry in stored(page)["cases"][CASE.split("/")[1]]]
    shown = page.eval_on_selector_all(
        ".cq-step:not([hidden])", "els => els.map(e => e.dataset.step)"
    )
    assert shown[:-1] == taken

    # Going back: the last decision is undone and can be changed.
    page.locator(".cq-step:not([hidden])").nth(made - 1).get_by_role(
        "button", name="Go back and choose again"
    ).click()
    expect(page.locator(".cq-step:not([hidden])")).to_have_count(made)


def test_a_decision_box_is_named_by_its_own_question(page: Page) -> None:
    page.goto(CASE)
    legends = page.locator("fieldset.cq-decision legend").all_inner_texts()
    assert legends
    assert "What does the manager do next?" not in legends


def test_the_case_can_be_played_with_the_keyboard_only(page: Page, course: dict[str, Any]) -> None:
    page.goto(CASE)
    made = play_case(page, course, use_keyboard=True)
    assert made >= 2
    heading = page.locator(".cq-step:not([hidden])").last.locator("h2")
    expect(heading).to_be_focused()


def test_continue_the_story_can_be_reached_again_with_the_keyboard(page: Page) -> None:
    page.goto(CASE)
    step = page.locator(".cq-step:not([hidden])").last
    step.locator("input").first.focus()
    page.keyboard.press("Space")
    step.get_by_role("button", name="Decide").click()
    go_on = step.get_by_role("button", name="Continue the story")
    expect(go_on).to_be_focused()
    page.keyboard.press("Tab")
    expect(go_on).not_to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(go_on).to_be_focused()


def test_a_quiz_can_be_answered_with_the_keyboard_only(page: Page, course: dict[str, Any]) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto(QUIZ)
    box = fieldset(page, first["id"])
    box.locator("input").first.focus()
    shown = [
        box.locator("input").nth(i).get_attribute("value") for i in range(len(first["options"]))
    ]
    for _ in range(shown.index(first["correct"][0])):
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


def test_a_finished_item_and_module_are_marked_done(page: Page, course: dict[str, Any]) -> None:
    module = course["modules"][0]
    page.goto(module["url"])
    expect(page.locator(".cq-mark:visible")).to_have_count(0)
    for item in module["items"]:
        page.goto(item["url"])
        for question in item["questions"]:
            if question["type"] == "decision":
                continue
            if question["type"] == "classify":
                box = fieldset(page, question["id"])
                box.locator(f'input[value="{question["approach"]}"]').check()
                box.get_by_role("button", name="Check").click()
            else:
                answer(page, question, right=True)
        if item["kind"] == "case":
            play_case_of(page, item)
    page.goto(module["url"])
    expect(page.locator(".cq-mark:visible")).to_have_count(len(module["items"]))
    expect(page.get_by_text("You have completed this module.")).to_be_visible()
    page.goto("progress/")
    expect(page.locator(".cq-progress tbody tr").first.locator(".cq-done")).to_have_text("Complete")


def play_case_of(page: Page, item: dict[str, Any]) -> None:
    decisions = {q["id"].split("/")[1]: q for q in item["questions"]}
    while not page.locator(".cq-step:not([hidden])").last.locator(".cq-ending").count():
        current = page.locator(".cq-step:not([hidden])").last
        best = decisions[current.get_attribute("data-step") or ""]["correct"][0]
        current.locator(f'input[value="{best}"]').check()
        current.get_by_role("button", name="Decide").click()
        current.get_by_role("button", name="Continue the story").click()


def test_quizzes_work_after_instant_navigation(page: Page, course: dict[str, Any]) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto("")
    # Material intercepts links once it has read sitemap.xml; before, a click loads the page.
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__sameDocument = true")
    content = page.locator(".md-content")
    content.get_by_role("link", name=course["modules"][0]["title"], exact=True).click()
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


def test_home_starts_the_course_at_module_one_and_its_next_link_goes_there(
    page: Page, course: dict[str, Any]
) -> None:
    first = course["modules"][0]
    page.goto("")
    start = page.get_by_role("link", name=re.compile("^Start the course"))
    expect(start).to_have_attribute("href", re.compile(re.escape(first["url"]) + "$"))
    page.locator(".md-footer__link--next").click()
    expect(page).to_have_url(re.compile(re.escape(first["url"]) + "$"))
    expect(page).to_have_title(re.compile(rf"^Module 1: {re.escape(first['title'])}"))


def test_the_last_learner_page_does_not_lead_into_the_trainer_pages(page: Page) -> None:
    page.goto("progress/")
    expect(page.locator(".md-footer__link--next")).to_have_count(0)


def test_role_play_cards_keep_the_names_as_written(page: Page, course: dict[str, Any]) -> None:
    url = next(i["url"] for m in course["modules"] for i in m["items"] if i["kind"] == "roleplay")
    page.goto(url)
    summaries = page.locator("details.cq-private summary").all_inner_texts()
    assert summaries
    assert all(s.startswith("Private card: ") and s != s.lower() for s in summaries)


def test_every_tab_stop_before_the_content_is_visible(page: Page) -> None:
    page.goto(QUIZ)
    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
                const el = document.activeElement;
                const box = el.getBoundingClientRect();
                return {inContent: !!el.closest('.md-content'),
                        hidden: !!el.closest('[aria-hidden=true]'),
                        area: box.width * box.height, what: el.outerHTML.slice(0, 80)};
            }"""
        )
        if state["inContent"]:
            return
        assert not state["hidden"], f"focus on an aria-hidden element: {state['what']}"
        assert state["area"] > 0, f"focus on an invisible element: {state['what']}"
    raise AssertionError("the content was not reached in 40 Tab presses")


# --- a role play, alone ----------------------------------------------------------------------

ROLEPLAY = "four-things-coaching-is-not/not-managing/"
WHY = "Starts from Sofia's own view"  # the why of the manager's first line


def versions(page: Page) -> tuple[Locator, Locator]:
    return (
        page.locator('.cq-conversation[data-version="lookalike"]'),
        page.locator('.cq-conversation[data-version="coaching"]'),
    )


def test_alone_a_learner_says_which_approach_version_one_is_before_reading_why(
    page: Page, course: dict[str, Any]
) -> None:
    (question,) = questions_of(course, ROLEPLAY)
    page.goto(ROLEPLAY)
    first, _ = versions(page)
    expect(page.locator(".cq-solo")).to_be_visible()
    expect(page.locator(".cq-lookalike")).to_be_hidden()
    expect(first.locator(".cq-commentary")).to_be_hidden()
    expect(first.locator("details.cq-answer")).to_be_hidden()
    box = fieldset(page, question["id"])
    box.get_by_label("Coaching").check()
    box.get_by_role("button", name="Check").click()
    expect(box.get_by_role("status")).to_contain_text("Not quite: this is managing, not coaching.")
    expect(first.locator(".cq-commentary")).to_be_visible()
    expect(page.locator(".cq-lookalike")).to_be_visible()
    assert stored(page)["answers"][question["id"]]["chosen"] == ["coaching"]


def test_alone_a_learner_plays_the_managers_turns_one_at_a_time(
    page: Page, context: BrowserContext
) -> None:
    page.goto(ROLEPLAY)
    _, second = versions(page)
    turns = second.locator("dd[data-turn]")
    rows = second.locator(".cq-lines > *")
    total = rows.count()
    expect(second.locator(".cq-lines > :visible")).to_have_count(2)  # who speaks, your line
    expect(turns.first.locator(".cq-model")).to_be_hidden()
    expect(second.locator(".cq-commentary")).to_be_hidden()

    turns.first.get_by_label("Your line").fill("How are you feeling about the quarter?")
    turns.first.get_by_role("button", name="Show the model line").click()
    model = turns.first.locator(".cq-model")
    expect(model).to_be_visible()
    expect(model).to_be_focused()
    expect(model).to_contain_text("Model line: Hi Sofia.")
    expect(turns.nth(1).get_by_label("Your line")).to_be_visible()
    expect(second.locator(".cq-lines > :visible")).to_have_count(6)  # her reply, your next turn
    expect(turns.first.get_by_label("Your line")).to_have_js_property("readOnly", True)
    item = ROLEPLAY.split("/")[1]
    assert stored(page)["notes"][f"{item}/line-1"] == "How are you feeling about the quarter?"

    again = context.new_page()
    again.goto(ROLEPLAY)
    _, kept = versions(again)
    expect(kept.locator(".cq-lines > :visible")).to_have_count(6)
    expect(kept.locator("dd[data-turn]").first.get_by_label("Your line")).to_have_value(
        "How are you feeling about the quarter?"
    )
    kept.get_by_role("button", name="Show the whole conversation").click()
    expect(kept.locator(".cq-lines > :visible")).to_have_count(total)
    expect(kept.locator(".cq-commentary")).to_be_visible()
    kept.get_by_role("button", name="Play it again").click()
    expect(kept.locator(".cq-lines > :visible")).to_have_count(2)
    assert not [k for k in stored(again)["notes"] if k.startswith(f"{item}/line-")]


def test_alone_a_learner_sees_why_the_model_line_works_as_soon_as_it_is_shown(
    page: Page, context: BrowserContext
) -> None:
    page.goto(ROLEPLAY)
    _, second = versions(page)
    turns = second.locator("dd[data-turn]")
    whys = second.locator(".cq-why")
    expect(whys).to_have_count(turns.count())
    expect(whys.first).to_be_hidden()

    turns.first.get_by_role("button", name="Show the model line").click()
    why = turns.first.locator(".cq-why")
    expect(why).to_have_js_property("open", True)
    expect(why.get_by_text(WHY)).to_be_visible()
    expect(turns.nth(1).locator(".cq-why")).to_be_hidden()

    again = context.new_page()
    again.goto(ROLEPLAY)
    _, kept = versions(again)
    expect(kept.locator(".cq-why").first.get_by_text(WHY)).to_be_visible()
    kept.get_by_role("button", name="Show the whole conversation").click()
    expect(kept.locator(".cq-why:visible")).to_have_count(turns.count())
    assert kept.locator(".cq-why").evaluate_all("els => els.every(el => el.open)")
    kept.get_by_role("button", name="Play it again").click()
    expect(kept.locator(".cq-why:visible")).to_have_count(0)


def test_a_role_play_turn_can_be_played_with_the_keyboard_only(page: Page) -> None:
    page.goto(ROLEPLAY)
    _, second = versions(page)
    area = second.locator("dd[data-turn]").first.get_by_label("Your line")
    area.focus()
    page.keyboard.type("What would you like to talk about?")
    page.keyboard.press("Tab")
    expect(second.get_by_role("button", name="Show the model line").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(second.locator("dd[data-turn]").first.locator(".cq-model")).to_be_focused()
    page.keyboard.press("Tab")
    summary = second.locator("dd[data-turn]").first.locator(".cq-why summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")  # folds the why away
    expect(second.locator(".cq-why").first).to_have_js_property("open", False)
    page.keyboard.press("Tab")
    expect(second.locator("dd[data-turn]").nth(1).get_by_label("Your line")).to_be_focused()


def test_debrief_answers_are_private_notes_kept_in_the_progress_export(
    page: Page, tmp_path: Path
) -> None:
    page.goto(ROLEPLAY)
    debrief = page.locator(".cq-debrief textarea")
    assert debrief.count() >= 3
    debrief.first.fill("The manager was kind, and decided everything.")
    item = ROLEPLAY.split("/")[1]
    expect(page.locator(".cq-debrief .cq-note-hint")).to_be_visible()
    exported = export_progress(page, tmp_path / "progress.json")
    assert exported["notes"][f"{item}/debrief-1"] == "The manager was kind, and decided everything."


def test_a_role_play_played_alone_has_no_axe_violations(
    page: Page, run_axe: Callable[[Page], list[dict[str, Any]]]
) -> None:
    page.goto(ROLEPLAY)
    _, second = versions(page)
    second.locator("dd[data-turn]").first.get_by_label("Your line").fill("How is it going?")
    second.get_by_role("button", name="Show the model line").first.click()
    expect(second.locator(".cq-why p").first).to_be_visible()
    page.locator(".cq-debrief textarea").first.fill("A note.")
    assert run_axe(page) == []
    second.get_by_role("button", name="Show the whole conversation").click()
    assert run_axe(page) == []


def test_without_javascript_a_role_play_reads_as_a_script_for_three(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(ROLEPLAY)
    lines = page.locator(".cq-lines > *")
    expect(page.locator(".cq-lines > :visible")).to_have_count(lines.count())
    expect(page.locator(".cq-commentary:visible")).to_have_count(2)
    expect(page.locator(".cq-lookalike")).to_be_visible()
    expect(page.locator("fieldset:visible, .cq-solo:visible, .cq-turn:visible")).to_have_count(0)
    expect(page.locator(".cq-debrief textarea:visible")).to_have_count(0)
    expect(page.locator(".cq-debrief li").first).to_be_visible()
    expect(page.locator(".cq-model-label:visible")).to_have_count(0)
    whys = page.locator(".cq-why")
    expect(whys).to_have_count(page.locator("dd[data-turn]").count())
    expect(page.locator(".cq-why summary:visible")).to_have_count(whys.count())
    whys.first.locator("summary").click()
    expect(whys.first.get_by_text(WHY)).to_be_visible()


# --- the job aid and the diagrams --------------------------------------------------------------


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_job_aid_page_prints_on_one_sheet(page: Page, paper: str, tmp_path: Path) -> None:
    page.goto("job-aid/")
    pdf = page.pdf(format=paper, print_background=True)
    (tmp_path / f"job-aid-{paper}.pdf").write_bytes(pdf)
    assert page_count(pdf) == 1
    page.emulate_media(media="print")
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()
    expect(page.get_by_role("img", name="The team grid")).to_be_visible()
    for part in ["Which approach is it?", "Not sure? Ask in order", "A 1+1+1 coaching plan"]:
        expect(page.get_by_role("heading", name=re.compile(re.escape(part)))).to_be_visible()


@pytest.mark.parametrize("start", ["glossary/", "putting-it-to-work/"])
def test_the_job_aid_is_one_link_away_from_the_glossary_and_each_module(
    page: Page, start: str
) -> None:
    page.goto(start)
    page.locator("article").get_by_role("link", name="job aid").click()
    expect(page.locator("h1")).to_have_text("Job aid")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("three-levers/three-levers-intro/", "Drivers and levers"),
        ("four-things-coaching-is-not/lookalikes-intro/", "The questions, in order"),
        ("putting-it-to-work/team-grid/", "The team grid"),
    ],
)
def test_a_diagram_is_an_image_named_and_described_in_words(
    page: Page, url: str, name: str
) -> None:
    page.goto(url)
    image = page.get_by_role("img", name=name)
    expect(image).to_be_visible()
    description = image.evaluate("svg => svg.querySelector('desc').textContent")
    assert len(description.split()) > 30, "the description says what the picture shows"
    assert image.locator("text").count() > 8, "its words are text, not a picture of text"


# --- moving progress between devices ---------------------------------------------------------


def export_progress(page: Page, path: Path) -> dict[str, Any]:
    page.goto("progress/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export progress to a file").click()
    download.value.save_as(path)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def import_file(page: Page, path: Path) -> None:
    page.goto("progress/")
    page.get_by_label("Import progress from a file").set_input_files(path)


def test_progress_can_be_exported_and_imported_on_another_device(
    new_context: Callable[..., BrowserContext], course: dict[str, Any], tmp_path: Path
) -> None:
    first = questions_of(course, QUIZ)[0]
    laptop = new_context().new_page()
    laptop.goto(QUIZ)
    answer(laptop, first, right=True)
    exported = export_progress(laptop, tmp_path / "progress.json")
    assert exported["format"] == "cq-progress"
    assert exported["course"] == course["id"]
    assert first["id"] in exported["answers"]

    phone = new_context().new_page()
    phone.goto("progress/")
    expect(phone.locator(".cq-total")).to_have_text("No answers yet.")
    phone.get_by_label("Import progress from a file").set_input_files(tmp_path / "progress.json")
    preview = phone.locator(".cq-preview")
    expect(preview).to_contain_text("1 answer (1 right the first time).")
    phone.get_by_role("button", name="Add it to the progress in this browser").click()
    expect(phone.locator(".cq-import-status")).to_have_text(re.compile("^Progress imported"))
    expect(phone.locator(".cq-total")).to_contain_text("1 of 1")
    phone.goto(QUIZ)
    expect(fieldset(phone, first["id"]).get_by_role("status")).to_contain_text("Right.")


def test_importing_merges_by_default_and_replacing_asks_first_and_can_be_undone(
    new_context: Callable[..., BrowserContext], course: dict[str, Any], tmp_path: Path
) -> None:
    first, second = questions_of(course, QUIZ)[:2]
    laptop = new_context().new_page()
    laptop.goto(QUIZ)
    answer(laptop, first, right=True)
    export_progress(laptop, tmp_path / "laptop.json")

    phone = new_context().new_page()
    phone.goto(QUIZ)
    answer(phone, second, right=False)
    import_file(phone, tmp_path / "laptop.json")
    phone.get_by_role("button", name="Add it to the progress in this browser").click()
    expect(phone.locator(".cq-import-status")).to_contain_text("added to what this browser had")
    assert set(stored(phone)["answers"]) == {first["id"], second["id"]}, "nothing is lost"

    import_file(phone, tmp_path / "laptop.json")
    phone.get_by_role("button", name="Replace the progress in this browser").click()
    expect(phone.locator(".cq-replace-warning")).to_contain_text("This removes the 2 answers")
    assert set(stored(phone)["answers"]) == {first["id"], second["id"]}, "not before confirming"
    phone.get_by_role("button", name="Yes, replace it").click()
    assert set(stored(phone)["answers"]) == {first["id"]}

    phone.get_by_role("button", name="Undo the last import").click()
    expect(phone.locator(".cq-import-status")).to_have_text("The last import was undone.")
    assert set(stored(phone)["answers"]) == {first["id"], second["id"]}


def save_results(page: Page, question: dict[str, Any], path: Path, *, right: bool = True) -> Path:
    """Answer ``question``, then save the results file for the trainer to ``path``."""
    page.goto(QUIZ)
    answer(page, question, right=right)
    page.goto("progress/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Save results for your trainer").click()
    download.value.save_as(path)
    return path


def refused(page: Page, path: Path, message: str) -> None:
    """Import ``path`` and check it is refused with ``message``, storage left as it was."""
    page.goto("progress/")
    expect(page.locator(".cq-progress tbody tr").first).to_be_visible()
    before = page.evaluate("() => JSON.stringify(localStorage)")
    page.get_by_label("Import progress from a file").set_input_files(path)
    status = page.locator(".cq-import-status")
    expect(status).to_contain_text(message)
    expect(status).to_contain_text("Nothing was changed.")
    expect(page.locator(".cq-preview")).to_be_hidden()
    assert page.evaluate("() => JSON.stringify(localStorage)") == before


def test_a_results_file_offered_as_progress_is_refused_and_named(
    page: Page, course: dict[str, Any], tmp_path: Path
) -> None:
    save_results(page, questions_of(course, QUIZ)[0], tmp_path / "results.json")
    refused(page, tmp_path / "results.json", "This is a results file for a trainer")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            '{"version": 99, "answers": "all of them"}', "not a progress export", id="foreign"
        ),
        pytest.param("{not json", "it is not JSON", id="not-json"),
        pytest.param(
            '{"format": "cq-progress", "course": "another-course", "version": 1}',
            "the progress of another course (another-course)",
            id="another-course",
        ),
        pytest.param(
            '{"format": "cq-progress", "course": "coaching-or-managing", "version": 1,'
            ' "answers": {"levers-check/lever-for-desire": {"chosen": "x", "correct": 1}}}',
            "This progress file is damaged",
            id="wrong-types",
        ),
        pytest.param(
            '{"format": "cq-progress", "course": "coaching-or-managing", "version": 1,'
            ' "notes": {"__proto__": {"polluted": "yes"}}}',
            "This progress file is damaged",
            id="proto-key",
        ),
        pytest.param(
            '{"format": "cq-progress", "course": "coaching-or-managing", "version": 1,'
            ' "last": "//16909060/phish"}',
            "This progress file is damaged",
            id="off-site-last",
        ),
    ],
)
def test_a_file_that_is_not_this_courses_progress_is_refused_and_changes_nothing(
    page: Page, course: dict[str, Any], tmp_path: Path, content: str, message: str
) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text(content, encoding="utf-8")
    question = questions_of(course, QUIZ)[0]
    page.goto(QUIZ)
    answer(page, question, right=False)  # progress to lose, were the file taken
    expect(fieldset(page, question["id"]).get_by_role("status")).not_to_be_empty()
    kept = stored(page)["answers"][question["id"]]
    refused(page, bogus, message)
    assert stored(page)["answers"] == {question["id"]: kept}
    assert page.evaluate("() => ({}).polluted") is None


def test_an_oversized_file_is_refused_before_it_is_read(page: Page, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("w", encoding="utf-8") as handle:
        handle.write('{"notes": {"x": "' + "a" * (3 * 1024 * 1024) + '"}}')
    page.goto("progress/")
    refused(page, big, "This file is 3.0 MB")


def test_a_stored_page_address_off_the_site_is_never_offered(page: Page) -> None:
    page.goto(QUIZ)
    page.evaluate(
        """() => {
            const key = Object.keys(localStorage).find(k => k.startsWith("cq-progress-v1:"));
            const data = JSON.parse(localStorage.getItem(key));
            data.last = "//16909060/phish";
            localStorage.setItem(key, JSON.stringify(data));
        }"""
    )
    page.goto("progress/")
    expect(page.locator(".cq-progress tbody tr").first).to_be_visible()
    expect(page.get_by_role("link", name="Continue where you left off")).to_be_hidden()


def test_a_full_storage_is_reported_not_hidden(page: Page, course: dict[str, Any]) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto(QUIZ)
    page.evaluate(
        """() => { Storage.prototype.setItem = function () {
            throw new DOMException("full", "QuotaExceededError"); }; }"""
    )
    answer(page, first, right=True)
    expect(fieldset(page, first["id"]).get_by_role("status")).to_contain_text(
        "did not let the course keep this"
    )


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
    saved = save_results(page, first, tmp_path / "results.json", right=False)
    results = json.loads(saved.read_text(encoding="utf-8"))
    assert results["format"] == "cq-results"
    assert results["course"] == course["id"]
    assert results["answers"][first["id"]]["correct"] is False
    assert "notes" not in results
    code = page.get_by_label(re.compile("Or copy this code")).input_value()
    assert code.startswith("CQ1.")


def test_results_keep_the_first_choice_a_label_and_a_checksum_and_get_a_distinct_name(
    page: Page, course: dict[str, Any], tmp_path: Path
) -> None:
    first = questions_of(course, QUIZ)[0]
    page.goto(QUIZ)
    answer(page, first, right=False)
    fieldset(page, first["id"]).get_by_role("button", name="Try again").click()
    answer(page, first, right=True)
    page.goto("progress/")
    page.get_by_label(re.compile("Your name or initials")).fill("  Zoë   van Dijk ")
    with page.expect_download() as download:
        page.get_by_role("button", name="Save results for your trainer").click()
    name = download.value.suggested_filename
    assert re.fullmatch(rf"{course['id']}-results-\d{{4}}-\d\d-\d\d-zoe-van-dijk\.json", name)
    expect(page.locator(".cq-share-status")).to_contain_text(name)
    download.value.save_as(tmp_path / name)
    data = json.loads((tmp_path / name).read_text(encoding="utf-8"))
    assert (data["version"], data["label"]) == (2, "Zoë van Dijk")
    given = data["answers"][first["id"]]
    wrong = next(o for o in first["options"] if o not in first["correct"])
    assert (given["firstChosen"], given["chosen"]) == ([wrong], first["correct"])
    assert given["first"] is False
    assert data["checksum"] == checksum(data["course"], data["label"], data["answers"])
    code = page.get_by_label(re.compile("Or copy this code")).input_value()
    body = code.removeprefix("CQ1.")
    assert json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))) == data

    page.get_by_label(re.compile("Your name or initials")).fill("")
    names = set()
    for _ in range(2):
        with page.expect_download() as download:
            page.get_by_role("button", name="Save results for your trainer").click()
        names.add(download.value.suggested_filename)
        download.value.save_as(tmp_path / "anonymous.json")
    assert len(names) == 2, "two learners without a label never get the same file name"
    assert all(
        re.fullmatch(rf"{course['id']}-results-\d{{4}}-\d\d-\d\d-[a-z0-9]+\.json", n) for n in names
    )
    anonymous = json.loads((tmp_path / "anonymous.json").read_text(encoding="utf-8"))
    assert "label" not in anonymous
    assert anonymous["checksum"] == checksum(anonymous["course"], "", anonymous["answers"])


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


def test_without_javascript_a_graded_assessment_says_so_and_shows_no_answers(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(FINAL)
    expect(page.get_by_text("This assessment needs JavaScript.")).to_be_visible()
    expect(page.locator("fieldset.cq-question:visible")).to_have_count(0)
    expect(page.locator("details")).to_have_count(0)
    expect(page.locator(".cq-feedback:visible")).to_have_count(0)
