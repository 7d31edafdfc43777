"""The compact progress codec (codec.js) in Chromium, on a page of the built site.

Real progress from playing a quiz, a drill, a case and the final assessment, seeded random
records and the longest records of a full course go through ``cqCodec.encode`` and back;
what comes back equals what went in (without notes) and passes course.js's own ``check()``.
The bytes are those builder/lms/codec.py writes, and no string is longer than its
``worst_case_length``. Hostile strings are refused whole, with a message a learner can read.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import random
import re
import string
import zlib
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from project import ROOT, TESTS

from builder.lms import codec

FIXTURES = TESTS / "fixtures" / "codec"
GOLDEN = TESTS / "golden" / "codec" / "progress.txt"
COURSE_JS = ROOT / "templates" / "static" / "assets" / "course.js"
FINAL = "final-assessment/final-quiz/"
KEY_PREFIX = "cq-progress-v1:"

#: The messages a learner may see when a string is refused (codec.js).
REFUSALS = (
    "This saved progress is damaged or incomplete, so it was not restored.",
    "This is not saved progress of this course, so it was not restored.",
    "This saved progress belongs to another course, so it was not restored.",
    "This saved progress was written by a newer version of the course (format ",
    "This saved progress was written by another version of the course (format ",
)

#: Encode and decode records in the page: [{text, back, checked, body}] or [{error}].
ROUND_TRIP = """async ([records, course]) => {
    const out = [];
    for (const p of records) {
        try {
            const text = await cqCodec.encode(p, course);
            const back = await cqCodec.decode(text, course);
            const checked = cqCourse.check(JSON.parse(JSON.stringify(back)), true);
            out.push({text, back, body: Array.from(cqCodec.body(p, course)),
                      checked: checked.progress || null, problem: checked.problem || null});
        } catch (error) {
            out.push({error: String(error && error.message)});
        }
    }
    return out;
}"""

#: Decode strings in the page: [{progress, sameBuild, dropped}] or [{error, isError}].
DECODE = """async ([texts, course]) => {
    const out = [];
    for (const text of texts) {
        try {
            const read = await cqCodec.read(text, course);
            const checked = cqCourse.check(JSON.parse(JSON.stringify(read.progress)), true);
            out.push({progress: read.progress, sameBuild: read.sameBuild, dropped: read.dropped,
                      checked: !!checked.progress});
        } catch (error) {
            out.push({error: String(error && error.message), isError: error instanceof Error});
        }
    }
    return out;
}"""


@pytest.fixture(scope="module")
def course(built_site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((built_site / "course.json").read_text(encoding="utf-8"))
    return data


def with_codec(page: Page) -> Page:
    """The home page of the built site, with the site's own (minified) codec.js loaded."""
    page.goto("")
    page.add_script_tag(url=page.evaluate("new URL('assets/codec.js', cqCourse.root).href"))
    page.wait_for_function("() => !!window.cqCodec")
    return page


def without_notes(progress: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in progress.items() if k != "notes"}
    out.setdefault("last", None)
    for part in ("visited", "answers", "cases", "endings", "attempts"):
        out.setdefault(part, {})
    return out


def stored(page: Page) -> dict[str, Any]:
    raw = page.evaluate(
        f"""() => localStorage.getItem(Object.keys(localStorage)
                .find(k => k.startsWith("{KEY_PREFIX}")))"""
    )
    data: dict[str, Any] = json.loads(raw)
    return data


def items(course: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for module in course["modules"] for item in module["items"]]


def item_of(course: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(i for i in items(course) if i["kind"] == kind and not i.get("pass_mark"))


def round_trip(page: Page, records: list[dict[str, Any]], course: dict[str, Any]) -> None:
    """Every record comes back as it went (without notes), valid, from the bytes of Python."""
    results = page.evaluate(ROUND_TRIP, [records, course])
    for record, result in zip(records, results, strict=True):
        assert "error" not in result, result
        assert result["back"] == without_notes(record)
        assert result["problem"] is None
        checked = {k: v for k, v in result["checked"].items() if k != "notes"}
        if "seed" not in record:
            del checked["seed"]  # check() draws one: the codec keeps none when there was none
        assert checked == result["back"], "check() keeps all of it"
        assert bytes(result["body"]) == codec.pack(record, course), (
            "codec.js writes codec.py's bytes"
        )
        assert result["text"].startswith("cq1.")
        assert set(result["text"][4:]) <= set(string.ascii_letters + string.digits + "-_")


# --- real progress -------------------------------------------------------------------------


def check_each(page: Page) -> None:
    """Answer every open question of the page with its first option, then Check."""
    boxes = page.locator("fieldset[data-question]:not([hidden])")
    for index in range(boxes.count()):
        box = boxes.nth(index)
        button = box.get_by_role("button", name="Check")
        if not button.is_visible():
            continue
        box.locator("input").first.check()
        button.click()


def play_case(page: Page) -> None:
    """Take the last choice at each decision until an ending."""
    for _ in range(50):
        current = page.locator(".cq-step:not([hidden])").last
        if current.locator(".cq-ending").count():
            return
        current.locator("input").last.check()
        current.get_by_role("button", name="Decide").click()
        current.get_by_role("button", name="Continue the story").click()
    raise AssertionError("the case never reached an ending")


@pytest.mark.browser
def test_progress_made_by_playing_comes_back_exactly(page: Page, course: dict[str, Any]) -> None:
    quiz, drill, case = item_of(course, "quiz"), item_of(course, "drill"), item_of(course, "case")
    for item in (quiz, drill):
        page.goto(item["url"])
        check_each(page)
    page.goto(case["url"])
    play_case(page)
    page.goto(FINAL)
    check_each(page)
    expect(page.locator(".cq-score-text")).to_contain_text("Attempt 1:")
    page.get_by_role("button", name="Start the assessment again").click()
    expect(page.locator(".cq-counter")).to_contain_text("Attempt 2: 0 of")
    progress = stored(page)
    progress.setdefault("notes", {})["a-note"] = "a reflection, never encoded"
    assert progress["answers"]
    assert progress["cases"]
    assert progress["endings"]
    assert progress["attempts"]["final-quiz"]["history"]
    with_codec(page)
    round_trip(page, [progress], course)


@pytest.mark.browser
def test_the_codec_needs_nothing_but_itself(page: Page, built_site: Path) -> None:
    """The LMS launch page loads codec.js without course.js."""
    course = json.loads((built_site / "course.json").read_text(encoding="utf-8"))
    page.set_content("<!doctype html><title>launch</title>")
    page.add_script_tag(content=(built_site / "assets" / "codec.js").read_text(encoding="utf-8"))
    record = fixture_progress()
    back = page.evaluate(
        "async ([p, c]) => cqCodec.decode(await cqCodec.encode(p, c), c)", [record, course]
    )
    assert back == without_notes(record)


# --- every field course.js accepts ----------------------------------------------------------


def accepted_fields() -> dict[str, list[str]]:
    """The fields course.js's ``check()`` accepts, read from its source: the parts of a record
    (``PARTS``) and the keys of an answer, of a quiz's attempts and of one attempt (the
    ``only(x, [...])`` of ``VALID``). A change of their form fails here, not silently."""
    source = COURSE_JS.read_text(encoding="utf-8")
    parts = re.search(r"var PARTS = (\[[^\]]*\]);", source)
    keys = dict(re.findall(r"only\((\w), (\[[^\]]*\])\)", source))
    assert parts is not None
    assert set(keys) == {"a", "t", "h"}, (
        "course.js's VALID checks answers (a), attempts (t), runs (h)"
    )
    return {
        "parts": json.loads(parts.group(1)),
        "answer": json.loads(keys["a"]),
        "attempts": json.loads(keys["t"]),
        "run": json.loads(keys["h"]),
    }


def every_field_answer(options: list[str], approaches: list[str]) -> dict[str, Any]:
    """An answer with every field course.js accepts, ids of the table and ids not in it."""
    samples: dict[str, Any] = {
        "chosen": [*options[:2], "gone-option"],
        "firstChosen": [options[-1], "gone-first"],
        "correct": False,
        "first": False,
        "retry": True,
        "approach": approaches[-1],
    }
    return {key: sample(samples, key, "an answer") for key in accepted_fields()["answer"]}


def sample(samples: dict[str, Any], key: str, where: str) -> Any:
    assert key in samples, (
        f"course.js accepts `{key}` in {where}: the codec must write it (codec.js and codec.py, "
        "docs/codec.md), and this test needs a value for it"
    )
    return samples[key]


@pytest.mark.browser
def test_a_record_with_every_field_course_js_accepts_comes_back_exactly(
    page: Page, course: dict[str, Any]
) -> None:
    """The codec's own record check and its bytes keep up with course.js's ``check()``: a field
    added there (as ``firstChosen`` was) and not to the codec fails here."""
    fields = accepted_fields()
    final = next(i for i in items(course) if i.get("pass_mark"))
    case = item_of(course, "case")
    question = final["questions"][0]
    approaches = course["approaches"]
    run = {
        "n": 2,
        "right": 7,
        "total": 9,
        "percent": 77,
        "passed": True,
        "date": "2026-12-03T10:00:00.000Z",
    }
    attempts = {
        "n": 3,
        "drawn": [question["id"], "gone-item/q1"],
        "seen": {question["id"]: 2},
        "history": [{key: sample(run, key, "an attempt") for key in fields["run"]}],
    }
    step = case["questions"][0]
    parts: dict[str, Any] = {
        "answers": {
            question["id"]: every_field_answer(question["options"], approaches),
            "gone-item/q2": every_field_answer(["x", "y"], approaches),
        },
        "cases": {case["id"]: [[step["id"].split("/")[1], step["options"][0], "", True]]},
        "endings": {case["id"]: case["endings"][:1]},
        "notes": {"certificate-name": "Ada"},
        "visited": {final["id"]: "done", "gone-item": "seen"},
        "attempts": {
            final["id"]: {key: sample(attempts, key, "attempts") for key in fields["attempts"]}
        },
    }
    record = {
        "version": 1,
        "seed": "00112233aabbccdd",
        "last": final["url"],
        **{part: sample(parts, part, "a record") for part in fields["parts"]},
    }
    with_codec(page)
    checked = page.evaluate("p => cqCourse.check(p, true)", record)
    assert checked.get("problem") is None, "every sample is valid for course.js"
    round_trip(page, [record], course)


# --- random records ------------------------------------------------------------------------


def stray(rng: random.Random) -> str:
    """An id no table holds, of any shape course.js accepts."""
    words = ["".join(rng.choices("abcxyz0129", k=rng.randint(1, 9))) for _ in range(3)]
    return rng.choice(
        [words[0], f"{words[0]}-{words[1]}", f"{words[0]}/{words[1]}-{words[2]}", "123", "0"]
    )


def pick(rng: random.Random, known: list[str], chance: float = 0.8) -> str:
    return rng.choice(known) if known and rng.random() < chance else stray(rng)


def random_date(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.7:
        millis = rng.randint(0, 253402300799999)
        seconds, milli = divmod(millis, 1000)
        moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{milli:03d}Z"
    if roll < 0.9:
        return "".join(rng.choices("é€𝄞 aZ9-:\u0000\n", k=rng.randint(0, 20)))[:40]
    return "1960-01-01T00:00:00.000Z"


def random_record(rng: random.Random, course: dict[str, Any]) -> dict[str, Any]:
    """A valid progress record (course.js check()), mixing this build's ids and others."""
    every = items(course)
    item_ids = [i["id"] for i in every]
    questions = {q["id"]: q for i in every for q in i["questions"]}
    record: dict[str, Any] = {"version": 1}
    if rng.random() < 0.9:
        record["seed"] = "".join(rng.choices("0123456789abcdef", k=16))
    roll = rng.random()
    if roll < 0.6:
        record["last"] = rng.choice([i["url"] for i in every])
    elif roll < 0.8:
        record["last"] = rng.choice(["some/page.html", "", "a_b/c.d-e/"])
    elif roll < 0.9:
        record["last"] = None
    record["visited"] = {
        pick(rng, item_ids): rng.choice(["seen", "done"]) for _ in range(rng.randint(0, 40))
    }
    record["answers"] = {}
    for _ in range(rng.randint(0, 60)):
        qid = pick(rng, list(questions))
        table = (
            [*(questions[qid].get("options") or []), *course["approaches"]]
            if qid in questions
            else []
        )
        answer: dict[str, Any] = {
            "chosen": [pick(rng, table, 0.9) for _ in range(rng.choice([1, 1, 1, 2, 4, 50]))],
            "correct": rng.random() < 0.5,
        }
        if rng.random() < 0.6:
            answer["firstChosen"] = [
                pick(rng, table, 0.9) for _ in range(rng.choice([1, 1, 2, 4, 50]))
            ]
        for flag in ("first", "retry"):
            if rng.random() < 0.6:
                answer[flag] = rng.random() < 0.5
        if rng.random() < 0.6:
            answer["approach"] = pick(rng, course["approaches"], 0.9)
        record["answers"][qid] = answer
    record["cases"], record["endings"], record["attempts"] = {}, {}, {}
    cases = [i for i in every if i["kind"] == "case"]
    for _ in range(rng.randint(0, 8)):
        case = rng.choice(cases)
        key = case["id"] if rng.random() < 0.8 else stray(rng)
        steps = [q["id"].split("/", 1)[1] for q in case["questions"]] + case["endings"]
        choices = {q["id"].split("/", 1)[1]: q["options"] for q in case["questions"]}
        path = []
        for _ in range(rng.choice([0, 1, 3, 6, 20])):
            step = pick(rng, steps)
            path.append(
                [
                    step,
                    pick(rng, choices.get(step, [])),
                    rng.choice(["", pick(rng, steps)]),
                    rng.random() < 0.5,
                ]
            )
        record["cases"][key] = path
        record["endings"][key] = [pick(rng, steps) for _ in range(rng.randint(0, 5))]
    for _ in range(rng.randint(0, 4)):
        item = rng.choice(every)
        bank = [q["id"] for q in item["questions"]]
        record["attempts"][pick(rng, [item["id"]])] = {
            "n": rng.randint(1, 10000),
            "drawn": [pick(rng, bank) for _ in range(rng.randint(0, 30))],
            "seen": {pick(rng, bank): rng.randint(1, 10000) for _ in range(rng.randint(0, 30))},
            "history": [
                {
                    "n": rng.randint(1, 10000),
                    "right": rng.randint(0, 1000),
                    "total": rng.randint(1, 1000),
                    "percent": rng.randint(0, 100),
                    "passed": rng.random() < 0.5,
                    "date": random_date(rng),
                }
                for _ in range(rng.choice([0, 1, 5, 25]))
            ],
        }
    record["notes"] = {"x/line-1": "never encoded"}
    return record


@pytest.mark.browser
def test_random_records_come_back_exactly_and_valid(page: Page, course: dict[str, Any]) -> None:
    rng = random.Random(15)
    records = [random_record(rng, course) for _ in range(150)]
    with_codec(page)
    round_trip(page, records, course)


@pytest.mark.browser
def test_ids_without_a_table_entry_and_integer_like_keys_survive(
    page: Page, course: dict[str, Any]
) -> None:
    record = {
        "version": 1,
        "visited": {"9": "seen", "gone": "done"},
        "answers": {"1/2": {"chosen": ["x"], "correct": False, "approach": "not-an-approach"}},
        "endings": {"old-case": []},
        "cases": {"old-case": [["a", "b", "", False]]},
        "attempts": {"7": {"n": 1, "drawn": [], "seen": {}, "history": []}},
    }
    with_codec(page)
    round_trip(page, [record], course)


@pytest.mark.browser
def test_an_item_without_a_page_gets_no_section_of_its_own(page: Page) -> None:
    """An item of course.json without a URL, and a record without a last page: nothing to
    write for it (codec.js wrote an empty section, unlike codec.py)."""
    course = json.loads((FIXTURES / "course.json").read_text(encoding="utf-8"))
    del course["modules"][0]["items"][0]["url"]
    record = {**fixture_progress(), "last": None}
    del record["visited"]["welcome"]
    with_codec(page)
    round_trip(page, [record], course)


# --- the worst case ------------------------------------------------------------------------


def full_record(rng: random.Random, course: dict[str, Any]) -> dict[str, Any]:
    """A fully completed course with random values within the worst case's rules."""
    record = copy.deepcopy(codec.worst_progress(course))
    record["seed"] = "".join(rng.choices("0123456789abcdef", k=16))
    record["last"] = rng.choice([i["url"] for i in items(course)])
    questions = {q["id"]: q for i in items(course) for q in i["questions"]}
    for qid, answer in record["answers"].items():
        options = questions[qid].get("options") or []
        for field in ("chosen", "firstChosen"):
            if options:
                answer[field] = rng.sample(options, rng.randint(1, len(options)))
            else:
                answer[field] = [rng.choice(course["approaches"])]
        if rng.random() < 0.2:
            del answer["firstChosen"]  # an answer given before the course kept it
        answer["correct"] = rng.random() < 0.5
        answer["approach"] = rng.choice(course["approaches"])
    for tries in record["attempts"].values():
        tries["n"] = rng.randint(1, 10000)
        rng.shuffle(tries["drawn"])
        tries["seen"] = {q: rng.randint(1, 10000) for q in tries["drawn"]}
        tries["history"] = [
            {
                "n": rng.randint(1, 10000),
                "right": rng.randint(0, 1000),
                "total": rng.randint(1, 1000),
                "percent": rng.randint(0, 100),
                "passed": rng.random() < 0.5,
                "date": random_date(rng) if rng.random() < 0.5 else codec.LAST_DATE,
            }
            for _ in range(rng.randint(0, codec.HISTORY))
        ]
        for run in tries["history"]:
            if codec._iso_time(run["date"]) is None:
                run["date"] = codec.LAST_DATE
    for case_id, path in record["cases"].items():
        case = next(i for i in items(course) if i["id"] == case_id)
        steps = [q["id"].split("/", 1)[1] for q in case["questions"]] + case["endings"]
        for entry in path:
            entry[1] = rng.choice(
                next(q["options"] for q in case["questions"] if q["id"].endswith("/" + entry[0]))
            )
            entry[2] = rng.choice(["", *steps])
            entry[3] = rng.random() < 0.5
        rng.shuffle(path)
    return record


@pytest.mark.browser
def test_no_full_course_encodes_longer_than_the_worst_case(
    page: Page, course: dict[str, Any]
) -> None:
    bound = codec.worst_case_length(course)
    rng = random.Random(4096)
    worst = codec.worst_progress(course)
    records = [worst, *(full_record(rng, course) for _ in range(120))]
    with_codec(page)
    texts = page.evaluate(
        "async ([records, course]) => Promise.all(records.map(p => cqCodec.encode(p, course)))",
        [records, course],
    )
    lengths = [len(t) for t in texts]
    assert max(lengths) <= bound, (max(lengths), bound)
    # The bound is the worst record uncompressed: the codec never keeps a longer body.
    raw = page.evaluate("([p, c]) => cqCodec.body(p, c).length", [worst, course])
    assert codec.text_length(codec.HEAD + raw) == bound
    assert bound <= 4096, "fits in SCORM 1.2 cmi.suspend_data"


# --- hostile strings -----------------------------------------------------------------------


def to_text(data: bytes) -> str:
    return "cq1." + base64.urlsafe_b64encode(data).decode().rstrip("=")


def head_of(course: dict[str, Any], method: int) -> bytes:
    t = codec.table(course)
    return t.course.to_bytes(2, "big") + t.build.to_bytes(4, "big") + bytes([method])


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def answer_of_q(course: dict[str, Any], first_chosen: list[int]) -> bytes:
    """A body whose one entry is an answer of question "q" (not in the table, so in the rest):
    not correct, the first approach chosen, then the bytes of firstChosen as given."""
    assert course["approaches"]
    # flags, no section, no visited, 1 answer: "q", flags 0, chosen 1: approach 0
    return bytes([0, 0, 0, 1, 1, ord("q"), 0, 1, 0, *first_chosen, 0, 0, 0])


@pytest.mark.browser
def test_what_was_chosen_first_is_read_within_the_limits_of_check(
    page: Page, course: dict[str, Any]
) -> None:
    """Fifty options chosen first are read; 51, or an option that is not an id, are refused."""
    first = course["approaches"][0]
    texts = [
        to_text(head_of(course, 0) + answer_of_q(course, [50, *[0] * 50])),
        to_text(head_of(course, 0) + answer_of_q(course, [0])),
        to_text(head_of(course, 0) + answer_of_q(course, [51, *[0] * 51])),
        to_text(
            head_of(course, 0) + answer_of_q(course, [1, len(course["approaches"]) + 2, 65, 66])
        ),
        to_text(
            head_of(course, 0) + answer_of_q(course, [1, len(course["approaches"]) + 2, 97, 98])
        ),
    ]
    with_codec(page)
    fifty, absent, too_many, not_an_id, in_full = page.evaluate(DECODE, [texts, course])
    assert fifty["progress"]["answers"] == {
        "q": {"chosen": [first], "firstChosen": [first] * 50, "correct": False}
    }
    assert fifty["checked"]
    assert absent["progress"]["answers"] == {"q": {"chosen": [first], "correct": False}}
    assert too_many["error"] == REFUSALS[0]
    assert not_an_id["error"] == REFUSALS[0]
    assert in_full["progress"]["answers"]["q"]["firstChosen"] == ["ab"]


@pytest.mark.browser
def test_hostile_strings_are_refused_whole_with_a_readable_message(
    page: Page, course: dict[str, Any]
) -> None:
    with_codec(page)
    good = page.evaluate("([p, c]) => cqCodec.encode(p, c)", [fixture_like(course), course])
    body = codec.pack(fixture_like(course), course)
    rng = random.Random(7)
    hostile = [
        "",
        "   ",
        "hello",
        "cq1.",
        "cq1.!!!!",
        "cq1.A",
        "cq2." + good[4:],
        "cq0." + good[4:],
        "CQ1." + good[4:],
        good + "A",
        good[:-1],
        good + "AAAA",
        "x" * 3_000_000,
        to_text(head_of(course, 2) + body),  # an unknown way of keeping the body
        to_text(head_of(course, 0) + body + b"\x00"),  # bytes after the end
        to_text(head_of(course, 0) + body[:-1]),  # cut short
        to_text(head_of(course, 1) + deflate(body)[:-3]),  # deflate stream cut short
        to_text(head_of(course, 1) + deflate(bytes(8_000_000))),  # a decompression bomb
        to_text(head_of(course, 0) + bytes([0, 1]) + bytes(3) + bytes([0xFF] * 9)),  # huge length
        to_text(head_of(course, 0) + bytes([0, 0, 1, 0, 0x80 + 2]) + b"A" * 2),  # id not an id
        to_text(head_of(course, 0) + bytes([4])),  # flags no writer sets
        to_text(head_of(course, 0) + bytes([0, 0, 0, 0, 0, 0, 1, 2, 97, 98, 3])),
    ]
    hostile += [good[:cut] for cut in range(len(good) - 1, 4, -max(1, len(good) // 40))]
    hostile += [
        to_text(bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 60)))) for _ in range(40)
    ]
    hostile += [
        to_text(head_of(course, 0) + bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 80))))
        for _ in range(80)
    ]
    results = page.evaluate(DECODE, [hostile, course])
    for text, result in zip(hostile, results, strict=True):
        assert result.get("isError"), (text[:60], result)
        assert result["error"].startswith(REFUSALS), (text[:60], result["error"])


@pytest.mark.browser
def test_a_changed_string_is_refused_or_gives_a_valid_record(
    page: Page, course: dict[str, Any]
) -> None:
    """Every one-character change of a real string: refused whole, or a record check() accepts."""
    with_codec(page)
    good = page.evaluate("([p, c]) => cqCodec.encode(p, c)", [fixture_like(course), course])
    alphabet = string.ascii_letters + string.digits + "-_"
    rng = random.Random(3)
    changed = []
    for at in range(4, len(good)):
        other = rng.choice(alphabet.replace(good[at], ""))
        changed.append(good[:at] + other + good[at + 1 :])
    results = page.evaluate(DECODE, [changed, course])
    for result in results:
        if "error" in result:
            assert result["error"].startswith(REFUSALS)
        else:
            assert result["checked"]


@pytest.mark.browser
def test_a_string_of_another_course_or_format_says_so(page: Page, course: dict[str, Any]) -> None:
    with_codec(page)
    good = page.evaluate("([p, c]) => cqCodec.encode(p, c)", [fixture_like(course), course])
    other = {**course, "id": "another-course"}
    results = page.evaluate(DECODE, [[good], other]) + page.evaluate(
        DECODE, [["cq2." + good[4:], "nonsense"], course]
    )
    assert results[0]["error"] == REFUSALS[2]
    assert results[1]["error"].startswith(REFUSALS[3])
    assert results[2]["error"] == REFUSALS[1]


# --- a course updated while learners are enrolled -------------------------------------------


@pytest.mark.browser
def test_after_a_course_update_the_unchanged_items_keep_their_progress(
    page: Page, course: dict[str, Any]
) -> None:
    record = fixture_like(course)
    updated = copy.deepcopy(course)
    modules = updated["modules"]
    changed = next(i for i in items(updated) if i["kind"] == "quiz" and not i.get("pass_mark"))
    changed["questions"][0]["options"].append("new-option")
    removed = next(i for i in items(updated) if i["kind"] == "drill")
    for module in modules:
        module["items"] = [i for i in module["items"] if i is not removed]
    modules.reverse()
    modules.insert(
        0, {"id": "new-module", "items": [{"id": "new-item", "kind": "page", "questions": []}]}
    )
    with_codec(page)
    text = page.evaluate("([p, c]) => cqCodec.encode(p, c)", [record, course])
    [same] = page.evaluate(DECODE, [[text], course])
    [after] = page.evaluate(DECODE, [[text], updated])
    assert same["sameBuild"]
    assert same["dropped"] == 0
    assert not after["sameBuild"]
    assert after["dropped"] == 2
    assert after["checked"]
    gone = {changed["id"], removed["id"]}
    progress = after["progress"]
    assert set(progress["visited"]) == set(record["visited"]) - gone
    lost = {q["id"] for q in changed["questions"] + removed["questions"]}
    assert set(progress["answers"]) == set(record["answers"]) - lost
    assert progress["attempts"] == record["attempts"]
    assert progress["cases"] == record["cases"]
    assert progress["endings"] == record["endings"]
    assert progress["seed"] == record["seed"]
    assert progress["last"] == record["last"]


def fixture_like(course: dict[str, Any]) -> dict[str, Any]:
    """Progress in every part of ``course``: a quiz, a drill, a case, the final assessment."""
    quiz = item_of(course, "quiz")
    drill = item_of(course, "drill")
    case = item_of(course, "case")
    final = next(i for i in items(course) if i.get("pass_mark"))
    step = case["questions"][0]
    return {
        "version": 1,
        "seed": "00112233aabbccdd",
        "last": final["url"],
        "visited": {i["id"]: "done" for i in (quiz, drill, case, final)},
        "answers": {
            quiz["questions"][0]["id"]: {
                "chosen": quiz["questions"][0]["options"][:1],
                "firstChosen": quiz["questions"][0]["options"][-1:],
                "correct": True,
                "first": False,
            },
            drill["questions"][0]["id"]: {
                "chosen": ["coaching"],
                "correct": False,
                "first": False,
                "approach": "coaching",
            },
            final["questions"][0]["id"]: {
                "chosen": final["questions"][0]["options"][-1:],
                "correct": True,
            },
        },
        "cases": {
            case["id"]: [[step["id"].split("/")[1], step["options"][0], case["endings"][0], True]]
        },
        "endings": {case["id"]: case["endings"][:1]},
        "attempts": {
            final["id"]: {
                "n": 3,
                "drawn": [q["id"] for q in final["questions"][:5]],
                "seen": {final["questions"][0]["id"]: 2},
                "history": [
                    {
                        "n": 1,
                        "right": 3,
                        "total": 5,
                        "percent": 60,
                        "passed": False,
                        "date": "2026-12-03T10:00:00.000Z",
                    }
                ],
            }
        },
        "notes": {"certificate-name": "Ada"},
    }


# --- the golden string ---------------------------------------------------------------------


def fixture_progress() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "progress.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.browser
def test_the_golden_string_still_decodes_to_its_record(page: Page, update_golden: bool) -> None:
    """A change of format is a conscious one: a new version, and this golden string rewritten
    (pytest --update-golden). The bytes inside are compared in tests/test_codec.py."""
    course = json.loads((FIXTURES / "course.json").read_text(encoding="utf-8"))
    record = fixture_progress()
    with_codec(page)
    text = page.evaluate("([p, c]) => cqCodec.encode(p, c)", [record, course])
    if update_golden:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text + "\n", encoding="utf-8", newline="\n")
    golden = GOLDEN.read_text(encoding="utf-8").strip()
    [result] = page.evaluate(DECODE, [[golden], course])
    assert result.get("progress") == without_notes(record)
    assert page.evaluate("v => cqCodec.version", 0) == codec.FORMAT == 1


# --- attempts are bounded ------------------------------------------------------------------


@pytest.mark.browser
def test_the_assessment_keeps_the_last_attempts_and_the_best_pass(
    page: Page, course: dict[str, Any]
) -> None:
    """The history of attempts is bounded (HISTORY), so the worst case is."""
    page.goto(FINAL)
    expect(page.locator(".cq-counter")).to_contain_text("Attempt 1: 0 of")
    progress = stored(page)
    tries = progress["attempts"]["final-quiz"]
    best = {
        "n": 1,
        "right": 9,
        "total": 10,
        "percent": 90,
        "passed": True,
        "date": "2026-01-01T00:00:00.000Z",
    }
    others = [
        {
            "n": n,
            "right": 1,
            "total": 10,
            "percent": 10,
            "passed": False,
            "date": "2026-01-02T00:00:00.000Z",
        }
        for n in range(2, codec.HISTORY + 2)
    ]
    tries["history"] = [best, *others]  # HISTORY + 1 attempts: more than are kept
    tries["n"] = codec.HISTORY + 2
    page.evaluate(
        """p => localStorage.setItem(Object.keys(localStorage)
                .find(k => k.startsWith("cq-progress-v1:")), JSON.stringify(p))""",
        progress,
    )
    page.reload()
    check_each(page)
    expect(page.locator(".cq-score-text")).to_contain_text(f"Attempt {codec.HISTORY + 2}:")
    history = stored(page)["attempts"]["final-quiz"]["history"]
    assert len(history) == codec.HISTORY
    assert history[0] == best, "the best pass is kept, for the certificate"
    assert [h["n"] for h in history[1:]] == list(range(4, codec.HISTORY + 3)), "then the latest"
    expect(page.locator(".cq-certificate")).to_be_visible()
