"""How long the progress codec's strings are for a built site: `python bench/codec.py --site SITE`.

Prints, for the site's course.json, ``worst_case_length`` (the bound the SCORM 1.2 package
checks) and, as JSON (what localStorage keeps) and encoded by the site's own codec.js in
Debian's Chromium, two records: the worst one, and a learner who did everything once (the
right options, one path per case, every ending, the graded quizzes passed at the first
attempt). See docs/codec.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def once(course: dict[str, Any], worst: dict[str, Any]) -> dict[str, Any]:
    """The worst record made ordinary: what a learner who did everything once has."""
    record = copy.deepcopy(worst)
    record["seed"] = "3f9a0c1be2d47a65"
    questions = {q["id"]: q for m in course["modules"] for i in m["items"] for q in i["questions"]}
    for qid, answer in record["answers"].items():
        question = questions[qid]
        answer["chosen"] = (
            question["correct"] if question.get("options") else [question["approach"]]
        )
        answer.update(correct=True, first=True, approach=question.get("approach") or "coaching")
        answer["firstChosen"] = list(answer["chosen"])  # right at the first attempt
        answer.pop("retry")
    for tries in record["attempts"].values():
        drawn = tries["drawn"][:24]
        tries.update(n=1, drawn=drawn, seen={})
        tries["history"] = [
            {
                "n": 1,
                "right": 21,
                "total": len(drawn),
                "percent": 88,
                "passed": True,
                "date": "2026-12-03T16:58:12.345Z",
            }
        ]
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from builder.handouts import CHROMIUM_ARGS
    from builder.lms import codec

    course = json.loads((args.site / "course.json").read_text(encoding="utf-8"))
    worst = codec.worst_progress(course)
    records = {"the worst record": worst, "a learner who did everything once": once(course, worst)}
    lines = [
        f"worst_case_length: {codec.worst_case_length(course):,} characters",
        "",
        "| record | as JSON | encoded | body before compression |",
        "| --- | --- | --- | --- |",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.set_content("<!doctype html><title>codec</title>")
        page.add_script_tag(path=str(args.site / "assets" / "codec.js"))
        for name, record in records.items():
            text = page.evaluate("([p, c]) => cqCodec.encode(p, c)", [record, course])
            as_json = len(json.dumps(record, separators=(",", ":")))
            body = len(codec.pack(record, course))
            lines.append(f"| {name} | {as_json:,} | {len(text):,} | {body:,} bytes |")
        browser.close()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
