"""A learner's links in Chromium, on a site built with each form of MkDocs' page URLs.

``use_directory_urls: true`` serves a page as ``page/``; ``false`` as ``page.html``, the form
a site opened from the disk or an LMS package needs. The runtime follows ``course.json``, the
templates make links of their own, and MkDocs makes the navigation: in both forms a learner
completes a quiz, sees it on the progress page, goes back where they left off, walks the
footer's next and previous links, and follows the assessment's links; every URL the browser
is sent to is the one ``course.json`` (or MkDocs) gives, and no request fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, Response, expect

if TYPE_CHECKING:
    from tests.conftest import ServedSite

pytestmark = pytest.mark.browser


@pytest.fixture
def site(site_of_either_url_form: ServedSite) -> ServedSite:
    return site_of_either_url_form


@pytest.fixture
def course(site: ServedSite) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site.site / "course.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def learner(page: Page) -> Iterator[Page]:
    """The page, failing the test if any request of it (a page, script or data) fails."""
    failed: list[str] = []

    def check(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", check)
    yield page
    assert failed == [], "requests that failed"


def items(course: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for module in course["modules"] for item in module["items"]]


def at(site: ServedSite, url: str) -> re.Pattern[str]:
    """The address of the page at ``url`` (relative to the site root), exactly."""
    return re.compile("^" + re.escape(site.url + url) + "$")


def answer(page: Page, question: dict[str, Any], *, right: bool) -> None:
    box = page.locator(f'fieldset[data-question="{question["id"]}"]')
    wrong = [next(o for o in question["options"] if o not in question["correct"])]
    for option in question["correct"] if right else wrong:
        box.locator(f'input[value="{option}"]').check()
    box.get_by_role("button", name="Check").click()


def test_the_pages_are_in_the_form_the_build_was_asked_for(site: ServedSite) -> None:
    assert (site.site / "progress.html").is_file() != site.directory_urls
    assert (site.site / "progress" / "index.html").is_file() == site.directory_urls


def test_a_completed_quiz_shows_on_the_progress_page_which_leads_back_to_it(
    learner: Page, site: ServedSite, course: dict[str, Any]
) -> None:
    page = learner
    quiz = next(i for i in items(course) if i["kind"] == "quiz" and not i.get("pass_mark"))
    module = next(m for m in course["modules"] if quiz in m["items"])
    page.goto(site.url + quiz["url"])
    for question in quiz["questions"]:
        answer(page, question, right=True)
    total = len(quiz["questions"])

    page.get_by_role("link", name="Your progress").first.click()
    expect(page).to_have_url(at(site, "progress/" if site.directory_urls else "progress.html"))
    expect(page.locator(".cq-total")).to_contain_text(f"{total} of {total} answered right")
    row = page.locator(".cq-progress tbody tr").nth(course["modules"].index(module))
    expect(row.locator(".cq-done")).not_to_have_text("0%")
    page.get_by_role("link", name="Continue where you left off").click()
    expect(page).to_have_url(at(site, quiz["url"]))
    expect(page.locator(f'fieldset[data-question="{quiz["questions"][0]["id"]}"]')).to_contain_text(
        "Right."
    )

    page.go_back()
    row.get_by_role("link", name=module["title"]).click()
    expect(page).to_have_url(at(site, module["url"]))
    expect(page.locator(".md-content h1")).to_contain_text(module["title"])


def test_next_and_previous_walk_from_home_into_the_first_module_and_back(
    learner: Page, site: ServedSite, course: dict[str, Any]
) -> None:
    page = learner
    first = course["modules"][0]
    walk = [course["url"], first["url"], first["items"][0]["url"], first["items"][1]["url"]]
    page.goto(site.url + walk[0])
    for url in walk[1:]:
        page.locator(".md-footer__link--next").click()
        expect(page).to_have_url(at(site, url))
    for url in reversed(walk[:-1]):
        page.locator(".md-footer__link--prev").click()
        expect(page).to_have_url(at(site, url))


def test_the_assessment_links_to_modules_to_revisit_and_its_certificate_counts_modules(
    learner: Page, site: ServedSite, course: dict[str, Any]
) -> None:
    page = learner
    final = next(i for i in items(course) if i.get("pass_mark"))
    questions = {q["id"]: q for q in final["questions"]}
    page.goto(site.url + final["url"])
    drawn = page.eval_on_selector_all(
        ".cq-quiz[data-graded] fieldset[data-question]:not([hidden])",
        "els => els.map(e => e.getAttribute('data-question'))",
    )
    for index, qid in enumerate(drawn):
        answer(page, questions[qid], right=index >= len(drawn) // 2)
    revisit = page.locator(".cq-score .cq-confusions").get_by_role("link").first
    expect(revisit).to_have_text(re.compile("^Revisit "))
    title = (revisit.text_content() or "").removeprefix("Revisit ")
    module = next(m for m in course["modules"] if m["title"] == title)
    revisit.click()
    expect(page).to_have_url(at(site, module["url"]))

    page.goto(site.url + final["url"])
    page.get_by_role("button", name="Start the assessment again").click()
    drawn = page.eval_on_selector_all(
        ".cq-quiz[data-graded] fieldset[data-question]:not([hidden])",
        "els => els.map(e => e.getAttribute('data-question'))",
    )
    for qid in drawn:
        answer(page, questions[qid], right=True)
    done = page.locator(".cq-certificate .cq-certificate-modules")  # from course.json
    expect(done).to_have_text(re.compile(rf"^Modules completed: \d+ of {len(course['modules'])}"))
