"""The trainer pages in a real browser: axe, the group debrief dashboard, the projector view
driven by keyboard, and printing the role-play cards."""

from __future__ import annotations

import functools
import json
import os
import random
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

from builder.results import code, record

if TYPE_CHECKING:
    from tests.conftest import OfflineGuard

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
FOUR_THINGS = "four-things-coaching-is-not"
#: Every learner misses this one, so it heads the "most missed" list.
HARDEST = "spot-managing/signs-of-managing"


@pytest.fixture(scope="module")
def course(built_site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((built_site / "course.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def trainer_pages(built_site: Path) -> list[str]:
    pages = sorted(
        f"{p.parent.relative_to(built_site).as_posix()}/"
        for p in (built_site / "trainer").rglob("index.html")
    )
    assert len(pages) > 10, pages
    return pages


def answers_of(course: dict[str, Any], seed: int) -> dict[str, Any]:
    """A learner's answers to module 3, as the course stores them: some wrong at first and
    put right with "Try again" (``firstChosen`` differs from ``chosen``)."""
    rng = random.Random(seed)
    module = next(m for m in course["modules"] if m["id"] == FOUR_THINGS)
    answers: dict[str, Any] = {}
    for item in module["items"]:
        for q in item["questions"]:
            if q["type"] in ("classify", "single"):
                offered = course["approaches"] if q["type"] == "classify" else q["options"]
                right = q["approach"] if q["type"] == "classify" else q["correct"][0]
                first = right if rng.random() < 0.6 else rng.choice(offered)
                final = right if rng.random() < 0.5 else first
                answers[q["id"]] = {
                    "chosen": [final],
                    "firstChosen": [first],
                    "correct": final == right,
                    "first": first == right,
                }
            elif q["type"] == "multiple":
                # Every learner leaves out a right option of HARDEST, first and last.
                chosen = q["correct"][:-1] if q["id"] == HARDEST else q["correct"]
                right = chosen == q["correct"]
                answers[q["id"]] = {
                    "chosen": chosen,
                    "firstChosen": chosen,
                    "correct": right,
                    "first": right,
                }
    return answers


def results(course: dict[str, Any], seed: int, label: str = "") -> dict[str, Any]:
    """A learner's results for module 3, as the progress page exports them (version 2)."""
    return record(course["id"], answers_of(course, seed), label)


def old_results(course: dict[str, Any], seed: int) -> dict[str, Any]:
    """Results as version 1 exported them: no first choice, label or checksum."""
    answers = answers_of(course, seed)
    for answer in answers.values():
        del answer["firstChosen"]
    return {"format": "cq-results", "version": 1, "course": course["id"], "answers": answers}


@functools.cache
def option_approaches(site: Path) -> dict[str, dict[str, str]]:
    """Question id -> option id -> the approach it is, from the dashboard's module data."""
    out: dict[str, dict[str, str]] = {}
    for path in (site / "trainer" / "dashboard").glob("*.json"):
        html = json.loads(path.read_text(encoding="utf-8"))["html"]
        for qid, card in re.findall(
            r'<template data-detail="([^"]+)">(.*?)</template>', html, re.S
        ):
            out[qid] = dict(re.findall(r'data-option="([^"]+)" data-approach="([^"]+)"', card))
    return out


def expected_matrix(
    course: dict[str, Any], site: Path, learners: list[dict[str, Any]], basis: str
) -> Counter[str]:
    questions = {q["id"]: q for m in course["modules"] for i in m["items"] for q in i["questions"]}
    cells: Counter[str] = Counter()
    for data in learners:
        for qid, answer in data["answers"].items():
            q = questions[qid]
            chosen = answer[basis][0]
            if q["type"] == "classify":
                cells[f"{q['approach']}:{chosen}"] += 1
            elif q["type"] == "single" and q["approach"]:
                taken = option_approaches(site)[qid].get(chosen)
                if taken:
                    cells[f"{q['approach']}:{taken}"] += 1
    return cells


def code_of(data: dict[str, Any]) -> str:
    return code(data)


def open_dashboard(page: Page) -> None:
    page.goto("trainer/dashboard/")
    expect(page.get_by_label("Choose result files")).to_be_enabled()


def messages(page: Page) -> list[str]:
    return page.locator(".cq-messages li").all_inner_texts()


# --- every trainer page ----------------------------------------------------------------------


def test_every_trainer_page_has_no_axe_violations(
    page: Page, trainer_pages: list[str], run_axe: Callable[[Page], list[dict[str, Any]]]
) -> None:
    failures = []
    for url in trainer_pages:
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, url
        expect(page.locator(".cq-trainer-banner")).to_be_visible()
        for violation in run_axe(page):
            targets = [" ".join(map(str, n["target"])) for n in violation["nodes"]]
            failures.append(f"/{url}: {violation['id']} at {', '.join(targets)}")
    assert not failures, "\n".join(failures)


def test_the_dashboard_with_results_has_no_axe_violations(
    page: Page,
    course: dict[str, Any],
    tmp_path: Path,
    run_axe: Callable[[Page], list[dict[str, Any]]],
) -> None:
    open_dashboard(page)
    files = []
    for n in range(3):
        files.append(tmp_path / f"learner-{n}.json")
        files[-1].write_text(json.dumps(results(course, n)), encoding="utf-8")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    edited = results(course, 9, "Edited")
    edited["answers"][HARDEST]["chosen"] = ["sm-rep-own-goal"]
    (tmp_path / "edited.json").write_text(json.dumps(edited), encoding="utf-8")
    page.get_by_label("Choose result files").set_input_files(
        [*files, tmp_path / "bad.json", tmp_path / "edited.json"]
    )
    expect(page.locator(".cq-count")).to_have_text("3 results imported.")
    expect(page.locator(".cq-edited li")).to_have_count(1)
    expect(page.locator(".cq-details > li").first).to_be_visible()
    page.evaluate(
        "() => document.querySelectorAll('.cq-dashboard details').forEach(d => d.open = true)"
    )
    assert run_axe(page) == []


# --- the group debrief dashboard -------------------------------------------------------------


def test_the_dashboard_imports_results_and_rejects_broken_ones_with_a_clear_message(
    page: Page, course: dict[str, Any], built_site: Path, tmp_path: Path
) -> None:
    learners = [results(course, seed) for seed in range(5)]
    files = []
    for n, data in enumerate(learners, start=1):
        path = tmp_path / f"learner-{n}.json"
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
        files.append(path)
    broken: dict[str, str] = {
        "not-json.json": "{ this is not json",
        "array.json": "[1, 2, 3]",
        "other-format.json": json.dumps({**learners[0], "format": "cq-something"}),
        "progress.json": json.dumps({**learners[0], "format": "cq-progress"}),
        "version-3.json": json.dumps({**learners[0], "version": 3}),
        "other-course.json": json.dumps({**learners[0], "course": "another-course"}),
        "unknown-question.json": json.dumps(
            {**learners[0], "answers": {"no-such/question": {"chosen": ["a"], "correct": True}}}
        ),
        "wrong-type.json": json.dumps(
            {
                **learners[0],
                "answers": {HARDEST: {"chosen": "sm-dashboard-first", "correct": "yes"}},
            }
        ),
        "bad-option.json": json.dumps(
            {**learners[0], "answers": {HARDEST: {"chosen": ["<img src=x>"], "correct": True}}}
        ),
        "bad-first.json": json.dumps(
            {
                **learners[0],
                "answers": {
                    HARDEST: {"chosen": ["sm-cheerleading"], "firstChosen": [], "correct": False}
                },
            }
        ),
    }
    for name, text in broken.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({**learners[0], "padding": "x" * (1024 * 1024)}), encoding="utf-8")
    copy = tmp_path / "learner-1-again.json"
    copy.write_text(json.dumps(learners[0]), encoding="utf-8")  # same content, other layout

    open_dashboard(page)
    chosen = [*files, *(tmp_path / name for name in broken), huge, copy]
    page.get_by_label("Choose result files").set_input_files(chosen)
    expect(page.locator(".cq-count")).to_have_text("5 results imported.")

    said = dict(line.split(": ", 1) for line in messages(page))
    for n in range(1, 6):
        count = len(learners[n - 1]["answers"])
        assert said[f"learner-{n}.json"] == f"added, {count} answers.", said
    expected = {
        "not-json.json": "not added: it is not valid JSON.",
        "array.json": "not added: it is not a results file (expected a JSON object).",
        "other-format.json": "not added: it is not a results file (its format is not cq-results).",
        "progress.json": "not added: it is a progress export, not results: the learner should "
        "press Save results for your trainer on their progress page.",
        "version-3.json": 'not added: it is results format version "3"; this dashboard reads '
        "versions 1 and 2.",
        "other-course.json": 'not added: it holds results of another course, "another-course".',
        "unknown-question.json": "not added: it answers a question this course does not have",
        "wrong-type.json": f'not added: the answer to "{HARDEST}" has no list of chosen options.',
        "bad-option.json": 'chooses "<img src=x>", which is not one of its options',
        "bad-first.json": "has a `firstChosen` that is not a list of options",
        "huge.json": "not added: larger than 1 MB, which no results file is.",
        "learner-1-again.json": "skipped: the same results as result 1, learner-1.json",
    }
    for name, message in expected.items():
        assert message in said[name], (name, said[name])
    assert page.locator(".cq-messages li.cq-bad").count() == len(broken) + 1
    assert page.locator(".cq-messages img").count() == 0, "text from files is never markup"

    # Per question: how many answered, right at the first attempt and in the final answer.
    for qid in (HARDEST, "lookalike-drill/renewals-deadline", "spot-managing/weekly-call"):
        answered = [d["answers"][qid] for d in learners]
        first = sum(a["first"] for a in answered)
        final = sum(a["correct"] for a in answered)
        row = page.locator(f'tr[data-qid="{qid}"]')
        expect(row.locator(".cq-n")).to_have_text("5")
        expect(row.locator(".cq-first")).to_have_text(f"{first} of 5 ({round(100 * first / 5)}%)")
        expect(row.locator(".cq-now")).to_have_text(f"{final} of 5 ({round(100 * final / 5)}%)")
    expect(page.locator('tr[data-qid="kpi-review-meeting/opening"]')).to_be_hidden()
    heads = page.locator(".cq-questions thead th").all_inner_texts()
    assert heads[2:] == ["Right at the first attempt", "Right in the final answer"]

    # The confusion matrix, for first attempts and, at the flick of a switch, final answers:
    # rows are the right approach, columns the approach chosen (the option's, not the file's).
    for basis, label in (("firstChosen", "First attempts"), ("chosen", "Final answers")):
        page.get_by_label(label).check()
        expect(page.locator(".cq-matrix caption")).to_contain_text(f"{label}.")
        cells = expected_matrix(course, built_site, learners, basis)
        assert sum(cells.values()) > 20
        for right in course["approaches"]:
            for taken in course["approaches"]:
                key = f"{right}:{taken}"
                expect(page.locator(f'td[data-cell="{key}"]')).to_have_text(str(cells[key]))
    first_cells = expected_matrix(course, built_site, learners, "firstChosen")
    assert first_cells != expected_matrix(course, built_site, learners, "chosen")

    # The most missed question comes first, with why and what to ask the room.
    first_missed = page.locator(".cq-missed > li").first
    expect(first_missed).to_contain_text("5 of 5 missed it at the first attempt.")
    expect(first_missed).to_contain_text("Which of these are signs")
    expect(first_missed).to_contain_text("Ask the room:")
    expect(first_missed.locator("details")).to_have_attribute("open", "")
    expect(page.locator(".cq-missed > li")).to_have_count(5)


def test_each_question_shows_how_many_chose_each_option_first_and_final(
    page: Page, course: dict[str, Any]
) -> None:
    learners = [results(course, seed) for seed in range(5)]
    open_dashboard(page)
    page.get_by_label("Or paste codes").fill("\n".join(code_of(d) for d in learners))
    page.get_by_role("button", name="Add the codes").click()
    expect(page.locator(".cq-count")).to_have_text("5 results imported.")
    cards = page.locator(".cq-details > li")
    expect(cards).to_have_count(len(learners[0]["answers"]))

    # A right option of a multi-select that nobody chose is marked missed, with a question.
    card = page.locator(f'.cq-details > li[data-for="{HARDEST}"]')
    card.locator("summary").click()
    left_out = card.locator('tr[data-option="sm-cheerleading"]')
    expect(left_out.locator(".cq-count-first")).to_have_text("0 of 5 (0%)")
    expect(left_out.locator(".cq-count-final")).to_have_text("0 of 5 (0%)")
    expect(left_out.locator(".cq-missed-tag")).to_have_text("Missed: nobody chose it")
    taken = card.locator('tr[data-option="sm-dashboard-first"]')
    expect(taken.locator(".cq-count-final")).to_have_text("5 of 5 (100%)")
    expect(taken.locator(".cq-missed-tag")).to_be_hidden()
    expect(card.locator(".cq-ask-generated")).to_have_text(
        '5 left out \u201cIt ends with "You can do it! Go get those numbers up!"\u201d at first: '
        "what makes it count too?"
    )
    expect(card.locator(".cq-feedback").first).to_contain_text("A sign of managing")

    # A single-choice question: each option counted at the first attempt and at the end.
    qid = "spot-managing/weekly-call"
    card = page.locator(f'.cq-details > li[data-for="{qid}"]')
    for option in next(
        q for m in course["modules"] for i in m["items"] for q in i["questions"] if q["id"] == qid
    )["options"]:
        first = sum(d["answers"][qid]["firstChosen"] == [option] for d in learners)
        final = sum(d["answers"][qid]["chosen"] == [option] for d in learners)
        row = card.locator(f'tr[data-option="{option}"]')
        expect(row.locator(".cq-count-first")).to_have_text(
            f"{first} of 5 ({round(100 * first / 5)}%)"
        )
        expect(row.locator(".cq-count-final")).to_have_text(
            f"{final} of 5 ({round(100 * final / 5)}%)"
        )
    card.locator("summary").click()
    expect(card.locator(".cq-feedback").first).to_be_visible()  # the quiz's own "why"


def test_labels_are_shown_and_results_without_one_stay_anonymous(
    page: Page, course: dict[str, Any]
) -> None:
    open_dashboard(page)
    labelled = [results(course, 1, "Ana"), results(course, 2, "Bo <b>Li</b>"), results(course, 3)]
    page.get_by_label("Or paste codes").fill(" ".join(code_of(d) for d in labelled))
    page.get_by_role("button", name="Add the codes").click()
    expect(page.locator(".cq-count")).to_have_text("3 results imported.")
    count = len(labelled[0]["answers"])
    assert messages(page) == [
        f"code 1: added, {count} answers, from Ana.",
        f"code 2: added, {count} answers, from Bo <b>Li</b>.",
        f"code 3: added, {count} answers.",
    ]
    names = page.locator(".cq-imported-name").all_inner_texts()
    assert names[0].startswith(f"Ana, code 1 ({count} answers, #")
    assert names[1].startswith("Bo <b>Li</b>, code 2 (")
    assert names[2].startswith("code 3 (")
    assert page.locator(".cq-imported b").count() == 0, "a label is text, never markup"


def test_an_edited_file_is_listed_apart_and_counts_only_when_the_trainer_says_so(
    page: Page, course: dict[str, Any], tmp_path: Path
) -> None:
    honest = results(course, 1, "Ana")
    edited = results(course, 2, "Bo")
    for answer in edited["answers"].values():  # every answer made right the first time
        answer["first"] = answer["correct"] = True
        answer["chosen"] = answer["firstChosen"] = answer["chosen"]
    edited["answers"][HARDEST]["chosen"] = edited["answers"][HARDEST]["firstChosen"] = [
        "sm-dashboard-first",
        "sm-manager-target",
        "sm-cheerleading",
    ]
    unsigned = results(course, 3)
    del unsigned["checksum"]
    for name, data in (("ana.json", honest), ("bo.json", edited), ("unsigned.json", unsigned)):
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
    open_dashboard(page)
    page.get_by_label("Choose result files").set_input_files(
        [tmp_path / n for n in ("ana.json", "bo.json", "unsigned.json")]
    )
    expect(page.locator(".cq-count")).to_have_text("1 result imported.")
    edited_note = (
        "not counted: it was edited after it was saved (its checksum does not match its "
        "answers). See Edited files."
    )
    said = dict(line.split(": ", 1) for line in messages(page))
    assert said["bo.json"] == edited_note
    assert said["unsigned.json"] == edited_note
    panel = page.locator(".cq-edited-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".cq-edited-name")).to_have_count(2)
    expect(panel.locator(".cq-edited-name").first).to_contain_text("Bo, bo.json")
    hardest = page.locator(f'tr[data-qid="{HARDEST}"]')
    expect(hardest.locator(".cq-n")).to_have_text("1")
    expect(page.locator(".cq-summary")).to_contain_text("1 learner, ")

    page.get_by_role("button", name="Count it anyway: result 2, bo.json").click()
    expect(page.locator(".cq-count")).to_have_text("2 results imported.")
    expect(page.get_by_role("status")).to_contain_text("bo.json: counted, although it was edited.")
    expect(page.locator(".cq-imported-name").nth(1)).to_contain_text("edited, counted by you")
    expect(hardest.locator(".cq-n")).to_have_text("2")
    expect(panel.locator(".cq-edited-name")).to_have_count(1)
    page.reload()
    expect(page.locator(".cq-count")).to_have_text("2 results imported.")
    expect(panel.locator(".cq-edited-name")).to_have_count(1)


def test_results_of_format_version_1_are_still_imported(
    page: Page, course: dict[str, Any], tmp_path: Path
) -> None:
    learners = [old_results(course, seed) for seed in range(3)]
    golden = ROOT / "tests" / "fixtures" / "results-v1.json"
    old = json.loads(golden.read_text(encoding="utf-8"))
    paths = []
    for n, data in enumerate([*learners, old]):
        paths.append(tmp_path / f"old-{n}.json")
        paths[-1].write_text(json.dumps(data), encoding="utf-8")
    open_dashboard(page)
    page.get_by_label("Choose result files").set_input_files(paths)
    expect(page.locator(".cq-count")).to_have_text("4 results imported.")
    said = messages(page)
    assert (
        said[3]
        == f"old-3.json: added, {len(old['answers'])} answers (an older file, without a checksum)."
    )
    expect(page.locator(".cq-imported-name").first).to_contain_text("older file, not checked")
    learners.append(old)
    qid = "spot-managing/weekly-call"
    first = sum(d["answers"][qid]["first"] for d in learners)
    row = page.locator(f'tr[data-qid="{qid}"]')
    expect(row.locator(".cq-first")).to_have_text(f"{first} of 4 ({round(100 * first / 4)}%)")
    card = page.locator(f'.cq-details > li[data-for="{qid}"]')
    card.locator("summary").click()
    unknown = 4 - first  # a first attempt that was right was the right option
    if unknown:
        expect(card.locator(".cq-unknown-first")).to_contain_text(f"The first attempt of {unknown}")
    right = next(
        q for m in course["modules"] for i in m["items"] for q in i["questions"] if q["id"] == qid
    )["correct"][0]
    expect(card.locator(f'tr[data-option="{right}"] .cq-count-first')).to_have_text(
        f"{first} of {first} (100%)" if first else "not recorded"
    )


def test_another_page_hands_results_over_through_session_storage(
    page: Page, course: dict[str, Any]
) -> None:
    open_dashboard(page)
    handed = [["live ABC, seat 1", json.dumps(results(course, 1, "Ana"))], ["broken", "{"]]
    page.evaluate(
        "(entries) => sessionStorage.setItem('cq-dashboard-import', JSON.stringify(entries))",
        handed,
    )
    page.reload()
    expect(page.locator(".cq-count")).to_have_text("1 result imported.")
    assert messages(page)[-3:] == [
        "Results handed over by another page of this site:",
        f"live ABC, seat 1: added, {len(results(course, 1)['answers'])} answers, from Ana.",
        "broken: not added: it is not valid JSON.",
    ]
    assert page.evaluate("() => sessionStorage.getItem('cq-dashboard-import')") is None
    page.reload()
    expect(page.locator(".cq-count")).to_have_text("1 result imported.")
    assert "Results handed over by another page of this site:" not in messages(page)


def test_results_can_be_pasted_as_codes_and_removed_again(
    page: Page, course: dict[str, Any]
) -> None:
    open_dashboard(page)
    good = [code_of(results(course, seed)) for seed in (11, 12)]
    cut = good[1][: len(good[1]) // 2]
    page.get_by_label("Or paste codes").fill(
        f"{good[0]}\n\n{good[1]}  CQ1.@@@  hello {good[0]} {cut} CQ1.AAAAA"
    )
    page.get_by_role("button", name="Add the codes").click()
    expect(page.locator(".cq-count")).to_have_text("2 results imported.")
    damaged = "the code is damaged or cut short (copy all of it, from CQ1. to the end)."
    assert messages(page) == [
        f"code 1: added, {len(results(course, 11)['answers'])} answers.",
        f"code 2: added, {len(results(course, 12)['answers'])} answers.",
        "code 3: not added: the code is damaged (it has characters a code never has).",
        "code 4: not added: it is not a results code (codes start with CQ1.).",
        "code 5: skipped: the same results as result 1, code 1 (identical results count once).",
        f"code 6: not added: {damaged}",
        f"code 7: not added: {damaged}",
    ]
    expect(page.get_by_label("Or paste codes")).to_have_value("")

    page.get_by_role("button", name="Remove result 1, code 1").click()
    expect(page.locator(".cq-count")).to_have_text("1 result imported.")
    expect(page.get_by_role("status")).to_contain_text("code 1: removed.")
    page.get_by_role("button", name="Remove all results").click()
    expect(page.locator(".cq-count")).to_have_text("No results imported yet.")
    expect(page.locator(".cq-results")).to_be_hidden()


def test_imported_results_stay_while_the_tab_is_open(page: Page, course: dict[str, Any]) -> None:
    open_dashboard(page)
    page.get_by_label("Or paste codes").fill(code_of(results(course, 3)))
    page.get_by_role("button", name="Add the codes").click()
    expect(page.locator(".cq-count")).to_have_text("1 result imported.")
    page.goto("trainer/")
    open_dashboard(page)
    expect(page.locator(".cq-count")).to_have_text("1 result imported.")
    expect(page.get_by_role("status")).to_contain_text("1 results kept from earlier in this tab.")


def test_tampered_session_storage_does_not_break_the_dashboard(page: Page) -> None:
    open_dashboard(page)
    page.evaluate(
        """() => {
            for (const key of Object.keys(sessionStorage)) sessionStorage.removeItem(key);
            const key = "cq-trainer-results:" + new URL(__md_scope).pathname;
            sessionStorage.setItem(key, JSON.stringify([["x", "{\\"format\\": 1}"], 5, null]));
        }"""
    )
    page.reload()
    expect(page.get_by_label("Choose result files")).to_be_enabled()
    expect(page.locator(".cq-count")).to_have_text("No results imported yet.")


def test_a_module_whose_questions_cannot_be_loaded_is_named_and_the_rest_still_shows(
    page: Page, course: dict[str, Any], offline_guard: OfflineGuard
) -> None:
    answers = answers_of(course, 5)  # module 3, and below one answer in every other module
    for module in course["modules"]:
        asked = [q for i in module["items"] for q in i["questions"]]
        if asked and module["id"] != FOUR_THINGS:
            q = asked[0]
            chosen = (
                [q["approach"]] if q["type"] == "classify" else (q["correct"] or q["options"])[:1]
            )
            answers[q["id"]] = {"chosen": chosen, "correct": True, "first": False}
    data = record(course["id"], answers)
    lost = next(m for m in course["modules"] if m["id"] == FOUR_THINGS)
    fetched: list[str] = []

    def count(request: Any) -> None:
        if "/trainer/dashboard/" in request.url and request.url.endswith(".json"):
            fetched.append(request.url.rsplit("/", 1)[1])

    page.on("request", count)
    page.route(f"**/trainer/dashboard/{lost['id']}.json", lambda route: route.abort())
    open_dashboard(page)
    assert fetched == [], "no module's questions load before results need them"
    page.get_by_label("Or paste codes").fill(code_of(data))
    page.get_by_role("button", name="Add the codes").click()
    expect(page.locator(".cq-count")).to_have_text("1 result imported.")
    place = course["modules"].index(lost) + 1
    expect(page.locator(".cq-messages li.cq-bad")).to_have_text(
        f"The questions of module {place} could not be loaded, so they are left out. "
        "Import again to retry."
    )
    expect(page.locator(f'tbody[data-module="{lost["id"]}"]')).to_have_count(0)
    expect(page.locator("tr[data-qid]:visible").first).to_be_visible()
    expect(page.locator(".cq-summary")).to_contain_text("1 learner, ")
    bodies = page.locator("tbody[data-module]")
    order = [m["id"] for m in course["modules"]]
    shown = [str(bodies.nth(n).get_attribute("data-module")) for n in range(bodies.count())]
    assert len(shown) >= 2
    assert shown == sorted(shown, key=order.index), "modules keep the course's order"
    assert len(fetched) == len(set(fetched)), "each module's questions are fetched once"
    # The browser logs the failed fetch this test caused; nothing else may be logged.
    failed = [e for e in offline_guard.console_errors if f"/{lost['id']}.json" in e]
    assert failed
    offline_guard.console_errors[:] = [e for e in offline_guard.console_errors if e not in failed]


# --- the projector view ----------------------------------------------------------------------


def visible_slide(page: Page) -> str:
    slide = page.locator(".cq-slide:visible")
    expect(slide).to_have_count(1)
    return str(slide.get_attribute("data-slide"))


def test_a_role_play_runs_on_the_projector_from_the_keyboard(page: Page) -> None:
    page.goto(f"trainer/{FOUR_THINGS}/not-managing-projector/")
    status = page.locator(".cq-projector .cq-status")
    expect(status).to_have_text("Slide 1 of 6: The situation. ")
    page.keyboard.press("Space")
    assert visible_slide(page) == "roles"
    roles = page.locator('[data-slide="roles"] .cq-build')
    expect(roles.locator("visible=true")).to_have_count(0)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(roles.locator("visible=true")).to_have_count(2)
    for _ in range(2):  # the last role, then on to round 1
        page.keyboard.press("ArrowRight")
    assert visible_slide(page) == "round-1"
    lines = page.locator('[data-slide="round-1"] .cq-build')
    reveal = page.locator('[data-slide="round-1"] .cq-reveal')
    page.keyboard.press("ArrowRight")
    expect(lines.locator("visible=true")).to_have_count(1)
    expect(reveal).to_be_hidden()
    page.keyboard.press("r")  # reveal: the whole conversation and what it was
    expect(reveal).to_be_visible()
    expect(reveal).to_contain_text("This was coaching")  # this role play plays it first
    expect(lines.locator("visible=true")).to_have_count(lines.count())
    expect(page.get_by_role("button", name="Reveal")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowLeft")
    expect(reveal).to_be_hidden()
    page.keyboard.press("ArrowLeft")
    expect(lines.locator("visible=true")).to_have_count(lines.count() - 1)
    page.keyboard.press("Home")
    assert visible_slide(page) == "setting"


def test_a_case_on_the_projector_waits_for_the_vote_and_follows_the_rooms_choice(
    page: Page,
) -> None:
    page.goto("trainer/where-the-pieces-fit/a-week-of-choices-projector/")
    assert visible_slide(page) == "monday"
    monday = page.locator('[data-slide="monday"]')
    expect(monday.locator(".cq-choices li")).to_have_count(4)
    expect(monday.locator(".cq-reveal")).to_be_hidden()
    expect(page.locator(".cq-projector .cq-status")).to_contain_text("Let the room vote")
    page.keyboard.press("ArrowRight")  # next first reveals the consequences
    assert visible_slide(page) == "monday"
    expect(monday.locator(".cq-reveal")).to_be_visible()
    page.keyboard.press("ArrowRight")  # then follows the best choice
    assert visible_slide(page) == "tuesday"
    page.keyboard.press("ArrowLeft")  # back: Monday as it was left, revealed
    assert visible_slide(page) == "monday"
    expect(monday.locator(".cq-reveal")).to_be_visible()
    page.keyboard.press("3")  # the room chose the third option
    follow = monday.locator(".cq-choices li").nth(2).get_attribute("data-follow")
    assert visible_slide(page) == follow
    page.keyboard.press("Home")
    assert visible_slide(page) == "monday"


def test_the_projector_buttons_work_too(page: Page) -> None:
    page.goto("trainer/where-the-pieces-fit/a-week-of-choices-projector/")
    page.get_by_role("button", name="Reveal").click()
    expect(page.locator('[data-slide="monday"] .cq-reveal')).to_be_visible()
    page.get_by_role("button", name="Next").click()
    assert visible_slide(page) == "tuesday"
    page.get_by_role("button", name="Back", exact=True).click()
    assert visible_slide(page) == "monday"
    page.get_by_role("button", name="Start again").click()
    expect(page.locator('[data-slide="monday"] .cq-reveal')).to_be_hidden()


#: What the projector shows after a key press, measured in the page: the visible slide, its
#: heading, newest visible line, vote prompt and reveal (None when hidden), each as
#: [top, bottom] in CSS pixels, and the top edge below which nothing is covered (the site's
#: header, out of full screen).
SHOWN_JS = """() => {
  const slide = [...document.querySelectorAll('.cq-slide')].find(s => !s.hidden);
  const box = (el) => {
    if (!el || !el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') {
      return null;
    }
    const r = el.getBoundingClientRect();
    return [r.top, r.bottom];
  };
  const built = [...slide.querySelectorAll('.cq-build')].filter(b => !b.hidden);
  const header = document.querySelector('.md-header');
  return {
    slide: slide.dataset.slide,
    heading: box(slide.querySelector('h2')),
    built: built.length,
    lines: slide.querySelectorAll('.cq-build').length,
    line: box(built[built.length - 1]),
    vote: box(slide.querySelector('.cq-vote')),
    choices: box(slide.querySelector('.cq-choices')),
    reveal: box(slide.querySelector('.cq-reveal')),
    status: box(document.querySelector('.cq-projector .cq-status')),
    full: document.fullscreenElement !== null,
    top: document.fullscreenElement || !header ? 0 : header.getBoundingClientRect().bottom,
    height: window.innerHeight,
  };
}"""


def in_view(shown: dict[str, Any], what: str) -> bool:
    """Whether ``what`` is on screen: whole, or from its top down if taller than the screen."""
    top, bottom = shown[what]
    if bottom - top > shown["height"] - shown["top"]:
        return bool(shown["top"] - 1 <= top <= shown["top"] + 80)
    return bool(shown["top"] - 1 <= top and bottom <= shown["height"] + 1)


@pytest.mark.parametrize("full", [True, False], ids=["full-screen", "window"])
@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1920x1080", "1280x720"])
def test_a_clicker_keeps_whatever_it_shows_on_screen(
    page: Page, size: tuple[int, int], full: bool
) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"trainer/{FOUR_THINGS}/not-managing-projector/")
    page.locator(".cq-projector .cq-status").wait_for()
    if full:
        page.keyboard.press("f")
        page.wait_for_function("document.fullscreenElement !== null")
    before = page.evaluate(SHOWN_JS)
    checked = {"line": 0, "vote": 0, "reveal": 0, "heading": 0}
    for _ in range(60):
        page.keyboard.press("PageDown")
        shown = page.evaluate(SHOWN_JS)
        assert shown["full"] is full
        if shown["slide"] != before["slide"]:
            what = "heading"
        elif shown["reveal"] and not before["reveal"]:
            what = "reveal"
        elif shown["built"] > before["built"]:
            what = "vote" if shown["built"] == shown["lines"] and shown["vote"] else "line"
            if what == "vote":  # the last line and the vote prompt appear together
                assert in_view(shown, "line"), shown
        else:
            break  # the last slide: nothing more to show
        assert in_view(shown, what), (what, shown)
        checked[what] += 1
        if full:
            assert shown["status"] is not None, "the trainer's cue stays in full screen"
            assert shown["status"][1] <= shown["height"] + 1
        before = shown
    assert before["slide"] == "debrief"
    assert (checked["reveal"], checked["vote"]) == (2, 2), checked
    assert checked["line"] > 10, checked
    # PageUp goes back: the reveal of round 2 is hidden again on the way.
    for _ in range(12):
        page.keyboard.press("PageUp")
    assert page.evaluate(SHOWN_JS)["slide"] != "debrief"


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1920x1080", "1280x720"])
def test_at_a_case_decision_the_room_sees_the_choices_it_votes_on(
    page: Page, size: tuple[int, int]
) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto("trainer/three-levers/kpi-review-meeting-projector/")
    page.locator(".cq-projector .cq-status").wait_for()
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement !== null")
    page.keyboard.press("PageDown")  # the consequences of the first decision
    assert in_view(page.evaluate(SHOWN_JS), "reveal")
    page.keyboard.press("PageDown")  # the next decision, following the best choice
    shown = page.evaluate(SHOWN_JS)
    assert shown["slide"] == "replay"
    assert in_view(shown, "choices"), shown
    assert in_view(shown, "vote"), shown


def test_space_moves_on_and_never_leaves_full_screen(page: Page) -> None:
    page.goto(f"trainer/{FOUR_THINGS}/not-managing-projector/")
    page.get_by_role("button", name="Full screen").click()
    page.wait_for_function("document.fullscreenElement !== null")
    page.keyboard.press("Space")
    page.keyboard.press("Space")
    assert page.evaluate("document.fullscreenElement !== null")
    assert visible_slide(page) == "roles"
    # Even with focus put back on the button, Space moves on.
    page.get_by_role("button", name="Full screen").focus()
    page.keyboard.press("Space")
    assert page.evaluate("document.fullscreenElement !== null")
    expect(page.locator('[data-slide="roles"] .cq-build').locator("visible=true")).to_have_count(2)
    page.keyboard.press("f")  # F leaves full screen
    page.wait_for_function("document.fullscreenElement === null")
    expect(page.get_by_role("button", name="Full screen")).to_have_attribute(
        "aria-pressed", "false"
    )


@pytest.mark.parametrize("key", ["b", "."])
def test_b_or_a_full_stop_blanks_the_screen_and_any_key_brings_it_back(
    page: Page, key: str
) -> None:
    page.goto(f"trainer/{FOUR_THINGS}/not-managing-projector/")
    page.keyboard.press("PageDown")
    slide = page.locator('[data-slide="roles"]')
    expect(slide).to_be_visible()
    page.keyboard.press(key)
    expect(slide).to_be_hidden()
    expect(page.locator(".cq-projector")).to_have_css("background-color", "rgb(0, 0, 0)")
    page.keyboard.press("PageDown")  # brings the slide back without moving on
    expect(slide).to_be_visible()
    expect(slide.locator(".cq-build").locator("visible=true")).to_have_count(0)
    page.keyboard.press(key)
    page.keyboard.press(key)
    expect(slide).to_be_visible()


def test_the_rounds_are_not_always_in_the_same_order(page: Page) -> None:
    truths = []
    for item in ("not-managing", "not-training"):
        page.goto(f"trainer/{FOUR_THINGS}/{item}-projector/")
        heading = page.locator('[data-slide="round-1"] .cq-reveal h3')
        truths.append(str(heading.text_content()))
    assert truths == ["This was coaching", "This was training"]


def test_a_quiz_runs_on_the_projector_one_question_at_a_time(
    page: Page, run_axe: Callable[[Page], list[dict[str, Any]]]
) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"trainer/{FOUR_THINGS}/spot-managing-projector/")
    slides = page.locator(".cq-slide")
    status = page.locator(".cq-projector .cq-status")
    expect(status).to_contain_text("Question 1 of")
    expect(status).to_contain_text("Let the room vote")
    first = page.locator(".cq-slide:visible")
    expect(first.locator(".cq-options li")).not_to_have_count(0)
    expect(first.locator(".cq-vote")).to_be_visible()
    reveal = first.locator(".cq-reveal")
    expect(reveal).to_be_hidden()
    page.keyboard.press("PageDown")  # the reveal, with the explanation
    expect(reveal).to_be_visible()
    assert in_view(page.evaluate(SHOWN_JS), "reveal")
    right = first.locator(".cq-options li.cq-right")
    expect(right.first).to_have_css("font-weight", "700")
    expect(reveal).to_contain_text(str(right.first.text_content()))
    assert run_axe(page) == []
    page.keyboard.press("PageDown")
    expect(status).to_contain_text("Question 2 of")
    expect(slides.locator("visible=true")).to_have_count(1)


def test_a_drill_runs_on_the_projector_one_statement_at_a_time(page: Page) -> None:
    page.goto(f"trainer/{FOUR_THINGS}/lookalike-drill-projector/")
    first = page.locator(".cq-slide:visible")
    expect(first.locator("h2")).to_contain_text(re.compile(r"^Statement 1 of \d+$"))
    answer = str(first.locator(".cq-options li.cq-right").text_content())
    page.keyboard.press("Space")
    expect(first.locator(".cq-reveal h3")).to_contain_text(answer)
    page.keyboard.press("ArrowLeft")
    expect(first.locator(".cq-reveal")).to_be_hidden()


def test_without_the_script_every_slide_is_on_the_page(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    try:
        page = context.new_page()
        page.goto(f"trainer/{FOUR_THINGS}/not-managing-projector/")
        expect(page.locator(".cq-slide")).to_have_count(6)
        expect(page.locator(".cq-slide").last).to_be_visible()
    finally:
        context.close()


# --- printing from the site ------------------------------------------------------------------

MM = 96 / 25.4  # CSS pixels per millimetre
#: The printable area both papers share with the trainer CSS's 12 mm margins.
PRINTABLE_WIDTH = (210 - 24) * MM
PRINTABLE_HEIGHT = (279.4 - 24) * MM


def test_role_play_cards_print_whole_and_private_cards_on_their_own_sheet(page: Page) -> None:
    page.set_viewport_size({"width": round(PRINTABLE_WIDTH), "height": 1000})
    page.goto(f"trainer/{FOUR_THINGS}/not-role-modeling-cards/")
    page.emulate_media(media="print")
    cards = page.locator(".cq-card")
    assert cards.count() >= 5
    for n in range(cards.count()):
        card = cards.nth(n)
        assert card.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
        box = card.bounding_box()
        assert box is not None
        assert box["height"] <= PRINTABLE_HEIGHT, f"card {n + 1} is taller than a page"
        assert card.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"
    private = page.locator(".cq-card-private").first
    assert private.evaluate("e => getComputedStyle(e).breakBefore") == "page"
    expect(page.locator(".cq-trainer-banner")).to_be_hidden()
    expect(page.get_by_role("button", name="Print the cards")).to_be_hidden()
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper)
        assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 3, paper


def test_a_sorting_set_prints_the_mat_on_its_own_sheet_and_cards_whole_with_no_key(
    page: Page,
) -> None:
    page.set_viewport_size({"width": round(PRINTABLE_WIDTH), "height": 1000})
    page.goto(f"trainer/{FOUR_THINGS}/lookalike-drill-sorting/")
    page.emulate_media(media="print")
    expect(page.locator(".cq-trainer-banner")).to_be_hidden()
    assert page.locator(".cq-mat").evaluate("e => getComputedStyle(e).breakAfter") == "page"
    cards = page.locator(".cq-statement-cards > li")
    assert cards.count() == 18
    for n in range(cards.count()):
        card = cards.nth(n)
        assert card.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
        assert card.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"
        text = card.inner_text()
        assert text.startswith(f"CARD {n + 1}") or text.startswith(f"Card {n + 1}")
    assert page.locator(".cq-sorting-key").count() == 0
    assert page.get_by_text("Answer key:").count() == 0
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper)
        assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2, paper


# --- instant navigation ----------------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def instant_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site built for the address it is served from, so Material's instant navigation runs
    (it only follows links its sitemap lists, which carry the site's own address)."""
    folder = tmp_path_factory.mktemp("instant") / "site"
    handler = functools.partial(_Quiet, directory=str(folder))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        subprocess.run(
            [sys.executable, "-m", "builder", "build", "--site-dir", str(folder)],
            cwd=ROOT,
            env={**os.environ, "SITE_URL": url, "NO_MKDOCS_2_WARNING": "1"},
            capture_output=True,
            check=True,
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield url
        finally:
            server.shutdown()
            thread.join()


def test_a_learner_page_reached_from_a_trainer_page_starts_the_learner_script(
    page: Page, instant_site: str
) -> None:
    """Trainer pages load course.js (their scripts are its hooks) without course.css; a learner
    page reached by a link adds the stylesheet and starts the learner's hooks."""
    page.goto(instant_site + "trainer/three-levers/")
    assert page.evaluate("Object.keys(window.cqHooks)") == ["trainer"]
    learner_css = 'link[rel="stylesheet"][href$="assets/course.css"]'
    expect(page.locator(learner_css)).to_have_count(0)
    page.evaluate("window.cqStillThisDocument = true")
    # exact: the guide also links "Projector view: Check your understanding..."
    page.get_by_role(
        "link", name="Check your understanding of the three levers", exact=True
    ).first.click()
    page.wait_for_url("**/three-levers/levers-check/")
    assert page.evaluate("window.cqStillThisDocument === true"), "instant navigation was used"
    question = page.locator("fieldset[data-question]").first
    expect(page.locator(learner_css)).to_have_count(1)  # instant navigation added it
    expect(question.locator(".cq-option").first).to_have_css("min-height", "44px")
    expect(question.get_by_role("button", name="Check")).to_be_visible()
    question.locator("input").first.check()
    question.get_by_role("button", name="Check").click()
    expect(question.get_by_role("status")).not_to_be_empty()
    page.get_by_role("link", name="Sort it: which lever?", exact=True).first.click()
    page.wait_for_url("**/three-levers/levers-drill/")
    assert page.evaluate("window.cqStillThisDocument === true")
    expect(page.locator("fieldset[data-question]").first.locator(".cq-actions")).to_have_count(1)
    expect(page.locator("fieldset[data-question] .cq-actions").first).to_be_visible()


def test_trainer_pages_start_after_instant_navigation(page: Page, instant_site: str) -> None:
    page.goto(instant_site + "trainer/")
    page.evaluate("window.cqStillThisDocument = true")
    page.get_by_role(
        "link", name="Projector: Coaching is not managing: the activity dip"
    ).first.click()
    page.wait_for_url("**/not-managing-projector/")
    assert page.evaluate("window.cqStillThisDocument === true"), "instant navigation was used"
    expect(page.locator(".cq-projector .cq-status")).to_have_text("Slide 1 of 6: The situation. ")
    page.keyboard.press("Space")
    assert visible_slide(page) == "roles"
    page.go_back()
    page.get_by_role("link", name="Group debrief").first.click()
    page.wait_for_url("**/trainer/dashboard/")
    assert page.evaluate("window.cqStillThisDocument === true")
    expect(page.get_by_label("Choose result files")).to_be_enabled()
    page.get_by_label("Or paste codes").fill("CQ1.x")
    page.get_by_role("button", name="Add the codes").click()
    expect(page.locator(".cq-messages li")).to_have_count(1)
