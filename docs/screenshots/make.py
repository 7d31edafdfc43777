"""Regenerate the learner and dashboard screenshots in this folder from a freshly built site.

    make site && .venv/bin/python docs/screenshots/make.py [dashboard]

With ``dashboard``, only the group debrief's screenshots.

Serves site/ on a free loopback port, drives Debian's Chromium (offline flags as in the tests)
through a learner's key moments and the group debrief of eight learners' results (made here,
the same each time), and writes PNG files beside this script.
"""

from __future__ import annotations

import functools
import json
import random
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from builder.handouts import CHROMIUM_ARGS as FLAGS
from builder.results import code, record

HERE = Path(__file__).resolve().parent
SITE = HERE.parents[1] / "site"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def item(item_id: str) -> dict[str, Any]:
    """An item of site/course.json: its page's URL (as the build made it) and questions."""
    course = json.loads((SITE / "course.json").read_text(encoding="utf-8"))
    for module in course["modules"]:
        for found in module["items"]:
            if found["id"] == item_id:
                return dict(found)
    raise SystemExit(f"no item {item_id!r} in site/course.json")


def answer(page: Page, question: dict[str, Any], right: bool) -> None:
    box = page.locator(f'fieldset[data-question="{question["id"]}"]')
    wrong = [o for o in question["options"] if o not in question["correct"]][:1]
    for option in question["correct"] if right else wrong:
        box.locator(f'input[value="{option}"]').check()
    box.locator(".cq-check").click()


def group(course: dict[str, Any], learners: int) -> list[dict[str, Any]]:
    """Results of module 3 for a group: some wrong at first and put right, labels on most."""
    rng = random.Random(13)
    module = next(m for m in course["modules"] if m["id"] == "four-things-coaching-is-not")
    out = []
    for n in range(learners):
        answers: dict[str, Any] = {}
        for found in module["items"]:
            for q in found["questions"]:
                if q["type"] == "multiple":
                    first = q["correct"][:-1] if rng.random() < 0.7 else q["correct"]
                    final = first if rng.random() < 0.6 else q["correct"]
                elif q["type"] in ("single", "classify"):
                    offered = course["approaches"] if q["type"] == "classify" else q["options"]
                    right = q["approach"] if q["type"] == "classify" else q["correct"][0]
                    first = [right if rng.random() < 0.65 else rng.choice(offered)]
                    final = [right] if rng.random() < 0.7 else first
                else:
                    continue
                answers[q["id"]] = {
                    "chosen": final,
                    "firstChosen": first,
                    "correct": sorted(final) == sorted(q.get("correct") or [q.get("approach")]),
                    "first": sorted(first) == sorted(q.get("correct") or [q.get("approach")]),
                }
        out.append(record(course["id"], answers, "" if n % 4 == 3 else f"Learner {n + 1}"))
    return out


def dashboard(page: Page, base: str) -> None:
    course = json.loads((SITE / "course.json").read_text(encoding="utf-8"))
    page.goto(base + "trainer/dashboard/")
    page.wait_for_selector(".cq-code:enabled")
    page.locator(".cq-code").fill("\n".join(code(r) for r in group(course, 8)))
    page.locator(".cq-add-codes").click()
    page.wait_for_selector(".cq-missed > li")
    top = "() => { document.querySelector('.cq-results h2').scrollIntoView(); scrollBy(0, -72); }"
    page.evaluate(top)
    page.screenshot(path=HERE / "dashboard.png")
    page.locator(".cq-missed > li").first.screenshot(path=HERE / "dashboard-question.png")


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        if sys.argv[1:] == ["dashboard"]:
            dashboard(page, base)
            browser.close()
            server.shutdown()
            return

        case = item("kpi-review-meeting")
        page.goto(base + case["url"])
        first = case["questions"][0]
        step = page.locator(".cq-step:not([hidden])").last
        step.locator(f'input[value="{first["correct"][0]}"]').check()
        step.locator(".cq-check").click()
        step.locator(".cq-status").scroll_into_view_if_needed()
        page.screenshot(path=HERE / "case.png")

        quiz = item("levers-check")
        page.goto(base + quiz["url"])
        answer(page, quiz["questions"][0], right=True)
        answer(page, quiz["questions"][1], right=False)
        page.locator(".cq-question").nth(1).scroll_into_view_if_needed()
        page.screenshot(path=HERE / "quiz-feedback.png")

        final = item("final-quiz")
        page.goto(base + final["url"])
        for index, question in enumerate(final["questions"]):
            answer(page, question, right=index % 7 != 0)
        page.locator(".cq-certificate input").fill("Ada Moreno")
        page.locator(".cq-score").scroll_into_view_if_needed()
        page.screenshot(path=HERE / "assessment-result.png")

        page.get_by_role("link", name="Your progress").first.click()  # its URL is the site's
        page.wait_for_selector(".cq-progress tbody tr")
        page.screenshot(path=HERE / "progress.png")

        dashboard(page, base)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
