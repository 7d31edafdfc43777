"""How well the built site's assessment resists guessing: `make bench-assessment`.

Builds the course (or takes ``--site``), serves it on 127.0.0.1 and drives Debian's Chromium
with the offline flags the tests use. It reports:

- where the right answer sits after the shuffle, over every single-answer question of the
  course, for 1,000 simulated learners (the site's own shuffle with each learner's seed and
  the question's id; a sample of real page loads checks that the page shows that order);
- for each answering strategy that never reads a question, on every graded quiz, the mean
  score, the best score and how many of the learners passed;
- the page count of the printed certificate (A4 and Letter);
- the learner runtime's gzipped weight per kind of page.

Prints Markdown; ``--json FILE`` also writes the figures. The strategies are shared with
tests/browser/test_assessment.py, which asserts on them in CI.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LEARNERS = 1000

#: Ways to answer without reading the question: a JS expression over `opts`, the option
#: labels of one question in the order shown (helpers: `len`, `shared`).
STRATEGIES = {
    "first": "opts[0]",
    "second": "opts[1]",
    "last": "opts[opts.length - 1]",
    "longest": "opts.slice().sort((a, b) => len(b) - len(a))[0]",
    "shortest": "opts.slice().sort((a, b) => len(a) - len(b))[0]",
    "random": "opts[Math.floor(Math.random() * opts.length)]",
    "says-coaching": "opts.find(o => /coach/i.test(o.textContent)) || opts[0]",
    "most-words-shared-with-other-options": (
        "opts.slice().sort((a, b) => shared(b, opts) - shared(a, opts))[0]"
    ),
}


def play_blind(page: Any, pick: str) -> dict[str, Any]:
    """Answer every drawn question of the page's graded quiz by ``pick``; the stored result."""
    result: dict[str, Any] = page.evaluate(
        f"""() => {{
            const len = o => o.textContent.trim().length;
            const words = o => new Set(o.textContent.toLowerCase().match(/[a-z]+/g) || []);
            const shared = (o, all) => all.filter(x => x !== o)
                .reduce((n, x) => n + [...words(o)].filter(w => words(x).has(w)).length, 0);
            const quiz = document.querySelector(".cq-quiz[data-graded]");
            for (const q of quiz.querySelectorAll("fieldset[data-question]:not([hidden])")) {{
                const opts = [...q.querySelectorAll(".cq-option")];
                ({pick}).querySelector("input").click();
                q.querySelector(".cq-check").click();
            }}
            const key = Object.keys(localStorage).find(k => k.startsWith("cq-progress-v1:"));
            const attempt = JSON.parse(localStorage.getItem(key)).attempts[quiz.dataset.item];
            return attempt.history[attempt.history.length - 1];
        }}"""
    )
    return result


def seeds(count: int) -> list[str]:
    """Fixed learner seeds (16 hex digits), the same in every run."""
    return [f"{(i * 2654435761) % 2**64:016x}" for i in range(1, count + 1)]


def serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def build(site: Path, url: str) -> None:
    command = [sys.executable, "-m", "builder", "build", "--site-dir", str(site)]
    env = {**os.environ, "SITE_URL": url, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)


def positions(page: Any, course: dict[str, Any], learners: int) -> dict[str, list[int]]:
    """Histograms of the right answer's position, by number of options."""
    questions = [
        q
        for m in course["modules"]
        for i in m["items"]
        for q in i["questions"]
        if q.get("options") and len(q["correct"]) == 1 and q["type"] != "multiple"
    ]
    found: dict[str, list[int]] = page.evaluate(
        """([questions, seeds]) => {
            const out = {};
            for (const q of questions) {
                const n = q.options.length;
                const h = out[n] = out[n] || Array(n).fill(0);
                for (const s of seeds) {
                    h[cqCourse.shuffled(q.options, q.id, s).indexOf(q.correct[0])]++;
                }
            }
            return out;
        }""",
        [questions, seeds(learners)],
    )
    return found


def pages_agree(page: Any, course: dict[str, Any], sample: int) -> dict[str, int]:
    """Load every page with questions as ``sample`` learners: how many shuffled questions
    were shown, and how many of them not in the order the shuffle function gives."""
    written = {
        q["id"]: q["options"]
        for m in course["modules"]
        for i in m["items"]
        for q in i["questions"]
        if q.get("options")
    }
    urls = [i["url"] for m in course["modules"] for i in m["items"] if i["questions"]]
    shown = differ = 0
    for seed in seeds(sample):
        for url in urls:
            page.goto(url)
            page.evaluate(
                """(seed) => localStorage.setItem("cq-progress-v1:" + cqCourse.root.pathname,
                    JSON.stringify({version: 1, seed: seed}))""",
                seed,
            )
            page.reload()
            found = page.evaluate(
                """([seed, written]) => [...document.querySelectorAll(
                    "fieldset[data-question]:not([data-fixed]):not([hidden])")]
                    .filter(f => written[f.dataset.question]).map(f => {
                        const shown = [...f.querySelectorAll(".cq-option input")].map(i => i.value);
                        const expected = cqCourse.shuffled(written[f.dataset.question],
                            f.dataset.question, seed);
                        return shown.join(" ") === expected.join(" ");
                    })""",
                [seed, written],
            )
            shown += len(found)
            differ += found.count(False)
    return {"learners": sample, "questions_shown": shown, "not_as_the_function_says": differ}


def strategies(page: Any, course: dict[str, Any], learners: int) -> list[dict[str, Any]]:
    rows = []
    graded = [i for m in course["modules"] for i in m["items"] if i.get("pass_mark")]
    for item in graded:
        page.goto(item["url"])
        for name, pick in STRATEGIES.items():
            percents, passed = [], 0
            for _ in range(learners):
                page.evaluate("localStorage.clear()")
                page.reload()
                page.wait_for_selector(".cq-counter:not([hidden])")
                result = play_blind(page, pick)
                percents.append(result["percent"])
                passed += bool(result["passed"])
            rows.append(
                {
                    "quiz": item["id"],
                    "strategy": name,
                    "learners": learners,
                    "mean": round(sum(percents) / len(percents), 1),
                    "best": max(percents),
                    "passed": passed,
                }
            )
    return rows


def certificate_pages(page: Any, course: dict[str, Any]) -> dict[str, int]:
    from builder.handouts import page_count

    item = next(i for m in course["modules"] for i in m["items"] if i.get("pass_mark"))
    questions = {q["id"]: q for q in item["questions"]}
    page.goto(item["url"])
    page.evaluate("localStorage.clear()")
    page.reload()
    for box in page.locator(".cq-quiz[data-graded] fieldset[data-question]:visible").all():
        for option in questions[box.get_attribute("data-question") or ""]["correct"]:
            box.locator(f'input[value="{option}"]').check()
        box.locator(".cq-check").click()
    page.locator(".cq-certificate input").fill("Ada Moreno")
    page.evaluate("() => { window.print = () => {}; }")
    out = {}
    for paper in ("A4", "Letter"):
        page.locator(".cq-print").click()
        out[paper] = page_count(page.pdf(format=paper, print_background=True))
    return out


def runtime_weight(site: Path) -> list[dict[str, Any]]:
    sys.path.insert(0, str(REPO / "bench"))
    import measure

    groups: list[dict[str, Any]] = measure.assets_by_page(site, measure.asset_weight(REPO, site))
    return groups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--learners", type=int, default=100, help="per strategy (default 100)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from builder.handouts import CHROMIUM_ARGS

    with tempfile.TemporaryDirectory() as scratch:
        site = args.site or Path(scratch) / "site"
        site.mkdir(exist_ok=True)
        server, url = serve(site)
        if args.site is None:
            print("building the site...", file=sys.stderr)
            build(site, url)
        course = json.loads((site / "course.json").read_text(encoding="utf-8"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page(base_url=url)
            page.goto(next(i["url"] for m in course["modules"] for i in m["items"]))
            print(f"positions for {LEARNERS} learners...", file=sys.stderr)
            figures: dict[str, Any] = {"positions": positions(page, course, LEARNERS)}
            figures["pages_agree"] = pages_agree(page, course, 5)
            print(f"strategies, {args.learners} learners each...", file=sys.stderr)
            figures["strategies"] = strategies(page, course, args.learners)
            figures["certificate_pages"] = certificate_pages(page, course)
            browser.close()
        figures["runtime"] = runtime_weight(site)
        server.shutdown()
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


def report(figures: dict[str, Any]) -> str:
    lines = ["**Position of the right answer after the shuffle** (1,000 learners)", ""]
    lines += ["| options | " + " | ".join(f"pos {p + 1}" for p in range(6)) + " |"]
    lines += ["| --- |" + " --- |" * 6]
    for size, counts in sorted(figures["positions"].items(), key=lambda kv: int(kv[0])):
        total = sum(counts)
        cells = [f"{c} ({100 * c / total:.1f}%)" for c in counts] + [""] * (6 - len(counts))
        lines.append(f"| {size} | " + " | ".join(cells) + " |")
    agree = figures["pages_agree"]
    lines += [
        "",
        f"Checked on real page loads: {agree['learners']} learners, "
        f"{agree['questions_shown']} shuffled questions shown, "
        f"{agree['not_as_the_function_says']} not in the function's order.",
    ]
    lines += ["", "**Answering without reading**", ""]
    lines += ["| quiz | strategy | learners | mean % | best % | passed |", "| --- |" + " --- |" * 5]
    for row in figures["strategies"]:
        lines.append(
            f"| {row['quiz']} | {row['strategy']} | {row['learners']} | {row['mean']} | "
            f"{row['best']} | {row['passed']} |"
        )
    pages = figures["certificate_pages"]
    lines += [
        "",
        f"**Certificate printed to PDF**: A4 {pages['A4']} page(s), Letter "
        f"{pages['Letter']} page(s)",
        "",
        "**Learner runtime per page** (gzipped)",
        "",
    ]
    for group in figures["runtime"]:
        files = ", ".join(Path(f).name for f in group["files"])
        lines.append(f"- {group['gzip'] / 1024:.2f} KB: {files} ({group['pages']} pages)")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
